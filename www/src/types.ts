/**
 * The types of the WebAssembly package (generated from the core's declarations), plus the
 * few loose shapes the app needs for documents as people write them.
 */
export type {
  Arrivals,
  Assignment,
  Attribute,
  Comparison,
  Diagnostic,
  Edge,
  Estimate,
  FlowdrillError,
  Guard,
  LaidEdge,
  LaidNode,
  Layout,
  NamedEstimate,
  NodeKind,
  Progress,
  RateArrivals,
  RepResult,
  Route,
  RouteAnswer,
  RouteRow,
  RouteSla,
  RouteTable,
  Scenario,
  SimOptions,
  SimResult,
  Step,
  Summary95,
  Value,
  WorkflowDocument,
  WorkflowNode,
} from '../pkg/flowdrill_wasm.js';

/** The fire drill's types (the drill module, loaded only with the Drill view). */
export type {
  AfterActionReport,
  BranchView,
  CaseView,
  ClockView,
  ContingencyView,
  DrillAction,
  DrillActionKind,
  DrillCheck,
  DrillEvent,
  DrillView,
  InjectStatus,
  InjectView,
  ObjectiveScore,
  PlanRow,
  Rating,
  Scoreboard,
  StepView,
  SystemView,
  ScoreTally,
} from '../pkg/flowdrill_drill.js';

import type { Attribute, Value, WorkflowDocument } from '../pkg/flowdrill_wasm.js';

/** An attribute as a file may write it: the object form, or a bare list of values. */
export type AttributeInput = Attribute | Value[] | { label?: string; question?: string; values: Record<string, number> };

/** A node as the editor handles it: any of the kinds, with its fields by name. */
export interface LooseNode {
  id: string;
  kind: string;
  name?: string;
  description?: string;
  [field: string]: unknown;
}

/** A document as the editor handles it (files may use short forms). */
export type Doc = Omit<WorkflowDocument, 'nodes' | 'attributes'> & {
  nodes: LooseNode[];
  attributes?: Record<string, AttributeInput>;
};

/** What is selected in the designer. */
export type Selection = { type: 'node'; id: string } | { type: 'edge'; id: string } | null;
