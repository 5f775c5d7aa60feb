/** The edges a route takes, and its path in words. */
import type { Step } from './types';

export interface TraceEdge {
  id: string;
  from: string;
  to: string;
  label?: string | undefined;
}

function related(a: string, b: string): boolean {
  if (a === b || a === '' || b === '') return true;
  return a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/**
 * The ids of the edges a route went along. For each step, the nearest earlier step in the
 * same lane (or an enclosing or enclosed one) with an edge into it gives the edge; when the
 * step names the label it came by, an edge with that label is preferred. Every edge into a
 * join from a visited node counts, since the join waits for all its branches.
 */
export function routeEdgeIds(edges: TraceEdge[], steps: Step[]): Set<string> {
  const out = new Set<string>();
  const visited = new Set(steps.map((s) => s.node));
  for (let j = 1; j < steps.length; j++) {
    const step = steps[j]!;
    const into = edges.filter((e) => e.to === step.node);
    if (step.kind === 'join') {
      for (const e of into) if (visited.has(e.from)) out.add(e.id);
      continue;
    }
    for (let i = j - 1; i >= 0; i--) {
      const prev = steps[i]!;
      if (!related(prev.lane, step.lane)) continue;
      const candidates = into.filter((e) => e.from === prev.node);
      if (candidates.length === 0) continue;
      const byLabel = step.via !== undefined ? candidates.find((e) => e.label === step.via) : undefined;
      out.add((byLabel ?? candidates[0]!).id);
      break;
    }
  }
  return out;
}

/** A route's path as text, fork branches as `[a → b | c]`. */
export function pathText(steps: Array<Pick<Step, 'node' | 'lane'>>, label: (id: string) => string = (x) => x): string {
  const depthOf = (lane: string) => (lane === '' ? 0 : lane.split('.').length);
  const fmt = (list: Array<Pick<Step, 'node' | 'lane'>>, depth: number): string => {
    const parts: string[] = [];
    let i = 0;
    while (i < list.length) {
      const s = list[i]!;
      if (depthOf(s.lane) <= depth) {
        parts.push(label(s.node));
        i++;
        continue;
      }
      const group: Array<Pick<Step, 'node' | 'lane'>> = [];
      while (i < list.length && depthOf(list[i]!.lane) > depth) group.push(list[i++]!);
      const branches = new Map<string, Array<Pick<Step, 'node' | 'lane'>>>();
      for (const g of group) {
        const key = g.lane.split('.')[depth]!;
        const b = branches.get(key) ?? [];
        b.push(g);
        branches.set(key, b);
      }
      parts.push(`[${[...branches.values()].map((b) => fmt(b, depth + 1)).join(' | ')}]`);
    }
    return parts.join(' → ');
  };
  return fmt(steps, 0);
}
