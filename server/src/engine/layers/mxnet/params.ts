/**
 * Parameters a bound MXNet symbol allocates for its ops (the weights are implicit variables in
 * the symbol API, unlike in `mx.nd`, where they are passed in). These are the shapes
 * `Module.bind` creates; `mx.viz.print_summary` counts the same weights (it reports BatchNorm as
 * gamma and beta only, and its FullyConnected row uses the channel count alone, a known quirk).
 */
import { product } from '../../shapes';
import type { Shape } from '../../types';
import { isTensor, type BoundArgs } from '../types';

/** Fused RNN weights (Gluon's RNN layers and the `RNN` op), per layer and direction: G·H·F + G·H·H + 2·G·H; later layers see F = D·H. */
export function rnnParamCount(gates: number, hidden: number, layers: number, dirs: number, inputSize: number): number {
  let total = 0;
  for (let l = 0; l < layers; l++) {
    const f = l === 0 ? inputSize : dirs * hidden;
    total += dirs * (gates * hidden * f + gates * hidden * hidden + 2 * gates * hidden);
  }
  return total;
}

type Counter = (args: BoundArgs, input: Shape) => number | null;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const bool = (v: unknown, dflt: boolean): boolean => (typeof v === 'boolean' ? v : dflt);
/** An int argument with a default when absent; null when given but unknown (never the default). */
const numOr = (v: unknown, dflt: number): number | null => (v === undefined || v === null ? dflt : num(v));
const kernel = (v: unknown): number | null => (Array.isArray(v) && v.every((k) => typeof k === 'number') ? product(v as number[]) : num(v));

function conv(noBiasDefault: boolean, transposed: boolean): Counter {
  return (args, input) => {
    const c = num(input.dims[1]);
    const f = num(args.get('num_filter'));
    const g = numOr(args.get('num_group'), 1);
    const k = kernel(args.get('kernel'));
    if (c === null || f === null || k === null || g === null || g <= 0) return null;
    const weights = transposed ? c * (f / g) * k : f * (c / g) * k;
    return weights + (bool(args.get('no_bias'), noBiasDefault) ? 0 : f);
  };
}

const COUNTERS: Record<string, Counter> = {
  Convolution: conv(false, false),
  Deconvolution: conv(true, true),
  FullyConnected: (args, input) => {
    const h = num(args.get('num_hidden'));
    const flatten = bool(args.get('flatten'), true);
    const units = flatten ? product(input.dims.slice(1)) : num(input.dims[input.dims.length - 1]);
    if (h === null || units === null) return null;
    return h * units + (bool(args.get('no_bias'), false) ? 0 : h);
  },
  // gamma and beta; the moving mean and variance are auxiliary states, not parameters.
  BatchNorm: (args, input) => {
    const axis = numOr(args.get('axis'), 1);
    const c = axis === null ? null : num(input.dims[axis < 0 ? input.dims.length + axis : axis]);
    return c === null ? null : 2 * c;
  },
  // gamma and beta over the normalised axis (src/operator/nn/layer_norm.cc, instance_norm-inl.h).
  LayerNorm: (args, input) => {
    const axis = num(args.get('axis')) ?? -1;
    const c = num(input.dims[axis < 0 ? input.dims.length + axis : axis]);
    return c === null ? null : 2 * c;
  },
  InstanceNorm: (_args, input) => {
    const c = num(input.dims[1]);
    return c === null ? null : 2 * c;
  },
  // MXNet 1.x GroupNorm keeps one gamma and beta per group (src/operator/nn/group_norm-inl.h).
  GroupNorm: (args) => {
    const g = num(args.get('num_groups'));
    return g === null ? null : 2 * g;
  },
  // The fused `parameters` vector (src/operator/rnn-inl.h, `GetRnnParamSize`).
  RNN: (args, input) => {
    const gates = ({ lstm: 4, gru: 3, rnn_relu: 1, rnn_tanh: 1 } as Record<string, number>)[String(args.get('mode'))];
    const h = num(args.get('state_size'));
    const layers = num(args.get('num_layers'));
    const inSize = num(input.dims[2]);
    const dirs = bool(args.get('bidirectional'), false) ? 2 : 1;
    if (!gates || h === null || layers === null || inSize === null || input.dims.length !== 3) return null;
    return rnnParamCount(gates, h, layers, dirs, inSize);
  },
  // PReLU learns one slope per channel (src/operator/leaky_relu-inl.h, gamma (C,)); the other act_types learn nothing.
  LeakyReLU: (args, input) => (args.get('act_type') === 'prelu' ? num(input.dims[1]) : 0),
  // Bilinear upsampling is a grouped deconvolution with a (C, 1, k, k) weight, k = 2·scale − scale % 2 (src/operator/nn/upsampling-inl.h).
  UpSampling: (args, input) => {
    if (args.get('sample_type') !== 'bilinear') return 0;
    const c = num(input.dims[1]);
    const scale = num(args.get('scale'));
    if (c === null || scale === null) return null;
    const k = 2 * scale - (scale % 2);
    return c * k * k;
  },
  Embedding: (args) => {
    const i = num(args.get('input_dim'));
    const o = num(args.get('output_dim'));
    return i === null || o === null ? null : i * o;
  },
};

/** The op's parameter count, 0 for ops without weights, null when a needed dim is unknown. */
export function symbolParams(op: string, args: BoundArgs): number | null {
  const counter = COUNTERS[op];
  if (!counter) return 0;
  // Variadic ops (UpSampling) take their inputs as a list; the first one sets the shapes.
  const raw = args.get('data');
  const data = Array.isArray(raw) ? raw[0] : raw;
  if (!isTensor(data) || !data.shape || data.shape.open) return null;
  return counter(args, data.shape);
}
