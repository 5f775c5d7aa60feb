/** Simulation charts with uPlot: bars with 95 % intervals, quantile lines, queue series. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';
import { formatSeconds } from './format';
import { truncate } from './text';

export const PALETTE = ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#b45309'];

export type ChartUnit = 'share' | 'seconds' | 'count';

function fmt(v: number | null | undefined, unit: ChartUnit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  if (unit === 'share') return `${Math.round(v * 100)}%`;
  if (unit === 'seconds') return formatSeconds(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

const AXIS = { stroke: '#475569', font: '11px system-ui, sans-serif', grid: { stroke: '#e2e8f0', width: 1 }, ticks: { stroke: '#cbd5e1', width: 1 } };

/** A chart in a figure with a caption; resizes with its container. */
export class Chart {
  readonly el: HTMLElement;
  private plot: uPlot | null = null;
  private readonly box: HTMLDivElement;
  private observer: ResizeObserver;

  constructor(
    title: string,
    private readonly build: (width: number) => { opts: uPlot.Options; data: uPlot.AlignedData },
    description: string,
  ) {
    this.box = h('div', { class: 'chart-box' });
    this.el = h('figure', { class: 'chart', 'aria-label': `${title}. ${description}` }, h('figcaption', null, title), this.box);
    this.observer = new ResizeObserver(() => this.draw());
    this.observer.observe(this.box);
  }

  private draw(): void {
    const w = Math.floor(this.box.clientWidth);
    if (w < 50) return;
    if (this.plot && Math.abs(this.plot.width - w) < 2) return;
    this.plot?.destroy();
    const { opts, data } = this.build(w);
    this.plot = new uPlot(opts, data, this.box);
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }
}

export interface BarSeries {
  label: string;
  values: Array<number | null>;
  /** Half-widths of the 95 % interval, drawn as whiskers. */
  halfWidths?: Array<number | null>;
  color: string;
}

/** Horizontal bars per category, one bar per series, with whiskers for intervals. */
export function barChart(title: string, categories: string[], series: BarSeries[], unit: ChartUnit, description: string): Chart {
  return new Chart(
    title,
    (width) => {
      const n = categories.length;
      const idx = categories.map((_, i) => i);
      const per = series.length;
      const rowH = per > 1 ? 34 : 26;
      const height = Math.max(120, 50 + n * rowH);
      const labelChars = Math.min(26, Math.max(6, ...categories.map((c) => c.length)));
      const size = per > 1 ? 0.4 : 0.62;
      const align = (k: number): -1 | 0 | 1 => (per === 1 ? 0 : k === 0 ? -1 : 1);
      const whiskers = (u: uPlot) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.lineWidth = Math.max(1, devicePixelRatio * 1.2);
        ctx.strokeStyle = '#0f172a';
        const catPx = n > 1 ? Math.abs(u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true)) : u.bbox.height;
        series.forEach((s, k) => {
          if (!s.halfWidths) return;
          const barPx = catPx * size;
          const off = align(k) === 0 ? 0 : (align(k) * barPx) / 2;
          s.values.forEach((v, i) => {
            const hw = s.halfWidths?.[i];
            if (v === null || hw === null || hw === undefined || !Number.isFinite(hw) || hw === 0) return;
            const cy = u.valToPos(i, 'x', true) + off;
            const lo = u.valToPos(unit === 'share' ? Math.max(0, v - hw) : Math.max(0, v - hw), 'y', true);
            const hi = u.valToPos(unit === 'share' ? Math.min(1, v + hw) : v + hw, 'y', true);
            const cap = Math.min(6 * devicePixelRatio, barPx / 3);
            ctx.beginPath();
            ctx.moveTo(lo, cy);
            ctx.lineTo(hi, cy);
            ctx.moveTo(lo, cy - cap);
            ctx.lineTo(lo, cy + cap);
            ctx.moveTo(hi, cy - cap);
            ctx.lineTo(hi, cy + cap);
            ctx.stroke();
          });
        });
        ctx.restore();
      };
      const opts: uPlot.Options = {
        width,
        height,
        padding: [8, 16, 0, 0],
        cursor: { show: false },
        legend: { show: per > 1, live: false },
        scales: {
          x: { time: false, ori: 1, dir: -1, range: [-0.5, n - 0.5] },
          y: {
            ori: 0,
            dir: 1,
            range: (_u, _min, max) => {
              if (unit === 'share') return [0, 1];
              let top = max;
              for (const s of series) s.values.forEach((v, i) => (top = Math.max(top, (v ?? 0) + (s.halfWidths?.[i] ?? 0))));
              return [0, top > 0 ? top * 1.08 : 1];
            },
          },
        },
        axes: [
          {
            ...AXIS,
            scale: 'x',
            side: 3,
            size: Math.min(200, labelChars * 6.4 + 14),
            grid: { show: false },
            splits: () => idx,
            values: (_u, sp) => sp.map((i) => truncate(categories[i] ?? '', 26)),
          },
          {
            ...AXIS,
            scale: 'y',
            side: 2,
            values: (_u, sp) => sp.map((v) => fmt(v, unit)),
          },
        ],
        series: [
          {},
          ...series.map((s, k) => ({
            label: s.label,
            stroke: s.color,
            fill: `${s.color}cc`,
            width: 0,
            paths: uPlot.paths.bars!({ size: [size, 80], align: align(k) }),
            points: { show: false },
            value: (_u: uPlot, v: number | null) => fmt(v, unit),
          })),
        ],
        hooks: { draw: [whiskers] },
      };
      return { opts, data: [idx, ...series.map((s) => s.values)] as uPlot.AlignedData };
    },
    description,
  );
}

const NICE = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 90 * 86400, 365 * 86400];

/** Round durations (1m, 15m, 1h, 4h, 1d, ...) between two values, at most about six. */
export function durationSplits(min: number, max: number): number[] {
  let list = NICE.filter((v) => v >= min * 0.999 && v <= max * 1.001);
  while (list.length > 6) list = list.filter((_, i) => i % 2 === 0);
  return list.length ? list : [min, max];
}

/** Lines over a few named points (p50 … max), one per series, on a log scale. */
export function quantileChart(title: string, points: string[], series: Array<{ label: string; values: Array<number | null>; color: string }>, description: string): Chart {
  return new Chart(
    title,
    (width) => {
      const idx = points.map((_, i) => i);
      const opts: uPlot.Options = {
        width,
        height: 240,
        padding: [12, 16, 0, 0],
        cursor: { drag: { x: false, y: false } },
        legend: { show: true, live: false },
        scales: { x: { time: false, range: [-0.3, points.length - 0.7] }, y: { distr: 3, log: 10 } },
        axes: [
          { ...AXIS, splits: () => idx, values: (_u, sp) => sp.map((i) => points[i] ?? ''), grid: { show: false } },
          {
            ...AXIS,
            size: 64,
            splits: (_u, _i, min, max) => durationSplits(min, max),
            // Log axes label only powers of ten by default: label every round duration.
            filter: (_u, sp) => sp,
            values: (_u, sp) => sp.map((v) => formatSeconds(v)),
          },
        ],
        series: [
          { value: (_u: uPlot, v: number | null) => (v === null ? '' : points[v] ?? '') },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            points: { show: true, size: 7, fill: s.color },
            value: (_u: uPlot, v: number | null) => formatSeconds(v),
          })),
        ],
      };
      return { opts, data: [idx, ...series.map((s) => s.values.map((v) => (v !== null && v > 0 ? v : null)))] as uPlot.AlignedData };
    },
    description,
  );
}

/** Queue length over time, one line per role, on a time axis in the run's zone. */
export function timeChart(
  title: string,
  times: number[],
  series: Array<{ label: string; values: Array<number | null>; color: string }>,
  zone: string,
  description: string,
): Chart {
  return new Chart(
    title,
    (width) => {
      const opts: uPlot.Options = {
        width,
        height: 260,
        padding: [12, 16, 0, 0],
        legend: { show: true, live: false },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [{ ...AXIS }, { ...AXIS, size: 44 }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 1.5,
            points: { show: false },
            value: (_u: uPlot, v: number | null) => (v === null ? '' : v.toFixed(1)),
          })),
        ],
      };
      return { opts, data: [times, ...series.map((s) => s.values)] as uPlot.AlignedData };
    },
    description,
  );
}
