// The Drill view's plain logic: merging logs from several tabs, instants of new actions,
// what is saved and sent, and the words shown. The merges are checked against the real
// drill module (www/pkg/flowdrill_drill.js): tabs that hear the same actions converge.
import { describe, expect, it } from 'vitest';
import { DrillSession } from '../../pkg/flowdrill_drill.js';
import {
  actionKey,
  countdown,
  errorText,
  injectStatusText,
  mergeLogs,
  nextAt,
  offsetText,
  parseMessage,
  parseSaved,
  ratingText,
  objectiveRatingText,
  replayInto,
  sameLog,
  scenarioOrigin,
  scenarioWorkflowFile,
  slug,
  type SavedDrill,
} from '../../src/drillModel';
import type { DrillAction } from '../../src/types';
import { good, scenario, session, workflow } from '../package/drillFixtures';
import { repoFile } from '../package/load';

const start: DrillAction = { at: '2026-03-04T21:30:00.000Z', by: 'facilitator', do: 'start', speed: 60 };

describe('merging logs', () => {
  it('keeps each action once, in time order, whatever order the logs come in', () => {
    const alice = good.filter((a) => a.by === 'alice' || a.by === 'facilitator');
    const others = good.filter((a) => a.by !== 'alice');
    const merged = mergeLogs(alice, others);
    expect(merged).toEqual(good);
    expect(mergeLogs(others, alice)).toEqual(good);
    expect(mergeLogs(good, good, [good[3]!])).toEqual(good);
    expect(sameLog(merged, good)).toBe(true);
    expect(sameLog(merged.slice(1), good)).toBe(false);
  });

  it('gives an action the same key whatever its field order', () => {
    const a: DrillAction = { at: start.at, by: 'x', do: 'take', case: 'video', role: 'legal' };
    const b = JSON.parse('{"case":"video","role":"legal","do":"take","by":"x","at":"2026-03-04T21:30:00.000Z"}') as DrillAction;
    expect(actionKey(a)).toBe(actionKey(b));
  });

  it('orders actions at the same instant from two logs the same way in every tab', () => {
    const x: DrillAction = { at: '2026-03-04T21:30:05.000Z', by: 'bob', do: 'take', case: 'video' };
    const y: DrillAction = { at: '2026-03-04T21:30:05.000Z', by: 'amy', do: 'flag', case: 'video' };
    expect(mergeLogs([start, x], [start, y])).toEqual(mergeLogs([start, y], [start, x]));
  });

  it('lets two tabs that split the good play converge to the same drill and report', () => {
    const tabA = good.filter((_, i) => i % 2 === 0);
    const tabB = good.filter((_, i) => i % 2 === 1);
    const a = session();
    const b = session();
    const ra = replayInto(a, mergeLogs(tabA, tabB));
    const rb = replayInto(b, mergeLogs(tabB, tabA));
    expect(ra.rejected).toEqual([]);
    expect(rb.rejected).toEqual([]);
    expect(a.log()).toEqual(good);
    expect(a.markdown()).toBe(b.markdown());
    expect(a.markdown()).toBe(repoFile('tests/expected/viral-video.good.md'));
  });

  it('drops the second of two clashing actions, the same way in both tabs', () => {
    const routeA: DrillAction = { at: '2026-03-04T21:30:03.000Z', by: 'alice', role: 'community-manager', do: 'route', case: 'video', to: 'crisis-alert' };
    const routeB: DrillAction = { at: '2026-03-04T21:30:03.400Z', by: 'bob', role: 'community-manager', do: 'route', case: 'video', to: 'monitor-only' };
    const a = replayInto(session(), mergeLogs([start, routeA], [start, routeB]));
    const b = replayInto(session(), mergeLogs([start, routeB], [start, routeA]));
    expect(a.applied).toEqual([start, routeA]);
    expect(b.applied).toEqual(a.applied);
    expect(a.rejected.map((r) => r.action)).toEqual([routeB]);
    expect(a.rejected[0]!.message).toMatch(/post "video" is not at a decision/);
  });
});

describe('new actions', () => {
  it('are stamped now, but always after the last action', () => {
    const now = new Date('2026-03-04T21:30:10.000Z');
    expect(nextAt(undefined, now)).toBe('2026-03-04T21:30:10.000Z');
    expect(nextAt('2026-03-04T21:30:09.000Z', now)).toBe('2026-03-04T21:30:10.000Z');
    expect(nextAt('2026-03-04T21:30:10.000Z', now)).toBe('2026-03-04T21:30:10.001Z');
    expect(nextAt('2026-03-04T21:30:12.500Z', now)).toBe('2026-03-04T21:30:12.501Z');
  });
});

describe('saved drills and messages', () => {
  const saved: SavedDrill = {
    v: 1,
    run: 'r1',
    created: '2026-11-23T10:00:00.000Z',
    source: { kind: 'example', id: 'viral-video', name: 'A complaint video goes viral' },
    workflow,
    scenario,
    log: [start],
  };

  it('read back what was written, and nothing else', () => {
    expect(parseSaved(JSON.stringify(saved))).toEqual(saved);
    expect(parseSaved(null)).toBeNull();
    expect(parseSaved('not json')).toBeNull();
    expect(parseSaved(JSON.stringify({ ...saved, v: 2 }))).toBeNull();
    expect(parseSaved(JSON.stringify({ ...saved, log: [{ at: 1 }] }))).toBeNull();
    expect(parseSaved(JSON.stringify({ ...saved, source: { kind: 'web', id: 'x', name: 'x' } }))).toBeNull();
  });

  it('accept the messages of the protocol only', () => {
    expect(parseMessage({ v: 1, type: 'action', run: 'r1', action: start })).toEqual({ v: 1, type: 'action', run: 'r1', action: start });
    expect(parseMessage({ v: 1, type: 'hello', run: 'r1' })).not.toBeNull();
    expect(parseMessage({ v: 1, type: 'log', run: 'r1', log: [start] })).not.toBeNull();
    expect(parseMessage({ v: 1, type: 'drill', drill: saved })).toEqual({ v: 1, type: 'drill', drill: saved });
    expect(parseMessage({ v: 1, type: 'reset', run: 'r1' })).not.toBeNull();
    expect(parseMessage({ v: 1, type: 'action', run: 'r1' })).toBeNull();
    expect(parseMessage({ v: 1, type: 'shout', run: 'r1' })).toBeNull();
    expect(parseMessage('hello')).toBeNull();
  });
});

describe('words', () => {
  const now = '2026-03-04T21:40:00Z';
  it('say how an SLA clock stands, never by colour alone', () => {
    expect(countdown({ state: 'running', deadline: '2026-03-04T21:52:00Z', level: 'ok' }, now)).toEqual({ text: '12m left', level: 'ok' });
    expect(countdown({ state: 'running', deadline: '2026-03-04T21:45:00Z', level: 'warning' }, now)).toEqual({ text: '5m left', level: 'warning' });
    expect(countdown({ state: 'paused', deadline: '2026-03-04T22:40:00Z', level: 'ok' }, now)).toEqual({ text: '1h left (paused)', level: 'ok' });
    expect(countdown({ state: 'running', deadline: '2026-03-04T21:30:00Z', level: 'breached' }, now)).toEqual({ text: 'breached 10m ago', level: 'breached' });
    expect(countdown({ state: 'running', deadline: '2026-03-04T21:40:00Z', level: 'warning' }, now).level).toBe('breached');
    expect(countdown({ state: 'breached', deadline: null, level: 'breached' }, now)).toEqual({ text: 'breached', level: 'breached' });
    expect(countdown({ state: 'met', deadline: null, level: 'ok' }, now)).toEqual({ text: 'met', level: 'done' });
  });

  it('say where an inject stands', () => {
    const origin = Date.parse('2026-03-04T21:30:00Z');
    expect(injectStatusText({ status: 'pending' }, false, origin)).toBe('pending');
    expect(injectStatusText({ status: 'pending' }, true, origin)).toBe('due now');
    expect(injectStatusText({ status: 'skipped' }, false, origin)).toBe('skipped');
    expect(injectStatusText({ status: 'published', at: '2026-03-04T21:36:00Z' }, false, origin)).toBe('published at T+6m');
    expect(injectStatusText({ status: 'published', at: '2026-03-04T21:36:00Z' }, false, origin, () => 'Wed 16:36')).toBe('published at Wed 16:36 (T+6m)');
    expect(offsetText('2026-03-04T21:30:20Z', origin)).toBe('T+0m');
  });

  it('turn core errors into sentences, with local times', () => {
    const e = Object.assign(new Error('action 4 (respond): brand-page is down until 2026-03-04T22:35:00+00:00; reply in private or wait'), { code: 'drill' });
    expect(errorText(e)).toBe('brand-page is down until 2026-03-04T22:35:00+00:00; reply in private or wait');
    expect(errorText(e, () => 'Wed 17:35')).toBe('brand-page is down until Wed 17:35; reply in private or wait');
    expect(errorText(new Error('scenario: unknown role "x"'))).toBe('the scenario does not fit its workflow: unknown role "x"');
  });

  it('read the scenario, name files and ratings', () => {
    expect(scenarioOrigin(scenario)).toBe(Date.parse('2026-03-04T21:30:00Z'));
    expect(scenarioWorkflowFile(scenario)).toBe('social-triage.json');
    expect(scenarioWorkflowFile('{}')).toBeNull();
    expect(slug('A complaint video goes viral!')).toBe('a-complaint-video-goes-viral');
    expect(slug('<>')).toBe('drill');
    expect(ratingText('P')).toBe('P — performed without challenges');
    expect(ratingText(null)).toBe('not rated yet');
    // An objective whose checks had not come due when the drill ended is not failed.
    expect(objectiveRatingText({ rating: null, not_due: 2 })).toBe('not due (nothing came due before the drill ended)');
    expect(objectiveRatingText({ rating: null, not_due: 0 })).toBe('not rated (nothing tested it)');
    expect(objectiveRatingText({ rating: 'S', not_due: 1 })).toBe('performed with some challenges; 1 not due');
  });
});
