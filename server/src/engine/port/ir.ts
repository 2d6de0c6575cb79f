/**
 * The framework-neutral model that `shapelint port` translates: a graph of layer nodes whose
 * shapes are written channels-last (Keras' default: batch first, channels last), whatever the
 * source framework's layout. Readers (`read-*.ts`) build it from the engine's model summary;
 * writers (`write-*.ts`) turn it into code for one framework.
 */
import type { Dim, LayerApplication, PlainArg } from '../types';

export type PortFramework = 'keras' | 'gluon' | 'torch';

export type ActivationName =
  | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'selu' | 'softplus' | 'softsign' | 'gelu' | 'silu' | 'relu6' | 'leaky_relu' | 'log_softmax';

export type MergeFn = 'mul' | 'sub' | 'avg' | 'max' | 'min';

/** Where a tensor's channel axis is: last (canonical) or right after the batch. */
export type Layout = 'cl' | 'cf';

export type PortOp =
  | { kind: 'input'; dtype: 'float' | 'int' }
  | {
      kind: 'conv'; rank: number; filters: number; inChannels: number; kernel: number[]; strides: number[];
      dilation: number[]; padBefore: number[]; padAfter: number[]; bias: boolean; groups: number;
    }
  | { kind: 'dense'; units: number; inFeatures: number; bias: boolean }
  /** `excludePad`: the average leaves the padding out of the count (Keras' 'same', count_include_pad=False). */
  | { kind: 'pool'; rank: number; mode: 'max' | 'avg'; kernel: number[]; strides: number[]; padBefore: number[]; padAfter: number[]; excludePad?: boolean }
  | { kind: 'gpool'; rank: number; mode: 'max' | 'avg' }
  /** `order`: the order the source flattens in (channels-last or channels-first feature maps). */
  | { kind: 'flatten'; order: Layout }
  /** `spatial`: the rank of a feature map whose whole channels are dropped (SpatialDropout2D, Dropout2d); the same identity at inference. */
  | { kind: 'dropout'; rate: number; spatial?: number }
  /** `momentum` in Keras' and Gluon's convention: the share of the running statistic kept per step. */
  /** `fixedScale`: an MXNet symbol BatchNorm with fix_gamma=True, whose saved gamma is ignored (the scale is 1). */
  | { kind: 'bn'; channels: number; eps: number; momentum: number; affine: boolean; fixedScale?: boolean }
  | { kind: 'act'; fn: ActivationName; alpha?: number }
  | { kind: 'zeropad'; rank: number; before: number[]; after: number[] }
  /** Target shape without the batch, channels-last. */
  | { kind: 'reshape'; target: number[] }
  /** Keras' Permute dims: 1-based, without the batch. */
  | { kind: 'permute'; dims: number[] }
  | { kind: 'embedding'; inputDim: number; outputDim: number }
  | RnnOp
  /** `axis`: positive, counting the batch, in the channels-last shape. */
  | { kind: 'concat'; axis: number }
  /**
   * A transposed convolution: the full output ((in - 1) * stride + dilation * (kernel - 1) + 1) cropped by
   * `cropBefore` at the start and `cropAfter` at the end of each spatial axis (a negative
   * `cropAfter` extends the output with positions only the bias reaches, like output_padding).
   */
  | { kind: 'convT'; rank: number; filters: number; inChannels: number; kernel: number[]; strides: number[]; dilation: number[]; groups: number; cropBefore: number[]; cropAfter: number[]; bias: boolean }
  /**
   * Integer upsampling of the spatial axes. Bilinear samples at half-pixel centres (TensorFlow,
   * PyTorch's align_corners=False), or with `alignCorners` maps corner pixels onto corner pixels.
   */
  | { kind: 'upsample'; rank: number; scale: number[]; mode: 'nearest' | 'bilinear'; alignCorners?: boolean }
  /** Normalisation over the last (channels-last) axis of size `size`; `affine`: a learned scale and offset. */
  | { kind: 'layernorm'; size: number; eps: number; affine: boolean }
  | { kind: 'crop'; rank: number; before: number[]; after: number[] }
  /**
   * Multi-head attention over the time axis of (batch, time, features) tensors whose features all
   * equal `embed` = heads * head size. Inputs: query, key, value (PyTorch's order).
   */
  | { kind: 'mha'; heads: number; embed: number; bias: boolean; dropout: number }
  /** A learned leaky slope per channel (`channels`), or one shared slope (1). */
  | { kind: 'prelu'; channels: number }
  | { kind: 'add' }
  /** Keras' RepeatVector: (batch, features) to (batch, times, features). */
  | { kind: 'repeat'; times: number }
  /**
   * Positions begin..end-1 (0 <= begin < end <= size) of one axis (channels-last, counting the
   * batch, never the batch itself); `index`: one position, whose axis is dropped (x[:, 0]).
   */
  | { kind: 'slice'; axis: number; begin: number; end: number; index?: boolean }
  /** Element-wise merges of same-shaped tensors besides the sum. */
  | { kind: 'merge'; fn: MergeFn }
  /** Normalisation over channel groups (contiguous, like PyTorch and Keras), one scale and offset per channel when `affine`. */
  | { kind: 'groupnorm'; groups: number; channels: number; eps: number; affine: boolean }
  /** The time axis of (batch, time, features) reversed (torch.flip, F.reverse); folded into a recurrent layer after it as go_backwards. */
  | { kind: 'reverse' }
  /** A transpose between channels-first and channels-last: the same data in the neutral (channels-last) graph. */
  | { kind: 'relayout' }
  | { kind: 'stub'; reason: string };

/**
 * How a bidirectional layer joins its two directions (Keras' merge_mode; PyTorch and Gluon
 * concatenate). 'none': Keras' merge_mode=None, the two apart, until `foldSplitDirections`
 * (read.ts) joins them with the merge that reads both.
 */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | 'none';

/**
 * A recurrent layer: `layers` stacked layers (PyTorch's and Gluon's num_layers; Keras writes one
 * layer each), each reading the previous one's whole sequence, in one or two directions.
 */
export interface RnnOp {
  kind: 'rnn';
  cell: 'lstm' | 'gru' | 'rnn';
  units: number;
  inFeatures: number;
  returnSequences: boolean;
  bias: boolean;
  layers: number;
  bidirectional: boolean;
  merge: MergeMode;
  /** Dropout between stacked layers (training only). */
  dropout: number;
  /** What the source does that the port states in a comment but needs no code for (stateful, return_state, per-step dropout). */
  notes: string[];
  /** Keras' go_backwards=True: the layer reads the time axis reversed and returns its steps in that order (= flip the input). */
  goBackwards: boolean;
  /** Keras' GRU(reset_after=False): the reset gate scales the state before the recurrent matmul (one bias). */
  resetBefore: boolean;
}

export function rnnOp(cell: RnnOp['cell'], units: number, inFeatures: number, more: Partial<RnnOp> = {}): RnnOp {
  return {
    kind: 'rnn', cell, units, inFeatures, returnSequences: true, bias: true, layers: 1, bidirectional: false, merge: 'concat', dropout: 0, notes: [], goBackwards: false, resetBefore: false,
    ...more,
  };
}

/** The features one layer of a recurrent op hands on (both directions concatenated). */
export function rnnWidth(op: RnnOp): number {
  return op.units * (op.bidirectional ? 2 : 1);
}

/** The features the recurrent op's output has after merging the directions. */
export function rnnOutFeatures(op: RnnOp): number {
  return op.bidirectional && op.merge !== 'concat' ? op.units : rnnWidth(op);
}

export interface PortNode {
  id: number;
  op: PortOp;
  inputs: number[];
  /** Output shape, channels-last, batch first; null when unknown. */
  shape: Dim[] | null;
  /** The source's parameter count for this node (its layer's count on the layer's first node). */
  params: number | null;
  /** The source layer's name and class, for comments and weight loading. */
  name: string;
  type: string;
  /** 1-based source line of the layer. */
  line: number;
  /** The layer's module path in a PyTorch or Gluon source (`features.3`), which prefixes its saved parameters' names; absent: its name. */
  path?: string;
  /** Which part of a source layer read as several weighted nodes (a separable convolution's 'depthwise' and 'pointwise'). */
  part?: string;
}

export interface PortGraph {
  source: PortFramework;
  modelName: string;
  nodes: PortNode[];
  output: number;
  totalParams: number | null;
  trainableParams: number | null;
  /** The layout the source feeds its input in. */
  inputLayout: Layout;
  /** The layout of the source's output (a feature map of a channels-first source is channels-first). */
  outputLayout?: Layout;
  /**
   * The source feeds (time, batch, ...) data to time-major recurrent layers (PyTorch's
   * batch_first=False, Gluon's layout='TNC'): the graph's shapes are still batch first; PyTorch
   * and Gluon ports stay time-major, a Keras port (batch-major only) takes the data transposed.
   */
  timeMajor?: boolean;
  /** The source is an MXNet symbol graph (read as Gluon: same layouts and parameters, BatchNorm's moving statistics aside). */
  symbolic?: boolean;
}

export function shapeText(dims: readonly Dim[] | null): string {
  if (!dims) return '(?)';
  const parts = dims.map((d) => (d === null ? '?' : String(d)));
  return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
}

/** Moves the channel axis of a channels-last shape right after the batch. */
export function toChannelsFirst<T>(dims: readonly T[]): T[] {
  if (dims.length < 3) return [...dims];
  return [dims[0], dims[dims.length - 1], ...dims.slice(1, -1)];
}

/** A source layer's axis (negative from the end) on the neutral channels-last axes: a channels-first layer's axis 1 is the channel axis, last there. */
export function neutralAxis(axis: number, rank: number, layout: Layout): number {
  const d = axis < 0 ? rank + axis : axis;
  if (layout !== 'cf' || rank < 3) return d;
  return d === 1 ? rank - 1 : d > 1 ? d - 1 : d;
}

/** Moves the channel axis of a channels-first shape to the end. */
export function toChannelsLast<T>(dims: readonly T[]): T[] {
  if (dims.length < 3) return [...dims];
  return [dims[0], ...dims.slice(2), dims[1]];
}

/**
 * TensorFlow's 'same' padding for one spatial axis: the total pad makes the output
 * ceil(in / stride), and the extra odd pixel goes after (bottom/right).
 */
export function samePadding(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** An int or a list of ints, as a list of `n` ints; null when neither. */
export function intsOf(v: unknown, n: number): number[] | null {
  if (typeof v === 'number' && Number.isInteger(v)) return new Array(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isInteger(x))) return v as number[];
  return null;
}

/** The span a dilated kernel covers: dilation * (kernel - 1) + 1. */
export function effectiveKernel(kernel: number, dilation: number): number {
  return dilation * (kernel - 1) + 1;
}

export function isNum(d: Dim | undefined): d is number {
  return typeof d === 'number';
}

/** What a reader sees of one layer application. */
export interface LayerView {
  app: LayerApplication;
  args: Record<string, PlainArg>;
  /** Input shapes, channels-last. */
  inputs: (Dim[] | null)[];
  /** Output shape, channels-last. */
  output: Dim[] | null;
  /** The layout the source framework runs this layer in. */
  layout: Layout;
  /** How many layer inputs in the model read this layer's output(s). */
  uses: number;
  /** The source text of the call that applies the layer (call keywords such as masks are not in `args`). */
  callText: string;
  /** The graph is time-major (`PortGraph.timeMajor`): shapes here are already batch first. */
  timeMajor?: boolean;
}

/** Whether the layer's call passes something the port would drop (a mask, a causal flag). */
export function callMentions(v: LayerView, words: RegExp): boolean {
  const open = v.callText.indexOf('(');
  return words.test(open >= 0 ? v.callText.slice(open) : v.callText);
}

/** A reader's answer: the node ops for one layer, applied one after the other (a fused activation is a second op). */
export type ReadResult = PortOp[];

/** Dropout of whole channels of a feature map with `rank` spatial axes (the input must be one, with a batch). */
export function spatialDropout(v: LayerView, rate: PlainArg | undefined, rank: number): ReadResult {
  if (typeof rate !== 'number' || v.inputs[0]?.length !== rank + 2) return [stub('its rate is unknown, or the input is not a batch of feature maps of its rank')];
  return [{ kind: 'dropout', rate, spatial: rank }];
}

export function stub(reason: string): PortOp {
  return { kind: 'stub', reason };
}
