/** Messages between the app and the simulation worker. */
import type { Comparison, Progress, Scenario, SimOptions, SimResult } from './types';
import type { ErrorInfo } from './wasm';

export type SimRequest =
  | { id: number; kind: 'simulate'; text: string; options: SimOptions; scenario?: Scenario }
  | { id: number; kind: 'compare'; text: string; options: SimOptions; a: Scenario; b: Scenario };

export type SimResponse =
  | { type: 'ready' }
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; kind: 'simulate'; result: SimResult; ms: number }
  | { type: 'result'; id: number; kind: 'compare'; result: Comparison; ms: number }
  | { type: 'error'; id: number; error: ErrorInfo };

export type SimOutcome =
  | { kind: 'simulate'; result: SimResult; ms: number }
  | { kind: 'compare'; result: Comparison; ms: number };
