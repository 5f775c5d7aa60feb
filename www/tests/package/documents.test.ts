// @vitest-environment node
// Reading documents: every example loads and validates cleanly; bad input throws a real
// Error named FlowdrillError with a stable code and, where known, a path, line and column.

import { describe, expect, test } from 'vitest';
import { Workflow, check, version } from '../../pkg/flowdrill_wasm.js';
import type { FlowdrillError, WorkflowDocument } from '../../pkg/flowdrill_wasm.js';
import { exampleWorkflows, repoFile, thrown } from './load';

function flowdrillError(e: unknown): FlowdrillError {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe('FlowdrillError');
    return e as FlowdrillError;
}

describe('examples', () => {
    const examples = exampleWorkflows();

    test('there are examples to check', () => {
        expect(examples.length).toBeGreaterThanOrEqual(5);
    });

    test.each(examples)('%s loads and validates with no diagnostics', (name, text) => {
        const w = Workflow.fromJson(text);
        try {
            expect(w.id).toBe(name.replace(/\.json$/, ''));
            expect(w.validate()).toEqual([]);
            expect(w.validateStructure()).toEqual([]);
            expect(check(text)).toEqual([]);
        } finally {
            w.free();
        }
    });

    test.each(examples)('%s survives toJson → fromJson unchanged', (_, text) => {
        const w = Workflow.fromJson(text);
        const again = Workflow.fromJson(w.toJson());
        try {
            const doc: WorkflowDocument = w.document();
            expect(doc.flowdrill).toBe(1);
            expect(again.document()).toEqual(doc);
            expect(JSON.parse(w.toJson())).toEqual(doc);
        } finally {
            w.free();
            again.free();
        }
    });

    test('the document is in canonical form', () => {
        using w = Workflow.fromJson(repoFile('examples/workflows/social-triage.json'));
        const doc = w.document();
        // Attributes written as {"value": weight} come back as values and weights.
        expect(doc.attributes?.sentiment).toMatchObject({
            values: ['positive', 'neutral', 'negative'],
            weights: [30, 35, 35],
        });
        // A notify node's single role is written as a string, several as a list.
        const notify = doc.nodes.filter((n) => n.kind === 'notify').map((n) => n.roles);
        expect(notify).toContainEqual(['corp-comms', 'legal', 'senior-management']);
        expect(notify).toContain('sales');
        // Every role has its staff.
        for (const role of Object.values(doc.roles ?? {})) expect(typeof role.staff).toBe('number');
        // Calendars: hours as [["HH:MM", "HH:MM"], ...] per day key.
        for (const cal of Object.values(doc.calendars ?? {})) {
            for (const intervals of Object.values(cal.hours ?? {})) {
                for (const pair of intervals) expect(pair).toEqual([expect.stringMatching(/^\d\d:\d\d$/), expect.stringMatching(/^\d\d:\d\d$/)]);
            }
        }
    });

    test('version is the core version', () => {
        expect(version()).toMatch(/^\d+\.\d+\.\d+/);
    });
});

describe('errors', () => {
    test('broken JSON is a syntax error with line and column', () => {
        const e = flowdrillError(thrown(() => Workflow.fromJson('{\n  "flowdrill": 1,\n  "id": "x",,\n}')));
        expect(e.code).toBe('syntax');
        expect(e.line).toBe(3);
        expect(e.column).toBeGreaterThan(0);
        expect(e.message).toContain('line 3');
        expect(e.stack).toBeTypeOf('string');
    });

    test('an unknown field is a schema error with its path', () => {
        const text = JSON.stringify({ flowdrill: 1, id: 'x', nodes: [{ id: 'a', kind: 'start', colour: 'red' }], edges: [] }, null, 2);
        const e = flowdrillError(thrown(() => Workflow.fromJson(text)));
        expect(e.code).toBe('schema');
        expect(e.path).toBe('nodes[0].colour');
        expect(e.line).toBeGreaterThan(0);
        expect(e.column).toBeGreaterThan(0);
        expect(e.message).toContain('colour');
    });

    test('a field that does not apply to the node kind is a schema error', () => {
        const text = JSON.stringify({ flowdrill: 1, id: 'x', nodes: [{ id: 't', kind: 'task', role: 'r', channel: 'twitter' }], edges: [] });
        const e = flowdrillError(thrown(() => Workflow.fromJson(text)));
        expect(e.code).toBe('schema');
        expect(e.message).toContain('channel');
    });

    test('another format version is a version error', () => {
        const e = flowdrillError(thrown(() => Workflow.fromJson('{"flowdrill": 2, "id": "x"}')));
        expect(e.code).toBe('version');
        expect(e.path).toBe('flowdrill');
        expect(e.line).toBeUndefined();
    });

    test('check turns a parse error into one diagnostic', () => {
        const found = check('{"flowdrill": 1, "id": "x", "nodes": [], "edges": [], "colour": 1}');
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ severity: 'error', code: 'schema', location: { path: 'colour' } });
        expect(found[0].location.line).toBeGreaterThan(0);
    });

    test('check reports structural findings as data', () => {
        const found = check(JSON.stringify({
            flowdrill: 1,
            id: 'gap',
            attributes: { mood: ['good', 'bad', 'ugly'] },
            nodes: [
                { id: 's', kind: 'start' },
                { id: 'd', kind: 'decision' },
                { id: 'e1', kind: 'end', outcome: 'a' },
                { id: 'e2', kind: 'end', outcome: 'b' },
            ],
            edges: [
                { from: 's', to: 'd' },
                { from: 'd', to: 'e1', when: { mood: 'good' } },
                { from: 'd', to: 'e2', when: { mood: 'bad' } },
            ],
        }));
        const gap = found.find((d) => d.code === 'decision-gap');
        expect(gap).toMatchObject({ severity: 'error', location: { node: 'd' }, example: { mood: 'ugly' } });
    });
});
