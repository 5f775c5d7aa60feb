/**
 * Types of the `<flow-drill>` widget (`flowdrill-widget.js`), for developers who import it:
 *
 *   import 'flowdrill-widget.js';            // defines <flow-drill>
 *   import type { FlowDrillElement, RouteChangedDetail } from './flowdrill-widget.js';
 *
 *   const el = document.createElement('flow-drill');   // FlowDrillElement
 *   el.mode = 'assistant';
 *   el.workflow = myWorkflowDocument;
 *   el.addEventListener('route-changed', (e) => console.log(e.detail.route?.outcome));
 *
 * The build copies this file next to the script as `flowdrill-widget.d.ts`, with the core's
 * types (the workflow document, routes, diagnostics, drill reports) as `flowdrill-types.d.ts`.
 * `src/widget/typecheck.ts` checks that the element matches these declarations.
 */
import type { AfterActionReport, Assignment, Diagnostic, Duration, Instant, Route, WorkflowDocument } from '../../pkg/flowdrill_view.js';

export type { AfterActionReport, Assignment, Diagnostic, Route, WorkflowDocument };

/** What the widget shows. */
export type FlowDrillMode = 'view' | 'assistant' | 'simulate' | 'drill' | 'edit';

/** The UI text keys (see `defaultLabels` for the English table). */
export type LabelKey =
  | 'loading' | 'loadingApp' | 'noSource'
  | 'errorTitle' | 'errorFetch' | 'errorNetwork' | 'errorRead' | 'errorEngine' | 'errorWhere' | 'errorLine' | 'errorPath' | 'errorSource' | 'errorMode'
  | 'chart' | 'chartHint' | 'slas' | 'noSlas' | 'target' | 'calendar' | 'aroundTheClock' | 'appliesTo' | 'everyCase' | 'about' | 'outline' | 'problems' | 'version'
  | 'assistant' | 'assistantIntro' | 'whichStart' | 'atStep' | 'answers' | 'change' | 'changeAnswer' | 'leadsTo' | 'question' | 'questionN'
  | 'startOver' | 'route' | 'outcome' | 'stuck' | 'deadlines' | 'noDeadline' | 'due' | 'dueIn' | 'notStarted' | 'ladder'
  | 'steps' | 'via' | 'who' | 'nobody' | 'tell' | 'done' | 'doneDeadline' | 'nothing' | 'computedAt' | 'undo' | 'redo';

/** UI text by key; `{name}` parts are filled in when shown. */
export type Labels = Record<LabelKey, string>;

/** The English UI text. */
export declare const defaultLabels: Readonly<Labels>;

/** The modes, in order. */
export declare const MODES: readonly FlowDrillMode[];

/** Why a widget shows no workflow (shown in its box, and told by the `validation` event). */
export interface WidgetError {
  /** `fetch`: the file could not be loaded; `read`: it is not a workflow; `engine`; `config`. */
  kind: 'fetch' | 'read' | 'engine' | 'config';
  /** The core's error code (`syntax`, `schema`, `version`, ...) or the HTTP status (`"404"`). */
  code: string;
  message: string;
  /** JSON path into the document, e.g. `"nodes[3].kind"`. */
  path?: string;
  /** 1-based line and column in the file. */
  line?: number;
  column?: number;
  /** The URL it came from. */
  source?: string;
}

/** `validation`: after every load, in every mode. */
export interface ValidationDetail {
  /** Structural findings (empty when the workflow could not be read). */
  diagnostics: Diagnostic[];
  /** Why it could not be loaded or read; `null` when it was. */
  error: WidgetError | null;
  /** The workflow's id, when it was read. */
  workflow: string | null;
}

/** One SLA deadline of a routed case. */
export interface DeadlineInfo {
  rule: string;
  name: string;
  target: Duration;
  calendar: string | null;
  /** The IANA zone the deadline is shown in. */
  timezone: string;
  /** RFC 3339 (UTC); `null` when the rule's clock does not start on this route. */
  deadline: Instant | null;
  /** The deadline as shown, e.g. `Sat 21 Nov 2026, 10:30 EST`. */
  text: string;
}

/** `route-changed` (assistant mode): the case was decided, or undecided again. */
export interface RouteChangedDetail {
  /** The answers so far: attribute id → value. */
  attributes: Assignment;
  /** The start node. */
  start: string | null;
  /** The route once every needed question is answered; `null` while one is open. */
  route: Route | null;
  deadlines: DeadlineInfo[];
  /** The instant deadlines count from (RFC 3339), or `null`. */
  at: Instant | null;
}

/**
 * `drill-ended` (drill mode): the after-action report, when a drill ends, and again when a
 * drill that had already ended is opened after a reload (`restored: true`).
 */
export interface DrillEndedDetail {
  report: AfterActionReport;
  /** This run of the drill: a host that keeps one report per drill keys it by this. */
  run: string;
  /** True when the drill had ended before the widget opened it (the page was reloaded). */
  restored: boolean;
}

/** `change` (edit mode): the document after an edit, undo or redo. */
export interface ChangeDetail {
  /** The document as the file writes it. */
  document: WorkflowDocument;
  /** The same, as pretty-printed JSON. */
  text: string;
}

/** `drill-joined` (drill mode with `join`): the served drill took this person in. */
export interface DrillJoinedDetail {
  drill: string;
  title: string;
  rights: 'facilitator' | 'participant';
  /** The name the log records them by (the server may add a number to a name taken). */
  name: string;
  role: string | null;
}

/** The element's events (CustomEvents that bubble and cross the shadow boundary). */
export interface FlowDrillEventMap extends HTMLElementEventMap {
  validation: CustomEvent<ValidationDetail>;
  'route-changed': CustomEvent<RouteChangedDetail>;
  'drill-ended': CustomEvent<DrillEndedDetail>;
  'drill-joined': CustomEvent<DrillJoinedDetail>;
  change: CustomEvent<ChangeDetail>;
}

/** `<flow-drill>` */
export declare class FlowDrillElement extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The English UI text. */
  static readonly defaultLabels: Labels;
  /** The workflow as an object or JSON text; takes precedence over `src` and inline JSON. */
  workflow: unknown;
  /** UI text overrides by key. */
  labels: Partial<Labels>;
  /** Reflects the `src` attribute: the workflow file's URL, resolved against the page. */
  src: string;
  /** Reflects `mode` (default `view`). */
  mode: FlowDrillMode;
  /** Reflects `theme` (default `light`). */
  theme: 'light' | 'dark' | 'auto';
  /** Reflects `start`: the start node the assistant routes from (several start nodes). */
  start: string | null;
  /** Reflects `scenario`: a drill scenario file (URL) that drill mode offers first. */
  scenario: string | null;
  /** Reflects `server`: the `flowdrill serve` a served drill runs on (the page's origin when left out). */
  server: string | null;
  /** Reflects `join`: a served drill's participants' token; drill mode joins that drill as a participant. */
  join: string | null;
  /** The workflow's JSON text as loaded, or `null`. */
  readonly workflowText: string | null;
  /** Why the widget shows no workflow, or `null`. */
  readonly error: WidgetError | null;
  /** Loads the workflow again. */
  reload(): void;
  connectedCallback(): void;
  disconnectedCallback(): void;
  attributeChangedCallback(name: string, old: string | null, value: string | null): void;
  addEventListener<K extends keyof FlowDrillEventMap>(type: K, listener: (this: FlowDrillElement, ev: FlowDrillEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof FlowDrillEventMap>(type: K, listener: (this: FlowDrillElement, ev: FlowDrillEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'flow-drill': FlowDrillElement;
  }
}
