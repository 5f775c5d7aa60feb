import { UNDO_MERGE_MS } from './config';

/**
 * Undo and redo over snapshots. Pushing with the same `key` within `mergeMs` of the last
 * push replaces the newest snapshot instead of adding one, so typing a name is one step.
 */
export class History<T> {
  private past: T[] = [];
  private future: T[] = [];
  private lastKey: string | undefined;
  private lastTime = -Infinity;

  constructor(
    private current: T,
    private readonly limit = 200,
    private readonly mergeMs = UNDO_MERGE_MS,
  ) {}

  get present(): T {
    return this.current;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  push(next: T, key?: string, now: number = Date.now()): void {
    const merge = key !== undefined && key === this.lastKey && now - this.lastTime < this.mergeMs && this.past.length > 0;
    if (!merge) {
      this.past.push(this.current);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.current = next;
    this.future = [];
    this.lastKey = key;
    this.lastTime = now;
  }

  undo(): T | undefined {
    const prev = this.past.pop();
    if (prev === undefined) return undefined;
    this.future.push(this.current);
    this.current = prev;
    this.lastKey = undefined;
    return prev;
  }

  redo(): T | undefined {
    const next = this.future.pop();
    if (next === undefined) return undefined;
    this.past.push(this.current);
    this.current = next;
    this.lastKey = undefined;
    return next;
  }

  /** Forgets everything but `present`. */
  reset(present: T): void {
    this.past = [];
    this.future = [];
    this.current = present;
    this.lastKey = undefined;
  }
}
