// A served drill's participant view read defensively, and its live clock between views.
import { describe, expect, it } from 'vitest';
import { durationSeconds, liveAge, liveNow, readParticipantView, shiftedLocal, viewOrigin, zoneShift } from '../../src/participantView';

const raw = {
  scenario: 'viral-video',
  title: 'A complaint video goes viral',
  description: null,
  workflow: 'social-triage',
  now: '2026-03-04T21:42:00Z',
  local: 'Wed 16:42',
  elapsed: '12m',
  clock: { started: true, running: true, speed: 60, drill_mark: '2026-03-04T21:30:00Z', wall_mark: '2026-03-04T20:00:00Z' },
  ended: null,
  roles: ['community-manager', 'corp-comms'],
  attributes: [{ name: 'situation', values: ['crisis', 'question'] }],
  outages: [],
  cases: [
    {
      id: 'video',
      source: 'inject',
      channel: 'twitter',
      author: '@maya',
      text: 'Watch to the end',
      published: '2026-03-04T21:30:00Z',
      age: '12m',
      read: [['situation', 'crisis']],
      holder: null,
      holder_role: 'community-manager',
      tags: [],
      flagged: false,
      priority: false,
      steps: [{ node: 'discover', label: 'Discover', kind: 'task', role: 'community-manager', branches: [{ to: 'crisis-alert', label: 'crisis' }], decision: 'screen', roles: [] }],
      clocks: [{ rule: 'crisis-to-legal', name: 'Loop legal in', state: 'running', deadline: '2026-03-04T21:45:00Z', fired: [], level: 'warning' }],
      outcome: null,
      ended: null,
    },
    { source: 'inject', text: 'no id: left out' },
  ],
  recent: [{ at: '2026-03-04T21:30:00Z', kind: 'published', case: 'video', text: 'video published' }],
};

describe('the participant view', () => {
  it('reads a view as the core writes it', () => {
    const v = readParticipantView(raw);
    expect(v.cases.map((c) => c.id)).toEqual(['video']);
    expect(v.cases[0]!.steps[0]!.branches).toEqual([{ to: 'crisis-alert', label: 'crisis' }]);
    expect(v.cases[0]!.clocks[0]).toMatchObject({ rule: 'crisis-to-legal', state: 'running', level: 'warning' });
    expect(v.attributes).toEqual([{ name: 'situation', values: ['crisis', 'question'] }]);
    expect(v.clock).toEqual(raw.clock);
    expect(v.recent).toHaveLength(1);
  });

  it('fills what is missing or of the wrong kind, so an unexpected view still draws', () => {
    const v = readParticipantView({ cases: [{ id: 'x', read: { situation: 'crisis' }, steps: [{ label: 'no node' }, { node: 'n', branches: [{ label: 'no to' }] }], clocks: [{ state: 'weird', level: 'purple' }] }], attributes: { situation: ['crisis'] }, clock: 'no' });
    expect(v.cases[0]).toMatchObject({ id: 'x', read: [['situation', 'crisis']], tags: [], flagged: false, outcome: null, ended: null });
    expect(v.cases[0]!.steps).toEqual([{ node: 'n', label: 'n', kind: 'task', role: null, branches: [], decision: null, roles: [] }]);
    expect(v.cases[0]!.clocks[0]).toMatchObject({ state: 'running', level: 'ok', deadline: null });
    expect(v.attributes).toEqual([{ name: 'situation', values: ['crisis'] }]);
    expect(v.clock).toMatchObject({ started: false, running: false, speed: 1 });
    expect(v.roles).toEqual([]);
  });

  it('moves drill time on the server’s clock while it runs, and never back', () => {
    const v = readParticipantView(raw);
    // 3 wall seconds after the mark at ×60: 3 drill minutes after the drill mark.
    expect(liveNow(v, Date.parse('2026-03-04T20:00:03Z'))).toBe(Math.max(Date.parse(raw.now), Date.parse('2026-03-04T21:33:00Z')));
    expect(liveNow(v, Date.parse('2026-03-04T20:13:00Z'))).toBe(Date.parse('2026-03-04T21:30:00Z') + 13 * 60 * 60_000);
    const paused = readParticipantView({ ...raw, clock: { ...raw.clock, running: false } });
    expect(liveNow(paused, Date.parse('2026-03-04T23:00:00Z'))).toBe(Date.parse(raw.now));
    const ended = readParticipantView({ ...raw, ended: '2026-03-04T21:42:00Z' });
    expect(liveNow(ended, Date.parse('2026-03-04T23:00:00Z'))).toBe(Date.parse(raw.now));
  });

  it('reads the zone’s offset off the view and writes local times with it', () => {
    expect(zoneShift('2026-03-04T21:42:00Z', 'Wed 16:42')).toBe(-300);
    expect(zoneShift('2026-03-04T23:30:00Z', 'Thu 05:00')).toBe(330);
    expect(zoneShift('2026-03-04T21:42:00Z', '16:42')).toBeNull();
    expect(shiftedLocal(Date.parse('2026-03-05T04:50:00Z'), -300)).toBe('Wed 23:50');
  });

  it('the start, durations and ages', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('45s')).toBe(45);
    expect(durationSeconds('2d')).toBe(172800);
    expect(durationSeconds('soon')).toBeNaN();
    const v = readParticipantView(raw);
    expect(viewOrigin(v)).toBe(Date.parse('2026-03-04T21:30:00Z'));
    expect(liveAge(v.cases[0]!, Date.parse('2026-03-04T22:35:00Z'))).toBe('1h05m');
  });
});
