/**
 * Builds the neutral port graph from a model summary: one framework-specific reader per layer
 * class turns the layer's arguments and inferred shapes into a node; what no reader knows, or
 * a reader cannot translate exactly, becomes a stub node that keeps its shapes.
 */
import type { Dim, LayerApplication, ModelSummary } from '../types';
import { shapeText, stub, toChannelsLast, type LayerView, type RnnOp, type Layout, type PortFramework, type PortGraph, type PortNode, type PortOp, type ReadResult } from './ir';
import { kerasActivation, readKerasLayer } from './read-keras';
import { paramsIn } from './plan';
import { flipAxis, readTorchLayer } from './read-torch';
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
  if (app.type.includes('.')) return /^(max_pool|avg_pool|Pooling|Convolution|BatchNorm|interpolate|upsample|UpSampling|BilinearResize2D|adaptive_)/.test(app.name) ? 'cf' : null;
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
  const timeMajor = !symbolic && m.layers.some((l) => timeMajorRecurrent(l, source));
  const inputDims = canonical(input.dims, inputLayout, timeMajor);
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
      inputs: app.inputShapes.map((s) => (s && !s.open ? canonical(s.dims, layout, timeMajor) : null)),
      output: app.outputShape && !app.outputShape.open ? canonical(app.outputShape.dims, outLayout, timeMajor) : null,
      layout,
      uses: uses[appIndex],
      callText: textOf(app.appliedAt.start, app.appliedAt.end),
      ...(timeMajor ? { timeMajor } : {}),
    };
    let ops: PortOp[];
    const unseen = producers.some((p, k) => p !== null && !sameAfterBatch(nodes[p].shape, view.inputs[k]));
    if (unseen) ops = [stub(`an operation shapelint port cannot see changes the shape before ${app.name} (from ${shapeText(nodes[producers[0] ?? 0].shape)})`)];
    else if (app.reused && app.params !== 0) ops = [stub(`the layer ${app.name} is applied a second time (shared weights)`)];
    else if (producers.some((p) => p === null) || producers.length === 0) ops = [stub('its input could not be traced in the model')];
    else if (timeMajor && !lastAxisOnly(app, view)) ops = [stub('in a time-major model (batch_first=False, layout=\'TNC\') only layers on the last axis (dense, embedding, recurrent, activations, dropout, layer norm, merges) port')];
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
  const reshaped = foldReshapes(nodes);
  markIntegerInputs(reshaped);
  const folded = foldReversedInputs(foldSplitDirections(reshaped));
  return {
    source, modelName: m.name, nodes: folded, output: folded.length - 1,
    totalParams: m.totalParams, trainableParams: m.trainableParams, inputLayout, outputLayout: layouts[nodes.length - 1],
    ...(timeMajor ? { timeMajor } : {}), ...(symbolic ? { symbolic } : {}),
  };
}

/** A PyTorch recurrent layer without batch_first=True, or a Gluon one in layout 'TNC' (the default): (time, batch, features). */
function timeMajorRecurrent(app: LayerApplication, source: PortFramework): boolean {
  // A rank-2 input is PyTorch's unbatched (time, features): no batch axis to swap.
  if (app.type.includes('.') || !/^(LSTM|GRU|RNN)$/.test(app.type) || source === 'keras' || app.inputShapes[0]?.dims.length !== 3) return false;
  return source === 'torch' ? app.args?.batch_first !== true : app.args?.layout === 'TNC';
}

const LAST_AXIS_LAYERS = /^(Linear|Dense|Embedding|Dropout|LayerNorm|Identity|LSTM|GRU|RNN|ReLU|Sigmoid|Tanh|GELU|ELU|SELU|SiLU|Swish|LeakyReLU|Softplus|Softsign|ReLU6|Activation)$/;
const LAST_AXIS_OPS = /^(relu|sigmoid|tanh|gelu|elu|selu|silu|softplus|softsign|relu6|leaky_relu|Activation|add|mul|sub|multiply|subtract|elemwise_(add|mul|sub)|flip|reverse|softmax|log_softmax|cat|concat)$/;

/**
 * In a time-major model the neutral graph swaps the time and batch axes; that is only the same
 * model when no layer reads those axes apart: layers on the last axis (a Gluon Dense that does
 * not flatten), softmax and concatenation over it, element-wise merges, a flip of the time axis.
 */
function lastAxisOnly(app: LayerApplication, v: LayerView): boolean {
  const a = v.args;
  const rank = v.inputs[0]?.length ?? 0;
  if (!app.type.includes('.')) return LAST_AXIS_LAYERS.test(app.type) && !(app.type === 'Dense' && a.flatten !== false && rank > 2) && !(app.type === 'Dropout' && Array.isArray(a.axes) && a.axes.length > 0);
  if (!LAST_AXIS_OPS.test(app.name)) return false;
  if (/^(flip|reverse)$/.test(app.name)) return rank === 3 && flipAxis(a, v.callText) === 0;
  const axis = a.dim ?? a.axis;
  if (/^(softmax|log_softmax|cat|concat)$/.test(app.name)) return axis === -1 || axis === rank - 1;
  return true;
}

/** Removes node `id` (the nodes that read it read `to` instead, `to` < `id`) and renumbers. */
function removeNode(nodes: PortNode[], id: number, to: number): PortNode[] {
  const renumber = (i: number) => (i === id ? to : i > id ? i - 1 : i);
  return nodes.filter((n) => n.id !== id).map((n) => ({ ...n, id: renumber(n.id), inputs: n.inputs.map(renumber) }));
}

const DIRECTION_MERGES: Partial<Record<string, RnnOp['merge']>> = { add: 'sum', mul: 'mul', avg: 'ave' };

/**
 * Keras' Bidirectional(merge_mode=None) returns [forward, backward]. The engine records both as
 * outputs of one layer, without which is which, so the port joins them only when one symmetric
 * merge reads both (Add, Multiply, Average: the merge modes 'sum', 'mul', 'ave'); else a stub.
 */
function foldSplitDirections(nodes: PortNode[]): PortNode[] {
  let out = nodes;
  for (let i = 0; i < out.length; i++) {
    const n = out[i];
    if (n.op.kind !== 'rnn' || n.op.merge !== 'none') continue;
    const users = out.filter((u) => u.inputs.includes(n.id));
    const user = users.length === 1 && users[0].inputs.length === 2 && users[0].inputs.every((x) => x === n.id) ? users[0] : null;
    const merge = user ? DIRECTION_MERGES[user.op.kind === 'merge' ? user.op.fn : user.op.kind] : undefined;
    if (!user || !merge) {
      out[i] = { ...n, op: stub('merge_mode=None returns [forward, backward] apart; the port joins them only when one Add, Multiply or Average reads both (another use could read either one)') };
      continue;
    }
    out[i] = { ...n, op: { ...n.op, merge, notes: [...n.op.notes, `merge_mode=None returns [forward, backward] apart, and ${user.type} '${user.name}' (line ${user.line}) joins them: the same as merge_mode='${merge}'`] }, shape: user.shape };
    out = removeNode(out, user.id, n.id);
  }
  return out;
}

/**
 * A flip of the time axis read only by a one-direction recurrent layer is Keras' go_backwards=True
 * (the layer reads the steps last to first and returns them in that order, checked in Keras).
 */
function foldReversedInputs(nodes: PortNode[]): PortNode[] {
  let out = nodes;
  for (let i = out.length - 1; i >= 0; i--) {
    const r = out[i];
    if (r.op.kind !== 'reverse') continue;
    const users = out.filter((u) => u.inputs.includes(r.id));
    const u = users[0];
    if (users.length !== 1 || u.op.kind !== 'rnn' || u.op.bidirectional || u.op.goBackwards || u.inputs.length !== 1) continue;
    out[u.id] = { ...u, op: { ...u.op, goBackwards: true, notes: [...u.op.notes, `The source flips the time axis before this layer (${r.name}(), line ${r.line})`] } };
    out = removeNode(out, r.id, r.inputs[0]);
  }
  return out;
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
  // PyTorch's transpose(1, 2) of a 3-D tensor moves its channels between first and last too.
  const swap = [a.dim0, a.dim1].map((d) => (typeof d === 'number' && d < 0 ? d + rank : d)).sort().join();
  const axes = Array.isArray(a.axes) ? a.axes : Array.isArray(a.dims) ? a.dims : rank === 3 && swap === '1,2' ? [0, 2, 1] : null;
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
  if (op.kind === 'reshape' && input) return [input[0], ...op.target];
  if (op.kind === 'slice' && input) return op.index ? input.filter((_, i) => i !== op.axis) : input.map((d, i) => (i === op.axis ? op.end - op.begin : d));
  return v.output;
}

function sameAfterBatch(a: Dim[] | null, b: Dim[] | null): boolean {
  if (!a || !b) return true;
  return a.length === b.length && a.every((d, i) => i === 0 || d === null || b[i] === null || d === b[i]);
}

/** Canonical (channels-last, batch-first) dims of a shape in `layout`; a time-major model's (time, batch, ...) swapped. */
function canonical(dims: Dim[], layout: Layout, timeMajor = false): Dim[] {
  if (timeMajor && dims.length >= 2) return [dims[1], dims[0], ...dims.slice(2)];
  return layout === 'cf' ? toChannelsLast(dims) : [...dims];
}

/**
 * Reshapes in a row compose (the neutral graph is channels-last throughout): a reshape read only
 * by another reshape goes, and a reshape to the shape it already has goes, so `x.unsqueeze(1)`
 * and the first half of the `repeat(1, n, 1)` after it cancel. Ids are renumbered.
 */
function foldReshapes(nodes: PortNode[]): PortNode[] {
  const readers = nodes.map((n) => nodes.filter((m) => m.inputs.includes(n.id)));
  const source = nodes.map((n) => n.id);
  const gone = new Set<number>();
  const isReshape = (n: PortNode) => n.op.kind === 'reshape';
  for (const n of nodes) {
    if (!isReshape(n) || n.inputs.length !== 1) continue;
    const from = source[n.inputs[0]];
    if (readers[n.id].length > 0 && readers[n.id].every(isReshape)) gone.add(n.id);
    else if (sameKnownShape(nodes[from].shape, n.shape) && n.id !== nodes.length - 1) gone.add(n.id);
    if (gone.has(n.id)) source[n.id] = from;
  }
  if (gone.size === 0) return nodes;
  const newId: number[] = [];
  const kept: PortNode[] = [];
  for (const n of nodes) {
    if (gone.has(n.id)) continue;
    newId[n.id] = kept.length;
    kept.push({ ...n, id: kept.length, inputs: n.inputs.map((i) => newId[source[i]]) });
  }
  return kept;
}

function sameKnownShape(a: Dim[] | null, b: Dim[] | null): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, i) => i === 0 || (d !== null && d === b[i]));
}

/** An input read first by an embedding holds token ids. */
function markIntegerInputs(nodes: PortNode[]): void {
  if (nodes.some((n) => n.inputs.includes(0) && n.op.kind === 'embedding')) nodes[0].op = { kind: 'input', dtype: 'int' };
}
