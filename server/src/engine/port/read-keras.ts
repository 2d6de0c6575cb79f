/** Reads Keras layers (Keras 1 to 3, tf.keras) into port ops. */
import type { Dim, PlainArg } from '../types';
import { intsOf, isNum, rnnOp, samePadding, type ActivationName, type PortOp, type RnnOp, stub, type LayerView, type ReadResult } from './ir';

const ACTIVATIONS: Record<string, ActivationName | 'linear'> = {
  relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', elu: 'elu', selu: 'selu',
  softplus: 'softplus', softsign: 'softsign', gelu: 'gelu', swish: 'silu', silu: 'silu', relu6: 'relu6',
  leaky_relu: 'leaky_relu', linear: 'linear', log_softmax: 'log_softmax',
};

/** The activation op of an `activation=` argument: [] for none or 'linear', a stub for an unknown one. */
export function kerasActivation(v: PlainArg | undefined): PortOp[] {
  if (v === undefined) return [stub('its activation is not a name shapelint can read')];
  if (v === null) return [];
  const fn = typeof v === 'string' ? ACTIVATIONS[v] : undefined;
  if (!fn) return [stub(`activation ${JSON.stringify(v)} has no translation`)];
  return fn === 'linear' ? [] : [{ kind: 'act', fn, ...(fn === 'leaky_relu' ? { alpha: 0.2 } : {}) }];
}

export function readKerasLayer(v: LayerView): ReadResult {
  const t = v.app.type;
  const rankMatch = /([123])D$/.exec(t);
  const rank = rankMatch ? Number(rankMatch[1]) : 0;
  if (/^Conv[123]D$/.test(t)) return conv(v, rank);
  if (t === 'Dense') return dense(v);
  if (/^(Max|Average)Pooling[123]D$/.test(t)) return pool(v, rank, t.startsWith('Max') ? 'max' : 'avg');
  if (/^Global(Max|Average)Pooling[123]D$/.test(t)) {
    return v.args.keepdims ? [stub('keepdims=True global pooling has no translation yet')] : [{ kind: 'gpool', rank, mode: t.includes('Max') ? 'max' : 'avg' }];
  }
  if (t === 'Flatten') return [{ kind: 'flatten', order: v.layout }];
  if (t === 'Dropout') return typeof v.args.rate === 'number' ? [{ kind: 'dropout', rate: v.args.rate }] : [stub('its rate is unknown')];
  if (t === 'BatchNormalization') return batchNorm(v);
  if (t === 'Activation') return kerasActivation(v.args.activation);
  if (t === 'ReLU') return v.args.max_value === null && !v.args.negative_slope && !v.args.threshold ? [{ kind: 'act', fn: 'relu' }] : [stub('ReLU with max_value/negative_slope/threshold has no translation yet')];
  if (t === 'LeakyReLU') return leaky(v);
  if (t === 'ELU') return v.args.alpha === 1 ? [{ kind: 'act', fn: 'elu' }] : [stub('ELU with alpha != 1')];
  if (t === 'Softmax') return v.args.axis === -1 ? [{ kind: 'act', fn: 'softmax' }] : [stub('Softmax on an axis other than the last')];
  if (/^ZeroPadding[123]D$/.test(t)) return zeroPad(v, rank);
  if (t === 'Reshape') return reshape(v);
  if (t === 'Permute') return intList(v.args.dims) ? [{ kind: 'permute', dims: v.args.dims as number[] }] : [stub('its dims are unknown')];
  if (t === 'Embedding') return embedding(v);
  if (RNN_CELLS[t]) return recurrent(v, RNN_CELLS[t], v.args);
  if (t === 'Bidirectional') return bidirectional(v);
  if (t === 'Concatenate') return concat(v);
  if (t === 'Add') return v.inputs.length >= 2 ? [{ kind: 'add' }] : [stub('Add needs two inputs')];
  if (t === 'Lambda') return [stub('a Lambda layer runs arbitrary code')];
  return [stub(`${t} is not in the port catalogue`)];
}

function intList(v: PlainArg | undefined): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x));
}

/** Explicit per-axis padding for Keras' 'valid' / 'same' on the layer's known input. */
function padsOf(padding: PlainArg | undefined, spatial: Dim[], kernel: number[], strides: number[], dilation: number[]): [number[], number[]] | string {
  if (padding === 'valid') return [kernel.map(() => 0), kernel.map(() => 0)];
  if (padding !== 'same') return `padding=${JSON.stringify(padding)} has no translation`;
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < kernel.length; i++) {
    const size = spatial[i];
    if (!isNum(size)) return "'same' padding on an axis of unknown size";
    const [b, a] = samePadding(size, kernel[i], strides[i], dilation[i]);
    before.push(b);
    after.push(a);
  }
  return [before, after];
}

function conv(v: LayerView, rank: number): ReadResult {
  const a = v.args;
  const kernel = intsOf(a.kernel_size, rank);
  const strides = intsOf(a.strides, rank);
  const dilation = intsOf(a.dilation_rate, rank);
  const input = v.inputs[0];
  const inCh = input?.[input.length - 1];
  if (typeof a.filters !== 'number' || !kernel || !strides || !dilation || !isNum(inCh) || !input) return [stub('its arguments or input channels are unknown')];
  const pads = padsOf(a.padding, input.slice(1, -1), kernel, strides, dilation);
  if (typeof pads === 'string') return [stub(pads)];
  const groups = typeof a.groups === 'number' ? a.groups : 1;
  const op: PortOp = {
    kind: 'conv', rank, filters: a.filters, inChannels: inCh, kernel, strides, dilation,
    padBefore: pads[0], padAfter: pads[1], bias: a.use_bias !== false, groups,
  };
  return [op, ...kerasActivation(a.activation)];
}

function dense(v: LayerView): ReadResult {
  const input = v.inputs[0];
  const inF = input?.[input.length - 1];
  if (typeof v.args.units !== 'number' || !isNum(inF)) return [stub('its units or input features are unknown')];
  return [{ kind: 'dense', units: v.args.units, inFeatures: inF, bias: v.args.use_bias !== false }, ...kerasActivation(v.args.activation)];
}

function pool(v: LayerView, rank: number, mode: 'max' | 'avg'): ReadResult {
  const kernel = intsOf(v.args.pool_size, rank);
  const strides = v.args.strides === null ? kernel : intsOf(v.args.strides, rank);
  const input = v.inputs[0];
  if (!kernel || !strides || !input) return [stub('its pool size or strides are unknown')];
  const pads = padsOf(v.args.padding, input.slice(1, -1), kernel, strides, kernel.map(() => 1));
  if (typeof pads === 'string') return [stub(pads)];
  // Keras' 'same' average divides each window by its cells inside the input.
  return [{ kind: 'pool', rank, mode, kernel, strides, padBefore: pads[0], padAfter: pads[1], ...(mode === 'avg' ? { excludePad: true } : {}) }];
}

function batchNorm(v: LayerView): ReadResult {
  const input = v.inputs[0];
  const ch = input?.[input.length - 1];
  const axis = v.args.axis;
  const channelAxis = axis === -1 || (input && axis === input.length - 1) || (v.layout === 'cf' && axis === 1);
  if (!isNum(ch) || !channelAxis) return [stub('BatchNormalization over an axis other than the channels')];
  if (v.args.center !== v.args.scale) return [stub('BatchNormalization with only one of center/scale has no translation')];
  return [{
    kind: 'bn', channels: ch, eps: typeof v.args.epsilon === 'number' ? v.args.epsilon : 0.001,
    momentum: typeof v.args.momentum === 'number' ? v.args.momentum : 0.99, affine: v.args.center !== false,
  }];
}

function leaky(v: LayerView): ReadResult {
  const alpha = v.args.negative_slope ?? v.args.alpha;
  return typeof alpha === 'number' ? [{ kind: 'act', fn: 'leaky_relu', alpha }] : [stub('its slope is unknown')];
}

function zeroPad(v: LayerView, rank: number): ReadResult {
  const p = v.args.padding;
  let pairs: number[][] | null = null;
  if (typeof p === 'number') pairs = new Array(rank).fill([p, p]);
  else if (Array.isArray(p) && p.length === rank) {
    pairs = p.map((x) => (typeof x === 'number' ? [x, x] : Array.isArray(x) && x.length === 2 ? (x as number[]) : [NaN, NaN]));
  }
  if (rank === 1 && Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number')) pairs = [p as number[]];
  if (!pairs || pairs.some((q) => q.some((x) => !Number.isInteger(x)))) return [stub('its padding is unknown')];
  return [{ kind: 'zeropad', rank, before: pairs.map((q) => q[0]), after: pairs.map((q) => q[1]) }];
}

function reshape(v: LayerView): ReadResult {
  const out = v.output;
  if (!out || !out.slice(1).every(isNum)) return [stub('its target shape is unknown')];
  return [{ kind: 'reshape', target: out.slice(1) as number[] }];
}

function embedding(v: LayerView): ReadResult {
  const { input_dim: n, output_dim: d } = v.args;
  if (typeof n !== 'number' || typeof d !== 'number') return [stub('its sizes are unknown')];
  return [{ kind: 'embedding', inputDim: n, outputDim: d }];
}

const RNN_CELLS: Record<string, RnnOp['cell']> = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'rnn' };

/** A recurrent layer from its arguments `a` (the layer's own, or a Bidirectional's wrapped layer's). */
function recurrent(v: LayerView, cell: RnnOp['cell'], a: Record<string, PlainArg>, more: Partial<RnnOp> = {}): ReadResult {
  const input = v.inputs[0];
  const inF = input?.[input.length - 1];
  if (typeof a.units !== 'number' || !isNum(inF) || input?.length !== 3) return [stub('its units or input features are unknown')];
  if (a.go_backwards) return [stub('go_backwards=True has no translation yet')];
  // The states come out as extra outputs; a port can stand in only when nothing reads them.
  if (a.return_state && (v.uses !== 1 || more.bidirectional)) return [stub('return_state=True with the states used: pass them on by hand')];
  if (a.activation !== 'tanh' || (cell !== 'rnn' && a.recurrent_activation !== 'sigmoid')) return [stub('PyTorch and Gluon recurrent layers use tanh and sigmoid only')];
  if (cell === 'gru' && a.reset_after === false) {
    return [stub("GRU(reset_after=False) applies the reset gate before the recurrent matmul; PyTorch's and Gluon's GRU (like reset_after=True) after it")];
  }
  const notes: string[] = [];
  if (a.stateful) notes.push("stateful=True: Keras carries each batch's final state into the next call until reset_states(); this port starts every call from zeros; to carry it, pass the state returned by the last call");
  if (a.return_state) notes.push('return_state=True: only the output is used, so the states are dropped');
  if ((typeof a.dropout === 'number' && a.dropout > 0) || (typeof a.recurrent_dropout === 'number' && a.recurrent_dropout > 0)) {
    notes.push('dropout=/recurrent_dropout= mask each step in training only; the target has no such argument, inference is the same');
  }
  return [rnnOp(cell, a.units, inF, { returnSequences: a.return_sequences === true, bias: a.use_bias !== false, notes, ...more })];
}

/** Bidirectional(LSTM(...)): the wrapped layer's arguments arrive as `layer.units` and so on. */
function bidirectional(v: LayerView): ReadResult {
  const inner = typeof v.args.layer === 'string' ? RNN_CELLS[v.args.layer] : undefined;
  if (!inner) return [stub('a Bidirectional wrapper around an unknown layer')];
  if (v.args.backward_layer !== null) return [stub('a separate backward_layer has no translation')];
  const merge = v.args.merge_mode;
  if (merge !== 'concat' && merge !== 'sum' && merge !== 'mul' && merge !== 'ave') {
    return [stub(`merge_mode=${JSON.stringify(merge)} returns the two directions apart (PyTorch and Gluon concatenate them)`)];
  }
  const a: Record<string, PlainArg> = {};
  for (const [k, x] of Object.entries(v.args)) if (k.startsWith('layer.')) a[k.slice(6)] = x;
  return recurrent(v, inner, a, { bidirectional: true, merge });
}

function concat(v: LayerView): ReadResult {
  const rank = v.output?.length;
  const axis = v.args.axis;
  if (typeof axis !== 'number' || !rank) return [stub('its axis is unknown')];
  let pos = axis < 0 ? rank + axis : axis;
  // A channels-first Keras layer's axis 1 is the channel axis, last in the neutral shape.
  if (v.layout === 'cf' && rank >= 3) pos = pos === 1 ? rank - 1 : pos > 1 ? pos - 1 : pos;
  return [{ kind: 'concat', axis: pos }];
}
