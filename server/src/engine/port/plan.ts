/**
 * What every writer decides the same way: the layout each tensor has in the target, the
 * attribute names, whether the graph is a plain chain, and the parameter count each node has in
 * each framework (they differ for BatchNorm's running statistics and recurrent biases).
 */
import type { Dim } from '../types';
import { effectiveKernel, rnnWidth, samePadding, toChannelsFirst, type Layout, type PortFramework, type PortGraph, type PortNode, type PortOp } from './ir';

/** The layout a node needs its input in, in a channels-first target. */
export function neededLayout(op: PortOp, inputRank: number): Layout | 'any' {
  if (inputRank < 3 || (op.kind === 'prelu' && op.channels === 1)) return 'any';
  switch (op.kind) {
    case 'conv': case 'pool': case 'gpool': case 'zeropad': case 'bn': case 'convT': case 'upsample': case 'crop': case 'prelu': case 'groupnorm':
      return 'cf';
    case 'dense': case 'rnn': case 'reshape': case 'permute': case 'stub': case 'layernorm': case 'mha':
      return 'cl';
    default:
      return 'any';
  }
}

export interface Plan {
  graph: PortGraph;
  /** Per node: the layout its output has in the target (channels-first targets only). */
  layout: Layout[];
  /** Per node: the layout its inputs are converted to before it runs. */
  inputLayout: (Layout | 'any')[];
  /** Attribute name per node that holds a layer object. */
  attr: string[];
  /** Every node has one input, the node before it, and is used once. */
  chain: boolean;
  consumers: number[][];
  /** The target keeps the source's time-major layout (PyTorch and Gluon ports of a time-major graph): tensors are (time, batch, ...). */
  timeMajor: boolean;
}

/** Lays out a graph for a target: `channelsFirst` for PyTorch and Gluon, false for Keras. */
export function makePlan(g: PortGraph, channelsFirst: boolean): Plan {
  const consumers: number[][] = g.nodes.map(() => []);
  for (const n of g.nodes) for (const i of n.inputs) consumers[i].push(n.id);
  const layout: Layout[] = [];
  const inputLayout: (Layout | 'any')[] = [];
  for (const n of g.nodes) {
    if (n.op.kind === 'input') {
      const first = consumers[0][0];
      const need = channelsFirst && first !== undefined ? neededLayout(g.nodes[first].op, rankOf(n)) : 'any';
      layout.push(need === 'cf' ? 'cf' : 'cl');
      inputLayout.push('any');
      continue;
    }
    const inRank = g.nodes[n.inputs[0]]?.shape?.length ?? 0;
    const need = channelsFirst ? neededLayout(n.op, inRank) : 'cl';
    const inLayout = need === 'any' ? layout[n.inputs[0]] : need;
    inputLayout.push(need === 'any' ? inLayout : need);
    const outRank = rankOf(n);
    layout.push(outRank < 3 ? 'cl' : producesChannelsFirst(n.op) && channelsFirst ? 'cf' : n.op.kind === 'flatten' ? 'cl' : inLayout);
  }
  const chain = g.nodes.every((n, i) => i === 0 || (n.inputs.length === 1 && n.inputs[0] === i - 1)) && consumers.every((c) => c.length <= 1);
  // Keras is batch-major only: its port of a time-major source takes the data transposed.
  return { graph: g, layout, inputLayout, attr: attributeNames(g.nodes), chain, consumers, timeMajor: g.timeMajor === true && channelsFirst };
}

function producesChannelsFirst(op: PortOp): boolean {
  return ['conv', 'pool', 'zeropad', 'bn', 'convT', 'upsample', 'crop', 'groupnorm'].includes(op.kind);
}

export function rankOf(n: PortNode): number {
  return n.shape?.length ?? 0;
}

/** A node's output shape in the target's layout. */
export function targetShape(plan: Plan, id: number): Dim[] | null {
  const s = plan.graph.nodes[id].shape;
  if (!s) return null;
  if (plan.timeMajor) return timeFirst(s);
  return plan.layout[id] === 'cf' ? toChannelsFirst(s) : [...s];
}

/** (batch, time, ...) as (time, batch, ...), and back. */
export function timeFirst<T>(dims: readonly T[]): T[] {
  return dims.length >= 2 ? [dims[1], dims[0], ...dims.slice(2)] : [...dims];
}

/**
 * The layers the explicit reset-before GRU cell applies before its last one, as helpers (-1) of
 * `Written.applied`: the input projection, then two recurrent layers per step, the last one the node's.
 */
export function resetBeforeHelpers(plan: Plan, n: PortNode): number[] {
  return new Array(2 * Number(plan.graph.nodes[n.inputs[0]].shape![1])).fill(-1);
}

/** Where the batch axis is in the target's tensors. */
export function batchAxis(plan: Plan): number {
  return plan.timeMajor ? 1 : 0;
}

/** Python identifiers from the source's layer names, unique, for nodes that hold a layer. */
function attributeNames(nodes: PortNode[]): string[] {
  const used = new Set<string>();
  return nodes.map((n) => {
    if (!holdsLayer(n.op)) return '';
    let base = (n.part ? `${n.name}_${n.part}` : n.name).replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
    if (!/^[a-z_]/.test(base) || PY_KEYWORDS.has(base)) base = `${n.op.kind}${base ? `_${base}` : ''}`;
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  });
}

const PY_KEYWORDS = new Set(['input', 'self', 'lambda', 'class', 'def', 'pass', 'in', 'is', 'not', 'and', 'or', 'if', 'for', 'while', 'return', 'import', 'from', 'as', 'with', 'global', 'none', 'true', 'false', 'forward', 'f', 'x', 'nn', 'torch', 'keras', 'layers', 'mx', 'gluon', 'nd']);

/** Nodes written as layer objects (the others are functions in forward). */
export function holdsLayer(op: PortOp): boolean {
  return ['conv', 'dense', 'pool', 'dropout', 'bn', 'embedding', 'rnn', 'stub', 'convT', 'upsample', 'layernorm', 'mha', 'prelu', 'groupnorm'].includes(op.kind);
}

/** The parameter count a node's layer has in a framework (what its summary prints). */
export function paramsIn(op: PortOp, fw: PortFramework): number {
  switch (op.kind) {
    case 'conv':
      return op.filters * (op.inChannels / op.groups) * op.kernel.reduce((a, b) => a * b, 1) + (op.bias ? op.filters : 0);
    case 'convT':
      return (op.filters / op.groups) * op.inChannels * op.kernel.reduce((a, b) => a * b, 1) + (op.bias ? op.filters : 0);
    case 'dense':
      return op.units * op.inFeatures + (op.bias ? op.units : 0);
    case 'layernorm':
      return op.affine ? 2 * op.size : 0;
    case 'groupnorm':
      // Gluon always has gamma and beta (fixed at 1 and 0 without center/scale): InstanceNorm one per
      // channel, MXNet 1.x's GroupNorm one per group (groups = channels for an instance norm).
      if (fw === 'gluon') return 2 * op.groups;
      return op.affine ? 2 * op.channels : 0;
    case 'mha':
      // Query, key, value and output projections, each embed x embed (+ embed biases).
      return 4 * op.embed * op.embed + (op.bias ? 4 * op.embed : 0);
    case 'prelu':
      return op.channels;
    case 'bn':
      // PyTorch counts gamma and beta; Keras and Gluon also count the running mean and variance.
      return (op.affine ? 2 * op.channels : 0) + (fw === 'torch' ? 0 : 2 * op.channels);
    case 'embedding':
      return op.inputDim * op.outputDim;
    case 'rnn': {
      const gates = op.cell === 'lstm' ? 4 : op.cell === 'gru' ? 3 : 1;
      const h = op.units;
      // Keras' LSTM and SimpleRNN have one bias per gate, PyTorch and Gluon two (input and hidden);
      // Keras' GRU (reset_after=True) also has two.
      // Keras' GRU(reset_after=False) has one, and so has the explicit cell that ports it.
      const biases = !op.bias ? 0 : op.resetBefore || (fw === 'keras' && op.cell !== 'gru') ? 1 : 2;
      let total = 0;
      for (let l = 0; l < op.layers; l++) {
        const inputs = l === 0 ? op.inFeatures : rnnWidth(op);
        total += (op.bidirectional ? 2 : 1) * gates * (h * inputs + h * h + biases * h);
      }
      return total;
    }
    default:
      return 0;
  }
}

/** The trainable part of `paramsIn`. */
export function trainableIn(op: PortOp, fw: PortFramework): number {
  return op.kind === 'bn' ? (op.affine ? 2 * op.channels : 0) : paramsIn(op, fw);
}

export function totalIn(g: PortGraph, fw: PortFramework): number {
  return g.nodes.reduce((s, n) => s + paramsIn(n.op, fw), 0);
}

/** Python's spelling of a tuple of ints. */
export function pyTuple(xs: readonly (number | string)[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

/** Python's spelling of an int, or a tuple when the axes differ. */
export function pySize(xs: readonly number[]): string {
  return xs.every((x) => x === xs[0]) ? String(xs[0]) : pyTuple(xs);
}

export function className(modelName: string): string {
  const base = /^[A-Za-z_][A-Za-z0-9_]*$/.test(modelName) ? modelName : 'Net';
  const pascal = base.split('_').filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  return pascal && !/^(Model|Net|Sequential)$/.test(pascal) ? pascal : 'Net';
}

/** The batch size for the generated demo: the source's when it is a number, else 2. */
export function demoBatch(g: PortGraph): number {
  const b = g.nodes[0].shape?.[0];
  return typeof b === 'number' ? b : 2;
}

/** The source layer a node came from, for comments. */
export function origin(n: PortNode): string {
  return n.type.includes('.') ? `${n.name}() (line ${n.line})` : `${n.type} '${n.name}' (line ${n.line})`;
}

/** A grouped convolution with one group per input channel: Keras writes it as DepthwiseConv1D/2D. */
export function isDepthwise(op: PortOp): boolean {
  return op.kind === 'conv' && op.groups > 1 && op.groups === op.inChannels && op.rank <= 2;
}

/** The zero-padding a node carries on some axis before or after. */
export function asymmetric(before: number[], after: number[]): boolean {
  return before.some((b, i) => b !== after[i]);
}

export function anyPad(before: number[], after: number[]): boolean {
  return before.some((b, i) => b > 0 || after[i] > 0);
}

/** Keras activation names for `activation=` (leaky ReLU keeps its own layer for the slope). */
export const KERAS_ACT_NAME: Partial<Record<string, string>> = {
  relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', elu: 'elu', selu: 'selu', softplus: 'softplus',
  softsign: 'softsign', gelu: 'gelu', silu: 'silu', relu6: 'relu6', log_softmax: 'log_softmax',
};

/** In Keras an activation right after the only use of a Conv/Dense becomes its `activation=`. */
export function kerasFused(plan: Plan, id: number): boolean {
  const n = plan.graph.nodes[id];
  if (n.op.kind !== 'act' || !KERAS_ACT_NAME[n.op.fn] || n.inputs.length !== 1) return false;
  const prev = plan.graph.nodes[n.inputs[0]];
  return (prev.op.kind === 'conv' || prev.op.kind === 'dense' || prev.op.kind === 'convT') && plan.consumers[prev.id].length === 1;
}

/** Nodes the target cannot express exactly become stubs (a max pool padded other than TensorFlow's 'same' in Keras pads with zeros, not -inf; Gluon's recurrent layers always have biases). */
export function withTargetLimits(g: PortGraph, to: PortFramework): PortGraph {
  const nodes = g.nodes.map((n): PortNode => {
    const op = n.op;
    if (to === 'keras' && op.kind === 'pool' && op.mode === 'max' && anyPad(op.padBefore, op.padAfter) && !tfSame(g, n, op.kernel, op.strides, op.padBefore, op.padAfter)) {
      return { ...n, op: { kind: 'stub', reason: "Keras max pooling pads only as 'same'; this padding would need -inf padding" } };
    }
    if (to === 'keras' && op.kind === 'pool' && excludesPad(op) && !tfSame(g, n, op.kernel, op.strides, op.padBefore, op.padAfter)) {
      return { ...n, op: { kind: 'stub', reason: "an average that leaves padding out (count_include_pad=False) pads in Keras only as 'same'" } };
    }
    if (to === 'gluon' && op.kind === 'rnn' && !op.bias) return { ...n, op: { kind: 'stub', reason: 'Gluon recurrent layers always have biases' } };
    if (to === 'keras' && op.kind === 'reverse') return { ...n, op: { kind: 'stub', reason: 'Keras has no layer that flips the time axis; go_backwards=True does it only for a one-direction recurrent layer reading the flip directly' } };
    // The explicit reset-before cell is a loop over the steps: shapelint checks it unrolled.
    if (op.kind === 'rnn' && op.resetBefore && typeof g.nodes[n.inputs[0]]?.shape?.[1] !== 'number') {
      return { ...n, op: { kind: 'stub', reason: "GRU(reset_after=False) ports as an explicit loop over the steps, which needs a known sequence length; PyTorch's and Gluon's GRU apply the reset gate after the recurrent matmul (like reset_after=True)" } };
    }
    const limit = to === 'gluon' && op.kind === 'groupnorm' ? gluonGroupNormLimit(op, rankOf(n)) : catalogueLimit(op, to);
    return limit ? { ...n, op: { kind: 'stub', reason: limit } } : n;
  });
  return splitTransposeCrops(to === 'gluon' ? splitGroupNormAffine({ ...g, nodes }) : { ...g, nodes }, to);
}

/** Why the target has no layer for an op of the wider catalogue, or null. */
function catalogueLimit(op: PortOp, to: PortFramework): string | null {
  if (to === 'gluon' && op.kind === 'mha') return 'Gluon (MXNet 1.x) has no multi-head attention block; write one from nn.Dense projections and F.batch_dot';
  if (to === 'gluon' && op.kind === 'upsample' && op.mode === 'bilinear' && op.rank !== 2) return "MXNet's BilinearResize2D resizes 2-D feature maps only";
  if (to === 'keras' && op.kind === 'upsample' && op.alignCorners) return "Keras' bilinear UpSampling2D samples at half-pixel centres; align_corners=True maps corner pixels onto corner pixels";
  if (to === 'keras' && op.kind === 'upsample' && op.mode === 'bilinear' && op.rank !== 2) return 'Keras interpolates bilinearly in UpSampling2D only';
  if (to === 'keras' && op.kind === 'convT' && op.groups > 1) return "Keras' transposed convolutions have no groups; split the channels into one Conv*DTranspose per group and concatenate them";
  if (to === 'keras' && op.kind === 'convT' && op.dilation.some((d) => d > 1) && op.strides.some((s) => s > 1)) {
    return 'Keras rejects strides > 1 together with dilation_rate > 1 in a transposed convolution';
  }
  return null;
}

/**
 * Gluon writes one channel per group as InstanceNorm (gamma and beta per channel) and other
 * groups as GroupNorm, whose MXNet 1.x gamma and beta are per group: exact only without a
 * learned per-channel scale and offset. Both need spatial axes (MXNet's ops reject (N, C)).
 */
function gluonGroupNormLimit(op: Extract<PortOp, { kind: 'groupnorm' }>, rank: number): string | null {
  if (rank < 3 || rank > 5) return "MXNet's InstanceNorm and GroupNorm need 1 to 3 spatial axes after (N, C)";
  return null;
}

/**
 * MXNet 1.x's GroupNorm has its gamma and beta per group: a group norm with a scale and offset per
 * channel becomes GroupNorm(center=False, scale=False) and then that scale and offset as a 1x1
 * convolution with one group per channel (weight = gamma, bias = beta), the same function.
 */
function splitGroupNormAffine(g: PortGraph): PortGraph {
  const nodes: PortNode[] = [];
  const newId: number[] = [];
  for (const n of g.nodes) {
    const op = n.op;
    const inputs = n.inputs.map((i) => newId[i]);
    if (op.kind !== 'groupnorm' || !op.affine || op.groups === op.channels) {
      newId.push(nodes.length);
      nodes.push({ ...n, id: nodes.length, inputs });
      continue;
    }
    const rank = rankOf(n) - 2;
    const ones = new Array(rank).fill(1);
    const zeros = new Array(rank).fill(0);
    nodes.push({ ...n, id: nodes.length, inputs, op: { ...op, affine: false }, params: 0 });
    nodes.push({
      ...n, id: nodes.length, inputs: [nodes.length - 1], part: 'affine',
      op: { kind: 'conv', rank, filters: op.channels, inChannels: op.channels, kernel: ones, strides: ones, dilation: ones, padBefore: zeros, padAfter: zeros, bias: true, groups: op.channels },
    });
    newId.push(nodes.length - 1);
  }
  return { ...g, nodes, output: newId[g.output] };
}

/**
 * A transposed convolution crops its full output; each target's layer crops only in its own
 * way (PyTorch and Gluon: `padding` at both ends, `output_padding` back at the end; Keras:
 * 'same' or 'valid' with `output_padding`). What the layer cannot do becomes a crop node after it.
 */
function splitTransposeCrops(g: PortGraph, to: PortFramework): PortGraph {
  const nodes: PortNode[] = [];
  const newId: number[] = [];
  for (const n of g.nodes) {
    const op = n.op;
    const inputs = n.inputs.map((i) => newId[i]);
    const split = op.kind === 'convT' ? layerCrop(g, n, op, to) : null;
    if (op.kind !== 'convT' || !split || (sameList(split.before, op.cropBefore) && sameList(split.after, op.cropAfter))) {
      newId.push(nodes.length);
      nodes.push({ ...n, id: nodes.length, inputs, op: op.kind === 'convT' && !split ? { kind: 'stub', reason: 'this cropping of a transposed convolution has no translation' } : op });
      continue;
    }
    const layer = { ...op, cropBefore: split.before, cropAfter: split.after };
    const cropBefore = op.cropBefore.map((b, i) => b - split.before[i]);
    const cropAfter = op.cropAfter.map((a, i) => a - split.after[i]);
    const full = n.shape ? [n.shape[0], ...n.shape.slice(1, -1).map((d, i) => (typeof d === 'number' ? d + cropBefore[i] + cropAfter[i] : d)), n.shape[n.shape.length - 1]] : null;
    nodes.push({ ...n, id: nodes.length, inputs, op: layer, shape: full });
    nodes.push({ ...n, id: nodes.length, inputs: [nodes.length - 1], op: { kind: 'crop', rank: op.rank, before: cropBefore, after: cropAfter }, params: 0 });
    newId.push(nodes.length - 1);
  }
  return { ...g, nodes, output: newId[g.output] };
}

function sameList(a: number[], b: number[]): boolean {
  return a.every((x, i) => x === b[i]);
}

/** The crops a target's transposed-convolution layer does itself for this node (the rest is a crop after it); null: none it can do. */
function layerCrop(g: PortGraph, n: PortNode, op: Extract<PortOp, { kind: 'convT' }>, to: PortFramework): { before: number[]; after: number[] } | null {
  const before: number[] = [];
  const after: number[] = [];
  const keras = to === 'keras' && kerasTransposePadding(g, n, op) === 'same';
  for (let i = 0; i < op.rank; i++) {
    const [b, a, s] = [op.cropBefore[i], op.cropAfter[i], op.strides[i]];
    if (a <= -s) return null;
    if (keras) {
      before.push(b);
      after.push(a);
    } else if (to === 'keras') {
      // 'valid' crops nothing; output_padding extends the end.
      before.push(0);
      after.push(Math.min(a, 0));
    } else {
      // padding = b at both ends; output_padding = b - after gives back up to stride - 1 at the end.
      const back = Math.min(Math.max(b - a, 0), s - 1);
      if (a < b - back) return null;
      before.push(b);
      after.push(b - back);
    }
  }
  return { before, after };
}

/** Keras' padding for a transposed convolution node: 'same' when its crops are the ones TensorFlow picks for an output of in * stride. */
export function kerasTransposePadding(g: PortGraph, n: PortNode, op: Extract<PortOp, { kind: 'convT' }>): 'same' | 'valid' {
  const dims = g.nodes[n.inputs[0]]?.shape?.slice(1, -1) ?? [];
  const same = op.kernel.every((k, i) => {
    const size = dims[i];
    if (typeof size !== 'number') return false;
    const total = (size - 1) * op.strides[i] + effectiveKernel(k, op.dilation[i]) - size * op.strides[i];
    const b = Math.floor(Math.max(total, 0) / 2);
    return op.cropBefore[i] === b && op.cropAfter[i] === total - b;
  });
  return same ? 'same' : 'valid';
}

/** An average pool whose padding changes the divisor at the borders. */
export function excludesPad(op: PortOp): boolean {
  return op.kind === 'pool' && op.mode === 'avg' && op.excludePad === true && anyPad(op.padBefore, op.padAfter);
}

/** Whether explicit pads are what TensorFlow's 'same' gives on this node's input. */
export function tfSame(g: PortGraph, n: PortNode, kernel: number[], strides: number[], before: number[], after: number[], dilation?: number[]): boolean {
  const dims = g.nodes[n.inputs[0]]?.shape?.slice(1, -1) ?? [];
  return kernel.every((k, i) => {
    const size = dims[i];
    if (typeof size !== 'number') return false;
    const [b, a] = samePadding(size, k, strides[i], dilation?.[i] ?? 1);
    return b === before[i] && a === after[i];
  });
}
