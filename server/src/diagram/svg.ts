/**
 * The layer graph as a standalone SVG, laid out by dagre (a well-kept layered-graph layout).
 * Text is monospace so box sizes follow from character counts without a font engine. Colours
 * are CSS variables with light defaults: a VS Code webview sets them from the theme, a browser
 * shows the defaults (or the dark ones under `prefers-color-scheme: dark`).
 */
import type Dagre from '@dagrejs/dagre' with { 'resolution-mode': 'import' };
import type { GraphNode, ModelGraph } from './graph';
import { nodeLines } from './text-formats';

// dagre ships ESM types with a CommonJS build behind its `require` export: type-check against
// the former, load the latter (this package compiles to CommonJS).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dagre = require('@dagrejs/dagre') as typeof Dagre;

const FONT_SIZE = 11;
const CHAR_WIDTH = 6.7;
const LINE_HEIGHT = 15;
const PAD_X = 10;
const PAD_Y = 7;
const WRAP = 56;
const MARGIN = 12;

interface Box {
  lines: string[];
  width: number;
  height: number;
}

export function toSvg(g: ModelGraph): string {
  const layout = new dagre.graphlib.Graph({ multigraph: true });
  layout.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 34, edgesep: 12, marginx: MARGIN, marginy: MARGIN });
  const boxes = new Map(g.nodes.map((n) => [n.id, box(n)]));
  for (const n of g.nodes) layout.setNode(n.id, { width: boxes.get(n.id)!.width, height: boxes.get(n.id)!.height });
  g.edges.forEach((e, i) => layout.setEdge(e.from, e.to, { label: e.label, width: e.label.length * CHAR_WIDTH + 6, height: LINE_HEIGHT, labelpos: 'c' }, `e${i}`));
  dagre.layout(layout);
  const size = layout.graph();
  const width = Math.ceil(size.width ?? 0);
  const height = Math.ceil(size.height ?? 0);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="shapelint-model" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xml(`${g.name} (${g.framework})`)}">`,
    `<title>${xml(`${g.name} (${g.framework})`)}</title>`,
    STYLE,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
  ];
  g.edges.forEach((e, i) => {
    const edge = layout.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points: { x: number; y: number }[]; x: number; y: number };
    const d = edge.points.map((p, k) => `${k ? 'L' : 'M'}${round(p.x)},${round(p.y)}`).join(' ');
    parts.push(`<g class="edge"><path d="${d}" marker-end="url(#arrow)"/><text x="${round(edge.x)}" y="${round(edge.y + FONT_SIZE / 2 - 1)}" text-anchor="middle">${xml(e.label)}</text></g>`);
  });
  for (const n of g.nodes) {
    const at = layout.node(n.id) as { x: number; y: number };
    parts.push(nodeSvg(n, boxes.get(n.id)!, at.x, at.y));
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function nodeSvg(n: GraphNode, b: Box, cx: number, cy: number): string {
  const x = cx - b.width / 2;
  const y = cy - b.height / 2;
  const cls = ['node', n.kind, ...(n.error ? ['failing'] : [])].join(' ');
  const radius = n.kind === 'layer' ? 5 : b.height / 2;
  const text = b.lines
    .map((line, i) => `<tspan x="${round(cx)}" y="${round(y + PAD_Y + FONT_SIZE + i * LINE_HEIGHT)}"${i === 0 ? ' class="title"' : ''}>${xml(line)}</tspan>`)
    .join('');
  return (
    `<g class="${cls}" data-line="${n.line}" data-id="${n.id}"><title>${xml(nodeLines(n).join('\n'))}</title>` +
    `<rect x="${round(x)}" y="${round(y)}" width="${round(b.width)}" height="${round(b.height)}" rx="${round(radius)}"/>` +
    `<text text-anchor="middle">${text}</text></g>`
  );
}

function box(n: GraphNode): Box {
  const lines = nodeLines(n).flatMap((l) => wrap(l, WRAP));
  const longest = Math.max(...lines.map((l) => [...l].length));
  return { lines, width: Math.max(70, longest * CHAR_WIDTH + 2 * PAD_X), height: lines.length * LINE_HEIGHT + 2 * PAD_Y - 2 };
}

/** Splits a long line at spaces (or anywhere, for a long word) into lines of at most `max` characters. */
function wrap(line: string, max: number): string[] {
  const out: string[] = [];
  let rest = line;
  while ([...rest].length > max) {
    const cut = rest.lastIndexOf(' ', max);
    const at = cut > max / 2 ? cut : max;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}

function round(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `<style>
.shapelint-model { --fg: var(--vscode-editor-foreground, #1f2328); --bg: var(--vscode-editor-background, #ffffff); --muted: var(--vscode-descriptionForeground, #57606a); --node: var(--vscode-editorWidget-background, #f6f8fa); --line: var(--vscode-editorWidget-border, #8c959f); --err: var(--vscode-editorError-foreground, #c62828); --errbg: var(--vscode-inputValidation-errorBackground, #fde2e1); background: var(--bg); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: ${FONT_SIZE}px; }
@media (prefers-color-scheme: dark) { .shapelint-model { --fg: var(--vscode-editor-foreground, #e6edf3); --bg: var(--vscode-editor-background, #0d1117); --muted: var(--vscode-descriptionForeground, #8d96a0); --node: var(--vscode-editorWidget-background, #161b22); --line: var(--vscode-editorWidget-border, #6e7681); --errbg: var(--vscode-inputValidation-errorBackground, #5a1d1d); --err: var(--vscode-editorError-foreground, #f85149); } }
.shapelint-model text { fill: var(--fg); }
.shapelint-model .title { font-weight: bold; }
.shapelint-model .node rect { fill: var(--node); stroke: var(--line); stroke-width: 1; }
.shapelint-model .node.input rect, .shapelint-model .node.output rect { stroke-dasharray: 4 2; }
.shapelint-model .node.failing rect { fill: var(--errbg); stroke: var(--err); stroke-width: 2; }
.shapelint-model .node.failing text { fill: var(--fg); }
.shapelint-model .edge path { fill: none; stroke: var(--line); stroke-width: 1.2; }
.shapelint-model .edge text { fill: var(--muted); paint-order: stroke; stroke: var(--bg); stroke-width: 3px; }
.shapelint-model .arrowhead { fill: var(--line); }
.shapelint-model [data-line]:not([data-line="-1"]) { cursor: pointer; }
</style>`;
