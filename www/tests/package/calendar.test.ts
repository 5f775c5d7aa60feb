// @vitest-environment node
// Business time: the same answers as the documented CLI examples.

import { describe, expect, test } from 'vitest';
import { deadline, elapsed } from '../../pkg/flowdrill_wasm.js';
import type { Calendar, FlowdrillError } from '../../pkg/flowdrill_wasm.js';
import { thrown } from './load';

const newYork: Calendar = { timezone: 'America/New_York', hours: { 'mon-fri': [['09:00', '17:00']] } };
const weekdaysUtc: Calendar = { timezone: 'UTC', hours: { 'mon-fri': [['08:00', '17:00']] } };

describe('deadline', () => {
    test('Friday 16:30 in New York plus 2h on weekday hours is Monday 10:30', () => {
        expect(deadline(JSON.stringify(newYork), '2026-11-20T16:30:00-05:00', '2h')).toBe('2026-11-23T10:30:00-05:00');
        // The same start written in UTC: the answer is still in the calendar's offset.
        expect(deadline(JSON.stringify(newYork), '2026-11-20T21:30:00Z', '2h')).toBe('2026-11-23T10:30:00-05:00');
    });

    test('a calendar without hours counts elapsed time, answering in local offset (Z for +00:00)', () => {
        const london = '{"timezone": "Europe/London"}';
        expect(deadline(london, '2026-11-20T16:30:00Z', '1d')).toBe('2026-11-21T16:30:00Z');
        expect(deadline(london, '2026-07-20T16:30:00Z', '1d')).toBe('2026-07-21T17:30:00+01:00');
    });

    test('bad input throws FlowdrillErrors', () => {
        const bad = (f: () => unknown) => thrown(f) as FlowdrillError;
        const zone = bad(() => deadline('{"timezone": "Mars/Base"}', '2026-11-20T16:30:00Z', '2h'));
        expect(zone).toBeInstanceOf(Error);
        expect(zone.name).toBe('FlowdrillError');
        expect(zone.code).toBe('calendar');
        expect(zone.path).toBe('timezone');
        expect(bad(() => deadline(JSON.stringify(newYork), 'yesterday', '2h')).code).toBe('calendar');
        expect(bad(() => deadline(JSON.stringify(newYork), '2026-11-20T16:30:00Z', '2 hours')).code).toBe('calendar');
        expect(bad(() => deadline('{"timezone": "UTC", "hours": {"mon": []}}', '2026-11-20T16:30:00Z', '1h')).code).toBe('calendar');
        expect(bad(() => deadline('{"timezone": "UTC",', '2026-11-20T16:30:00Z', '1h')).code).toBe('calendar');
    });
});

describe('elapsed', () => {
    test('the ServiceNow example: Friday 21:00 to Monday 09:30 on weekdays 08:00-17:00 is 1h30m', () => {
        expect(elapsed(JSON.stringify(weekdaysUtc), '2026-11-20T21:00:00Z', '2026-11-23T09:30:00Z')).toBe('1h30m');
    });

    test('backwards is no open time', () => {
        expect(elapsed(JSON.stringify(weekdaysUtc), '2026-11-23T09:30:00Z', '2026-11-20T21:00:00Z')).toBe('0s');
    });
});
