import { describe, expect, it } from 'vitest';
import {
  addEdge,
  addNode,
  attributes,
  changeKind,
  edgeId,
  parseEffort,
  parseJsonField,
  removeNode,
  renameNode,
  uniqueId,
  updateEdge,
  updateNode,
} from '../../src/doc';
import type { Doc } from '../../src/types';

function sample(): Doc {
  return {
    flowdrill: 1,
    id: 'mini',
    roles: { agent: { staff: 2 }, lead: { staff: 1 } },
    attributes: {
      sentiment: ['positive', 'negative'],
      asker: { label: 'Who', values: { customer: 3, troll: 1 } },
      severity: { values: [1, 2, 3] },
    },
    nodes: [
      { id: 'post', kind: 'start' },
      { id: 'tone', kind: 'decision', question: 'Positive?' },
      { id: 'reply', kind: 'task', role: 'agent', effort: '10m' },
      { id: 'done', kind: 'end', outcome: 'closed' },
    ],
    edges: [
      { from: 'post', to: 'tone' },
      { from: 'tone', to: 'done', when: { sentiment: 'positive' } },
      { from: 'tone', to: 'reply', when: { sentiment: 'negative' } },
      { from: 'reply', to: 'done' },
    ],
    slas: [{ id: 'r', target: '1h', start: { leave: 'post' }, stop: { enter: ['reply', 'done'] }, pause: 'tone' }],
  } as Doc;
}

describe('document edits', () => {
  it('finds free ids', () => {
    expect(uniqueId('task', ['a'])).toBe('task');
    expect(uniqueId('task', ['task', 'task-2'])).toBe('task-3');
  });

  it('adds a node with the defaults of its kind, leaving the input alone', () => {
    const d = sample();
    const { doc, id } = addNode(d, 'task');
    expect(id).toBe('task');
    expect(doc.nodes.at(-1)).toMatchObject({ id: 'task', kind: 'task', role: 'agent', effort: '10m' });
    expect(d.nodes).toHaveLength(4);
    expect(addNode(doc, 'task').id).toBe('task-2');
    expect(addNode(d, 'end').doc.nodes.at(-1)).toMatchObject({ outcome: 'done' });
  });

  it('removes a node with its edges', () => {
    const doc = removeNode(sample(), 'reply');
    expect(doc.nodes.map((n) => n.id)).toEqual(['post', 'tone', 'done']);
    expect(doc.edges.map(edgeId)).toEqual(['post->tone', 'tone->done']);
  });

  it('gives a second edge between the same nodes its own id', () => {
    const { doc, id } = addEdge(sample(), 'tone', 'done');
    expect(id).toBe('tone->done-2');
    expect(doc.edges.at(-1)).toEqual({ id: 'tone->done-2', from: 'tone', to: 'done' });
    expect(addEdge(sample(), 'post', 'done').id).toBe('post->done');
  });

  it('renames a node everywhere it is named', () => {
    const doc = renameNode(sample(), 'reply', 'answer');
    expect(doc.nodes[2]!.id).toBe('answer');
    expect(doc.edges.map(edgeId)).toContain('tone->answer');
    expect(doc.edges.map(edgeId)).toContain('answer->done');
    expect(doc.slas![0]!.stop).toEqual({ enter: ['answer', 'done'] });
    const paused = renameNode(sample(), 'tone', 'mood');
    expect(paused.slas![0]!.pause).toBe('mood');
  });

  it('updates and removes fields', () => {
    const doc = updateNode(sample(), 'reply', { name: 'Reply', effort: '' });
    expect(doc.nodes[2]).toEqual({ id: 'reply', kind: 'task', role: 'agent', name: 'Reply' });
    const r = updateEdge(sample(), 'tone->reply', { to: 'done', label: 'x' });
    expect(r.id).toBe('tone->done');
    expect(r.doc.edges[2]).toMatchObject({ from: 'tone', to: 'done', label: 'x' });
  });

  it('changes kind, keeping shared fields and adding defaults', () => {
    const doc = changeKind(sample(), 'reply', 'notify');
    expect(doc.nodes[2]).toEqual({ id: 'reply', kind: 'notify', roles: 'agent' });
    const back = changeKind(doc, 'reply', 'wait');
    expect(back.nodes[2]).toEqual({ id: 'reply', kind: 'wait', delay: '1h' });
  });

  it('reads attributes in every written form', () => {
    expect(attributes(sample())).toEqual([
      { id: 'sentiment', label: 'sentiment', values: ['positive', 'negative'] },
      { id: 'asker', label: 'Who', values: ['customer', 'troll'] },
      { id: 'severity', label: 'severity', values: [1, 2, 3] },
    ]);
  });

  it('parses JSON and effort fields', () => {
    expect(parseJsonField('')).toEqual({ ok: true, value: undefined });
    expect(parseJsonField('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonField('{"a": ').ok).toBe(false);
    expect(parseEffort('1h30m')).toEqual({ ok: true, value: '1h30m' });
    expect(parseEffort('{"exponential": {"mean": "5m"}}')).toEqual({ ok: true, value: { exponential: { mean: '5m' } } });
    expect(parseEffort('soon').ok).toBe(false);
  });
});
