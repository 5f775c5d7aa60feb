/**
 * The workflow drawn as SVG from `Workflow.layout()`: node shapes by kind, edges as
 * polylines with arrowheads and captions, pan (drag, arrow keys), zoom (wheel, +/-
 * buttons and keys) and fit. The designer uses it to select; the route view in read-only
 * mode to light a route up.
 */
import { edgeId, idList, nodeLabel, roleLabel } from './doc';
import { button, h, s, uid } from './dom';
import { textWidth, truncate, wrap } from './text';
import type { Doc, Edge, LaidNode, Layout, LooseNode, Selection } from './types';

export interface GraphInput {
  doc: Doc;
  layout: Layout;
  selection?: Selection;
  /** Nodes and edges to light up; everything else is dimmed. */
  highlight?: { nodes: Set<string>; edges: Set<string> } | null;
  /** Node and edge ids with errors and warnings. */
  problems?: { errors: Set<string>; warnings: Set<string> };
  /** The source node while connecting. */
  pending?: string | null;
}

export interface GraphOptions {
  /** Accessible name of the drawing. */
  label: string;
  /** Nodes and edges can be selected (clicked, or focused and Enter). */
  interactive: boolean;
  onSelect?: (sel: Selection) => void;
}

const FONT = 11;
const LINE = 13;
/** The smallest scale the first view of a big drawing uses (Fit shows it all). */
const READABLE = 0.75;
const PAD = 40;

type Box = Pick<LaidNode, 'x' | 'y' | 'width' | 'height'>;

function centre(b: Box): [number, number] {
  return [b.x + b.width / 2, b.y + b.height / 2];
}

/** A polyline for an edge the layout left out: bottom to top, or round the side when going up. */
export function fallbackPoints(a: Box, b: Box): Array<[number, number]> {
  const [ax, ay] = centre(a);
  const [bx, by] = centre(b);
  if (b.y > a.y + a.height / 2) return [[ax, a.y + a.height], [bx, b.y]];
  const side = Math.max(a.x + a.width, b.x + b.width) + 30;
  return [
    [a.x + a.width, ay],
    [side, ay],
    [side, by],
    [b.x + b.width, by],
  ];
}

/** The point halfway along a polyline, and the direction of the segment it is on. */
function midpoint(points: Array<[number, number]>): [number, number] {
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    total += Math.hypot(points[i]![0] - points[i - 1]![0], points[i]![1] - points[i - 1]![1]);
  }
  let left = total / 2;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    const d = Math.hypot(x1 - x0, y1 - y0);
    if (d >= left && d > 0) return [x0 + ((x1 - x0) * left) / d, y0 + ((y1 - y0) * left) / d];
    left -= d;
  }
  return points[0] ?? [0, 0];
}

function kindWord(kind: string): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}

/** The second line of a node: the role of a task, what a wait waits for, who is told. */
function detail(doc: Doc, n: LooseNode): string {
  switch (n.kind) {
    case 'task':
      return typeof n.role === 'string' ? roleLabel(doc, n.role) : '';
    case 'wait':
      if (typeof n.delay === 'string') return `wait ${n.delay}`;
      if (typeof n.until === 'string') return `until ${n.until}`;
      if (n.batch && typeof n.batch === 'object') {
        const b = n.batch as Record<string, unknown>;
        return `batch ${String(b.every ?? '')} ${String(b.at ?? '')}`.trim();
      }
      return '';
    case 'notify':
      return `tell ${idList(n.roles).map((r) => roleLabel(doc, r)).join(', ')}`;
    case 'end':
      return typeof n.outcome === 'string' ? n.outcome : '';
    case 'start':
      return typeof n.channel === 'string' ? n.channel : '';
    default:
      return '';
  }
}

export class GraphView {
  readonly el: HTMLDivElement;
  private readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private readonly markerBase = uid('arrow');
  private k = 1;
  private tx = 0;
  private ty = 0;
  private drawing = { width: 0, height: 0 };
  private moved = false;
  private needFit = true;
  private fitAll = false;
  /** The nodes framed last (a route), kept in frame when the view resizes. */
  private framed: string[] | null = null;
  private suppressClick = false;
  private drag: { x: number; y: number; tx: number; ty: number; id: number; active: boolean } | null = null;
  private boxes = new Map<string, Box>();
  private edgePoints = new Map<string, Array<[number, number]>>();

  constructor(private readonly opts: GraphOptions) {
    this.viewport = s('g', { class: 'viewport' });
    this.svg = s(
      'svg',
      {
        class: 'graph-svg',
        role: 'group',
        'aria-label': `${opts.label}. Drag or use the arrow keys to pan; plus and minus to zoom; 0 to fit.`,
        tabindex: 0,
      },
      this.defs(),
      this.viewport,
    );
    const tools = h(
      'div',
      { class: 'graph-tools', role: 'toolbar', 'aria-label': 'Zoom' },
      button('+', () => this.zoomAt(1.25), { 'aria-label': 'Zoom in', title: 'Zoom in (+)' }),
      button('−', () => this.zoomAt(0.8), { 'aria-label': 'Zoom out', title: 'Zoom out (−)' }),
      button('Fit', () => this.fit(true), { 'aria-label': 'Fit the diagram to the view', title: 'Fit (0)' }),
    );
    this.el = h('div', { class: `graph ${opts.interactive ? 'interactive' : 'readonly'}` }, this.svg, tools);
    this.listen();
    new ResizeObserver(() => {
      if (this.needFit || !this.moved) this.reframe();
    }).observe(this.svg);
  }

  private defs(): SVGDefsElement {
    const marker = (name: string) =>
      s(
        'marker',
        {
          id: `${this.markerBase}-${name}`,
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          markerUnits: 'userSpaceOnUse',
          orient: 'auto-start-reverse',
          class: `marker marker-${name}`,
        },
        s('path', { d: 'M0,0 L10,5 L0,10 z' }),
      );
    return s('defs', null, marker('normal'), marker('selected'), marker('lit'), marker('dim'));
  }

  private listen(): void {
    const svg = this.svg;
    svg.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const r = svg.getBoundingClientRect();
        this.zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
      },
      { passive: false },
    );
    svg.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      this.drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, id: e.pointerId, active: false };
    });
    svg.addEventListener('pointermove', (e) => {
      const d = this.drag;
      if (!d || d.id !== e.pointerId) return;
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      if (!d.active && Math.hypot(dx, dy) > 4) {
        d.active = true;
        svg.setPointerCapture(e.pointerId);
        svg.classList.add('panning');
      }
      if (d.active) {
        this.tx = d.tx + dx;
        this.ty = d.ty + dy;
        this.moved = true;
        this.apply();
      }
    });
    const end = (e: PointerEvent) => {
      const d = this.drag;
      if (!d || d.id !== e.pointerId) return;
      if (d.active) {
        this.suppressClick = true;
        svg.releasePointerCapture(e.pointerId);
        svg.classList.remove('panning');
      }
      this.drag = null;
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointercancel', end);
    svg.addEventListener('click', (e) => {
      if (this.suppressClick) {
        this.suppressClick = false;
        return;
      }
      if (!this.opts.interactive) return;
      this.opts.onSelect?.(this.hit(e.target));
    });
    // Keep the focused node (keyboard users tab through them) in view.
    svg.addEventListener('focusin', (e) => {
      const sel = this.hit(e.target);
      if (sel) this.reveal(sel, 90);
      // The browser may have scrolled the clipped container to the element: undo that.
      const unscroll = () => {
        this.el.scrollTop = 0;
        this.el.scrollLeft = 0;
      };
      unscroll();
      requestAnimationFrame(unscroll);
    });
    svg.addEventListener('keydown', (e) => {
      const target = e.target as Element;
      if ((e.key === 'Enter' || e.key === ' ') && target !== svg && this.opts.interactive) {
        e.preventDefault();
        this.opts.onSelect?.(this.hit(target));
        return;
      }
      const step = 60;
      const keys: Record<string, () => void> = {
        ArrowLeft: () => this.panBy(step, 0),
        ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step),
        ArrowDown: () => this.panBy(0, -step),
        '+': () => this.zoomAt(1.25),
        '=': () => this.zoomAt(1.25),
        '-': () => this.zoomAt(0.8),
        '0': () => this.fit(true),
      };
      const f = keys[e.key];
      if (f && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        f();
      }
    });
  }

  private hit(target: EventTarget | null): Selection {
    const el = target instanceof Element ? target.closest('[data-node],[data-edge]') : null;
    if (!el) return null;
    const node = el.getAttribute('data-node');
    if (node !== null) return { type: 'node', id: node };
    const edge = el.getAttribute('data-edge');
    return edge !== null ? { type: 'edge', id: edge } : null;
  }

  private panBy(dx: number, dy: number): void {
    this.tx += dx;
    this.ty += dy;
    this.moved = true;
    this.apply();
  }

  /** Zooms by `factor` about a point of the view (its centre by default). */
  zoomAt(factor: number, cx?: number, cy?: number): void {
    const r = this.svg.getBoundingClientRect();
    const x = cx ?? r.width / 2;
    const y = cy ?? r.height / 2;
    const k = Math.min(4, Math.max(0.1, this.k * factor));
    const f = k / this.k;
    this.tx = x - (x - this.tx) * f;
    this.ty = y - (y - this.ty) * f;
    this.k = k;
    this.moved = true;
    this.apply();
  }

  /**
   * Scales and centres the whole drawing in the view. The first view of a drawing too big
   * to read whole keeps a readable scale and starts at the top instead; the Fit button
   * (`all`) always shows everything.
   */
  fit(all = this.fitAll): void {
    this.fitAll = all;
    this.framed = null;
    const r = this.svg.getBoundingClientRect();
    if (r.width < 10 || r.height < 10 || this.drawing.width === 0) {
      this.needFit = true;
      return;
    }
    const w = this.drawing.width + 2 * PAD;
    const hgt = this.drawing.height + 2 * PAD;
    let k = Math.min(1.2, r.width / w, r.height / hgt);
    if (!all && k < READABLE) {
      k = READABLE;
      // Centre the top of the drawing (where cases enter).
      const top = [...this.boxes.values()].reduce<Box | undefined>((a, b) => (!a || b.y < a.y ? b : a), undefined);
      const cx = top ? top.x + top.width / 2 : this.drawing.width / 2;
      this.k = k;
      this.tx = Math.min(PAD * k, Math.max(r.width - (this.drawing.width + PAD) * k, r.width / 2 - cx * k));
      this.ty = PAD * k;
    } else {
      this.k = k;
      this.tx = (r.width - this.drawing.width * k) / 2;
      this.ty = (r.height - this.drawing.height * k) / 2;
    }
    this.needFit = false;
    this.moved = false;
    this.apply();
  }

  /**
   * Frames a set of nodes (a route): centred across, from their top, at a readable scale.
   * Does nothing once the user has panned or zoomed.
   */
  frame(ids: Iterable<string>): void {
    if (this.moved) return;
    this.framed = [...ids];
    const boxes = this.framed.map((id) => this.boxes.get(id)).filter((b): b is Box => !!b);
    const r = this.svg.getBoundingClientRect();
    if (!boxes.length || r.width < 10 || r.height < 10) {
      this.needFit = true;
      return;
    }
    const x0 = Math.min(...boxes.map((b) => b.x));
    const x1 = Math.max(...boxes.map((b) => b.x + b.width));
    const y0 = Math.min(...boxes.map((b) => b.y));
    const y1 = Math.max(...boxes.map((b) => b.y + b.height));
    const k = Math.max(READABLE, Math.min(1.1, r.width / (x1 - x0 + 2 * PAD), r.height / (y1 - y0 + 2 * PAD)));
    this.k = k;
    this.tx = r.width / 2 - ((x0 + x1) / 2) * k;
    this.ty = (y1 - y0 + 2 * PAD) * k <= r.height ? (r.height - (y0 + y1) * k) / 2 : PAD * k - y0 * k;
    this.needFit = false;
    this.apply();
  }

  private reframe(): void {
    if (this.framed) {
      this.moved = false;
      this.frame(this.framed);
    } else this.fit();
  }

  /** Pans so that a node or edge is in view (keeps the zoom). */
  reveal(sel: Selection, margin = 40): void {
    if (!sel) return;
    let p: [number, number] | undefined;
    if (sel.type === 'node') {
      const b = this.boxes.get(sel.id);
      if (b) p = centre(b);
    } else {
      const pts = this.edgePoints.get(sel.id);
      if (pts) p = midpoint(pts);
    }
    if (!p) return;
    const r = this.svg.getBoundingClientRect();
    const sx = p[0] * this.k + this.tx;
    const sy = p[1] * this.k + this.ty;
    if (sx > margin && sx < r.width - margin && sy > margin && sy < r.height - margin) return;
    this.tx = r.width / 2 - p[0] * this.k;
    this.ty = r.height / 2 - p[1] * this.k;
    this.moved = true;
    this.apply();
  }

  private apply(): void {
    this.viewport.setAttribute('transform', `translate(${this.tx.toFixed(1)} ${this.ty.toFixed(1)}) scale(${this.k.toFixed(4)})`);
  }

  render(input: GraphInput): void {
    const { doc, layout } = input;
    const byId = new Map(doc.nodes.map((n) => [n.id, n]));
    this.boxes = new Map(layout.nodes.map((n) => [n.id, n]));
    const laidEdges = new Map(layout.edges.map((e) => [e.id, e]));
    const sel = input.selection ?? null;
    const lit = input.highlight ?? null;
    const problems = input.problems;

    const edgeLayer = s('g', { class: 'edges' });
    const labelLayer = s('g', { class: 'edge-labels' });
    this.edgePoints.clear();
    for (const e of doc.edges) {
      const id = edgeId(e);
      const a = this.boxes.get(e.from);
      const b = this.boxes.get(e.to);
      let pts = laidEdges.get(id)?.points;
      if (!pts || pts.length < 2) {
        if (!a || !b) continue;
        pts = fallbackPoints(a, b);
      }
      this.edgePoints.set(id, pts);
      const state =
        sel?.type === 'edge' && sel.id === id ? 'selected' : lit ? (lit.edges.has(id) ? 'lit' : 'dim') : 'normal';
      // The core writes the caption; an edge it did not lay out shows its label, if any.
      const caption = laidEdges.has(id) ? (laidEdges.get(id)?.caption ?? '') : (e.label ?? '');
      edgeLayer.appendChild(this.edge(e, id, caption, pts, state, problems, labelLayer));
    }

    const nodeLayer = s('g', { class: 'nodes' });
    for (const laid of layout.nodes) {
      const n = byId.get(laid.id);
      if (!n) continue;
      const classes = ['node', `kind-${n.kind}`];
      if (sel?.type === 'node' && sel.id === n.id) classes.push('selected');
      if (input.pending === n.id) classes.push('pending');
      if (lit) classes.push(lit.nodes.has(n.id) ? 'lit' : 'dim');
      if (problems?.errors.has(n.id)) classes.push('has-error');
      else if (problems?.warnings.has(n.id)) classes.push('has-warning');
      nodeLayer.appendChild(this.node(doc, n, laid, classes.join(' ')));
    }

    this.viewport.replaceChildren(edgeLayer, nodeLayer, labelLayer);
    const changed = this.drawing.width !== layout.width || this.drawing.height !== layout.height;
    this.drawing = { width: layout.width, height: layout.height };
    if (this.needFit || (changed && !this.moved)) this.reframe();
    else this.apply();
  }

  private edge(
    e: Edge,
    id: string,
    caption: string,
    pts: Array<[number, number]>,
    state: string,
    problems: GraphInput['problems'],
    labels: SVGGElement,
  ): SVGGElement {
    const d = pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
    const classes = ['edge', state];
    if (problems?.errors.has(id)) classes.push('has-error');
    else if (problems?.warnings.has(id)) classes.push('has-warning');
    if (e.otherwise) classes.push('otherwise');
    const g = s(
      'g',
      { class: classes.join(' '), 'data-edge': id },
      s('title', null, caption ? `${e.from} → ${e.to}: ${caption}` : `${e.from} → ${e.to}`),
      s('polyline', { class: 'edge-hit', points: d }),
      s('polyline', { class: 'edge-line', points: d, 'marker-end': `url(#${this.markerBase}-${state})` }),
    );
    if (this.opts.interactive) {
      g.setAttribute('role', 'button');
      g.setAttribute('tabindex', '-1');
      g.setAttribute('aria-label', `Edge from ${e.from} to ${e.to}${caption ? `: ${caption}` : ''}`);
    }
    if (caption) {
      const text = truncate(caption, 34);
      const [mx, my] = midpoint(pts);
      const w = textWidth(text, 11) + 10;
      labels.appendChild(
        s(
          'g',
          { class: `edge-label ${state}`, 'data-edge': id, transform: `translate(${mx.toFixed(1)} ${my.toFixed(1)})` },
          s('title', null, caption),
          s('rect', { x: -w / 2, y: -9, width: w, height: 18, rx: 4 }),
          s('text', { 'text-anchor': 'middle', y: 4 }, text),
        ),
      );
    }
    return g;
  }

  private node(doc: Doc, n: LooseNode, b: LaidNode, classes: string): SVGGElement {
    const { width: w, height: hgt } = b;
    const label = nodeLabel(n);
    const sub = detail(doc, n);
    const g = s('g', { class: classes, 'data-node': n.id, transform: `translate(${b.x} ${b.y})` });
    g.appendChild(s('title', null, `${kindWord(n.kind)}: ${label}${sub ? ` — ${sub}` : ''}`));
    if (this.opts.interactive) {
      g.setAttribute('role', 'button');
      g.setAttribute('tabindex', '0');
      g.setAttribute('aria-label', `${kindWord(n.kind)} ${label}${sub ? `, ${sub}` : ''}`);
    }
    let textWidthAvail = w - 16;
    let top = 0;
    let bottom = hgt;
    switch (n.kind) {
      case 'start':
        g.appendChild(s('rect', { class: 'shape', width: w, height: hgt, rx: Math.min(hgt / 2, 22) }));
        break;
      case 'end':
        g.appendChild(s('rect', { class: 'shape', width: w, height: hgt, rx: Math.min(hgt / 2, 22) }));
        g.appendChild(s('rect', { class: 'shape-inner', x: 3, y: 3, width: w - 6, height: hgt - 6, rx: Math.min(hgt / 2 - 3, 19) }));
        break;
      case 'decision':
        g.appendChild(s('polygon', { class: 'shape', points: `${w / 2},0 ${w},${hgt / 2} ${w / 2},${hgt} 0,${hgt / 2}` }));
        textWidthAvail = w * 0.62;
        top = hgt * 0.18;
        bottom = hgt * 0.82;
        break;
      case 'fork':
      case 'join': {
        const barH = Math.min(10, hgt);
        const y = hgt <= 24 ? (hgt - barH) / 2 : 4;
        g.appendChild(s('rect', { class: 'hit', width: w, height: hgt }));
        g.appendChild(s('rect', { class: 'shape bar', y, width: w, height: barH, rx: 3 }));
        if (hgt >= 28) {
          const lines = wrap(label, Math.floor((w - 8) / (11 * 0.56)), Math.max(1, Math.floor((hgt - 18) / 14)));
          g.appendChild(this.lines(lines, w / 2, 18 + y + barH / 2, 13, 'label small'));
        }
        return g;
      }
      default:
        g.appendChild(s('rect', { class: 'shape', width: w, height: hgt, rx: 6 }));
    }
    if (n.kind === 'wait') g.appendChild(this.icon('clock', w - 16, 4));
    if (n.kind === 'notify') g.appendChild(this.icon('bell', w - 16, 4));
    const subSize = 10;
    const avail = bottom - top - 4 - (sub ? subSize + 2 : 0);
    const maxLines = Math.max(1, Math.floor(avail / LINE));
    const lines = wrap(label, Math.max(4, Math.floor(textWidthAvail / (FONT * 0.56))), maxLines);
    const blockH = lines.length * LINE + (sub ? subSize + 2 : 0);
    const y0 = top + (bottom - top - blockH) / 2 + FONT - 1;
    g.appendChild(this.lines(lines, w / 2, y0, LINE, 'label'));
    if (sub) {
      const t = truncate(sub, Math.max(4, Math.floor(textWidthAvail / (subSize * 0.56))));
      g.appendChild(s('text', { class: 'sub', x: w / 2, y: y0 + (lines.length - 1) * LINE + subSize + 3, 'text-anchor': 'middle' }, t));
    }
    return g;
  }

  private lines(lines: string[], x: number, y0: number, lineHeight: number, cls: string): SVGTextElement {
    const t = s('text', { class: cls, x, y: y0, 'text-anchor': 'middle' });
    lines.forEach((line, i) => t.appendChild(s('tspan', { x, dy: i === 0 ? 0 : lineHeight }, line)));
    return t;
  }

  private icon(kind: 'clock' | 'bell', x: number, y: number): SVGGElement {
    const g = s('g', { class: 'icon', transform: `translate(${x} ${y})`, 'aria-hidden': 'true' });
    if (kind === 'clock') {
      g.appendChild(s('circle', { cx: 6, cy: 6, r: 5.2 }));
      g.appendChild(s('path', { d: 'M6 3 V6 L8.2 7.4' }));
    } else {
      g.appendChild(s('path', { d: 'M2.5 9 C3.5 8 3 3.2 6 2.8 C9 3.2 8.5 8 9.5 9 Z' }));
      g.appendChild(s('path', { d: 'M5 10.4 H7' }));
    }
    return g;
  }
}
