/**
 * Builds the neutral port graph from a model summary: one framework-specific reader per layer
 * class turns the layer's arguments and inferred shapes into a node; what no reader knows, or
 * a reader cannot translate exactly, becomes a stub node that keeps its shapes.
 */
import type { Dim, LayerApplication, ModelSummary } from '../types';
import { shapeText, stub, toChannelsLast, type LayerView, type Layout, type PortFramework, type PortGraph, type PortNode, type PortOp, type ReadResult } from './ir';
import { kerasActivation, readKerasLayer } from './read-keras';
import { paramsIn } from './plan';
import { readTorchLayer } from './read-torch';
import { readGluonLayer } from './read-gluon';
import { mxsymLayout, readMxsymLayer } from './read-mxsym';

/** A framework's reader: the layer's ops, and the layout the layer works in (null: its input's). */
export interface Reader {
  read(v: LayerView): ReadResult;
  layout(app: LayerApplication): Layout | null;
}

const READERS: Record<PortFramework, Reader> = {
  keras: { read: readKerasLayer, layout: (app) => (app.layout === 'channels_first' ? 'cf' : 'cl') },
  torch: { read: readTorchLayer, layout: (app) => channelsFirstLayer(app) },
  gluon: { read: readGluonLayer, layout: (app) => channelsFirstLayer(app) },
};

const MXSYM_READER: Reader = { read: readMxsymLayer, layout: mxsymLayout };

/** PyTorch and Gluon: convolutions, pooling and normalisation are channels-first; dense, recurrent and embedding layers work on the last axis. */
function channelsFirstLayer(app: LayerApplication): Layout | null {
  if (app.type.includes('.')) return /^(max_pool|avg_pool|Pooling|Convolution|BatchNorm|interpolate|upsample|UpSampling|adaptive_)/.test(app.name) ? 'cf' : null;
  // Upsampling reads (N, C, spatial...); PReLU's slopes run along axis 1 unless there is one for all.
  if (app.type === 'Upsample' || (app.type === 'PReLU' && (app.args?.num_parameters ?? app.args?.in_channels) !== 1)) return 'cf';
  if (/^(Conv|MaxPool|AvgPool|Avg|Max|Adaptive|GlobalAvg|GlobalMax|BatchNorm|ZeroPad|ConstantPad|ReflectionPad|InstanceNorm|GroupNorm)/.test(app.type)) return 'cf';
  if (/^(Linear|Dense|LSTM|GRU|RNN|Embedding|LayerNorm)$/.test(app.type)) return 'cl';
  return null;
}

/** The port graph of a model, or a reason it cannot be read. */
export function readModel(m: ModelSummary, lineOf: (offset: number) => number, textOf: (start: number, end: number) => string = () => ''): PortGraph | string {
  const symbolic = m.framework === 'mxsym';
  const source: PortFramework = symbolic ? 'gluon' : (m.framework as PortFramework);
  const input = m.inputShapes[0];
  if (!input || input.open || m.inputShapes.length !== 1) return 'the model has no single input of known rank: give it one (a `# shapelint: input=(N, ...)` directive)';
  const reader = symbolic ? MXSYM_READER : READERS[source];
  // The input's layout: the first layer that has one decides (an activation or dropout before it has none).
  const inputLayout = m.layers.map((l) => reader.layout(l)).find((l) => l !== null) ?? 'cl';
  const inputDims = canonical(input.dims, inputLayout);
  const layouts: Layout[] = [inputLayout];
  const nodes: PortNode[] = [{ id: 0, op: { kind: 'input', dtype: 'float' }, inputs: [], shape: inputDims, params: 0, name: 'input', type: 'Input', line: lineOf(m.range.start) }];
  const lastNodeOfApp: number[] = [];
  const uses = m.layers.map((_, i) => m.layers.reduce((k, l) => k + (l.inputsFrom ?? []).filter((f) => f === i).length, 0));
  for (const [appIndex, app] of m.layers.entries()) {
    const producers = (app.inputsFrom ?? []).map((i) => (i === null ? null : i === -1 ? 0 : lastNodeOfApp[i] ?? null));
    const layout = reader.layout(app) ?? layouts[producers[0] ?? 0] ?? 'cl';
    // A reshape's new axes are no feature map whose channels could be first; a transpose may switch the layout.
    const switched = relayout(app, layout);
    const outLayout = switched ?? (RESHAPES.test(app.name) && app.type.includes('.') ? 'cl' : layout);
    const view: LayerView = {
      app,
      args: app.args ?? {},
      inputs: app.inputShapes.map((s) => (s && !s.open ? canonical(s.dims, layout) : null)),
      output: app.outputShape && !app.outputShape.open ? canonical(app.outputShape.dims, outLayout) : null,
      layout,
      uses: uses[appIndex],
      callText: textOf(app.appliedAt.start, app.appliedAt.end),
    };
    let ops: PortOp[];
    const unseen = producers.some((p, k) => p !== null && !sameAfterBatch(nodes[p].shape, view.inputs[k]));
    if (unseen) ops = [stub(`an operation shapelint port cannot see changes the shape before ${app.name} (from ${shapeText(nodes[producers[0] ?? 0].shape)})`)];
    else if (app.reused && app.params !== 0) ops = [stub(`the layer ${app.name} is applied a second time (shared weights)`)];
    else if (producers.some((p) => p === null) || producers.length === 0) ops = [stub('its input could not be traced in the model')];
    else ops = switched ? [{ kind: 'relayout' }] : unevenMerge(reader.read(view), view, producers.map((p) => layouts[p ?? 0]));
    // A layer that cannot be translated still shows its `activation=` (for comparisons).
    if (ops.length === 1 && ops[0].kind === 'stub' && typeof view.args.activation === 'string') ops.push(...kerasActivation(view.args.activation).filter((o) => o.kind === 'act'));
    // An untraceable input (a stub already says so) hangs the node on the node before it.
    const traced = attentionInputs(ops, source, producers.filter((x): x is number => x !== null));
    let inputs = traced.length ? traced : [nodes.length - 1];
    const counts = opParams(ops, app.params, source);
    const parts = weightedParts(ops);
    ops.forEach((op, k) => {
      const id = nodes.length;
      nodes.push({
        id, op, inputs, shape: k < ops.length - 1 ? innerShape(op, view, nodes[inputs[0]]?.shape ?? view.inputs[0] ?? null) : view.output, params: counts[k],
        name: app.name, type: app.type, line: lineOf(app.definedAt.start), ...(parts[k] ? { part: parts[k] } : {}), ...(app.path ? { path: app.path } : {}),
      });
      layouts.push(outLayout);
      inputs = [id];
    });
    lastNodeOfApp.push(nodes.length - 1);
    if (ops.some((o) => o.kind === 'input')) return `internal: reader produced an input node for ${app.name}`;
  }
  const lost = lostOutput(m);
  if (lost) return lost;
  markIntegerInputs(nodes);
  return {
    source, modelName: m.name, nodes, output: nodes.length - 1,
    totalParams: m.totalParams, trainableParams: m.trainableParams, inputLayout, outputLayout: layouts[nodes.length - 1], ...(symbolic ? { symbolic } : {}),
  };
}

/**
 * Why the model's output is not the last layer's (an operation after it the port cannot see, a
 * layer whose result the model never returns), or null when it is or the engine did not say.
 */
function lostOutput(m: ModelSummary): string | null {
  if (!m.output || m.layers.length === 0) return null;
  const last = m.layers.length - 1;
  const { from, shape } = m.output;
  const lastShape = m.layers[last].outputShape;
  const sameShape = !shape || !lastShape || shape.open || lastShape.open || (shape.dims.length === lastShape.dims.length && shape.dims.every((d, i) => i === 0 || d === lastShape.dims[i]));
  if (from === last && sameShape) return null;
  const what = from === null ? 'something shapelint port cannot trace' : from === last ? `the result of ${m.layers[last].name} reshaped or sliced` : from === -1 ? 'its input' : `the result of ${m.layers[from].name}, not of the last layer ${m.layers[last].name}`;
  return `the model returns ${what}: a port would compute something else (port the forward by hand, or make the last operation a layer)`;
}

/** A merge (sum, product, concatenation) of inputs in different layouts or, except a concatenation, of different shapes (broadcasting) is not ported. */
function unevenMerge(ops: PortOp[], v: LayerView, inputLayouts: Layout[]): PortOp[] {
  if (ops.length !== 1 || !['add', 'merge', 'concat'].includes(ops[0].kind)) return ops;
  if (inputLayouts.some((l) => l !== inputLayouts[0]) || inputLayouts[0] !== v.layout) return [stub('a merge of tensors in different layouts (channels first and last)')];
  if (ops[0].kind === 'concat') return ops;
  const [a, ...rest] = v.inputs;
  const same = a !== null && rest.every((b) => b !== null && b.length === a.length && b.every((d, i) => i === 0 || (d !== null && d === a[i])));
  return same ? ops : [stub('an elementwise operation on tensors of different (broadcast) or unknown shapes')];
}

const RESHAPES = /^(view|reshape|flatten|Flatten|Reshape)$/;

/** The layout after a PyTorch permute or MXNet transpose that moves the channels of a feature map between first and last; null for any other op. */
function relayout(app: LayerApplication, layout: Layout): Layout | null {
  if (!app.type.includes('.') || !/^(permute|transpose)$/.test(app.name)) return null;
  const rank = app.inputShapes[0]?.dims.length ?? 0;
  const a = app.args ?? {};
  const axes = Array.isArray(a.axes) ? a.axes : Array.isArray(a.dims) ? a.dims : null;
  if (rank < 3 || !axes || axes.length !== rank) return null;
  const toLast = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  const toFirst = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  if (layout === 'cf' && axes.every((x, i) => x === toLast[i])) return 'cl';
  if (layout === 'cl' && axes.every((x, i) => x === toFirst[i])) return 'cf';
  return null;
}

/** Attention's neutral inputs are PyTorch's (query, key, value); Keras calls it with (query, value[, key]). */
function attentionInputs(ops: PortOp[], source: PortFramework, producers: number[]): number[] {
  if (ops[0]?.kind !== 'mha' || source !== 'keras') return producers;
  const [q, v, k] = producers;
  return [q, k ?? v, v];
}

/** A layer read as several ops: each op's own count when they add up to the layer's, else the layer's count on the first. */
function opParams(ops: PortOp[], total: number | null, fw: PortFramework): (number | null)[] {
  const own = ops.map((op) => paramsIn(op, fw));
  if (ops.length > 1 && total !== null && own.reduce((a, b) => a + b, 0) === total) return own;
  return ops.map((_, k) => (k === 0 ? total : 0));
}

/** Names for the weighted parts of a layer read as two weighted ops (a separable convolution). */
function weightedParts(ops: PortOp[]): (string | undefined)[] {
  const weighted = ops.filter((op) => op.kind === 'conv');
  if (weighted.length !== 2) return ops.map(() => undefined);
  return ops.map((op) => (op === weighted[0] ? 'depthwise' : op === weighted[1] ? 'pointwise' : undefined));
}

/**
 * The shape after an op that a reader put before the layer's last one (a separable convolution's
 * depthwise output, the flatten of a Gluon Dense or FullyConnected, the pooling before a keep-dims reshape).
 */
function innerShape(op: PortOp, v: LayerView, input: Dim[] | null): Dim[] | null {
  if (op.kind === 'conv' && v.output) return [...v.output.slice(0, -1), op.filters];
  if (op.kind === 'gpool' && input) return [input[0], input[input.length - 1]];
  if (op.kind === 'flatten' && input) return [input[0], input.slice(1).reduce<Dim>((p, d) => (typeof p === 'number' && typeof d === 'number' ? p * d : null), 1)];
  return v.output;
}

function sameAfterBatch(a: Dim[] | null, b: Dim[] | null): boolean {
  if (!a || !b) return true;
  return a.length === b.length && a.every((d, i) => i === 0 || d === null || b[i] === null || d === b[i]);
}

/** Canonical (channels-last) dims of a shape in `layout`. */
function canonical(dims: Dim[], layout: Layout): Dim[] {
  return layout === 'cf' ? toChannelsLast(dims) : [...dims];
}

/** An input read first by an embedding holds token ids. */
function markIntegerInputs(nodes: PortNode[]): void {
  if (nodes.some((n) => n.inputs.includes(0) && n.op.kind === 'embedding')) nodes[0].op = { kind: 'input', dtype: 'int' };
}
