/**
 * Parameters a bound MXNet symbol allocates for its ops (the weights are implicit variables in
 * the symbol API, unlike in `mx.nd`, where they are passed in). These are the shapes
 * `Module.bind` creates; `mx.viz.print_summary` counts the same weights (it reports BatchNorm as
 * gamma and beta only, and its FullyConnected row uses the channel count alone, a known quirk).
 */
import { product } from '../../shapes';
import type { Shape } from '../../types';
import { isTensor, type BoundArgs } from '../types';

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
  const data = args.get('data');
  if (!isTensor(data) || !data.shape || data.shape.open) return null;
  return counter(args, data.shape);
}
