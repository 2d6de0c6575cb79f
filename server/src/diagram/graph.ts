/**
 * A model's layer graph, ready to draw: the engine's summary of one model (its layer
 * applications and which feeds which) plus what the picture needs from the source text (each
 * layer's constructor arguments, its line) and from the diagnostics (which layer fails).
 * The three renderers (mermaid, dot, svg) all draw this one structure.
 */
import { formatShape, summaryRows, type Diagnostic, type ModelSummary } from '../engine/index';
import { LineIndex } from '../engine/positions';

export interface GraphNode {
  id: string;
  /** `conv1 (Conv2d)`, or `input` / `output`. */
  title: string;
  /** Key constructor arguments as the code wrote them, shortened: `3, 16, 3, padding=1`. */
  args: string;
  /** Parameter count as text (`1,216`, `?`), empty for input and output nodes. */
  params: string;
  kind: 'input' | 'layer' | 'output';
  /** 0-based line where the layer is applied (the editor jumps there); -1 when it is in another file. */
  line: number;
  /** The framework's error raised at this layer, first line only. */
  error?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** The tensor's shape on this edge, `?` when unknown. */
  label: string;
}

export interface ModelGraph {
  name: string;
  framework: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const ARGS_MAX = 44;

/**
 * `text` is the analysed file's; null for a model summarised from another file (its ranges are
 * there), which is drawn without source arguments, lines or errors.
 */
export function modelGraph(model: ModelSummary, text: string | null, diagnostics: readonly Diagnostic[]): ModelGraph {
  const lines = new LineIndex(text ?? '');
  const inputShape = model.inputShapes.map(formatShape).join(', ') || '?';
  const modelLine = text === null ? -1 : lines.lineOf(model.range.start);
  const nodes: GraphNode[] = [{ id: 'input', title: 'input', args: '', params: '', kind: 'input', line: text === null ? -1 : lines.lineOf(model.inputSource?.start ?? model.range.start) }];
  // A user's model holding a library backbone draws the backbone as one node, at the call that built it.
  if (model.library || model.backbones) return libraryGraph(model, nodes, (i) => (text === null || model.layers[i].file !== undefined ? -1 : model.library ? modelLine : lines.lineOf(model.layers[i].appliedAt.start)));
  const edges: GraphEdge[] = [];
  const consumed = new Set<number>();
  model.layers.forEach((layer, i) => {
    // A layer written in an imported module has ranges into that module's text, which we do not hold.
    const here = text !== null && layer.file === undefined;
    const error = diagnostics.find(
      (d) => text !== null && d.severity === 'error' && d.file === layer.file && d.range.start === layer.appliedAt.start && d.range.end === layer.appliedAt.end,
    );
    nodes.push({
      id: `n${i}`,
      title: `${layer.name} (${layer.type})`,
      args: here ? constructorArgs(text.slice(layer.definedAt.start, layer.definedAt.end)) : '',
      params: layer.reused ? '0 (shared)' : layer.params === null ? '?' : layer.params.toLocaleString('en-US'),
      kind: 'layer',
      line: here ? lines.lineOf(layer.appliedAt.start) : -1,
      ...(error ? { error: error.message.split('\n')[0] } : {}),
    });
    for (const from of model.layerInputs[i] ?? [-1]) {
      consumed.add(from);
      edges.push({ from: from < 0 ? 'input' : `n${from}`, to: `n${i}`, label: from < 0 ? inputShape : formatShape(model.layers[from].outputShape) });
    }
  });
  // Layers whose output no other layer consumes are the model's outputs.
  const sinks = model.layers.map((_, i) => i).filter((i) => !consumed.has(i));
  if (sinks.length) {
    nodes.push({ id: 'output', title: 'output', args: '', params: '', kind: 'output', line: modelLine });
    for (const i of sinks) edges.push({ from: `n${i}`, to: 'output', label: formatShape(model.layers[i].outputShape) });
  }
  return { name: model.name, framework: model.framework, nodes, edges };
}

/**
 * A library model drawn one node per block (its hundreds of layers would hide the picture):
 * an edge joins two nodes where a layer of one feeds a layer of the other. Every node is at the
 * user's call that built the model; the stub's own code is never shown.
 */
function libraryGraph(model: ModelSummary, nodes: GraphNode[], lineOf: (layer: number) => number): ModelGraph {
  const rows = summaryRows(model);
  const rowOf = new Map(rows.flatMap((r, k) => r.layers.map((i): [number, number] => [i, k])));
  const edges: GraphEdge[] = [];
  const drawn = new Set<string>();
  const fed = new Set<number>();
  const edge = (from: string, to: string, label: string) => {
    if (drawn.has(`${from} ${to}`)) return;
    drawn.add(`${from} ${to}`);
    edges.push({ from, to, label });
  };
  rows.forEach((r, k) => {
    const title = r.block ? `${r.name} (${r.backbone ? `${r.backbone.library}, ` : ''}${r.layers.length} layers)` : `${r.name} (${r.type})`;
    nodes.push({ id: `n${k}`, title, args: '', params: r.params === null ? '?' : r.params.toLocaleString('en-US'), kind: 'layer', line: lineOf(r.layers[0]) });
    for (const i of r.layers) {
      for (const from of model.layerInputs[i] ?? [-1]) {
        const source = from < 0 ? -1 : rowOf.get(from)!;
        if (source === k) continue;
        if (source >= 0) fed.add(source);
        edge(source < 0 ? 'input' : `n${source}`, `n${k}`, from < 0 ? model.inputShapes.map(formatShape).join(', ') || '?' : formatShape(rows[source].backbone ? rows[source].outputShape : model.layers[from].outputShape));
      }
    }
  });
  const sinks = rows.map((_, k) => k).filter((k) => !fed.has(k));
  if (sinks.length) nodes.push({ id: 'output', title: 'output', args: '', params: '', kind: 'output', line: nodes[nodes.length - 1].line });
  for (const k of sinks) edge(`n${k}`, 'output', formatShape(rows[k].outputShape));
  return { name: model.name, framework: model.framework, nodes, edges };
}

/** The argument list of a constructor call's source text, on one line and shortened. */
function constructorArgs(callText: string): string {
  const open = callText.indexOf('(');
  if (open < 0 || !callText.endsWith(')')) return '';
  const inner = callText.slice(open + 1, -1).replace(/\s+/g, ' ');
  // The node's title already shows the layer's name.
  const shown = topLevelArgs(inner).filter((a) => !/^name\s*=/.test(a)).join(', ');
  return shown.length > ARGS_MAX ? `${shown.slice(0, ARGS_MAX - 1)}…` : shown;
}

/** Splits an argument list at the commas outside brackets and strings. */
function topLevelArgs(s: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      args.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(s.slice(start).trim());
  return args.filter(Boolean);
}
