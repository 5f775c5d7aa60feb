/** Number and duration formatting for results. */

/** Seconds for people: `45s`, `12m`, `1h 05m`, `2d 3h`. */
export function formatSeconds(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '—';
  const neg = sec < 0;
  let s = Math.abs(sec);
  let out: string;
  if (s < 60) out = `${Math.round(s)}s`;
  else if (s < 3600) out = `${Math.round(s / 60)}m`;
  else if (s < 86400) {
    s = Math.round(s / 60);
    const h = Math.floor(s / 60);
    const m = s % 60;
    out = m ? `${h}h ${String(m).padStart(2, '0')}m` : `${h}h`;
  } else {
    s = Math.round(s / 3600);
    const d = Math.floor(s / 24);
    const h = s % 24;
    out = h ? `${d}d ${h}h` : `${d}d`;
  }
  return neg ? `−${out}` : out;
}

/** A share as a percentage: `73.9 %`. */
export function pct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(digits)} %`;
}

/** A plain number with a sensible number of digits. */
export function num(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export type Unit = 'share' | 'seconds' | 'count';

/** One figure in a unit. */
export function formatValue(x: number | null | undefined, unit: Unit, signed = false): string {
  // A difference that rounds to zero is written without a sign.
  if (x !== null && x !== undefined && Math.abs(x) < (unit === 'share' ? 0.0005 : unit === 'seconds' ? 0.5 : 0.05)) x = 0;
  const sign = signed && x !== null && x !== undefined && x > 0 ? '+' : '';
  let out: string;
  switch (unit) {
    case 'share':
      out = pct(x);
      break;
    case 'seconds':
      out = formatSeconds(x);
      break;
    default:
      out = num(x);
  }
  return sign + out.replace(/^-/, '−');
}

/** A mean with its 95 % half-width: `73.9 % ± 2.7 %`. */
export function formatEstimate(e: { mean: number; half_width: number | null }, unit: Unit, signed = false): string {
  const m = formatValue(e.mean, unit, signed);
  if (e.half_width === null || !Number.isFinite(e.half_width)) return `${m} ± ∞`;
  return `${m} ± ${formatValue(e.half_width, unit)}`;
}
