/**
 * Wall-clock times in a named time zone, with the browser's Intl data: the arrival time a
 * person types is local to the workflow's first calendar, and results come back in UTC.
 */

const partsCache = new Map<string, Intl.DateTimeFormat>();

function partsFormat(tz: string): Intl.DateTimeFormat {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsCache.set(tz, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone. */
export function wallClock(ms: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const part of partsFormat(tz).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
}

/** The zone's offset from UTC at an instant, in minutes (New York in winter: -300). */
export function offsetMinutes(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

function pad(n: number, w = 2): string {
  return String(Math.abs(n)).padStart(w, '0');
}

function offsetText(min: number): string {
  const sign = min < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(min) / 60))}:${pad(Math.abs(min) % 60)}`;
}

/**
 * A local wall-clock time (`2026-11-20T19:30`, as a datetime-local input gives it) in a
 * zone, as RFC 3339 with that zone's offset (`2026-11-20T19:30:00-05:00`). A time in a
 * spring-forward gap takes the offset in force before the gap; a repeated autumn time its
 * first occurrence (as the core reads calendars).
 */
export function localToRfc3339(local: string, tz: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) throw new Error(`not a local date and time: ${local}`);
  const [y, mo, d, hh, mi, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const naive = Date.UTC(y, mo - 1, d, hh, mi, ss);
  // The offsets in force a day either side; a wall time maps back exactly with one of them
  // unless it falls in a gap.
  const candidates = [offsetMinutes(naive - 86400000, tz), offsetMinutes(naive + 86400000, tz)];
  candidates.sort((a, b) => b - a); // larger offset first: the earlier instant
  let chosen: number | undefined;
  for (const off of candidates) {
    const inst = naive - off * 60000;
    if (offsetMinutes(inst, tz) === off) {
      chosen = off;
      break;
    }
  }
  if (chosen === undefined) {
    // In a gap: the offset before the gap.
    chosen = offsetMinutes(naive - 86400000, tz);
  }
  const date = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(hh)}:${pad(mi)}:${pad(ss)}`;
  return `${date}${offsetText(chosen)}`;
}

/** An instant as the value of a datetime-local input in a zone (`2026-11-20T19:30`). */
export function toLocalInput(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  return `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}`;
}

const displayCache = new Map<string, Intl.DateTimeFormat>();

/** An instant for people, in a zone: `Fri 20 Nov 2026, 19:30 EST`. */
export function formatInstant(iso: string | null | undefined, tz: string): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  let f = displayCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    displayCache.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** Whether the browser knows a zone. */
export function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
