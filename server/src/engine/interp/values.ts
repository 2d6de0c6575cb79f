/**
 * Abstract values of the interpreter. Python values the analysis can know (numbers, strings,
 * tuples, layers, models, tensors) plus `unknown` for everything else.
 */
import type { LayerDef, TensorLib } from '../layers/types';
import type { ClassDef, FunctionDef } from '../syntax/ast';
import type { Dim, Framework, Shape, TextRange } from '../types';
import type { LoadedModule } from './program';
import type { Scope } from './scope';

export type Value =
  /** `str`: known to be some string (`"cuda" if ok else "cpu"`), just not which. */
  | { t: 'unknown'; str?: true }
  /** `defaults`: the script defaults (argparse, click) the number is or was computed from. */
  | { t: 'num'; v: number; isFloat: boolean; defaults?: readonly ScriptDefault[] }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'tuple' | 'list'; items: Value[] }
  | { t: 'dict'; entries: [Value, Value][] }
  | { t: 'range'; start: number; stop: number; step: number }
  /** A module: a framework's (by path) or, with `mod`, a project module or stub the host provided. */
  | { t: 'module'; path: string; mod?: LoadedModule }
  | { t: 'ext'; path: string }
  | FuncValue
  | ClassValue
  | ObjectValue
  | LayerValue
  | TensorVal
  | { t: 'method'; self: Value; name: string; range: TextRange }
  /** `super()`: attributes are looked up on the bases of `after` (super's class argument or the method's own class; absent: `obj`'s class). */
  | { t: 'super'; obj: ObjectValue; after?: ClassValue };

export interface FuncValue {
  t: 'func';
  def: FunctionDef;
  closure: Scope;
  /** Bound receiver for methods. */
  self?: Value;
  /** The class the method was found on (for `super()`). */
  owner?: ClassValue;
}

export interface ClassValue {
  t: 'class';
  def: ClassDef;
  closure: Scope;
  bases: Value[];
  attrs: Map<string, Value>;
  /** Container/model family inherited from a known base (nn.Module, keras.Model, HybridBlock…). */
  family: ModelFamily | null;
}

export type ModelFamily = 'torch.Module' | 'keras.Model' | 'keras.Layer' | 'gluon.Block' | 'gluon.HybridBlock';

export type ContainerKind =
  | 'torch.Sequential'
  | 'torch.ModuleList'
  | 'torch.ModuleDict'
  | 'keras.Sequential'
  | 'keras.Functional'
  | 'gluon.Sequential'
  | 'gluon.HybridSequential';

/** An instance of a user class, or a built-in container. */
export interface ObjectValue {
  t: 'object';
  id: number;
  cls: ClassValue | null;
  container: ContainerKind | null;
  /** Children in registration order (containers' items; attribute layers are in attrs). */
  items: Value[];
  attrs: Map<string, Value>;
  /** Attribute names in assignment order, for summaries. */
  attrOrder: string[];
  framework: Framework | null;
  /** Where the object was created. */
  range: TextRange;
  /** Display name (variable it was assigned to, when known). */
  varName: string | null;
  /** Keras Sequential input shape (from input_shape= on the first layer or build()). */
  kerasInput?: { shape: Shape; range: TextRange } | null;
  /** MXNet symbol API: the symbol this module/summary evaluates, and the bound input's name. */
  symbol?: TensorVal;
  symbolInput?: string;
  /** MXNet data iterators: the shape of one batch. */
  provideData?: { name: string; shape: Shape };
  /** Keras functional model: inputs/outputs values. */
  functional?: { inputs: Value; outputs: Value };
  hybridized?: boolean;
  /** PyTorch module mode (`train-mode.ts`): absent = as built, training; null = unknown. */
  training?: boolean | null;
  /** Set once the code itself called the model on a known tensor. */
  ran?: boolean;
  /** Datasets, loaders, transforms, parsers: a data object of an input source (`models/data-objects.ts`). */
  data?: import('./models/data-objects').DataObject;
}

export interface LayerValue {
  t: 'layer';
  id: number;
  def: LayerDef;
  /** Canonical class name, e.g. `torch.nn.Conv2d`. */
  qname: string;
  args: import('./bind').Bound;
  /** Range of the constructor call. */
  range: TextRange;
  /** Range of the constructor's argument list, for fixes. */
  argsRange: TextRange;
  callArgs: import('../syntax/ast').Arg[];
  /** Keras `name=` or generated display name. */
  name: string;
  /** First-layer input shape declared with input_shape= / batch_input_shape= / input_dim=. */
  declaredInput: Shape | null;
  /** Built in a library stub: the stub calls it was built under (they group a library model's layers into blocks). */
  stubPath?: string[];
  /** Built in a library stub: the user's call that built it (`resnet18()`), where a backbone's layers are shown. */
  builtAt?: TextRange;
}

export interface TensorVal {
  t: 'tensor';
  shape: Shape | null;
  lib: TensorLib;
  /** The layer applications that produced this tensor (a shared DAG, so long chains stay linear). */
  hist: Lineage | null;
  /** Where this tensor's shape was first known (factory call, Input(), annotation). */
  origin: TextRange | null;
  /** Element type when known ('float32', 'int64', 'uint8', 'bool', ...); absent means unknown. */
  dtype?: string;
  /** MXNet symbol API: how this symbol was built, so it can be evaluated once shapes are bound. */
  sym?: SymNode;

  /** Script defaults (argparse, click) this tensor's shape depends on, for the diagnostics' trace. */
  defaults?: readonly ScriptDefault[];
}

/** A value a script takes from its command-line defaults: `--image-size 224`, set at `range`. */
export interface ScriptDefault {
  /** As a user would type it: `--image-size 224`. */
  text: string;
  range: TextRange;
}

export interface SymNode {
  id: number;
  kind: 'var' | 'op';
  /** Variable name (`data`) or the op's `name=`. */
  name: string | null;
  def?: import('../layers/types').LayerDef;
  args?: import('./bind').EvaluatedArgs;
  site?: Extract<import('../syntax/ast').Expr, { k: 'call' }>;
  /** A Variable's own `shape=`. */
  declared?: Shape | null;
}

export const UNKNOWN_V: Value = { t: 'unknown' };
export const NONE_V: Value = { t: 'none' };

/**
 * A number value. Integers beyond 2**53 (Python's are unbounded, JavaScript's lose digits) and
 * non-finite results are unknown, so a huge number never stands in for the real one.
 */
export function num(v: number, isFloat = false): Value {
  if (!Number.isFinite(v) || (!isFloat && !Number.isSafeInteger(v) && Number.isInteger(v))) return UNKNOWN_V;
  return { t: 'num', v, isFloat };
}

export function str(v: string): Value {
  return { t: 'str', v };
}

export function tupleOf(items: Value[]): Value {
  return { t: 'tuple', items };
}

/** A node of a tensor's lineage: the application `id` (or -1 for a join) and where its inputs came from. */
export interface Lineage {
  readonly id: number;
  readonly parents: readonly Lineage[];
}

/** Lineage of an application whose inputs had lineage `input`. */
export function extendLineage(input: Lineage | null, id: number): Lineage {
  return { id, parents: input ? [input] : [] };
}

/** Lineage of a value computed from several tensors. */
export function joinLineage(parts: (Lineage | null)[]): Lineage | null {
  const distinct = [...new Set(parts.filter((p): p is Lineage => p !== null))];
  if (distinct.length <= 1) return distinct[0] ?? null;
  return { id: -1, parents: distinct };
}

/** Every application id in a lineage, oldest first. */
export function lineageIds(l: Lineage | null): number[] {
  const seen = new Set<Lineage>();
  const ids: number[] = [];
  const stack = l ? [l] : [];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.id >= 0) ids.push(n.id);
    stack.push(...n.parents);
  }
  return ids.sort((a, b) => a - b);
}

export function tensorVal(shape: Shape | null, lib: TensorLib, hist: Lineage | null = null, origin: TextRange | null = null): TensorVal {
  return { t: 'tensor', shape, lib, hist, origin };
}

/** Dim as a value: numbers stay numbers, the rest is unknown. */
export function dimValue(d: Dim | undefined): Value {
  return typeof d === 'number' ? num(d) : UNKNOWN_V;
}

export function truthy(v: Value): boolean | null {
  switch (v.t) {
    case 'num':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'bool':
      return v.v;
    case 'none':
      return false;
    case 'tuple':
    case 'list':
      return v.items.length > 0;
    case 'dict':
      return v.entries.length > 0;
    case 'unknown':
      return null;
    default:
      return true;
  }
}

/** Sequences nested deeper than this compare as unknown (a loop can nest lists without bound). */
const MAX_COMPARE_DEPTH = 100;

/** Python `==` for the values we can compare; null when unknown. `charge` pays for each item compared. */
export function valuesEqual(a: Value, b: Value, charge?: (n: number) => void, depth = 0): boolean | null {
  charge?.(1);
  if (a.t === 'unknown' || b.t === 'unknown' || depth > MAX_COMPARE_DEPTH) return null;
  if ((a.t === 'num' || a.t === 'bool') && (b.t === 'num' || b.t === 'bool')) {
    return (a.t === 'num' ? a.v : a.v ? 1 : 0) === (b.t === 'num' ? b.v : b.v ? 1 : 0);
  }
  if (a.t === 'str' && b.t === 'str') return a.v === b.v;
  if (a.t === 'none' || b.t === 'none') return a.t === b.t;
  // A number and a string (or a sequence and a constant) are never equal.
  if ((a.t === 'str') !== (b.t === 'str') && isPlain(a) && isPlain(b)) return false;
  if ((a.t === 'tuple' || a.t === 'list') && a.t === b.t) {
    if (a.items.length !== (b as typeof a).items.length) return false;
    let all = true;
    for (let i = 0; i < a.items.length; i++) {
      const e = valuesEqual(a.items[i], (b as typeof a).items[i], charge, depth + 1);
      if (e === null) return null;
      all &&= e;
    }
    return all;
  }
  return a === b ? true : null;
}

/** A constant or a tuple/list: values whose equality Python decides by kind first. */
function isPlain(v: Value): boolean {
  return v.t === 'num' || v.t === 'bool' || v.t === 'str' || v.t === 'tuple' || v.t === 'list';
}

/** Same value for merging branches: identical objects or equal constants. */
export function sameValue(a: Value, b: Value, charge?: (n: number) => void): boolean {
  if (a === b) return true;
  if (a.t === 'tensor' && b.t === 'tensor') return false;
  return valuesEqual(a, b, charge) === true;
}

/**
 * A Python number or bool: as the other operand of a tensor op it keeps the tensor's shape.
 * Anything else unknown (it may be a tensor of any rank) makes the result's shape unknown.
 */
export function scalarOperand(v: Value): boolean {
  return v.t === 'num' || v.t === 'bool';
}
