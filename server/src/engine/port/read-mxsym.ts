/**
 * Reads MXNet symbol graphs (`mx.sym.Convolution(data=...)` chains bound to a Module or
 * FeedForward) into port ops. Shapes arrive channels-first (NCHW, the symbol API's default);
 * `read.ts` has already moved them to the neutral channels-last form. The ops' defaults differ
 * from Gluon's blocks: a missing stride or pad is 1 or 0, BatchNorm's eps is 1e-3 and its
 * gamma is fixed at 1 unless `fix_gamma=False`.
 */
import type { LayerApplication, PlainArg } from '../types';
import { isNum, type Layout, type PortOp, stub, type LayerView, type ReadResult } from './ir';
import { mxConcat } from './read-gluon';
import { ACTIVATION_NAMES, softmax } from './read-torch';

/** Convolution, Pooling and BatchNorm run channels-first; the others keep their input's layout. */
export function mxsymLayout(app: LayerApplication): Layout | null {
  return /^(Convolution|Pooling|BatchNorm)$/.test(app.type) ? 'cf' : null;
}

export function readMxsymLayer(v: LayerView): ReadResult {
  const a = v.args;
  if (a.layout !== undefined && a.layout !== null && !/^NC/.test(String(a.layout))) return [stub(`layout=${JSON.stringify(a.layout)} has no translation yet`)];
  switch (v.app.type) {
    case 'Convolution': return convolution(v);
    case 'FullyConnected': return fullyConnected(v);
    case 'Activation': return activation(a.act_type);
    case 'LeakyReLU': return leakyRelu(a);
    case 'Pooling': return pooling(v);
    case 'BatchNorm': return batchNorm(v);
    case 'Dropout': return typeof a.p === 'number' && a.mode !== 'always' && (!Array.isArray(a.axes) || a.axes.length === 0) ? [{ kind: 'dropout', rate: a.p }] : [stub('its rate, mode or axes have no translation')];
    case 'flatten': case 'Flatten': return [{ kind: 'flatten', order: v.layout }];
    // At inference SoftmaxOutput is a softmax over the last axis; in training it is also the loss.
    case 'SoftmaxOutput': return v.inputs[0]?.length === 2 ? [{ kind: 'act', fn: 'softmax' }] : [stub('SoftmaxOutput on more than two axes')];
    case 'softmax': return softmax(v, a.axis ?? -1);
    case 'log_softmax': {
      const ops = softmax(v, a.axis ?? -1);
      return ops[0]?.kind === 'act' ? [{ kind: 'act', fn: 'log_softmax' }] : ops;
    }
    case 'Concat': case 'concat': return mxConcat(v);
    case 'Embedding':
      return typeof a.input_dim === 'number' && typeof a.output_dim === 'number' ? [{ kind: 'embedding', inputDim: a.input_dim, outputDim: a.output_dim }] : [stub('its sizes are unknown')];
    default: return [stub(`mx.sym.${v.app.type} is not in the port catalogue`)];
  }
}

/** An int list of `rank` items, or `fill` for each when the argument is absent (None). */
function ints(x: PlainArg | undefined, rank: number, fill: number): number[] | null {
  if (x === null || x === undefined || (Array.isArray(x) && x.length === 0)) return new Array(rank).fill(fill);
  return Array.isArray(x) && x.length === rank && x.every((d) => typeof d === 'number' && Number.isInteger(d)) ? (x as number[]) : null;
}

function inChannels(v: LayerView): number | null {
  const input = v.inputs[0];
  const c = input?.[input.length - 1];
  return isNum(c) ? c : null;
}

function convolution(v: LayerView): ReadResult {
  const a = v.args;
  const kernel = Array.isArray(a.kernel) ? ints(a.kernel, a.kernel.length, 1) : null;
  if (!kernel || typeof a.num_filter !== 'number') return [stub('its kernel or num_filter is unknown')];
  const rank = kernel.length;
  const strides = ints(a.stride, rank, 1);
  const dilation = ints(a.dilate, rank, 1);
  const pad = ints(a.pad, rank, 0);
  const inCh = inChannels(v);
  const groups = typeof a.num_group === 'number' ? a.num_group : 1;
  if (!strides || !dilation || !pad || inCh === null) return [stub('its stride, dilate, pad or input channels are unknown')];
  return [{
    kind: 'conv', rank, filters: a.num_filter, inChannels: inCh, kernel, strides, dilation, padBefore: pad, padAfter: pad,
    bias: a.no_bias !== true, groups,
  }];
}

function fullyConnected(v: LayerView): ReadResult {
  const a = v.args;
  const input = v.inputs[0];
  if (typeof a.num_hidden !== 'number' || !input) return [stub('its num_hidden is unknown')];
  // Like Gluon's Dense: every axis after the batch is flattened unless flatten=False.
  const flattens = a.flatten !== false && input.length > 2;
  const features = flattens ? input.slice(1).reduce<number | null>((p, d) => (p !== null && isNum(d) ? p * d : null), 1) : input[input.length - 1];
  if (!isNum(features)) return [stub('its input features are unknown')];
  const ops: PortOp[] = flattens ? [{ kind: 'flatten', order: v.layout }] : [];
  return [...ops, { kind: 'dense', units: a.num_hidden, inFeatures: features, bias: a.no_bias !== true }];
}

function activation(name: PlainArg | undefined): ReadResult {
  const fn = typeof name === 'string' ? ACTIVATION_NAMES[name] : undefined;
  return fn ? [{ kind: 'act', fn }] : [stub(`act_type ${JSON.stringify(name)} has no translation`)];
}

function leakyRelu(a: Record<string, PlainArg>): ReadResult {
  if (a.act_type === 'leaky' && typeof a.slope === 'number') return [{ kind: 'act', fn: 'leaky_relu', alpha: a.slope }];
  if (a.act_type === 'elu' && a.slope === 1) return [{ kind: 'act', fn: 'elu' }];
  if (a.act_type === 'selu' || a.act_type === 'gelu') return [{ kind: 'act', fn: a.act_type }];
  return [stub(`LeakyReLU act_type ${JSON.stringify(a.act_type)} has no translation`)];
}

function pooling(v: LayerView): ReadResult {
  const a = v.args;
  const mode = a.pool_type === 'max' ? 'max' : a.pool_type === 'avg' ? 'avg' : null;
  if (!mode) return [stub(`pool_type=${JSON.stringify(a.pool_type)} has no translation`)];
  const rank = (v.inputs[0]?.length ?? 2) - 2;
  if (a.global_pool === true) {
    // The pooled axes stay as 1s: (N, C, 1, 1).
    const ch = inChannels(v);
    return ch !== null && rank >= 1 ? [{ kind: 'gpool', rank, mode }, { kind: 'reshape', target: [...new Array(rank).fill(1), ch] }] : [stub('its channels are unknown')];
  }
  const kernel = ints(a.kernel, rank, 0);
  const strides = ints(a.stride, rank, 1);
  const pad = ints(a.pad, rank, 0);
  if (!kernel || !strides || !pad || kernel.some((k) => k < 1)) return [stub('its kernel, stride or pad is unknown')];
  // 'full' rounds the output up: the last window may hang over the end. For a max that is
  // padding with -inf after; an average's divisor there has no plain translation.
  const after = a.pooling_convention === 'valid' ? pad : fullPadAfter(v, kernel, strides, pad);
  if (!after) return [stub(`pooling_convention=${JSON.stringify(a.pooling_convention)} on an input of unknown size`)];
  if (mode === 'avg' && after.some((p, i) => p !== pad[i])) return [stub(`pooling_convention=${JSON.stringify(a.pooling_convention)} averages a partial window here`)];
  const excludePad = mode === 'avg' && a.count_include_pad === false;
  return [{ kind: 'pool', rank, mode, kernel, strides, padBefore: pad, padAfter: after, ...(excludePad ? { excludePad } : {}) }];
}

/** The padding after each axis that gives 'full' pooling's rounded-up output from a 'valid' pool. */
function fullPadAfter(v: LayerView, kernel: number[], strides: number[], pad: number[]): number[] | null {
  const input = v.inputs[0];
  const out = v.output;
  if (!input || !out) return null;
  const after = kernel.map((k, i) => {
    const size = input[i + 1];
    const o = out[i + 1];
    return isNum(size) && isNum(o) ? pad[i] + Math.max(0, (o - 1) * strides[i] + k - (size + 2 * pad[i])) : NaN;
  });
  return after.every(Number.isFinite) ? after : null;
}

function batchNorm(v: LayerView): ReadResult {
  const a = v.args;
  const ch = inChannels(v);
  if (a.axis !== 1 || ch === null || typeof a.momentum !== 'number' || typeof a.eps !== 'number') return [stub('BatchNorm over another axis than the channels, or unknown sizes')];
  if (a.use_global_stats === true) return [stub('use_global_stats=True normalises with the running statistics in training too')];
  // fix_gamma=True (the symbol API's default) keeps gamma at 1: the same function while the target's scale stays 1.
  if (typeof a.fix_gamma !== 'boolean') return [stub('fix_gamma is unknown')];
  return [{ kind: 'bn', channels: ch, eps: a.eps, momentum: a.momentum, affine: true, ...(a.fix_gamma ? { fixedScale: true } : {}) }];
}
