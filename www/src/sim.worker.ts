/// <reference lib="webworker" />
/**
 * Runs simulations off the main thread. The worker loads the WebAssembly core itself,
 * compiles the document it is sent, runs `simulate` or `compare` and posts progress (from
 * the core's onProgress callback, at most every 50 ms) and then the result or the error.
 */
import { Workflow, errorInfo, loadWasm } from './wasm';
import type { SimRequest, SimResponse } from './simProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(msg: SimResponse): void {
  scope.postMessage(msg);
}

const ready = loadWasm();
ready.then(
  () => post({ type: 'ready' }),
  (e: unknown) => post({ type: 'error', id: -1, error: errorInfo(e) }),
);

scope.onmessage = async (ev: MessageEvent<SimRequest>) => {
  const req = ev.data;
  try {
    await ready;
  } catch (e) {
    post({ type: 'error', id: req.id, error: errorInfo(e) });
    return;
  }
  let wf: Workflow | undefined;
  try {
    wf = Workflow.fromJson(req.text);
    let last = 0;
    const onProgress = (p: { replication: number; replications: number; done: number }) => {
      const now = performance.now();
      if (now - last >= 50) {
        last = now;
        post({ type: 'progress', id: req.id, progress: p });
      }
      return true;
    };
    const t0 = performance.now();
    if (req.kind === 'simulate') {
      const result = wf.simulate(req.options, req.scenario, onProgress);
      post({ type: 'result', id: req.id, kind: 'simulate', result, ms: performance.now() - t0 });
    } else {
      const result = wf.compare(req.options, req.a, req.b, onProgress);
      post({ type: 'result', id: req.id, kind: 'compare', result, ms: performance.now() - t0 });
    }
  } catch (e) {
    post({ type: 'error', id: req.id, error: errorInfo(e) });
  } finally {
    wf?.free();
  }
};
