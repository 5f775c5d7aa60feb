// @vitest-environment node
// Simulation through the package: the same seed gives the same figures in WebAssembly as
// natively (tests/expected/triage-1-seed7.json is written by the native test suite),
// progress reports and cancellation, comparisons and option errors.

import { afterAll, describe, expect, test } from 'vitest';
import { Workflow } from '../../pkg/flowdrill_wasm.js';
import type { FlowdrillError, Progress, Scenario, SimResult } from '../../pkg/flowdrill_wasm.js';
import { repoFile, thrown } from './load';

const triage1 = Workflow.fromJson(repoFile('examples/benchmarks/triage-1.json'));
afterAll(() => triage1.free());

/** Every place where `got` differs from `want`, as `path: want → got`. */
function differences(want: unknown, got: unknown, path = '$'): string[] {
    if (Object.is(want, got)) return [];
    if (typeof want !== 'object' || typeof got !== 'object' || want === null || got === null) {
        return [`${path}: ${JSON.stringify(want)} → ${JSON.stringify(got)}`];
    }
    if (Array.isArray(want) !== Array.isArray(got)) return [`${path}: ${JSON.stringify(want)} → ${JSON.stringify(got)}`];
    const w = want as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(w), ...Object.keys(g)])];
    return keys.flatMap((k) => differences(w[k], g[k], Array.isArray(want) ? `${path}[${k}]` : `${path}.${k}`));
}

function failure(e: unknown): FlowdrillError {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe('FlowdrillError');
    return e as FlowdrillError;
}

describe('determinism', () => {
    test('seed 7 gives the committed native figures, to the last bit', () => {
        const want = JSON.parse(repoFile('tests/expected/triage-1-seed7.json'));
        const r: SimResult = triage1.simulate({ horizon: '2d', replications: 3, seed: 7 }, undefined, undefined);
        const got = {
            arrived: r.replications.map((x) => x.arrived),
            finished: r.replications.map((x) => x.finished),
            events: r.replications.map((x) => x.events),
            summary: r.summary,
            time_to_stop: r.replications[0].slas[0].time_to_stop,
        };
        expect(differences(want, got)).toEqual([]);
        expect(got).toStrictEqual(want);
    });

    test('the same seed twice gives the same result; another seed does not', () => {
        const opts = { horizon: '1d', replications: 2, seed: 11 };
        const a = triage1.simulate(opts, undefined, undefined);
        expect(triage1.simulate(opts, undefined, undefined)).toStrictEqual(a);
        expect(triage1.simulate({ ...opts, seed: 12 }, undefined, undefined).replications[0].arrived).not.toBe(a.replications[0].arrived);
    });
});

describe('results', () => {
    test('the result carries its configuration and per-replication figures', () => {
        const r = triage1.simulate({ horizon: '1d', replications: 2, seed: 3, queue: 'earliest-deadline' }, undefined, undefined);
        expect(r.config).toEqual({
            start: null,
            horizon: '1d',
            warmup: '0s',
            seed: 3,
            replications: 2,
            resolution: '1h',
            discipline: 'earliest-deadline',
            limits: expect.objectContaining({ max_events: expect.any(Number) }),
            event_log: false,
        });
        expect(r.start).toBe('2026-01-05T00:00:00Z');
        expect(r.zone).toBe('UTC');
        expect(r.log).toBeUndefined();
        expect(r.replications).toHaveLength(2);
        for (const rep of r.replications) {
            expect(rep.arrivals_by_hour).toHaveLength(168);
            expect(rep.arrivals_by_hour.reduce((s, n) => s + n, 0)).toBe(rep.arrived);
            expect(rep.slas[0].breaches_by_hour).toHaveLength(168);
            expect(rep.finished + rep.open).toBe(rep.arrived);
            expect(rep.roles.map((x) => x.role)).toEqual(['community', 'support', 'legal']);
            for (const role of rep.roles) {
                expect(role.queue_series).toHaveLength(24);
                for (const bucket of role.queue_series) expect(bucket).toHaveLength(3);
            }
            for (const [name, n] of rep.outcomes) expect([typeof name, typeof n]).toEqual(['string', 'number']);
        }
        for (const [, est] of r.summary.utilisation) expect(est.half_width).toEqual(expect.any(Number));
    });

    test('the overview carries the figures across replications, computed by the core', () => {
        const r = triage1.simulate({ horizon: '1d', replications: 2, seed: 3 }, undefined, undefined);
        const o = r.overview;
        expect(o.slas.map((s) => [s.rule, s.attainment])).toEqual(r.summary.attainment);
        expect(o.roles.map((x) => [x.role, x.utilisation])).toEqual(r.summary.utilisation);
        expect(o.cases.finished).toEqual(r.summary.finished);
        const breached = r.replications.reduce((n, x) => n + x.slas[0].breached, 0);
        expect(o.slas[0].breached.total).toBe(breached);
        expect(o.slas[0].breaches_by_hour).toHaveLength(168);
        for (const role of o.roles) expect(role.queue_series).toHaveLength(24);
    });

    test('one replication has no confidence interval: half_width is null', () => {
        const r = triage1.simulate({ horizon: '1d', replications: 1 }, undefined, undefined);
        expect(r.summary.cycle_time.half_width).toBeNull();
        expect(r.summary.finished.mean).toBe(r.replications[0].finished);
    });

    test('the event log holds schedule, start and complete rows', () => {
        const r = triage1.simulate({ horizon: '1h', replications: 1, event_log: true }, undefined, undefined);
        expect(r.log?.length).toBeGreaterThan(0);
        expect(new Set(r.log?.map((row) => row.lifecycle))).toEqual(new Set(['schedule', 'start', 'complete']));
        expect(r.log?.[0]).toEqual({ case_id: 1, activity: 'post', timestamp: expect.stringMatching(/Z$/), resource: '', lifecycle: 'complete' });
    });
});

describe('progress', () => {
    test('the callback sees the run advance and a final report at 100 %', () => {
        const seen: Progress[] = [];
        triage1.simulate({ horizon: '20d', replications: 2, seed: 7 }, undefined, (p) => {
            seen.push(p);
        });
        expect(seen.length).toBeGreaterThanOrEqual(3);
        for (const p of seen) {
            expect(p.replications).toBe(2);
            expect(p.replication).toBeGreaterThanOrEqual(0);
            expect(p.replication).toBeLessThan(2);
        }
        const done = seen.map((p) => p.done);
        expect(done).toEqual([...done].sort((a, b) => a - b));
        expect(done[0]).toBe(0); // each replication reports its start
        expect(done.some((d) => d > 0 && d < 1)).toBe(true);
        expect(seen.at(-1)).toEqual({ replication: 1, replications: 2, done: 1 });
    });

    test('returning false cancels the run', () => {
        let calls = 0;
        const e = failure(
            thrown(() =>
                triage1.simulate({ horizon: '20d', replications: 2 }, undefined, () => {
                    calls += 1;
                    return false;
                }),
            ),
        );
        expect(e.code).toBe('cancelled');
        expect(calls).toBe(1);
    });

    test('a callback that throws ends the run and its exception comes back as it was', () => {
        const stop = new Error('stop');
        const e = thrown(() =>
            triage1.simulate({ horizon: '20d', replications: 1 }, undefined, () => {
                throw stop;
            }),
        );
        expect(e).toBe(stop);
    });

    test('compare reports progress over both runs and can be cancelled', () => {
        const done: number[] = [];
        triage1.compare({ horizon: '20d', replications: 1 }, undefined, undefined, (p) => {
            done.push(p.done);
            return true;
        });
        expect(done.at(-1)).toBe(1);
        expect(done.some((d) => d > 0 && d < 0.5)).toBe(true);
        expect(done.some((d) => d > 0.5 && d < 1)).toBe(true);
        const e = failure(thrown(() => triage1.compare({ horizon: '20d', replications: 1 }, undefined, undefined, () => false)));
        expect(e.code).toBe('cancelled');
    });
});

describe('compare', () => {
    const opts = { horizon: '2d', replications: 3, seed: 7 };

    test('the same scenario twice differs by nothing, and equals a plain simulation', () => {
        const c = triage1.compare(opts, undefined, { 'flowdrill-scenario': 1 }, undefined);
        expect([c.a_name, c.b_name]).toEqual(['A', 'B']);
        expect(c.a).toStrictEqual(triage1.simulate(opts, undefined, undefined));
        expect(c.b).toStrictEqual(c.a);
        expect(c.difference.cycle_time).toEqual({ mean: 0, half_width: 0 });
        for (const [, est] of c.difference.attainment) expect(est).toEqual({ mean: 0, half_width: 0 });
    });

    test('more staff shortens waits on the same random numbers', () => {
        const more: Scenario = { 'flowdrill-scenario': 1, name: 'more support', staff: { support: 6 } };
        const c = triage1.compare(opts, undefined, more, undefined);
        expect(c.b_name).toBe('more support');
        const wait = Object.fromEntries(c.difference.wait);
        expect(wait.support.mean).toBeLessThan(0);
        // Common random numbers: the same cases arrive in both.
        expect(c.b.replications.map((r) => r.arrived)).toEqual(c.a.replications.map((r) => r.arrived));
        expect(triage1.simulate(opts, more, undefined)).toStrictEqual(c.b);
    });
});

describe('queue order', () => {
    test("a scenario's queue wins over the options' queue, which applies to scenarios without one", () => {
        const opts = { horizon: '1h', replications: 1, queue: 'fifo' as const };
        const edf: Scenario = { 'flowdrill-scenario': 1, queue: 'earliest-deadline' };
        expect(triage1.simulate(opts, edf, undefined).config.discipline).toBe('earliest-deadline');
        expect(triage1.simulate({ ...opts, queue: 'earliest-deadline' }, { 'flowdrill-scenario': 1 }, undefined).config.discipline).toBe('earliest-deadline');
        const c = triage1.compare(opts, { 'flowdrill-scenario': 1 }, edf, undefined);
        expect([c.a.config.discipline, c.b.config.discipline]).toEqual(['fifo', 'earliest-deadline']);
    });
});

describe('errors', () => {
    const code = (f: () => unknown) => failure(thrown(f)).code;

    test('bad options are options errors', () => {
        expect(code(() => triage1.simulate({ queue: 'lifo' as 'fifo' }, undefined, undefined))).toBe('options');
        expect(code(() => triage1.simulate({ horizon: '30 days' }, undefined, undefined))).toBe('options');
        expect(code(() => triage1.simulate({ horizon: '1h', warmup: '2h' }, undefined, undefined))).toBe('options');
        expect(code(() => triage1.simulate({ replications: 0 }, undefined, undefined))).toBe('options');
        expect(code(() => triage1.simulate({ start: 'soon' }, undefined, undefined))).toBe('options');
        expect(code(() => triage1.simulate({ seed: -1 }, undefined, undefined))).toBe('options');
    });

    test('an option that breaks its rule names it in path, with the core\'s message', () => {
        const e = failure(thrown(() => triage1.simulate({ horizon: '1h', resolution: '30s' }, undefined, undefined)));
        expect([e.code, e.path, e.message]).toEqual(['options', 'resolution', 'resolution: 30s is under a minute; expected at least 1m']);
        expect(failure(thrown(() => triage1.simulate({ replications: 1001 }, undefined, undefined))).path).toBe('replications');
    });

    // Options are read like a file, so a misspelt field is an error rather than ignored.
    test('a misspelt option is rejected, naming it', () => {
        expect(code(() => triage1.simulate({ horizon: '1h', eventLog: true } as object, undefined, undefined))).toBe('options');
    });

    test('a scenario that does not fit, or is malformed, is a scenario error with its path', () => {
        expect(code(() => triage1.simulate({ horizon: '1h' }, { 'flowdrill-scenario': 1, staff: { nobody: 2 } }, undefined))).toBe('scenario');
        const e = failure(thrown(() => triage1.simulate({ horizon: '1h' }, { 'flowdrill-scenario': 1, colour: 'red' } as Scenario, undefined)));
        expect([e.code, e.path]).toEqual(['scenario', 'colour']);
        expect(code(() => triage1.simulate({ horizon: '1h' }, { 'flowdrill-scenario': 2 } as unknown as Scenario, undefined))).toBe('scenario');
    });

    test('a workflow without arrivals cannot be simulated', () => {
        using w = Workflow.fromJson(
            JSON.stringify({
                flowdrill: 1,
                id: 'x',
                nodes: [{ id: 's', kind: 'start' }, { id: 'e', kind: 'end', outcome: 'done' }],
                edges: [{ from: 's', to: 'e' }],
            }),
        );
        expect(code(() => w.simulate({ horizon: '1h' }, undefined, undefined))).toBe('simulation');
    });
});
