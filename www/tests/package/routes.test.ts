// @vitest-environment node
// Routes, SLA timing on a route, the decision table and the layout, through the package.

import { afterAll, describe, expect, test } from 'vitest';
import { Workflow, guardText, significant } from '../../pkg/flowdrill_wasm.js';
import type { FlowdrillError, RouteAnswer, RouteSla } from '../../pkg/flowdrill_wasm.js';
import { repoFile, thrown } from './load';

const triage = Workflow.fromJson(repoFile('examples/workflows/social-triage.json'));
afterAll(() => triage.free());

const crisis = { asker: 'media', sentiment: 'negative', situation: 'crisis' };

describe('route', () => {
    test('a crisis post notifies legal, and legal approves the message', () => {
        const { route, timeline, slas }: RouteAnswer = triage.route(crisis);
        expect(timeline).toBeUndefined();
        expect(slas).toBeUndefined();
        expect(route.start).toBe('post');
        expect(route.notifications.flatMap((n) => n.roles)).toContain('legal');
        expect(route.notifications.find((n) => n.node === 'crisis-alert')?.roles).toEqual(['corp-comms', 'legal', 'senior-management']);
        expect(route.steps.filter((s) => s.kind === 'task').map((s) => s.role)).toContain('legal');
        expect(route.steps.map((s) => s.node)).not.toContain('media-desk');
        expect(route.end).toBe('crisis-managed');
        expect(route.outcome).toBe('crisis-managed');
        expect(route.stuck_at).toBeUndefined();
        // Parallel branches are numbered lanes.
        expect(new Set(route.steps.map((s) => s.lane))).toEqual(new Set(['', '1', '2']));
    });

    test('each step names the edges it came in by, as the drawing names them', () => {
        const { route } = triage.route(crisis);
        const drawn = new Set(triage.layout().edges.map((e) => e.id));
        expect(route.steps[0].edges).toBeUndefined();
        for (const s of route.steps.slice(1)) {
            expect(s.edges?.length).toBeGreaterThanOrEqual(1);
            for (const id of s.edges ?? []) expect(drawn).toContain(id);
        }
        // The join names one edge per branch of its fork.
        const join = route.steps.find((s) => s.kind === 'join');
        expect(join?.edges).toHaveLength(2);
    });

    test('the start node may be named; null and undefined mean "not given"', () => {
        const named = triage.route(crisis, 'post');
        expect(named).toEqual(triage.route(crisis, null, null));
        expect(named).toEqual(triage.route(crisis, undefined, undefined));
    });

    test('with `at`, the route gives each step its time and every SLA its deadline', () => {
        const { timeline, slas } = triage.route(crisis, undefined, '2026-11-20T19:30:00-05:00');
        expect(timeline?.[0]).toEqual({ node: 'post', enter: '2026-11-21T00:30:00Z', leave: '2026-11-21T00:30:00Z' });
        expect(timeline?.at(-1)?.node).toBe('crisis-managed');
        // The figures `flowdrill route ... --at 2026-11-20T19:30:00-05:00` prints.
        const legal: RouteSla | undefined = slas?.find((s) => s.rule === 'crisis-to-legal');
        expect(legal).toMatchObject({
            target: '15m',
            calendar: 'social-desk',
            started: '2026-11-21T00:30:00Z',
            deadline: '2026-11-21T00:45:00Z',
            stopped: '2026-11-21T00:34:00Z',
            state: 'met',
        });
        expect(legal?.ladder.map((l) => [l.at, l.instant, l.notify])).toEqual([
            ['50%', '2026-11-21T00:37:30Z', ['social-lead']],
            ['100%', '2026-11-21T00:45:00Z', ['legal', 'senior-management']],
        ]);
        expect(legal?.ladder[1].actions).toEqual(['raise priority']);
    });

    test('a business-hours deadline carries over the closed desk (as the CLI prints it)', () => {
        const customer = { asker: 'customer', sentiment: 'negative', situation: 'problem', wants_help: 'yes', sensitive: 'no', satisfied: 'yes' };
        const { slas } = triage.route(customer, undefined, '2026-11-20T19:30:00-05:00');
        expect(slas).toEqual([
            {
                rule: 'first-response',
                name: 'First response within one business hour',
                target: '1h',
                calendar: 'social-desk',
                started: '2026-11-21T00:30:00Z',
                deadline: '2026-11-21T15:30:00Z',
                ladder: [
                    { at: '50%', instant: '2026-11-21T01:00:00Z', notify: ['community-manager'], actions: [] },
                    { at: '100%', instant: '2026-11-21T15:30:00Z', notify: ['social-lead'], actions: ['flag'] },
                    { at: '1h overdue', instant: '2026-11-21T16:30:00Z', notify: [], actions: ['reassign to social-lead', 'raise priority'] },
                ],
                stopped: '2026-11-21T00:39:00Z',
                state: 'met',
            },
        ]);
    });

    test('bad cases are route errors', () => {
        for (const [args, code] of [
            [[{ nope: 'x' }], 'route'],
            [[{ asker: 'alien' }], 'route'],
            [[crisis, 'no-such-start'], 'route'],
            [[crisis, undefined, 'tomorrow'], 'route'],
        ] as const) {
            const e = thrown(() => (triage.route as (...a: unknown[]) => unknown)(...args)) as FlowdrillError;
            expect(e).toBeInstanceOf(Error);
            expect(e.name).toBe('FlowdrillError');
            expect(e.code).toBe(code);
        }
    });

    test('a case not decided yet names, as data, the decision and the attribute it needs', () => {
        const e = thrown(() => triage.route({ asker: 'customer' })) as FlowdrillError;
        expect(e.code).toBe('route');
        expect(e.decision).toBe('screen');
        expect(e.attribute).toBe('situation');
        expect(e.message).toContain('needs attribute "situation"');
    });
});

describe('routes', () => {
    test('every crisis reaches legal, whoever posts it', () => {
        const table = triage.routes();
        expect(table.starts).toEqual(['post']);
        expect(table.attributes).toEqual(['channel', 'asker', 'sentiment', 'situation', 'sensitive', 'wants_help', 'satisfied']);
        expect(table.total_cases).toBe(3 * 5 * 3 * 6 * 2 * 2 * 2);
        let crisisCases = 0;
        for (const row of table.rows) {
            const isCrisis = row.example.situation === 'crisis';
            expect(row.route.notifications.some((n) => n.roles.includes('legal'))).toBe(isCrisis);
            if (isCrisis) crisisCases += row.cases;
            // conditions: alternatives of [attribute, values] pairs.
            for (const cube of row.conditions) {
                for (const [attr, values] of cube) {
                    expect(table.attributes).toContain(attr);
                    expect(Array.isArray(values)).toBe(true);
                }
            }
        }
        expect(crisisCases).toBe(table.total_cases / 6);
        const share = table.rows.reduce((s, r) => s + r.share, 0);
        expect(share).toBeCloseTo(1, 9);
        expect(table.rows.reduce((s, r) => s + r.cases, 0)).toBe(table.total_cases);
    });

    test('each row carries its conditions and its path in words', () => {
        const w = Workflow.fromJson(JSON.stringify({
            flowdrill: 1,
            id: 'words',
            roles: { dev: {} },
            attributes: { kind: ['bug', 'idea', 'spam'] },
            nodes: [
                { id: 'in', kind: 'start', name: 'Post' },
                { id: 'd', kind: 'decision', name: 'Which?' },
                { id: 'split', kind: 'fork' },
                { id: 'fix', kind: 'task', name: 'Fix it', role: 'dev' },
                { id: 'tell', kind: 'notify', roles: 'dev' },
                { id: 'merge', kind: 'join' },
                { id: 'done', kind: 'end', outcome: 'done' },
                { id: 'bin', kind: 'end', outcome: 'binned' },
            ],
            edges: [
                { from: 'in', to: 'd' },
                { from: 'd', to: 'split', when: { kind: ['bug', 'idea'] } },
                { from: 'd', to: 'bin', otherwise: true },
                { from: 'split', to: 'fix' },
                { from: 'split', to: 'tell' },
                { from: 'fix', to: 'merge' },
                { from: 'tell', to: 'merge' },
                { from: 'merge', to: 'done' },
            ],
        }));
        expect(w.routes().rows.map((r) => [r.conditions_text, r.path_text])).toEqual([
            ['kind in {bug, idea}', 'Post → Which? → split → [Fix it | tell] → merge → done'],
            ['kind=spam', 'Post → Which? → bin'],
        ]);
        w.free();
    });
});

describe('words', () => {
    test('a guard in words, as the core writes it', () => {
        expect(guardText({ sentiment: ['negative', 'neutral'] })).toBe('sentiment in {negative, neutral}');
        expect(guardText({ all: [{ severity: { '>=': 3 } }, { not: { asker: 'troll' } }] })).toBe('severity >= 3 and not (asker = troll)');
        const e = thrown(() => guardText(JSON.parse('{"severity": {"~": 3}}'))) as FlowdrillError;
        expect(e.name).toBe('FlowdrillError');
    });

    test('a difference is significant when its interval excludes zero; an unknown spread never is', () => {
        expect(significant(0.05, 0.01)).toBe(true);
        expect(significant(-0.05, 0.01)).toBe(true);
        expect(significant(0.05, 0.1)).toBe(false);
        expect(significant(0.05, null)).toBe(false);
    });
});

describe('layout', () => {
    test('a box per node and a polyline per edge', () => {
        const doc = triage.document();
        const layout = triage.layout();
        expect(layout.nodes.map((n) => [n.id, n.kind])).toEqual(doc.nodes.map((n) => [n.id, n.kind]));
        expect(layout.edges.map((e) => [e.from, e.to, e.label ?? undefined])).toEqual(doc.edges.map((e) => [e.from, e.to, e.label]));
        for (const n of layout.nodes) {
            for (const v of [n.x, n.y, n.width, n.height, n.layer]) expect(Number.isFinite(v)).toBe(true);
            expect(n.x + n.width).toBeLessThanOrEqual(layout.width + 1e-9);
            expect(n.y + n.height).toBeLessThanOrEqual(layout.height + 1e-9);
        }
        for (const e of layout.edges) {
            expect(e.points.length).toBeGreaterThanOrEqual(2);
            for (const p of e.points) expect(p).toHaveLength(2);
            expect(typeof e.reversed).toBe('boolean');
        }
    });

    test('ids and labels outside ASCII arrive whole', () => {
        // The layout crosses as numbers plus one string cut by UTF-16 lengths: astral
        // characters (two code units) and accents (one) must not shift the cuts.
        const w = Workflow.fromJson(JSON.stringify({
            flowdrill: 1,
            id: 'unicode',
            attributes: { tone: { values: ['😀', 'é'] } },
            nodes: [
                { id: 'entrée', kind: 'start' },
                { id: '🚦', kind: 'decision' },
                { id: 'fin-😀', kind: 'end', outcome: 'done' },
                { id: 'fin-é', kind: 'end', outcome: 'done' },
            ],
            edges: [
                { from: 'entrée', to: '🚦' },
                { from: '🚦', to: 'fin-😀', when: { tone: '😀' }, label: 'joie 😀' },
                { id: 'ça', from: '🚦', to: 'fin-é', when: { tone: 'é' } },
            ],
        }));
        const layout = w.layout();
        expect(layout.nodes.map((n) => [n.id, n.kind])).toEqual([
            ['entrée', 'start'], ['🚦', 'decision'], ['fin-😀', 'end'], ['fin-é', 'end'],
        ]);
        expect(layout.edges.map((e) => [e.id, e.from, e.to, e.label])).toEqual([
            ['entrée->🚦', 'entrée', '🚦', null],
            ['🚦->fin-😀', '🚦', 'fin-😀', 'joie 😀'],
            ['ça', '🚦', 'fin-é', null],
        ]);
        // What to write on each edge: its label, else its condition in words.
        expect(layout.edges.map((e) => e.caption)).toEqual([null, 'joie 😀', 'tone = é']);
        expect(layout.nodes.map((n) => n.layer)).toEqual([0, 1, 2, 2]);
        w.free();
    });
});
