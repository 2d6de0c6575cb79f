/**
 * Shared machinery of the Keras catalogue: data-format resolution, InputSpec checks (rank and
 * built axes, checked before anything else, as Keras does), rank views of possibly open shapes
 * and the small argument readers every layer needs. Semantics follow Keras 3.15.
 */
import { BATCH, ranked } from '../../shapes';
import type { Dim, Shape } from '../../types';
import type {
  ArgValue,
  BoundArgs,
  LayerEnv,
  LayerIssue,
  LayerOutcome,
  ParamSpec,
  RuleName,
  TensorValue,
} from '../types';
import { isTensor, tensor } from '../types';
import { pyShape } from './format';

export { asBool, floorDiv } from '../args';
export { product as prodKnown } from '../../shapes';

export type Layout = 'channels_last' | 'channels_first';

export interface LayoutInfo {
  layout: Layout;
  /** Where the layout came from, for hovers and explanations. */
  source: string;
}

/** Keyword arguments every Keras layer accepts (base `Layer.__init__`), for `params` lists. */
export const BASE_KWARGS: ParamSpec[] = [
  { name: 'name', default: null },
  { name: 'dtype', default: null },
  { name: 'trainable', default: true },
  // Read by the interpreter on a model's first layer; declared so they are never "unknown".
  { name: 'input_shape', default: null },
  { name: 'batch_input_shape', default: null },
  { name: 'input_dim', default: null },
  { name: 'batch_size', default: null },
];

/** Builds a ParamSpec list from `name` / `name=default` pairs, then the base kwargs. */
export function params(...specs: (string | [string, ArgValue])[]): ParamSpec[] {
  const list: ParamSpec[] = specs.map((s): ParamSpec => (typeof s === 'string' ? { name: s } : { name: s[0], default: s[1] }));
  const seen = new Set(list.map((p) => p.name));
  return [...list, ...BASE_KWARGS.filter((p) => !seen.has(p.name))];
}

/**
 * The layer's data format: its explicit `data_format`, else the global default. Null when the
 * argument is present but not one of the two known strings (unknown value: stay silent).
 */
export function resolveLayout(args: BoundArgs, env: LayerEnv): LayoutInfo | null {
  const v = args.get('data_format');
  if (v === undefined || v === null) return { layout: env.kerasDataFormat, source: env.kerasDataFormatSource };
  if (typeof v === 'string') {
    const lower = v.toLowerCase();
    if (lower === 'channels_last' || lower === 'channels_first') {
      return { layout: lower, source: `data_format='${lower}' argument` };
    }
  }
  return null;
}

/** Axis names of a rank-`r` tensor in this layout, e.g. ['N','H','W','C']. */
export function axisNames(spatial: number, layout: Layout): string[] {
  const names = spatial === 1 ? ['W'] : spatial === 2 ? ['H', 'W'] : ['D', 'H', 'W'];
  return layout === 'channels_last' ? ['N', ...names, 'C'] : ['N', 'C', ...names];
}

/** First positional input as a tensor, or null when it is not one. */
export function inputTensor(inputs: (TensorValue | ArgValue)[]): TensorValue | null {
  const x = inputs[0];
  return isTensor(x) ? x : null;
}

/** The outcome when the output cannot be known: an unknown tensor, no issue. */
export function unknownOutcome(params?: number | null): LayerOutcome {
  const out: LayerOutcome = { output: tensor(null, 'keras') };
  if (params !== undefined) out.params = params;
  return out;
}

export function kerasTensor(shape: Shape | null): TensorValue {
  return tensor(shape, 'keras');
}

/**
 * A dim the code declares as `None` (`keras.Input(shape=(None, 8))`): Keras itself does not know
 * it, unlike a dim shapelint cannot see (`null`). Layers that need a defined size raise on it.
 */
export const KERAS_NONE = 'None';

/**
 * Keras 3 creates a layer's kernel from the input's last axis; a declared `None` there fails.
 * Keras prefixes the path with the enclosing models' names (`sequential/dense/kernel`).
 */
export function checkDefinedLastAxis(shape: Shape, kernelTail: Dim[], env: LayerEnv): LayerIssue | null {
  if (shape.open || shape.dims.length < 2 || shape.dims[shape.dims.length - 1] !== KERAS_NONE) return null;
  const msg = 'Shapes used to initialize variables must be fully-defined (no `None` dimensions). ' +
    `Received: shape=${pyShape([null, ...kernelTail])} for variable path='${env.layerName}/kernel'`;
  return issue('features-mismatch', msg, [
    `the last axis of the input ${pyShape(shape.dims)} is declared None, so "${env.layerName}" cannot size its kernel`,
    'a variable-length axis must be reduced (pooling, an RNN) before Dense, not flattened into the features',
    'inside a model Keras prefixes the variable path with the model names (sequential/dense/kernel)',
    'tf.keras 2 words it: The last dimension of the inputs to a Dense layer should be defined. Found None.',
  ]);
}

/** Start of every InputSpec message in Keras 3.13+. */
function specPrefix(env: LayerEnv): string {
  return `Input 0 with name 'None' of layer '${env.layerName}' is incompatible with the layer: `;
}

export function issue(rule: RuleName, message: string, explanation: string[]): LayerIssue {
  return { rule, message, explanation };
}

export interface NdimSpec {
  ndim?: number;
  minNdim?: number;
}

/** InputSpec rank check. Open shapes have an unknown rank: never an issue. */
export function checkNdim(shape: Shape, spec: NdimSpec, env: LayerEnv): LayerIssue | null {
  if (shape.open) return null;
  const found = shape.dims.length;
  let expected: string | null = null;
  if (spec.ndim !== undefined && found !== spec.ndim) expected = `ndim=${spec.ndim}`;
  if (spec.minNdim !== undefined && found < spec.minNdim) expected = `min_ndim=${spec.minNdim}`;
  if (expected === null) return null;
  const msg = `${specPrefix(env)}expected ${expected}, found ndim=${found}. Full shape received: ${pyShape(shape.dims)}`;
  return issue('rank-mismatch', msg, [
    `layer "${env.layerName}" expects an input of ${expected.replace('min_ndim=', 'at least rank ').replace('ndim=', 'rank ')} (batch included), got rank ${found}`,
  ]);
}

/**
 * InputSpec axis check for a layer already built on another input (`state` holds the built
 * value). `axis` is the axis as Keras prints it (-1 or 1).
 */
export function checkBuiltAxis(
  shape: Shape,
  axis: number,
  built: Dim | undefined,
  rule: RuleName,
  env: LayerEnv,
): LayerIssue | null {
  if (typeof built !== 'number') return null;
  const got = dimAtAxis(shape, axis);
  if (typeof got !== 'number' || got === built) return null;
  const msg =
    `${specPrefix(env)}expected axis ${axis} of input shape to have value ${built}, ` +
    `but received input with shape ${pyShape(shape.dims)}`;
  return issue(rule, msg, [
    `layer "${env.layerName}" was built on an input with ${built} at axis ${axis}; this call passes ${got}`,
    'a Keras layer object keeps its weights: calling it again needs the same size on that axis',
    'tf.keras 2.8–2.15 words it: Input 0 of layer "…" is incompatible with the layer: expected axis …',
  ]);
}

/** The dim at a Keras axis index (negative from the end), null when unknown or absent. */
export function dimAtAxis(shape: Shape, axis: number): Dim {
  const n = shape.dims.length;
  if (axis < 0) return n + axis >= 0 ? shape.dims[n + axis] : null;
  if (shape.open) return null;
  return axis < n ? shape.dims[axis] : null;
}

/**
 * A rank-`r` view of `shape` (batch at index 0). Open shapes are left-padded with unknowns;
 * ranked shapes of another rank give null (the caller has already reported the rank).
 */
export function rankView(shape: Shape, r: number): Dim[] | null {
  if (!shape.open) return shape.dims.length === r ? [...shape.dims] : null;
  const t = shape.dims.slice(-r);
  return [...new Array<Dim>(r - t.length).fill(null), ...t];
}

/** Packs computed dims back into a shape that is open iff the input was. */
export function outShape(dims: Dim[], open: boolean): Shape {
  return open ? { dims: dims.slice(1), open: true } : ranked(dims);
}

/** The batch dim to carry forward (the symbol `N` when the input had none). */
export function batchOf(shape: Shape): Dim {
  return shape.open ? BATCH : shape.dims[0] ?? BATCH;
}

export function asPositiveInt(v: ArgValue | undefined): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
}

