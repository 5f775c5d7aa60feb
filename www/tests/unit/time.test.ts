import { describe, expect, it } from 'vitest';
import { formatInstant, localToRfc3339, offsetMinutes, toLocalInput } from '../../src/time';

describe('time zones', () => {
  it('knows offsets', () => {
    expect(offsetMinutes(Date.parse('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(offsetMinutes(Date.parse('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-240);
    expect(offsetMinutes(Date.parse('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(offsetMinutes(Date.parse('2026-07-15T12:00:00Z'), 'UTC')).toBe(0);
  });

  it('turns local wall-clock times into RFC 3339 with the zone offset', () => {
    expect(localToRfc3339('2026-11-20T19:30', 'America/New_York')).toBe('2026-11-20T19:30:00-05:00');
    expect(localToRfc3339('2026-06-01T09:00', 'Europe/London')).toBe('2026-06-01T09:00:00+01:00');
    expect(localToRfc3339('2026-03-02T09:00', 'Asia/Kolkata')).toBe('2026-03-02T09:00:00+05:30');
  });

  it('reads a repeated autumn time as its first occurrence, a spring gap with the earlier offset', () => {
    expect(localToRfc3339('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T01:30:00-04:00');
    expect(localToRfc3339('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T02:30:00-05:00');
  });

  it('formats instants in a zone', () => {
    expect(toLocalInput(Date.parse('2026-11-21T00:30:00Z'), 'America/New_York')).toBe('2026-11-20T19:30');
    expect(formatInstant('2026-11-21T15:30:00Z', 'America/New_York')).toBe('Sat 21 Nov 2026, 10:30 EST');
    expect(formatInstant(null, 'UTC')).toBe('—');
  });
});
