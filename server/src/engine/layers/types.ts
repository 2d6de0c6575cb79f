/**
 * The contract between the interpreter and the layer catalogue.
 *
 * A `LayerDef` describes one framework class or function (a layer such as `torch.nn.Conv2d`,
 * a functional op such as `torch.cat`, a tensor method such as `torch.Tensor.view`, or a
 * tensor factory such as `torch.randn`). The interpreter binds the call's arguments with
 * `params` (positional order, defaults), converts them to plain `ArgValue`s, and calls
 * `construct` once when the object is created and `apply` each time it is called on tensors.
 *
 * Layer code must never guess: when an argument or a dim is unknown, the output dims that
 * depend on it are `null` and no issue is raised.
 */
import type { RuleName } from '../rules/index';
import type { AxisTrace, Dim, Framework, KerasVersionProbe, Shape } from '../types';

export type { RuleName } from '../rules/index';

/** Marker for a value the interpreter could not evaluate. */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;

/** A tensor passed as a value (to ops, or returned from layers). `shape` null = unknown. */
export interface TensorValue {
  kind: 'tensor';
  shape: Shape | null;
  /** Which library's tensor this is; decides method semantics (`reshape` differs). */
  lib: TensorLib;
}

export type TensorLib = 'torch' | 'mxnet' | 'numpy' | 'keras' | 'unknown';

export interface DictValue {
  kind: 'dict';
  entries: [ArgValue, ArgValue][];
}

/**
 * Plain argument values. Python tuples and lists both become arrays. A float that happens to
 * be integral (2.0) is indistinguishable from an int here; layers that care use `isFloat`.
 */
export type ArgValue = number | string | boolean | null | ArgValue[] | TensorValue | DictValue | Unknown;

/**
 * Argument arrays that were Python tuples (a `torch.Size` is one), for the few defs where a
 * tuple and a list mean different things (`torch.FloatTensor(x.size())` against `([1, 2])`).
 */
export const TUPLE_ARGS = new WeakSet<ArgValue[]>();

export interface ParamSpec {
  name: string;
  /** Default when not passed. Omit for a required parameter. */
  default?: ArgValue;
  /** Collects remaining positional arguments (`*tensors`, `*shape`). */
  variadic?: boolean;
}

/** Bound arguments: defaults applied. `explicit` tells what the user actually passed. */
export interface BoundArgs {
  get(name: string): ArgValue | undefined;
  explicit(name: string): boolean;
  /** Keyword arguments the def does not declare (kept so defs can reject them), in call order. */
  extraKeywords: string[];
  /** How many arguments were passed positionally (Keras 1 reads positions differently). */
  positionalCount?: number;
  /** The value of an undeclared keyword (one of `extraKeywords`). */
  extra?(name: string): ArgValue | undefined;
}

export interface LayerEnv {
  kerasDataFormat: 'channels_last' | 'channels_first';
  /** Human text for where the Keras default came from ("default", "keras.json at …"). */
  kerasDataFormatSource: string;
  /** keras.json's `backend` when known (`mxnet`: keras-mxnet raises MXNet's own errors). */
  kerasBackend?: string;
  /** Which Keras version group this analysis run follows (absent: Keras 3). */
  kerasVersion?: KerasVersionProbe;
  /** The layer's display name (for Keras messages like `layer "dense_1"`). */
  layerName: string;
  /** Gluon: inside a hybridized block (errors are wrapped in "Error in operator …"). */
  hybridized: boolean;
}

/** A concrete edit the interpreter can turn into a text change on the layer's constructor call. */
export type FixSuggestion =
  | {
      kind: 'set-arg';
      /** Keyword to add or replace (positional occurrences are replaced in place). */
      name: string;
      /** Python source for the new value, e.g. `(1, 1)`. */
      value: string;
      title: string;
      applicability: 'safe' | 'unsafe';
    };

export interface LayerIssue {
  rule: RuleName;
  /** The framework's own error text, verbatim apart from the numbers. */
  message: string;
  /** Cause in words, one step per line. */
  explanation: string[];
  fixes?: FixSuggestion[];
  severity?: 'error' | 'warning' | 'info';
}


export interface LayerOutcome {
  /** The call's result: a tensor, a tuple (array) of results, a number (x.size(0)), or UNKNOWN. */
  output: ArgValue;
  /** Parameter count (frameworks' summary convention), null when unknown; omit for 0-param ops. */
  params?: number | null;
  trainableParams?: number | null;
  axisNames?: string[];
  layout?: string;
  layoutSource?: string;
  trace?: AxisTrace[];
  /**
   * Optional human lines on how the output came about ("in_channels inferred as 80", "Gluon has
   * no 'same' padding: …"), for hovers and for explaining a later layer's failure.
   */
  notes?: string[];
  issue?: LayerIssue;
  /**
   * State to remember on the layer object after its first call (Keras built input dims,
   * Gluon inferred in_channels), passed back as `state` on later calls.
   */
  state?: Record<string, Dim>;
}

export interface LayerDef {
  framework: Framework;
  /** Canonical qualified names, e.g. `torch.nn.Conv2d`, `keras.layers.Conv2D`, `torch.Tensor.view`. */
  names: string[];
  /** Constructor parameters (for layers) or call parameters (for ops), in positional order. */
  params: ParamSpec[];
  /**
   * 'layer': calling the def constructs an object; calling that object applies it.
   * 'op': calling the def applies it at once (functions, tensor methods, factories).
   */
  kind: 'layer' | 'op';
  /** Checks made when the layer object is constructed (e.g. PyTorch padding='same' with stride 2). */
  construct?(args: BoundArgs, env: LayerEnv): LayerIssue | null;
  /**
   * Applies the layer to its call-time inputs (for ops, `inputs` are the tensor arguments in
   * order and everything is also available through `args`).
   */
  apply(args: BoundArgs, inputs: (TensorValue | ArgValue)[], env: LayerEnv, state: Record<string, Dim> | undefined): LayerOutcome;
  /** Parameters of the layer object's `__call__` beyond the first input (e.g. LSTM states). */
  callParams?: ParamSpec[];
}

export function tensor(shape: Shape | null, lib: TensorLib): TensorValue {
  return { kind: 'tensor', shape, lib };
}

export function isTensor(v: unknown): v is TensorValue {
  return typeof v === 'object' && v !== null && (v as TensorValue).kind === 'tensor';
}

export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN;
}

/** An int argument or null when unknown/absent/not an int. */
export function asInt(v: ArgValue | undefined): number | null {
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

/**
 * Expands an int-or-tuple argument to `n` ints (`kernel_size=3` → [3, 3]).
 * Null when unknown or of the wrong length.
 */
export function asTuple(v: ArgValue | undefined, n: number): number[] | null {
  if (typeof v === 'number') return Number.isInteger(v) ? new Array(n).fill(v) : null;
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    return v as number[];
  }
  return null;
}

/**
 * A shape argument: an int (`(n,)`) or a tuple/list of ints; entries that are not known ints
 * (None, unknown) stay null. Null for anything that is not a shape.
 */
export function asDims(v: ArgValue | undefined): Dim[] | null {
  if (typeof v === 'number') return Number.isInteger(v) ? [v] : null;
  if (!Array.isArray(v)) return null;
  const dims: Dim[] = [];
  for (const x of v) {
    if (typeof x === 'number' && Number.isInteger(x)) dims.push(x);
    else if (isTensor(x) || typeof x === 'string' || typeof x === 'boolean' || Array.isArray(x)) return null;
    else dims.push(null);
  }
  return dims;
}
