/** What every view (Design, Routes, Simulate, and later Drill) is given and gives back. */
import type { Store } from '../state';

export interface ViewContext {
  store: Store;
  /** Tells the user something through the app's status line (and screen readers). */
  announce(message: string, tone?: 'info' | 'error'): void;
  /** The root the app is mounted in (an element or a shadow root): query only inside it. */
  root: Document | ShadowRoot;
  /**
   * The Drill view calls this when a drill's report is shown: once when the drill ends, and
   * again (with `restored`) when a drill that had already ended is opened after a reload.
   * `run` names the run, for a host that keeps one report per drill.
   */
  onDrillEnded?(report: import('../types').AfterActionReport, ended: { run: string; restored: boolean }): void;
  /**
   * A scenario file's URL that the Drill view offers first (the widget's `scenario`
   * attribute); it is drilled on the workflow open in the store.
   */
  drillScenario?: string;
  /**
   * Offer "Host a team drill" in the Drill view when the page comes from `flowdrill serve`
   * (the full-page app; a widget on someone else's page does not ask that server).
   */
  host?: boolean;
  /**
   * A served drill the Drill view facilitates from the start: the page opened a
   * facilitator's link (`#join=TOKEN`) and was welcomed as the facilitator on it.
   */
  served?: import('../drillServer').ServedDrill;
  /**
   * The Drill view facilitates a served drill (its token: the page keeps the facilitator's
   * link in its address, so a reload comes back to it) or left it (`null`).
   */
  onServedDrill?(token: string | null): void;
}

export interface View {
  /** The view's element; the app puts it into its panel. */
  readonly el: HTMLElement;
  /** Called when the view becomes visible. */
  show(): void;
  /** Called when another view is chosen. */
  hide(): void;
  /** A key pressed outside any text field while the view is visible; true when handled. */
  onKey?(e: KeyboardEvent): boolean;
}

export type ViewFactory = (ctx: ViewContext) => View;

/** Whether a key event comes from somewhere typing goes (so shortcuts leave it alone). */
export function isTyping(e: Event): boolean {
  const t = (e.composedPath()[0] ?? e.target) as Element | null;
  if (!t || !(t instanceof Element)) return false;
  if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  if (t instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(t.type);
  return (t as HTMLElement).isContentEditable === true;
}
