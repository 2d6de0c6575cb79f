/**
 * MXNet 1.9.1 operator semantics shared by the Gluon blocks and the NDArray/Symbol functions:
 * message builders in DMLC's `CHECK` format, layout handling and the arithmetic of
 * `Convolution`, `Deconvolution` and `Pooling` (`src/operator/nn/*.cc`).
 *
 * Gluon blocks are thin wrappers over these operators, so both catalogues call the same code
 * and can never disagree about a shape.
 */
import type { Dim, Shape } from '../../types';
import { formatShape, isKnown, ranked } from '../../shapes';
import type { ArgValue, LayerEnv, LayerIssue, RuleName } from '../types';
import { asDims, asInt, asTuple, isTensor } from '../types';

/** MXNet prints shapes as `[a,b,c]` (`include/mxnet/tuple.h`); unknown dims print as -1. */
export function mxShape(dims: readonly Dim[]): string {
  return `[${dims.map((d) => (d === null ? '-1' : String(d))).join(',')}]`;
}

/** `CHECK(cond) << msg` */
export function checkMsg(cond: string, msg: string): string {
  return `Check failed: ${cond}: ${msg}`;
}

/** `CHECK_LE/GE/EQ(a, b) << msg` */
export function checkOpMsg(a: string, op: string, b: string, av: Dim, bv: Dim, msg: string): string {
  return `Check failed: ${a} ${op} ${b} (${av ?? '-1'} vs. ${bv ?? '-1'}) : ${msg}`;
}

/** `SHAPE_ASSIGN_CHECK` in `src/operator/operator_common.h`. */
export function shapeInconsistent(provided: Dim[], inferred: Dim[]): string {
  return `Shape inconsistent, Provided = ${mxShape(provided)}, inferred shape=${mxShape(inferred)}`;
}

export function mkIssue(rule: RuleName, message: string, explanation: string[], extra: Partial<LayerIssue> = {}): LayerIssue {
  return { rule, message, explanation, ...extra };
}

/**
 * Hybridized Gluon blocks infer the whole graph on their first call, so an operator error
 * reaches the user wrapped (`gluon/block.py::_deferred_infer_shape`, `infer_graph_attr_pass.cc`).
 */
export function gluonMessage(env: LayerEnv, node: string, core: string): string {
  if (!env.hybridized) return core;
  return `Deferred initialization failed because shape cannot be inferred. Error in operator ${node}: ${core}`;
}

/** The values the `Activation` operator accepts (`src/operator/nn/activation-inl.h`). */
export const ACT_TYPES = ['relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'] as const;

/** DMLC's enum-parameter error, as `ParamParser` decorates it with the operator name. */
export function invalidActMessage(act: string, nodeName: string): string {
  const valid = ACT_TYPES.map((a) => `'${a}'`).join(', ');
  return `Invalid Input: '${act}', valid values are: {${valid}}, in operator Activation(name="${nodeName}", act_type="${act}")`;
}

export function invalidActIssue(act: string, nodeName: string, where: string): LayerIssue {
  return mkIssue('invalid-argument', invalidActMessage(act, nodeName), [
    `${where}: MXNet's Activation operator only accepts ${ACT_TYPES.join(', ')}.`,
    act === 'softmax' ? "Apply softmax separately (F.softmax / nd.softmax), or use a loss such as SoftmaxCrossEntropyLoss that includes it." : `'${act}' is not one of them.`,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Layouts

export interface LayoutInfo {
  layout: string;
  /** Index of the channel axis. */
  c: number;
  /** Indices of the spatial axes in NC…-canonical order (D, H, W). */
  spatial: number[];
  /** Names of the spatial axes in the same order. */
  spatialNames: string[];
}

/** Parses `NCHW`, `NHWC`, `NCW`, `NDHWC`, …; null for anything else. */
export function parseLayout(layout: string, nSpatial: number): LayoutInfo | null {
  if (layout.length !== nSpatial + 2 || layout[0] !== 'N') return null;
  const c = layout.indexOf('C');
  if (c !== 1 && c !== layout.length - 1) return null;
  const canonical = nSpatial === 1 ? ['W'] : nSpatial === 2 ? ['H', 'W'] : ['D', 'H', 'W'];
  const spatial = canonical.map((n) => layout.indexOf(n));
  if (spatial.some((i) => i < 0)) return null;
  return { layout, c, spatial, spatialNames: canonical };
}

export function defaultLayout(nSpatial: number): string {
  return nSpatial === 1 ? 'NCW' : nSpatial === 2 ? 'NCHW' : 'NCDHW';
}

// ---------------------------------------------------------------------------------------------
// Formula text for traces and explanations

/** `(n + 2·p − ek)/s + 1 = out` with ⌊⌋ or ⌈⌉ when the division is not exact. */
export function windowFormula(n: number, p: number, ek: number, s: number, out: number, ceil: boolean): string {
  const num = n + 2 * p - ek;
  const inner = `(${n} + 2·${p} − ${ek})`;
  const exact = num % s === 0;
  const div = s === 1 || exact ? `${inner}/${s}` : ceil ? `⌈${inner}/${s}⌉` : `⌊${inner}/${s}⌋`;
  return `${div} + 1 = ${out}`;
}

export function deconvFormula(n: number, s: number, ek: number, p: number, adj: number, out: number): string {
  return `${s}·(${n} − 1) + ${ek} − 2·${p} + ${adj} = ${out}`;
}

/** `3x3` style. */
export function kernelText(k: readonly number[]): string {
  return k.join('x');
}

export function tupleText(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// Argument helpers

/** An int-or-tuple argument expanded to `n` values; null when unknown or malformed. */
export function tupleArg(v: ArgValue | undefined, n: number): number[] | null {
  return asTuple(v, n);
}

/** A shape argument: an int (`(n,)`) or a tuple/list of ints (unknown entries stay null). */
export const shapeArg = asDims;

export function boolArg(v: ArgValue | undefined, dflt: boolean): boolean | null {
  if (v === undefined || v === null) return dflt;
  return typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : null;
}

export function intArg(v: ArgValue | undefined): number | null {
  return asInt(v);
}

/** The first tensor input with a closed (known-rank) shape, else null. */
export function closedShape(v: ArgValue | undefined): Shape | null {
  if (!isTensor(v) || !v.shape || v.shape.open) return null;
  return v.shape;
}

export function axisNamesFor(info: LayoutInfo): string[] {
  return info.layout.split('');
}

export function shapeText(s: Shape): string {
  return formatShape(s);
}

export { isKnown, ranked };
