/**
 * The `<flow-drill>` widget's entry: defines the element (once, even when the script is
 * loaded twice) and exports its class and types for developers who import it.
 */
import { FlowDrillElement } from './element';

export { FlowDrillElement, MODES } from './element';
export type { FlowDrillMode, ValidationDetail } from './element';
export type { DeadlineInfo } from './assistant';
export type { WidgetError } from './shared';
export { EN as defaultLabels } from './labels';
export type { LabelKey, Labels } from './labels';

if (!customElements.get('flow-drill')) customElements.define('flow-drill', FlowDrillElement);
