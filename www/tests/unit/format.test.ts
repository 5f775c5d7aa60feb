import { describe, expect, it } from 'vitest';
import { formatEstimate, formatSeconds, pct } from '../../src/format';
import { truncate, wrap } from '../../src/text';

describe('formatting', () => {
  it('formats seconds for people', () => {
    expect(formatSeconds(45)).toBe('45s');
    expect(formatSeconds(600)).toBe('10m');
    expect(formatSeconds(3600 + 5 * 60)).toBe('1h 05m');
    expect(formatSeconds(7200)).toBe('2h');
    expect(formatSeconds(2 * 86400 + 3 * 3600)).toBe('2d 3h');
    expect(formatSeconds(-120)).toBe('−2m');
    expect(formatSeconds(null)).toBe('—');
  });

  it('formats shares and estimates', () => {
    expect(pct(0.7396)).toBe('74.0 %');
    expect(formatEstimate({ mean: 0.74, half_width: 0.027 }, 'share')).toBe('74.0 % ± 2.7 %');
    expect(formatEstimate({ mean: 0.05, half_width: null }, 'share', true)).toBe('+5.0 % ± ∞');
  });

  it('wraps and truncates labels', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(wrap('Discover and ascertain the situation', 20, 2)).toEqual(['Discover and', 'ascertain the…']);
    expect(wrap('Short', 20, 2)).toEqual(['Short']);
    expect(wrap('one two three', 20, 1)).toEqual(['one two three']);
    expect(wrap('Supercalifragilistic word', 8, 2)).toEqual(['Supercal', 'ifragil…']);
  });
});
