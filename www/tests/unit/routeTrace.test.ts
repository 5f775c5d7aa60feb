import { describe, expect, it } from 'vitest';
import { pathText, routeEdgeIds } from '../../src/routeTrace';
import type { Step } from '../../src/types';

const step = (node: string, kind: Step['kind'], lane = '', via?: string): Step => ({ node, name: node, kind, lane, ...(via ? { via } : {}) });

describe('route tracing', () => {
  it('follows a route through a decision, a fork and a join', () => {
    const edges = [
      { id: 'e1', from: 's', to: 'd' },
      { id: 'e2', from: 'd', to: 'f', label: 'yes' },
      { id: 'e3', from: 'd', to: 'x', label: 'no' },
      { id: 'e4', from: 'f', to: 'a' },
      { id: 'e5', from: 'f', to: 'b' },
      { id: 'e6', from: 'a', to: 'j' },
      { id: 'e7', from: 'b', to: 'j' },
      { id: 'e8', from: 'j', to: 'end' },
      { id: 'e9', from: 'x', to: 'end' },
    ];
    const steps = [step('s', 'start'), step('d', 'decision'), step('f', 'fork', '', 'yes'), step('a', 'task', '1'), step('b', 'task', '2'), step('j', 'join'), step('end', 'end')];
    expect([...routeEdgeIds(edges, steps)].sort()).toEqual(['e1', 'e2', 'e4', 'e5', 'e6', 'e7', 'e8']);
    expect(pathText(steps)).toBe('s → d → f → [a | b] → j → end');
  });

  it('prefers the labelled edge and handles loops', () => {
    const edges = [
      { id: 'go', from: 's', to: 't' },
      { id: 'again', from: 'q', to: 't', label: 'retry' },
      { id: 'ask', from: 't', to: 'q' },
      { id: 'stop', from: 'q', to: 'e', label: 'give up' },
    ];
    const steps = [step('s', 'start'), step('t', 'task'), step('q', 'decision'), step('t', 'task', '', 'retry'), step('q', 'decision'), step('e', 'end', '', 'give up')];
    expect([...routeEdgeIds(edges, steps)].sort()).toEqual(['again', 'ask', 'go', 'stop']);
  });

  it('writes nested lanes', () => {
    const steps = [step('f', 'fork'), step('a', 'task', '1'), step('g', 'fork', '1'), step('b', 'task', '1.1'), step('c', 'task', '1.2'), step('h', 'join', '1'), step('d', 'task', '2'), step('j', 'join')];
    expect(pathText(steps)).toBe('f → [a → g → [b | c] → h | d] → j');
  });
});
