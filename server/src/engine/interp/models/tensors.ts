/**
 * Tensors as values: `.shape`, indexing, elementwise operators (broadcasting, with PyTorch's
 * error), tensor methods that are catalogue ops (`x.view(...)`, `x.reshape(...)`).
 */
import { findLayer } from '../../layers/index';
import { checkMsg, mxShape } from '../../layers/mxnet/mxcore';
import type { LayerIssue, TensorLib } from '../../layers/types';
import { broadcastShapes, formatShape, ranked } from '../../shapes';
import type { Expr } from '../../syntax/ast';
import type { Dim, PlainArg, Shape, TextRange } from '../../types';
import type { EvaluatedArgs } from '../bind';
import type { Scope } from '../scope';
import { NONE_V, num, scalarOperand, tensorVal, UNKNOWN_V, type TensorVal, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { CHAINABLE, mergeHist } from './support';
import { inputFromTensorMethod } from './input-sources';
import { methodDtype, withDtype } from './dtypes';

export function shapeTuple(ctx: ModelContext, t: TensorVal): Value {
  if (!t.shape || t.shape.open) return UNKNOWN_V;
  // A Keras `None` dim (declared unknown size) reads as Python's None, as KerasTensor.shape gives it.
  return { t: 'tuple', items: t.shape.dims.map((d) => (d === 'None' ? NONE_V : ctx.host.dim(d))) };
}

export function indexTensor(ctx: ModelContext, t: TensorVal, parts: Expr[], scope: Scope, range: TextRange): Value {
  if (!t.shape || t.shape.open) return tensorVal(null, t.lib, t.hist, t.origin);
  const dims: Dim[] = [];
  // The index as plain data for `shapelint port` (null once a part is not a known constant).
  let index: PlainArg[] | null = [];
  let axis = 0;
  const isEllipsis = (p: Expr) => p.k === 'name' && p.id === 'Ellipsis';
  // `np.newaxis` is None: a new axis of 1.
  const isNewAxis = (p: Expr) => p.k === 'none' || (p.k === 'attr' && p.name === 'newaxis');
  // One `...` stands for the axes the other indices do not consume.
  const consumed = parts.filter((p) => !isNewAxis(p) && !isEllipsis(p)).length;
  if (parts.filter(isEllipsis).length > 1) return tensorVal(null, t.lib, t.hist, t.origin);
  for (const p of parts) {
    if (isNewAxis(p)) {
      dims.push(1);
      index?.push('None');
      continue;
    }
    if (isEllipsis(p)) {
      const span = t.shape.dims.length - consumed;
      if (span < 0) return tensorVal(null, t.lib, t.hist, t.origin);
      dims.push(...t.shape.dims.slice(axis, axis + span));
      axis += span;
      index?.push('...');
      continue;
    }
    // More indices than axes raises IndexError in every framework: nothing is known after it.
    if (axis >= t.shape.dims.length) return tensorVal(null, t.lib, t.hist, t.origin);
    if (p.k === 'slice') {
      const d = t.shape.dims[axis++];
      const full = !p.lower && !p.upper && !p.step;
      dims.push(full ? d : slicedSize(ctx, d, p, scope));
      const bounds = [p.lower, p.upper, p.step].map((e) => (e ? constantInt(ctx, e, scope) : null));
      index = index && bounds.every((b) => b !== undefined) ? [...index, bounds as PlainArg[]] : null;
      continue;
    }
    if (p.k === 'unknown') return tensorVal(null, t.lib, t.hist, t.origin);
    const v = ctx.host.eval(p, scope);
    if (v.t === 'num') {
      axis++;
      index = index && Number.isInteger(v.v) ? [...index, v.v] : null;
      continue;
    }
    return tensorVal(null, t.lib, t.hist, t.origin);
  }
  dims.push(...t.shape.dims.slice(axis));
  const shape = ranked(dims);
  const hist = ctx.runs.recordOperator('getitem', t.lib, range, [t], shape, index ? { index } : {}) ?? t.hist;
  return withDtype(tensorVal(shape, t.lib, hist, t.origin), t.dtype);
}

/** An index bound the code shows as an int constant; undefined when it does not. */
function constantInt(ctx: ModelContext, e: Expr, scope: Scope): number | undefined {
  const v = ctx.host.eval(e, scope);
  return v.t === 'num' && Number.isInteger(v.v) ? v.v : undefined;
}

/** The size of `d[lower:upper:step]` when the code shows every part (Python's `slice.indices`). */
function slicedSize(ctx: ModelContext, d: Dim, p: Extract<Expr, { k: 'slice' }>, scope: Scope): Dim {
  if (typeof d !== 'number') return null;
  const part = (e: Expr | null | undefined): number | undefined | null => {
    if (!e) return undefined;
    const v = ctx.host.eval(e, scope);
    return v.t === 'num' && Number.isInteger(v.v) ? v.v : null;
  };
  const [start, stop, step] = [part(p.lower), part(p.upper), part(p.step)];
  if (start === null || stop === null || step === null) return null;
  // A step of 0 raises; a negative one is NumPy-only (PyTorch raises): leave both unknown.
  if (step !== undefined && step <= 0) return null;
  const clamp = (i: number | undefined, dflt: number) => (i === undefined ? dflt : i < 0 ? Math.max(0, i + d) : Math.min(i, d));
  const lo = clamp(start, 0);
  const hi = clamp(stop, d);
  return Math.max(0, Math.ceil((hi - lo) / (step ?? 1)));
}

export function tensorBinary(ctx: ModelContext, op: string, a: Value, b: Value, range: TextRange): Value {
  const ta = a.t === 'tensor' ? a : null;
  const tb = b.t === 'tensor' ? b : null;
  const base = (ta ?? tb)!;
  const hist = mergeHist([ta, tb].filter((x): x is TensorVal => !!x));
  if (op === '@' && ta?.lib === 'torch' && tb?.lib === 'torch') {
    // `a @ b` is `torch.matmul(a, b)`: same shapes, same errors.
    const site: CallSite = { k: 'call', func: { k: 'unknown', r: range }, args: [], argsRange: range, r: range };
    return ctx.runs.applyOp(findLayer('torch.matmul')!, { positional: [ta, tb], keywords: new Map(), opaque: false }, site, null);
  }
  if (op === '@') return tensorVal(null, base.lib, hist, base.origin);
  if (!ta || !tb) {
    const shape = scalarOperand(ta ? b : a) ? base.shape : null;
    return tensorVal(shape, base.lib, recordOperator(ctx, op, [base], shape, range) ?? hist, base.origin);
  }
  const origin = ta.origin ?? tb.origin;
  if (ta.lib === tb.lib && (ta.lib === 'torch' || ta.lib === 'mxnet')) {
    const issue = ta.lib === 'torch' ? torchBroadcastIssue(ta.shape, tb.shape, op) : mxnetBroadcastIssue(ta.shape, tb.shape, op);
    if (issue) {
      ctx.diagnostics.report(ctx.runs.currentRun(), issue, null, range, hist, ta.lib === 'torch' ? 'torch' : 'gluon', [ta, tb]);
      return tensorVal(null, base.lib, hist, origin);
    }
  }
  const shape = broadcastShapes(ta.shape, tb.shape);
  return tensorVal(shape, base.lib, recordOperator(ctx, op, [ta, tb], shape, range) ?? hist, origin);
}

/** Operators by the op name a port reads them as (a residual `x + y` is `add`). */
const OPERATOR_NAMES: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' };

/** Records the operator for `shapelint port` (null when ops are not recorded); one it has no name for is still listed, so it is never dropped silently. */
function recordOperator(ctx: ModelContext, op: string, inputs: TensorVal[], shape: Shape | null, range: TextRange): ReturnType<ModelContext['runs']['recordOperator']> {
  return ctx.runs.recordOperator(OPERATOR_NAMES[op] ?? `operator${op}`, inputs[0].lib, range, inputs, shape);
}

const TENSOR_METHOD_PREFIX: Record<TensorLib, string | null> = {
  torch: 'torch.Tensor',
  mxnet: 'mxnet.NDArray',
  numpy: 'numpy.ndarray',
  keras: null,
  unknown: null,
};

export function tensorMethod(ctx: ModelContext, t: TensorVal, name: string, args: EvaluatedArgs, site: CallSite): Value {
  return withDtype(tensorMethodShape(ctx, t, name, args, site), methodDtype(t, name, args));
}

function tensorMethodShape(ctx: ModelContext, t: TensorVal, name: string, args: EvaluatedArgs, site: CallSite): Value {
  const learned = inputFromTensorMethod(ctx, t, name, args, site);
  if (learned !== undefined) return learned;
  const prefix = TENSOR_METHOD_PREFIX[t.lib];
  const def = prefix ? findLayer(`${prefix}.${name}`) : undefined;
  if (def) return ctx.runs.applyOp(def, { ...args, positional: [t, ...args.positional] }, site, t);
  // A conversion keeps the shape; `tensorMethod` sets the dtype it gives.
  if (isConversion(t, name, args)) return t;
  if (CHAINABLE.has(name) || name === 'contiguous' || name === 'detach' || name === 'clone' || name === 'copy' || name === 'as_in_context') {
    return t;
  }
  return UNKNOWN_V;
}

/** `x.float()`, `x.long()`, `x.to(...)` (PyTorch), `x.astype(...)` / `x.type(...)`: same shape, another dtype. */
function isConversion(t: TensorVal, name: string, args: EvaluatedArgs): boolean {
  if (t.lib === 'torch' && (name in CONVERSIONS) && args.positional.length === 0) return true;
  if (name === 'to' && t.lib === 'torch') return true;
  return (name === 'astype' || name === 'type') && (args.positional.length > 0 || args.keywords.has('dtype'));
}

const CONVERSIONS = { float: 1, double: 1, half: 1, long: 1, int: 1, bool: 1, byte: 1 };

export function prod(v: Value | undefined): Value {
  if (!v || (v.t !== 'tuple' && v.t !== 'list')) return UNKNOWN_V;
  let p = 1;
  for (const i of v.items) {
    if (i.t !== 'num') return UNKNOWN_V;
    p *= i.v;
  }
  return num(p);
}


/**
 * MXNet's NDArray operators are its broadcast_* ops (`NDArray.__add__` calls `broadcast_add`), whose
 * shape check (`BinaryBroadcastShapeCompact`) raises on the first pair of sizes from the right that
 * differ with neither being 1. Silent when an unknown size comes before the clash.
 */
function mxnetBroadcastIssue(a: Shape | null, b: Shape | null, op: string): LayerIssue | null {
  const clash = torchBroadcastIssue(a, b, op);
  if (!clash || !a || !b) return null;
  return {
    rule: 'merge-mismatch',
    message: checkMsg('l == 1 || r == 1', `operands could not be broadcast together with shapes ${mxShape(a.dims)} ${mxShape(b.dims)}`),
    explanation: clash.explanation,
  };
}

/**
 * PyTorch's elementwise broadcasting error (`TensorIterator`'s `infer_size`): dims are
 * compared from the right and the first pair that differs with neither being 1 raises, naming
 * the axis of the broadcast result. Silent when an unknown dim comes before the clash, since it
 * could be the one that raises.
 */
function torchBroadcastIssue(a: Shape | null, b: Shape | null, op: string): LayerIssue | null {
  if (!a || !b || a.open || b.open) return null;
  const n = Math.max(a.dims.length, b.dims.length);
  for (let i = n - 1; i >= 0; i--) {
    const x = i - (n - a.dims.length) >= 0 ? a.dims[i - (n - a.dims.length)] : 1;
    const y = i - (n - b.dims.length) >= 0 ? b.dims[i - (n - b.dims.length)] : 1;
    if (x === 1 || y === 1 || x === y) continue;
    if (typeof x !== 'number' || typeof y !== 'number') return null;
    return {
      rule: 'merge-mismatch',
      message: `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`,
      explanation: [
        `\`${op}\` broadcasts ${formatShape(a)} with ${formatShape(b)}: aligned from the right, axis ${i} is ${x} against ${y}, and neither is 1.`,
      ],
    };
  }
  return null;
}
