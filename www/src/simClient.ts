/** Runs simulations in a Web Worker, one at a time, with progress and cancel. */
import type { SimOutcome, SimRequest, SimResponse } from './simProtocol';
import type { Progress } from './types';
import type { ErrorInfo } from './wasm';

export class SimError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'SimError';
  }
}

type Pending = {
  id: number;
  resolve: (r: SimOutcome) => void;
  reject: (e: SimError) => void;
  onProgress: (p: Progress) => void;
};

type Request = SimRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class SimRunner {
  private worker: Worker;
  private seq = 0;
  private pending: Pending | null = null;

  constructor() {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (ev: MessageEvent<SimResponse>) => this.receive(ev.data);
    w.onerror = (ev) => {
      ev.preventDefault();
      const p = this.pending;
      this.pending = null;
      p?.reject(new SimError({ code: 'worker', message: ev.message || 'the simulation worker failed' }));
    };
    return w;
  }

  private receive(msg: SimResponse): void {
    if (msg.type === 'ready') return;
    const p = this.pending;
    if (!p || msg.id !== p.id) return;
    if (msg.type === 'progress') {
      p.onProgress(msg.progress);
      return;
    }
    this.pending = null;
    if (msg.type === 'error') p.reject(new SimError(msg.error));
    else if (msg.kind === 'simulate') p.resolve({ kind: 'simulate', result: msg.result, ms: msg.ms });
    else p.resolve({ kind: 'compare', result: msg.result, ms: msg.ms });
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  run(req: Request, onProgress: (p: Progress) => void): Promise<SimOutcome> {
    if (this.pending) this.cancel();
    this.seq += 1;
    const id = this.seq;
    return new Promise<SimOutcome>((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress };
      this.worker.postMessage({ ...req, id } as SimRequest);
    });
  }

  /**
   * Stops the running simulation. The run is one synchronous call inside the worker, so a
   * "stop" message would only be read after it finished: instead the worker is terminated
   * at once and a fresh one (which loads the WebAssembly module again) takes its place.
   */
  cancel(): void {
    const p = this.pending;
    this.pending = null;
    this.worker.terminate();
    this.worker = this.spawn();
    p?.reject(new SimError({ code: 'cancelled', message: 'cancelled' }));
  }

  dispose(): void {
    this.worker.terminate();
    this.pending = null;
  }
}
