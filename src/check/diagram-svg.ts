import type { Dimension } from '../flow/schema.js';
import { edgesOf, type DiagramEdge, type DiagramFlow, type DiagramStep } from './flow-graph.js';

// A small layered layout (longest-path layers, dummy points for long arrows, barycentre order),
// drawn in a monospaced font so that text widths are known without a browser.

const FONT = "'DejaVu Sans Mono', Menlo, Consolas, monospace";
const FONT_SIZE = 12;
const CHAR_W = 7.25;
const ROW_H = 17;
const HEADER_H = 24;
const PAD = 10;
const MIN_CARD_W = 210;
/** Longer choice lines wrap their signs onto the next line. */
const WRAP_AT = 46;
const H_GAP = 44;
const V_GAP = 46;
const V_GAP_LABELLED = 64;
const MARGIN = 24;

const DIMENSION_COLOUR: Record<Dimension, string> = {
  involuntary: '#1f5fa8',
  coercion: '#8e3ca8',
  rights: '#8a5a00',
};
const UNKNOWN_COLOUR = '#555555';
const URGENT_TEXT = '#b00020';
const URGENT_FILL = '#fde2e1';
const CARD_STYLE: Record<DiagramStep['type'], { fill: string; stroke: string; width: number; what: string }> = {
  language: { fill: '#eef7f0', stroke: '#4b8b5a', width: 1.5, what: 'asks the language (skipped if known)' },
  message: { fill: '#f6f6f6', stroke: '#999999', width: 1.5, what: 'shows a message' },
  question: { fill: '#f5f8fd', stroke: '#4a6fa5', width: 1.5, what: '' },
  result: { fill: '#e3f2e1', stroke: '#2e7d32', width: 2.5, what: 'shows the signs found, what they mean, who can help' },
};

interface Span {
  text: string;
  fill?: string;
  italic?: boolean;
  bold?: boolean;
}
interface Line {
  spans: Span[];
  /** Background of the line (urgent answers). */
  band?: string;
}
interface Box {
  key: string;
  layer: number;
  width: number;
  height: number;
  x: number;
  /** The step, or undefined for a point an arrow passes through. */
  step?: DiagramStep;
  lines: Line[];
  /** For a pass-through point: the step the arrow comes from. */
  origin?: string;
}

/** Draws the flow as an SVG document (deterministic: the same flow always gives the same bytes). */
export function drawFlowSvg(flow: DiagramFlow): string {
  const steps = new Map(flow.steps.map((s) => [s.id, s]));
  const edges = flow.steps.flatMap((s) => edgesOf(s)).filter((e) => steps.has(e.to));

  // === Layers: arrows that go back up (loops) are drawn separately so the rest has no cycle.
  const back = backEdges(flow, edges);
  const forward = edges.filter((e) => !back.has(e));
  const layer = longestPathLayers(flow, forward);

  const boxes = new Map<string, Box>();
  for (const s of flow.steps) {
    const lines = cardLines(s, flow);
    const width = Math.max(MIN_CARD_W, ...lines.map((l) => textWidth(l.spans)), textWidth(headerSpans(s, flow)) + 8) + 2 * PAD;
    boxes.set(s.id, { key: s.id, layer: layer.get(s.id)!, width, height: HEADER_H + lines.length * ROW_H + PAD, x: 0, step: s, lines });
  }
  // Long arrows pass through one point per layer they cross.
  const routes = new Map<DiagramEdge, string[]>();
  forward.forEach((e, i) => {
    const route = [e.from];
    for (let l = layer.get(e.from)! + 1; l < layer.get(e.to)!; l++) {
      const key = `${i}:${l}`;
      boxes.set(key, { key, layer: l, width: 16, height: 0, x: 0, lines: [], origin: e.from });
      route.push(key);
    }
    route.push(e.to);
    routes.set(e, route);
  });

  // === Order in each layer (barycentre of the layer above), then x positions.
  const layerCount = Math.max(...[...boxes.values()].map((b) => b.layer)) + 1;
  const rows: Box[][] = Array.from({ length: layerCount }, () => []);
  for (const b of boxes.values()) rows[b.layer]!.push(b);
  const preds = new Map<string, string[]>();
  for (const route of routes.values()) {
    for (let i = 1; i < route.length; i++) preds.set(route[i]!, [...(preds.get(route[i]!) ?? []), route[i - 1]!]);
  }
  const fileOrder = new Map(flow.steps.map((s, i) => [s.id, i]));
  const rank = (b: Box) => (b.step ? 0 : 1) * 1e6 + (fileOrder.get(b.step?.id ?? b.origin ?? '') ?? 0);
  rows[0]!.sort((a, b) => rank(a) - rank(b));
  for (let l = 1; l < layerCount; l++) {
    const above = new Map(rows[l - 1]!.map((b, i) => [b.key, i]));
    const centre = (b: Box) => {
      const ps = (preds.get(b.key) ?? []).filter((p) => above.has(p));
      return ps.length === 0 ? Infinity : ps.reduce((sum, p) => sum + above.get(p)!, 0) / ps.length;
    };
    rows[l]!.sort((a, b) => centre(a) - centre(b) || rank(a) - rank(b));
  }
  for (const row of rows) {
    // A step lines up under the steps it comes from (a long arrow counts from where it starts).
    const wanted = row.map((b) => {
      const ps = (preds.get(b.key) ?? []).map((p) => boxes.get(p)!);
      const from = b.step ? ps.map((p) => (p.step ? p : boxes.get(p.origin!)!)) : ps;
      return from.length === 0 ? 0 : from.reduce((sum, p) => sum + p.x, 0) / from.length;
    });
    row.forEach((b, i) => {
      const prev = row[i - 1];
      b.x = prev ? Math.max(wanted[i]!, prev.x + (prev.width + b.width) / 2 + H_GAP) : wanted[i]!;
    });
    const weight = row.reduce((sum, b) => sum + b.width, 0);
    const shift = row.reduce((sum, b, i) => sum + b.width * (wanted[i]! - b.x), 0) / weight;
    for (const b of row) b.x += shift;
  }

  // === y positions: a taller gap below a layer whose arrows carry labels.
  const labelled = (e: DiagramEdge) => edgesOf(steps.get(e.from)!).length > 1;
  const tops: number[] = [];
  const heights = rows.map((row) => Math.max(20, ...row.map((b) => b.height)));
  let y = 0;
  for (let l = 0; l < layerCount; l++) {
    tops.push(y);
    const hasLabel = forward.some((e) => layer.get(e.from) === l && labelled(e));
    y += heights[l]! + (hasLabel ? V_GAP_LABELLED : V_GAP);
  }
  const contentHeight = y - V_GAP;

  // === Arrows
  const parts: string[] = [];
  const labels: string[] = [];
  let minX = Infinity;
  let maxX = -Infinity;
  for (const b of boxes.values()) {
    if (!b.step) continue;
    minX = Math.min(minX, b.x - b.width / 2);
    maxX = Math.max(maxX, b.x + b.width / 2);
  }
  const outOffsets = spread(forward, (e) => e.from, (e) => boxes.get(routes.get(e)![1]!)!.x, boxes);
  const inOffsets = spread(forward, (e) => e.to, (e) => boxes.get(routes.get(e)!.at(-2)!)!.x, boxes);
  for (const e of forward) {
    const route = routes.get(e)!.map((k) => boxes.get(k)!);
    const from = route[0]!;
    const to = route.at(-1)!;
    const points: [number, number][] = [[from.x + outOffsets.get(e)!, tops[from.layer]! + from.height]];
    for (const d of route.slice(1, -1)) points.push([d.x, tops[d.layer]!], [d.x, tops[d.layer]! + heights[d.layer]!]);
    points.push([to.x + inOffsets.get(e)!, tops[to.layer]!]);
    parts.push(`<path d="${smoothPath(points)}" fill="none" stroke="#555555" stroke-width="1.4" marker-end="url(#arrow)"/>`);
    if (labelled(e)) {
      const [sx, sy] = points[0]!;
      // Labels of the left arrows go on their left, the others on their right, so they never cross.
      const leftwards = outOffsets.get(e)! < 0;
      const text = e.choices.map((c) => c.id).join(', ');
      const w = text.length * CHAR_W + 8;
      const lx = leftwards ? sx - 6 - w : sx + 6;
      minX = Math.min(minX, lx);
      maxX = Math.max(maxX, lx + w);
      labels.push(
        `<rect x="${n(lx)}" y="${n(sy + 5)}" width="${n(w)}" height="16" rx="3" fill="#ffffff" fill-opacity="0.92"/>`,
        `<text x="${n(lx + 4)}" y="${n(sy + 17)}" fill="#333333">${escapeXml(text)}</text>`,
      );
    }
  }
  back.forEach((e) => {
    const from = boxes.get(e.from)!;
    const to = boxes.get(e.to)!;
    const lane = Math.max(from.x + from.width / 2, to.x + to.width / 2) + 36;
    maxX = Math.max(maxX, lane + 10);
    const y1 = tops[from.layer]! + from.height / 2;
    const y2 = tops[to.layer]! + to.height / 2;
    const x1 = from.x + from.width / 2;
    const x2 = to.x + to.width / 2;
    parts.push(
      `<path d="M${n(x1)},${n(y1)} C${n(lane)},${n(y1)} ${n(lane)},${n(y2)} ${n(x2 + 2)},${n(y2)}" fill="none" stroke="#555555" stroke-width="1.4" stroke-dasharray="5 4" marker-end="url(#arrow)"/>`,
    );
    const text = e.choices.map((c) => c.id).join(', ') || 'back';
    labels.push(`<text x="${n(lane + 4)}" y="${n((y1 + y2) / 2)}" fill="#333333">${escapeXml(text)}</text>`);
    maxX = Math.max(maxX, lane + 4 + text.length * CHAR_W);
  });

  // === Cards
  const cards: string[] = [];
  for (const b of boxes.values()) {
    if (!b.step) continue;
    const s = b.step;
    const style = CARD_STYLE[s.type];
    const left = b.x - b.width / 2;
    const top = tops[b.layer]!;
    cards.push(
      `<rect x="${n(left)}" y="${n(top)}" width="${n(b.width)}" height="${n(b.height)}" rx="8" fill="${style.fill}" stroke="${style.stroke}" stroke-width="${style.width}"/>`,
      spansText(left + PAD, top + 17, headerSpans(s, flow)),
    );
    b.lines.forEach((line, i) => {
      const lineTop = top + HEADER_H + i * ROW_H;
      if (line.band) {
        cards.push(`<rect x="${n(left + 3)}" y="${n(lineTop)}" width="${n(b.width - 6)}" height="${ROW_H}" fill="${line.band}"/>`);
      }
      cards.push(spansText(left + PAD, lineTop + 13, line.spans));
    });
  }

  // === Title and key
  const legend = legendLines(flow);
  const legendHeight = legend.length * 18 + 14;
  const legendWidth = Math.max(...legend.map((l) => textWidth(l.spans)));
  const width = Math.ceil(Math.max(maxX - minX, legendWidth) + 2 * MARGIN);
  const height = Math.ceil(legendHeight + contentHeight + 2 * MARGIN);
  const dx = MARGIN - minX + Math.max(0, (legendWidth - (maxX - minX)) / 2);
  const dy = MARGIN + legendHeight;
  const legendSvg = legend.map((l, i) => spansText(MARGIN, MARGIN + 12 + i * 18, l.spans));

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="${FONT_SIZE}">`,
    `<title>Flow ${escapeXml(flow.id)} (version ${flow.version})</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...legendSvg,
    `<g transform="translate(${n(dx)},${n(dy)})">`,
    ...parts,
    ...cards,
    ...labels,
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}

// === Card contents

function headerSpans(s: DiagramStep, flow: DiagramFlow): Span[] {
  const spans: Span[] = [{ text: s.id, bold: true }, { text: `  ${s.type}`, fill: '#666666' }];
  if (s.id === flow.start) spans.push({ text: ' (start)', fill: '#666666' });
  if (s.choices.some((c) => c.urgent)) spans.push({ text: '  ⚠', fill: URGENT_TEXT, bold: true });
  return spans;
}

function cardLines(s: DiagramStep, flow: DiagramFlow): Line[] {
  if (s.type !== 'question') return [{ spans: [{ text: CARD_STYLE[s.type].what, fill: '#444444', italic: true }] }];
  const lines: Line[] = [];
  for (const c of s.choices) {
    const band = c.urgent ? URGENT_FILL : undefined;
    const head: Span[] = [{ text: `• ${c.id}`, fill: c.urgent ? URGENT_TEXT : '#222222', bold: c.urgent }];
    if (c.next !== s.next) head.push({ text: ` ↪ ${c.next}`, fill: '#666666' });
    const signs = c.signals.map((x, i): Span => ({
      text: `${x.id}${x.strength === 'possible' ? '?' : ''}${i < c.signals.length - 1 ? ',' : ''}`,
      fill: colourOf(flow, x.id),
      italic: x.strength === 'possible',
    }));
    let current: Span[] = [...head];
    let width = spanChars(head);
    if (signs.length > 0) {
      current.push({ text: ' → ', fill: '#666666' });
      width += 3;
    }
    for (const sign of signs) {
      const add = sign.text.length + 1;
      if (width + add > WRAP_AT && current.length > head.length + 1) {
        lines.push({ spans: current, band });
        current = [{ text: '    ' }];
        width = 4;
      }
      current.push(sign, { text: ' ' });
      width += add;
    }
    lines.push({ spans: current, band });
    if (c.urgent) {
      lines.push({ spans: [{ text: '    ⚠ shows emergency help at once', fill: URGENT_TEXT }], band });
      if (c.contacts.length > 0) lines.push({ spans: [{ text: `    ☎ ${c.contacts.join(', ')}`, fill: URGENT_TEXT }], band });
    }
  }
  return lines;
}

function legendLines(flow: DiagramFlow): Line[] {
  const swatch = (dimension: Dimension, words: string): Span[] => [
    { text: '■ ', fill: DIMENSION_COLOUR[dimension] },
    { text: `${words}  `, fill: DIMENSION_COLOUR[dimension] },
  ];
  return [
    { spans: [{ text: `Flow "${flow.id}", version ${flow.version}`, bold: true }, { text: `  (${flow.file})`, fill: '#666666' }] },
    {
      spans: [
        { text: 'Signs: ' },
        ...swatch('involuntary', 'involuntary work'),
        ...swatch('coercion', 'coercion'),
        ...swatch('rights', 'rights (HK law)'),
        { text: 'name? = possible', italic: true, fill: '#444444' },
      ],
    },
    { spans: [{ text: '⚠ red answer: danger now, shows emergency help at once, then goes on', fill: URGENT_TEXT }] },
    { spans: [{ text: 'Forced-labour signs = a strong involuntary-work sign AND a strong coercion sign.', fill: '#444444' }] },
    { spans: [{ text: `Made by npm run diagram -- ${flow.file} (do not edit by hand).`, fill: '#888888' }] },
  ];
}

function colourOf(flow: DiagramFlow, indicator: string): string {
  const d = flow.dimensions.get(indicator);
  return d ? DIMENSION_COLOUR[d] : UNKNOWN_COLOUR;
}

// === Layout helpers

function backEdges(flow: DiagramFlow, edges: DiagramEdge[]): Set<DiagramEdge> {
  const out = new Map<string, DiagramEdge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const back = new Set<DiagramEdge>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const e of out.get(id) ?? []) {
      const s = state.get(e.to);
      if (s === 'open') back.add(e);
      else if (s === undefined) visit(e.to);
    }
    state.set(id, 'done');
  };
  const ids = flow.steps.map((s) => s.id);
  for (const id of [flow.start, ...ids]) if (!state.has(id) && ids.includes(id)) visit(id);
  return back;
}

function longestPathLayers(flow: DiagramFlow, edges: DiagramEdge[]): Map<string, number> {
  const layer = new Map(flow.steps.map((s) => [s.id, 0]));
  const incoming = new Map(flow.steps.map((s) => [s.id, 0]));
  for (const e of edges) incoming.set(e.to, incoming.get(e.to)! + 1);
  const ready = flow.steps.filter((s) => incoming.get(s.id) === 0).map((s) => s.id);
  while (ready.length > 0) {
    const id = ready.shift()!;
    for (const e of edges.filter((x) => x.from === id)) {
      layer.set(e.to, Math.max(layer.get(e.to)!, layer.get(id)! + 1));
      incoming.set(e.to, incoming.get(e.to)! - 1);
      if (incoming.get(e.to) === 0) ready.push(e.to);
    }
  }
  return layer;
}

/** Spreads the arrows that leave (or enter) one card along its edge, in the order of where they go. */
function spread(
  edges: DiagramEdge[],
  at: (e: DiagramEdge) => string,
  towards: (e: DiagramEdge) => number,
  boxes: Map<string, Box>,
): Map<DiagramEdge, number> {
  const offsets = new Map<DiagramEdge, number>();
  const groups = new Map<string, DiagramEdge[]>();
  for (const e of edges) groups.set(at(e), [...(groups.get(at(e)) ?? []), e]);
  for (const [id, group] of groups) {
    const sorted = [...group].sort((a, b) => towards(a) - towards(b));
    const step = Math.min(36, (boxes.get(id)!.width - 40) / Math.max(1, sorted.length));
    sorted.forEach((e, i) => offsets.set(e, (i - (sorted.length - 1) / 2) * step));
  }
  return offsets;
}

function smoothPath(points: [number, number][]): string {
  let d = `M${n(points[0]![0])},${n(points[0]![1])}`;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    if (Math.abs(x1 - x0) < 0.5) d += ` L${n(x1)},${n(y1)}`;
    else d += ` C${n(x0)},${n((y0 + y1) / 2)} ${n(x1)},${n((y0 + y1) / 2)} ${n(x1)},${n(y1)}`;
  }
  return d;
}

// === Text

function spanChars(spans: Span[]): number {
  return spans.reduce((sum, s) => sum + [...s.text].length, 0);
}

function textWidth(spans: Span[]): number {
  return spanChars(spans) * CHAR_W;
}

function spansText(x: number, y: number, spans: Span[]): string {
  const inner = spans
    .map((s) => {
      const attrs = [
        s.fill ? ` fill="${s.fill}"` : '',
        s.italic ? ' font-style="italic"' : '',
        s.bold ? ' font-weight="bold"' : '',
      ].join('');
      return `<tspan${attrs}>${escapeXml(s.text)}</tspan>`;
    })
    .join('');
  return `<text x="${n(x)}" y="${n(y)}" xml:space="preserve" fill="#222222">${inner}</text>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Numbers rounded to a tenth, so the file is the same on every machine. */
function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}
