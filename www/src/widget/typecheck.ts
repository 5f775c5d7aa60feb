/**
 * Compile-time only (nothing imports this file): the element and the entry's exports match
 * the hand-written declarations in `flowdrill-widget.d.ts` that the build ships.
 */
import type * as Declared from './flowdrill-widget';
import type { DeadlineInfo } from './assistant';
import type { FlowDrillElement, FlowDrillMode, ValidationDetail } from './element';
import type * as Entry from './index';
import type { LabelKey } from './labels';
import type { WidgetError } from './shared';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

export type Checks = [
  Assert<FlowDrillElement extends Declared.FlowDrillElement ? true : false>,
  Assert<Same<FlowDrillMode, Declared.FlowDrillMode>>,
  Assert<Same<LabelKey, Declared.LabelKey>>,
  Assert<Same<WidgetError, Declared.WidgetError>>,
  Assert<Same<DeadlineInfo, Declared.DeadlineInfo>>,
  Assert<ValidationDetail extends Declared.ValidationDetail ? true : false>,
  Assert<Same<keyof typeof Entry, 'FlowDrillElement' | 'MODES' | 'defaultLabels'>>,
  Assert<(typeof Entry)['defaultLabels'] extends Declared.Labels ? true : false>,
];
