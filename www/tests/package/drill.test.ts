// Fire drills through the drill module (www/pkg/flowdrill_drill.js): the recorded logs
// replay to the same reports as natively, errors are Error objects, memory is freed.

import { describe, expect, test } from 'vitest';
import { DrillSession } from '../../pkg/flowdrill_drill.js';
import type { DrillAction, FlowdrillError } from '../../pkg/flowdrill_drill.js';
import { bad, drillModule as drill, good, scenario, session, workflow } from './drillFixtures';
import { repoFile, thrown } from './load';

function replay(log: DrillAction[]): DrillSession {
    const s = session();
    for (const a of log) s.apply(a);
    return s;
}

describe('drill session', () => {
    test('a recorded drill gives the same report in WebAssembly as natively', () => {
        // tests/expected/*.md are written by the native tests (tests/tests/drills.rs).
        expect(replay(good).markdown()).toBe(repoFile('tests/expected/viral-video.good.md'));
        expect(replay(bad).markdown()).toBe(repoFile('tests/expected/viral-video.bad.md'));
    });

    test('good play rates P; the report, CSV and log come out whole', () => {
        const s = replay(good);
        const report = s.report();
        expect(report.overall).toBe('P');
        expect(report.score.objectives.map((o) => o.rating)).toEqual(['P', 'P', 'P', 'P', 'P']);
        expect(s.csv().split('\n')[0]).toBe('case_id,activity,timestamp,resource,lifecycle');
        expect(s.html()).toContain('<h1>After-action report: A complaint video goes viral</h1>');
        expect(s.log()).toEqual(good);
        expect(JSON.parse(s.logJson())).toEqual(good);
    });

    test('the view shows the inbox with the steps a post waits at', () => {
        const s = session();
        s.apply({ at: '2026-03-04T21:30:00.000Z', by: 'facilitator', do: 'start', speed: 60 });
        s.tick('2026-03-04T21:30:08.000Z');
        const v = s.view();
        expect(v.elapsed).toBe('8m');
        expect(v.local).toBe('Wed 16:38');
        expect(v.cases.map((c) => c.id)).toEqual(['journalist', 'video']);
        const video = v.cases[1]!;
        expect(video.steps[0]?.node).toBe('discover');
        expect(video.steps[0]?.decision).toBe('screen');
        expect(video.steps[0]?.branches.map((b) => b.to)).toContain('crisis-alert');
        expect(video.clocks[0]).toMatchObject({ rule: 'crisis-to-legal', level: 'warning', fired: ['50%'] });
        expect(v.injects.find((i) => i.id === 'hashtag')?.status).toEqual({ status: 'pending' });
    });

    test('an action that cannot be taken throws a FlowdrillError and changes nothing', () => {
        const s = session();
        s.apply({ at: '2026-03-04T21:30:00.000Z', by: 'facilitator', do: 'start', speed: 60 });
        const e = thrown(() =>
            s.apply({ at: '2026-03-04T21:30:05.000Z', by: 'ana', do: 'route', case: 'video', to: 'nowhere' }),
        ) as FlowdrillError;
        expect(e).toBeInstanceOf(Error);
        expect(e.name).toBe('FlowdrillError');
        expect(e.code).toBe('drill');
        expect(e.index).toBe(1);
        expect(e.message).toContain('decision "screen": unknown branch "nowhere"');
        expect(s.log()).toHaveLength(1);
        const typo = thrown(() => s.apply({ at: 'x', by: 'ana', do: 'take' } as DrillAction)) as FlowdrillError;
        expect(typo.code).toBe('drill');
        const field = thrown(() =>
            s.apply({ at: '2026-03-04T21:30:06.000Z', by: 'ana', do: 'take', cas: 'video' } as unknown as DrillAction),
        ) as FlowdrillError;
        expect(field.message).toContain('unknown field "cas"');
        expect(field.message).toContain('did you mean "case"?');
        expect(field.path).toBe('cas');
    });

    test('a scenario that does not fit its workflow is refused with where', () => {
        const broken = scenario.replace('"situation": "crisis"', '"situation": "crises"');
        const e = thrown(() => new DrillSession(workflow, broken)) as FlowdrillError;
        expect(e.code).toBe('drill');
        expect(e.message).toContain('injects[0].truth');
        expect(e.message).toContain('did you mean "crisis"?');
    });

    test('300 replays of a drill do not grow memory', () => {
        const run = () => {
            const s = new DrillSession(workflow, scenario);
            for (const a of good) s.apply(a);
            s.markdown();
            s.free();
        };
        for (let i = 0; i < 20; i++) run();
        const before = drill.memory.buffer.byteLength;
        for (let i = 0; i < 300; i++) run();
        expect(drill.memory.buffer.byteLength).toBe(before);
    });
});
