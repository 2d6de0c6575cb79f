/**
 * MXNet 1.9 operators that slice, tile, pad, gather, contract or run sequences, and the
 * element-wise families that keep their input's shape. Each shape rule follows the operator's
 * `FInferShape` in the source file named next to it; an unknown dim or argument gives an unknown
 * result and never an issue.
 */
import type { Dim } from '../../types';
import { isKnown, product, ranked } from '../../shapes';
import type { ArgValue, BoundArgs, LayerOutcome } from '../types';
import { normAxis } from '../args';
import { boolArg, checkMsg, checkOpMsg, intArg, mkIssue, mxShape, shapeArg } from './mxcore';
import { closed, issueOut, mx, type OpSpec, p, shapeOf, unknown } from './opspec';

const out = (dims: Dim[] | null): LayerOutcome => (dims ? { output: mx(ranked(dims)) } : unknown());
/** `n` outputs of unknown shape (a single one when n is 1). */
const unknownOutputs = (n: number): LayerOutcome => (n === 1 ? unknown() : { output: Array.from({ length: n }, () => mx(null)) });
const mul = (d: Dim, k: number): Dim => (isKnown(d) ? d * k : null);

/** An optional int entry of `begin`/`end`/`step` (None stays null). */
function optInts(v: ArgValue | undefined, n: number): (number | null)[] | null {
  if (v === undefined || v === null) return new Array<number | null>(n).fill(null);
  if (!Array.isArray(v)) return null;
  if (v.some((x) => x !== null && !(typeof x === 'number' && Number.isInteger(x)))) return null;
  return v as (number | null)[];
}

/** The slice arguments `slice` checks, per axis: begin, end and step (None stays null). */
interface SliceArgs {
  begin: (number | null)[];
  end: (number | null)[];
  step: (number | null)[];
}

/**
 * MXNet 1.9's bounds checks and output length for one sliced axis of known length `len`
 * (`GetIndexRange` then `SetSliceOpOutputDimSize`, src/operator/tensor/matrix_op-inl.h): unlike
 * Python it does not clamp, it fails. Returns the output length, or the failed check's message.
 */
function sliceAxisRange(i: number, len: number, begin: number | null, end: number | null, s: number): number | string {
  if (s === 0) return checkOpMsg('s', '!=', '0', 0, 0, `slice op step[${i}] cannot be 0`);
  if (len <= 0) return len;
  let b = begin ?? (s < 0 ? len - 1 : 0);
  let e = end ?? (s < 0 ? -1 : len);
  const limit = (what: string, v: number) => `slicing with ${what}[${i}]=${v} exceeds limit of input dimension[${i}]=${len}`;
  if (b < 0) {
    b += len;
    if (b < 0) return checkOpMsg('b', '>=', '0', b, 0, limit('begin', b - len));
  }
  if (!(b < len)) return checkOpMsg('b', '<', 'len', b, len, limit('begin', b));
  if (e < 0 && end !== null) {
    e += len;
    if (e < 0) return checkOpMsg('e', '>=', '0', e, 0, limit('end', e - len));
  }
  if (!(e <= len)) return checkOpMsg('e', '<=', 'len', e, len, limit('end', e));
  if (b === e) return checkOpMsg('b', '!=', 'e', b, e, `slicing with begin[${i}]=end[${i}]=${e} results in an empty tensor and is not supported`);
  const invalid = `slicing with begin=[${i}]=${b}, end[${i}]=${e}, and step[${i}]=${s} is invalid`;
  if (s > 0) return b < e ? Math.floor((e - b - 1) / s) + 1 : checkOpMsg('b', '<', 'e', b, e, invalid);
  return e < b ? Math.floor((b - e - 1) / -s) + 1 : checkOpMsg('e', '<', 'b', e, b, invalid);
}

/** The argument-count checks at the top of `GetIndexRange`, in MXNet's words; null when they pass. */
function sliceArgCountIssue(a: SliceArgs, rank: number): LayerOutcome | null {
  const fail = (rule: 'rank-mismatch' | 'invalid-argument', msg: string, why: string) => issueOut(mkIssue(rule, msg, [why]));
  for (const [name, n] of [['param_begin', a.begin.length], ['param_end', a.end.length]] as const) {
    if (n > rank) return fail('rank-mismatch', checkOpMsg(`${name}.ndim()`, '<=', 'dshape.ndim()', n, rank, 'Slicing axis exceeds data dimensions'),
      `slice: ${n} ${name === 'param_begin' ? 'begin' : 'end'} entries for a rank-${rank} input.`);
  }
  if (a.begin.length !== a.end.length) {
    return fail('invalid-argument', checkOpMsg('param_begin.ndim()', '==', 'param_end.ndim()', a.begin.length, a.end.length, 'begin and end must have the same length'),
      `slice: begin has ${a.begin.length} entries, end ${a.end.length}.`);
  }
  if (a.step.length > 0 && a.step.length !== a.begin.length) {
    return fail('invalid-argument', checkOpMsg('param_step.ndim()', '==', 'param_begin.ndim()', a.step.length, a.begin.length, 'step and begin must have the same length'),
      `slice: step has ${a.step.length} entries, begin ${a.begin.length}.`);
  }
  return null;
}

/**
 * `slice` / `crop` (an alias in 1.x): `SliceOpShape`, src/operator/tensor/matrix_op-inl.h. A
 * begin or end outside an axis of known length fails as in MXNet; an axis of unknown length whose
 * range is not the whole axis leaves later axes unchecked (MXNet might fail there first).
 */
function slice(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const begin = optInts(args.get('begin'), 0);
  if (!d || !begin) return unknown();
  const end = optInts(args.get('end'), begin.length);
  const stepRaw = args.get('step');
  const emptyStep = stepRaw === undefined || stepRaw === null || (Array.isArray(stepRaw) && stepRaw.length === 0);
  const step = emptyStep ? [] : optInts(stepRaw, begin.length);
  if (!end || !step) return unknown();
  const countIssue = sliceArgCountIssue({ begin, end, step }, d.length);
  if (countIssue) return countIssue;
  const dims: Dim[] = [...d];
  let checked = true;
  for (let i = 0; i < begin.length; i++) {
    const s = step[i] ?? 1;
    const len = d[i];
    if (!isKnown(len)) {
      dims[i] = null;
      if (begin[i] !== null || end[i] !== null || s !== 1) checked = false;
      continue;
    }
    const r = sliceAxisRange(i, len, begin[i], end[i], s);
    if (typeof r === 'number') dims[i] = r;
    else if (!checked) return unknown();
    else return issueOut(mkIssue('invalid-argument', r, [`slice: axis ${i} of the input ${mxShape(d)} has length ${len}; begin=${fmtOpt(begin)}, end=${fmtOpt(end)}.`]));
  }
  return out(dims);
}

/** A begin/end tuple as MXNet prints it: `(None,None,32,None,None)`. */
const fmtOpt = (v: (number | null)[]): string => `(${v.map((x) => (x === null ? 'None' : String(x))).join(',')})`;

/** `slice_axis`: `SliceAxisShape` and `GetSliceAxisParams`, src/operator/tensor/matrix_op-inl.h (1.x). */
function sliceAxis(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const axis = intArg(args.get('axis'));
  const b = intArg(args.get('begin'));
  const eRaw = args.get('end');
  const e = eRaw === null ? null : intArg(eRaw);
  if (!d || axis === null || b === null || (eRaw !== null && e === null)) return unknown();
  const a = normAxis(axis, d.length);
  if (a === null) {
    const msg = checkMsg('*axis < ishape.ndim() && *axis >= 0',
      `Transformed axis must be smaller than the source ndim and larger than zero! Recieved axis=${axis}, src_ndim=${d.length}, transformed axis=${axis < 0 ? axis + d.length : axis}`);
    return issueOut(mkIssue('rank-mismatch', msg, [`slice_axis: axis ${axis} of a rank-${d.length} input ${mxShape(d)}.`]));
  }
  const len = d[a];
  if (!isKnown(len)) return out(d.map((x, i) => (i === a ? null : x)));
  const r = sliceAxisBounds(len, b, e);
  if (typeof r === 'string') return issueOut(mkIssue('invalid-argument', r, [`slice_axis: axis ${a} of the input ${mxShape(d)} has length ${len}.`]));
  return out(d.map((x, i) => (i === a ? r : x)));
}

/** `GetSliceAxisParams`' checks in their order; the output length, or the failed check's message. */
function sliceAxisBounds(len: number, begin: number, end: number | null): number | string {
  const lo = begin < 0 ? begin + len : begin;
  if (len <= 0) return 0;
  const hi = end === null ? len : end < 0 ? end + len : end;
  const invalid = `Invalid begin, end, get begin=${begin}, end=${end === null ? 'None' : end}`;
  if (!(hi <= len)) return checkMsg('*end <= axis_size', `Invalid end for end=${hi} as axis_size is ${len}`);
  if (!(lo < hi)) return checkMsg('(*begin < *end)', invalid);
  if (!(hi >= 0)) return checkMsg('*end >= 0', invalid);
  if (!(lo >= 0)) return checkMsg('*begin >= 0', `Invalid begin for begin=${begin}`);
  return hi - lo;
}

/** `slice_like(data, shape_like, axes=())`: src/operator/tensor/matrix_op-inl.h. */
function sliceLike(args: BoundArgs): LayerOutcome {
  const [d, like] = [closed(args.get('data')), closed(args.get('shape_like'))];
  const axes = shapeArg(args.get('axes'));
  if (!d || !like || !axes || axes.some((a) => !isKnown(a))) return unknown();
  if (axes.length === 0) return like.length === d.length ? out(like) : unknown();
  const norm = (axes as number[]).map((a) => normAxis(a, d.length));
  if (norm.some((a) => a === null)) return unknown();
  return out(d.map((x, i) => (norm.includes(i) ? like[i] : x)));
}

/** Legacy `Crop(*data, offset, h_w, center_crop)`: src/operator/crop-inl.h; (N, C, h, w). */
function legacyCrop(args: BoundArgs): LayerOutcome {
  const data = args.get('data');
  const first = Array.isArray(data) ? closed(data[0]) : null;
  if (!first || first.length !== 4) return unknown();
  const like = Array.isArray(data) && data.length > 1 ? closed(data[1]) : null;
  const hw = like && like.length === 4 ? [like[2], like[3]] : shapeArg(args.get('h_w'));
  if (!hw || hw.length !== 2) return unknown();
  return out([first[0], first[1], hw[0], hw[1]]);
}

/** `tile(data, reps)`: `TileOpShape`, src/operator/tensor/matrix_op-inl.h. */
function tile(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const reps = shapeArg(args.get('reps'));
  if (!d || !reps || reps.some((r) => !isKnown(r))) return unknown();
  if (reps.length === 0) return out(d);
  const n = Math.max(d.length, reps.length);
  const dd = [...new Array<Dim>(n - d.length).fill(1), ...d];
  const rr = [...new Array<number>(n - reps.length).fill(1), ...(reps as number[])];
  return out(dd.map((x, i) => mul(x, rr[i])));
}

/** `repeat(data, repeats, axis=None)`: `RepeatOpShape`; without an axis the result is flat. */
function repeat(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const k = intArg(args.get('repeats'));
  const axis = args.get('axis');
  if (!d || k === null || k < 0) return unknown();
  if (axis === null || axis === undefined) {
    const size = product(d);
    return out([size === null ? null : size * k]);
  }
  const a = typeof axis === 'number' ? normAxis(axis, d.length) : null;
  return a === null ? unknown() : out(d.map((x, i) => (i === a ? mul(x, k) : x)));
}

/** `pad(data, mode, pad_width)`: `PadShape`, src/operator/pad-inl.h (4-D or 5-D, N and C unpadded). */
function pad(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const w = shapeArg(args.get('pad_width'));
  if (!d || !w || w.some((x) => !isKnown(x)) || w.length !== 2 * d.length || (d.length !== 4 && d.length !== 5)) return unknown();
  const pw = w as number[];
  if (pw[0] || pw[1] || pw[2] || pw[3]) return unknown();
  return out(d.map((x, i) => (isKnown(x) ? x + pw[2 * i] + pw[2 * i + 1] : null)));
}

/** `SequenceLast(data, sequence_length, use_sequence_length, axis=0)` drops the time axis (src/operator/sequence_last-inl.h). */
function sequenceLast(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const axis = intArg(args.get('axis'));
  if (!d || axis === null || d.length < 2) return unknown();
  const a = normAxis(axis, d.length);
  return a === null ? unknown() : out(d.filter((_, i) => i !== a));
}

/**
 * `RNN(data, parameters, state, state_cell, state_size, num_layers, bidirectional, mode,
 * state_outputs, projection_size)`: data (T, N, I) gives (T, N, D·H); with `state_outputs` also
 * the states (L·D, N, H), and the cell state for LSTM (src/operator/rnn-inl.h, `RNNShape`).
 */
function rnnOp(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const h = intArg(args.get('state_size'));
  const layers = intArg(args.get('num_layers'));
  const bi = boolArg(args.get('bidirectional'), false);
  const states = boolArg(args.get('state_outputs'), false);
  const proj = args.get('projection_size');
  // How many outputs there are is known before any shape is (a symbol is recorded unbound).
  const outputs = states === true ? (args.get('mode') === 'lstm' ? 3 : 2) : 1;
  if (!d || d.length !== 3 || h === null || layers === null || bi === null || states === null || (proj !== null && proj !== undefined)) return unknownOutputs(outputs);
  const dirs = bi ? 2 : 1;
  const y = mx(ranked([d[0], d[1], h * dirs]));
  if (!states) return { output: y };
  const hy = mx(ranked([layers * dirs, d[1], h]));
  return { output: args.get('mode') === 'lstm' ? [y, hy, hy] : [y, hy] };
}

/** `one_hot(indices, depth)`: appends an axis of `depth` (src/operator/tensor/indexing_op.h). */
function oneHot(args: BoundArgs): LayerOutcome {
  const s = shapeOf(args.get('indices'));
  const depth = intArg(args.get('depth'));
  return s && depth !== null ? { output: mx({ dims: [...s.dims, depth], open: s.open }) } : unknown();
}

/** `take(a, indices, axis=0)`: a[:axis] + indices + a[axis+1:] (`TakeOpShape`, indexing_op.h). */
function take(args: BoundArgs): LayerOutcome {
  const [a, idx] = [closed(args.get('a')), closed(args.get('indices'))];
  const axis = intArg(args.get('axis'));
  if (!a || !idx || axis === null) return unknown();
  const ax = normAxis(axis, a.length);
  return ax === null ? unknown() : out([...a.slice(0, ax), ...idx, ...a.slice(ax + 1)]);
}

/** `pick(data, index, axis=-1, keepdims=False)`: the axis goes (or stays as 1) (broadcast_reduce_op.h). */
function pick(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const axis = intArg(args.get('axis'));
  const keep = boolArg(args.get('keepdims'), false);
  if (!d || axis === null || keep === null) return unknown();
  const a = normAxis(axis, d.length);
  if (a === null) return unknown();
  return out(keep ? d.map((x, i) => (i === a ? 1 : x)) : d.filter((_, i) => i !== a));
}

/** `argmax`/`argmin(data, axis=None, keepdims=False)`: a single axis, or all to shape (1,). */
function argReduce(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const axis = args.get('axis');
  const keep = boolArg(args.get('keepdims'), false);
  if (!d || keep === null) return unknown();
  if (axis === null || axis === undefined) return out(keep ? d.map(() => 1) : [1]);
  const a = typeof axis === 'number' ? normAxis(axis, d.length) : null;
  if (a === null) return unknown();
  const r = keep ? d.map((x, i) => (i === a ? 1 : x)) : d.filter((_, i) => i !== a);
  return out(r.length ? r : [1]);
}

/** `topk(data, axis=-1, k=1, ret_typ='indices')`: the axis becomes k (src/operator/tensor/ordering_op-inl.h). */
function topk(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const axis = args.get('axis');
  const k = intArg(args.get('k'));
  const ret = args.get('ret_typ');
  if (!d || k === null || k < 1 || (ret !== 'indices' && ret !== 'value' && ret !== 'mask' && ret !== 'both')) return unknownOutputs(ret === 'both' ? 2 : 1);
  if (ret === 'mask') return out(d);
  if (axis === null) return ret === 'both' ? unknownOutputs(2) : out([k]);
  const a = typeof axis === 'number' ? normAxis(axis, d.length) : null;
  if (a === null) return unknownOutputs(ret === 'both' ? 2 : 1);
  const r = mx(ranked(d.map((x, i) => (i === a ? k : x))));
  return { output: ret === 'both' ? [r, r] : r };
}

/** `dot(lhs, rhs, transpose_a, transpose_b)`: lhs[:-1] + rhs[1:] (`DotShape`, src/operator/tensor/dot-inl.h). */
function dot(args: BoundArgs): LayerOutcome {
  const [l, r] = [closed(args.get('lhs')), closed(args.get('rhs'))];
  const [ta, tb] = [boolArg(args.get('transpose_a'), false), boolArg(args.get('transpose_b'), false)];
  if (!l || !r || ta === null || tb === null || l.length === 0 || r.length === 0) return unknown();
  if (l.length === 1 && r.length === 1) return out([1]);
  const lk = ta ? l.slice(1) : l.slice(0, -1);
  const rk = tb ? r.slice(0, -1) : r.slice(1);
  const [lc, rc] = [ta ? l[0] : l[l.length - 1], tb ? r[r.length - 1] : r[0]];
  if (isKnown(lc) && isKnown(rc) && lc !== rc) return unknown();
  return out([...lk, ...rk]);
}

/** `batch_dot(lhs, rhs, transpose_a, transpose_b)`: (B, M, K) x (B, K, N) = (B, M, N) (dot-inl.h). */
function batchDot(args: BoundArgs): LayerOutcome {
  const [l, r] = [closed(args.get('lhs')), closed(args.get('rhs'))];
  const [ta, tb] = [boolArg(args.get('transpose_a'), false), boolArg(args.get('transpose_b'), false)];
  if (!l || !r || ta === null || tb === null || l.length !== 3 || r.length !== 3) return unknown();
  const m = ta ? l[2] : l[1];
  const n = tb ? r[1] : r[2];
  return out([isKnown(l[0]) ? l[0] : r[0], m, n]);
}

/** `stack(*data, axis=0)`: a new axis of size len(data) (src/operator/tensor/matrix_op-inl.h). */
function stack(args: BoundArgs): LayerOutcome {
  const data = args.get('data');
  const axis = intArg(args.get('axis'));
  if (!Array.isArray(data) || data.length === 0 || axis === null) return unknown();
  const first = closed(data[0]);
  if (!first) return unknown();
  const a = normAxis(axis, first.length + 1);
  return a === null ? unknown() : out([...first.slice(0, a), data.length, ...first.slice(a)]);
}

/** `broadcast_to(data, shape)`: 0 keeps the input's size (broadcast_reduce_op.h). */
function broadcastTo(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const s = shapeArg(args.get('shape'));
  if (!d || !s || s.length !== d.length) return unknown();
  return out(s.map((x, i) => (x === 0 ? d[i] : x)));
}

/** `broadcast_axis(data, axis, size)`: the given size-1 axes take the sizes. */
function broadcastAxis(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const axes = shapeArg(args.get('axis'));
  const sizes = shapeArg(args.get('size'));
  if (!d || !axes || !sizes || axes.length !== sizes.length || axes.some((a) => !isKnown(a))) return unknown();
  const r = [...d];
  for (let i = 0; i < axes.length; i++) {
    const a = normAxis(axes[i] as number, d.length);
    if (a === null) return unknown();
    r[a] = sizes[i];
  }
  return out(r);
}

/** `broadcast_like` (whole shapes): the second operand's shape. */
function likeRhs(args: BoundArgs): LayerOutcome {
  const [l, r] = [closed(args.get('lhs')), closed(args.get('rhs'))];
  if (!l || !r) return unknown();
  if (args.get('lhs_axes') !== null || args.get('rhs_axes') !== null) return unknown();
  return out(r);
}

/**
 * `reshape_like(lhs, rhs, lhs_begin, lhs_end, rhs_begin, rhs_end)`: lhs's axes [lhs_begin, lhs_end)
 * replaced by rhs's axes [rhs_begin, rhs_end) (`ReshapeLikeShapeCompute`,
 * src/operator/tensor/elemwise_unary_op_basic.cc); None is the start or the end. A size that
 * does not match stays unknown (MXNet's message is not reproduced).
 */
function reshapeLike(args: BoundArgs): LayerOutcome {
  const [l, r] = [closed(args.get('lhs')), closed(args.get('rhs'))];
  if (!l || !r) return unknown();
  const bound = (name: string, n: number, dflt: number): number | null => {
    const v = args.get(name);
    if (v === null || v === undefined) return dflt;
    const i = intArg(v);
    return i === null ? null : i < 0 ? i + n : i;
  };
  const [lb, le, rb, re] = [bound('lhs_begin', l.length, 0), bound('lhs_end', l.length, l.length), bound('rhs_begin', r.length, 0), bound('rhs_end', r.length, r.length)];
  if (lb === null || le === null || rb === null || re === null || lb < 0 || lb > le || le > l.length || rb < 0 || rb > re || re > r.length) return unknown();
  const [from, to] = [l.slice(lb, le), r.slice(rb, re)];
  if (from.every(isKnown) && to.every(isKnown) && product(from) !== product(to)) return unknown();
  return out([...l.slice(0, lb), ...to, ...l.slice(le)]);
}

/** `where(condition, x, y)`: x's shape. */
function where(args: BoundArgs): LayerOutcome {
  return { output: mx(shapeOf(args.get('x'))) };
}

/** `depth_to_space` / `space_to_depth(data, block_size)` (src/operator/tensor/matrix_op-inl.h). */
function blockMove(toSpace: boolean) {
  return (args: BoundArgs): LayerOutcome => {
    const d = closed(args.get('data'));
    const b = intArg(args.get('block_size'));
    if (!d || d.length !== 4 || b === null || b < 1) return unknown();
    const [n, c, h, w] = d;
    const div = (x: Dim, k: number): Dim => (isKnown(x) && x % k === 0 ? x / k : null);
    return toSpace ? out([n, div(c, b * b), mul(h, b), mul(w, b)]) : out([n, mul(c, b * b), div(h, b), div(w, b)]);
  };
}

/** `shape_array(data)`: (ndim,); `size_array(data)`: (1,). */
function shapeArray(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  return d ? out([d.length]) : unknown();
}

/** `BilinearSampler(data, grid)`: (N, C, grid H, grid W) (src/operator/bilinear_sampler-inl.h). */
function bilinearSampler(args: BoundArgs): LayerOutcome {
  const [d, g] = [closed(args.get('data')), closed(args.get('grid'))];
  return d && g && d.length === 4 && g.length === 4 ? out([d[0], d[1], g[2], g[3]]) : unknown();
}

/** `GridGenerator(data, transform_type, target_shape)`: affine (N, 2, h, w); warp keeps H, W (grid_generator-inl.h). */
function gridGenerator(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const kind = args.get('transform_type');
  if (!d) return unknown();
  if (kind === 'warp') return d.length === 4 ? out([d[0], 2, d[2], d[3]]) : unknown();
  const t = shapeArg(args.get('target_shape'));
  return kind === 'affine' && t && t.length === 2 ? out([d[0], 2, t[0], t[1]]) : unknown();
}

/** `SpatialTransformer(data, loc, target_shape)`: (N, C, h, w) (spatial_transformer-inl.h). */
function spatialTransformer(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const t = shapeArg(args.get('target_shape'));
  return d && d.length === 4 && t && t.length === 2 ? out([d[0], d[1], t[0], t[1]]) : unknown();
}

/** `ROIPooling(data, rois, pooled_size, spatial_scale)`: (R, C, ph, pw) (src/operator/roi_pooling-inl.h). */
function roiPooling(args: BoundArgs): LayerOutcome {
  const [d, r] = [closed(args.get('data')), closed(args.get('rois'))];
  const ps = shapeArg(args.get('pooled_size'));
  return d && r && d.length === 4 && r.length === 2 && ps && ps.length === 2 ? out([r[0], d[1], ps[0], ps[1]]) : unknown();
}

/** `argmax_channel(data)`: the index of the largest entry of each row, (N, C) to (N,) (broadcast_reduce_op_index.cc). */
function argmaxChannel(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  return d && d.length === 2 ? out([d[0]]) : unknown();
}

/** `batch_take(a, indices)`: one entry of each row of a, shaped like indices (indexing_op.cc). */
function batchTake(args: BoundArgs): LayerOutcome {
  return { output: mx(shapeOf(args.get('indices'))) };
}

/** `gather_nd(data, indices)`: indices (M, Y…) give (Y…) + data.shape[M:] (indexing_op.h `GatherNDShape`). */
function gatherNd(args: BoundArgs): LayerOutcome {
  const [d, idx] = [closed(args.get('data')), closed(args.get('indices'))];
  if (!d || !idx || idx.length === 0 || !isKnown(idx[0]) || idx[0] > d.length) return unknown();
  return out([...idx.slice(1), ...d.slice(idx[0])]);
}

/** `scatter_nd(data, indices, shape)`: the written shape. */
function scatterNd(args: BoundArgs): LayerOutcome {
  return out(shapeArg(args.get('shape')));
}

/** `diag(data, k=0)`: a vector becomes a (n+|k|)² matrix, a matrix gives its k-th diagonal (diag_op-inl.h). */
function diag(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const k = intArg(args.get('k'));
  if (!d || k === null || (args.get('axis1') ?? 0) !== 0 || (args.get('axis2') ?? 1) !== 1) return unknown();
  if (d.length === 1) return out(isKnown(d[0]) ? [d[0] + Math.abs(k), d[0] + Math.abs(k)] : [null, null]);
  if (d.length !== 2 || !isKnown(d[0]) || !isKnown(d[1])) return d.length === 2 ? out([null]) : unknown();
  const n = k >= 0 ? Math.min(d[0], d[1] - k) : Math.min(d[0] + k, d[1]);
  return out([Math.max(n, 0)]);
}

/** `khatri_rao(*args)`: column-wise Kronecker product, (M_i, N) to (∏M_i, N) (src/operator/contrib/krprod.cc). */
function khatriRao(args: BoundArgs): LayerOutcome {
  const data = args.get('args');
  if (!Array.isArray(data) || data.length === 0) return unknown();
  const shapes = data.map((v) => closed(v));
  if (shapes.some((s) => !s || s.length !== 2)) return unknown();
  const rows = (shapes as Dim[][]).map((s) => s[0]);
  return out([product(rows), (shapes as Dim[][]).map((s) => s[1]).find(isKnown) ?? null]);
}

/** `moments(data, axes, keepdims)`: mean and variance, each reduced over the axes (src/operator/nn/moments-inl.h). */
function moments(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const axes = shapeArg(args.get('axes'));
  const keep = boolArg(args.get('keepdims'), false);
  if (!d || keep === null || (axes && axes.some((a) => !isKnown(a)))) return unknownOutputs(2);
  const idx = axes ? (axes as number[]).map((a) => normAxis(a, d.length)) : d.map((_, i) => i);
  if (idx.some((a) => a === null)) return unknownOutputs(2);
  const r = keep ? d.map((x, i) => (idx.includes(i) ? 1 : x)) : d.filter((_, i) => !idx.includes(i));
  const m = mx(ranked(r.length ? r : [1]));
  return { output: [m, m] };
}

/** `ravel_multi_index(data, shape)`: (ndim, N) to (N,); `unravel_index(data, shape)`: (N,) to (ndim, N) (ravel.cc). */
function ravel(unravel: boolean) {
  return (args: BoundArgs): LayerOutcome => {
    const d = closed(args.get('data'));
    const s = shapeArg(args.get('shape'));
    if (!d || !s) return unknown();
    if (unravel) return d.length === 1 ? out([s.length, d[0]]) : unknown();
    return d.length === 2 ? out([d[1]]) : unknown();
  };
}

/** Spatial output sizes of a sliding window with dilation (the Convolution formula). */
function windowOut(n: Dim, k: number, s: number, p: number, dil: number): Dim {
  const ek = dil * (k - 1) + 1;
  return isKnown(n) && n + 2 * p >= ek ? Math.floor((n + 2 * p - ek) / s) + 1 : null;
}

function windowArgs(args: BoundArgs, nd: number): { k: number[]; s: number[]; p: number[]; dil: number[] } | null {
  const k = shapeArg(args.get('kernel'));
  const opt = (name: string, dflt: number) => {
    const v = shapeArg(args.get(name));
    return v === null ? null : v.length === 0 ? new Array<number>(nd).fill(dflt) : v;
  };
  const [s, p, dil] = [opt('stride', 1), opt('pad', 0), opt('dilate', 1)];
  const all = [k, s, p, dil];
  if (all.some((v) => !v || v.length !== nd || v.some((x) => !isKnown(x)))) return null;
  return { k: k as number[], s: s as number[], p: p as number[], dil: dil as number[] };
}

/** `im2col(data, kernel, stride, dilate, pad)`: (N, C·∏k, ∏out) (src/operator/nn/im2col.cc). */
function im2col(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const kArg = shapeArg(args.get('kernel'));
  if (!d || !kArg || d.length !== kArg.length + 2) return unknown();
  const w = windowArgs(args, kArg.length);
  if (!w) return unknown();
  const outs = d.slice(2).map((n, i) => windowOut(n, w.k[i], w.s[i], w.p[i], w.dil[i]));
  return out([d[0], mul(d[1], w.k.reduce((a, b) => a * b, 1)), product(outs)]);
}

/** `col2im(data, output_size, kernel, ...)`: (N, C·∏k, L) to (N, C, *output_size) (src/operator/nn/im2col.cc). */
function col2im(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const size = shapeArg(args.get('output_size'));
  const k = shapeArg(args.get('kernel'));
  if (!d || d.length !== 3 || !size || !k || k.some((x) => !isKnown(x))) return unknown();
  const kk = (k as number[]).reduce((a, b) => a * b, 1);
  return out([d[0], isKnown(d[1]) && d[1] % kk === 0 ? d[1] / kk : null, ...size]);
}

/**
 * `Correlation(data1, data2, kernel_size=1, max_displacement=1, stride1=1, stride2=1, pad_size=0)`
 * (src/operator/correlation-inl.h): (N, (2·⌊d/s2⌋+1)², ⌈(H+2p−2b)/s1⌉, ⌈(W+2p−2b)/s1⌉), b = d + (k−1)/2.
 */
function correlation(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data1'));
  const [k, md, s1, s2, pad] = ['kernel_size', 'max_displacement', 'stride1', 'stride2', 'pad_size'].map((n) => intArg(args.get(n)));
  if (!d || d.length !== 4 || k === null || md === null || s1 === null || s2 === null || pad === null || s1 < 1 || s2 < 1) return unknown();
  const border = md + Math.floor((k - 1) / 2);
  const grid = 2 * Math.floor(md / s2) + 1;
  const side = (n: Dim): Dim => (isKnown(n) && n + 2 * pad - 2 * border > 0 ? Math.ceil((n + 2 * pad - 2 * border) / s1) : null);
  return out([d[0], grid * grid, side(d[2]), side(d[3])]);
}

/** `contrib.BilinearResize2D(data, height, width, scale_height, scale_width)`: (N, C, h, w) (src/operator/contrib/bilinear_resize-inl.h). */
function bilinearResize(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  // `BilinearResize2D(x, 14, 14)` binds 14 to `like` where the operator has that input (MXNet since 2019), which rejects it; older versions took it as the height.
  const like = args.get('like');
  if (like !== null && like !== undefined) return unknown();
  if (!d || d.length !== 4 || (args.get('mode') ?? 'size') !== 'size') return unknown();
  const sh = args.get('scale_height');
  const sw = args.get('scale_width');
  if (sh !== null || sw !== null) {
    const scaled = (n: Dim, sc: ArgValue | undefined) => (isKnown(n) && typeof sc === 'number' ? Math.floor(n * sc) : null);
    return out([d[0], d[1], scaled(d[2], sh), scaled(d[3], sw)]);
  }
  const [h, w] = [intArg(args.get('height')), intArg(args.get('width'))];
  return h !== null && w !== null && h > 0 && w > 0 ? out([d[0], d[1], h, w]) : unknown();
}

/** `contrib.AdaptiveAvgPooling2D(data, output_size)`: (N, C, oh, ow); an int is square (src/operator/contrib/adaptive_avg_pooling-inl.h). */
function adaptiveAvgPool(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const size = args.get('output_size');
  const hw = typeof size === 'number' ? [size, size] : shapeArg(size);
  if (!d || d.length !== 4 || !hw || (hw.length !== 1 && hw.length !== 2)) return unknown();
  return out([d[0], d[1], hw[0], hw.length === 2 ? hw[1] : hw[0]]);
}

/** The ops whose output has the shape of `data` for every valid input. */
function sameData(args: BoundArgs): LayerOutcome {
  return { output: mx(shapeOf(args.get('data'))) };
}

/** Unary element-wise functions (src/operator/tensor/elemwise_unary_op_*.cc). */
export const UNARY_SAME = [
  'abs', 'arccos', 'arccosh', 'arcsin', 'arcsinh', 'arctan', 'arctanh', 'cbrt', 'ceil', 'cos', 'cosh', 'degrees', 'erf', 'erfinv', 'exp', 'expm1', 'fix',
  'floor', 'gamma', 'gammaln', 'log', 'log10', 'log1p', 'log2', 'logical_not', 'negative', 'radians', 'rcbrt', 'reciprocal', 'relu', 'rint', 'round',
  'rsqrt', 'sigmoid', 'sign', 'sin', 'sinh', 'softsign', 'sqrt', 'square', 'tan', 'tanh', 'trunc', 'zeros_like', 'ones_like', 'identity',
  'stop_gradient', 'BlockGrad', 'make_loss', 'MakeLoss', 'hard_sigmoid', 'log_sigmoid', 'mish', 'shuffle', 'IdentityAttachKLSparseReg',
];

export const SHAPE_OPS: OpSpec[] = [
  { names: ['slice', 'crop'], params: p('data', 'begin', 'end', ['step', []]), apply: slice },
  { names: ['slice_axis'], params: p('data', 'axis', 'begin', 'end'), apply: sliceAxis },
  { names: ['slice_like'], params: p('data', 'shape_like', ['axes', []]), apply: sliceLike },
  { names: ['Crop'], params: p(['*', 'data'], ['num_args', null], ['offset', [0, 0]], ['h_w', [0, 0]], ['center_crop', false]), apply: legacyCrop },
  { names: ['tile'], params: p('data', 'reps'), apply: tile },
  { names: ['repeat'], params: p('data', 'repeats', ['axis', null]), apply: repeat },
  { names: ['pad', 'Pad'], params: p('data', 'mode', 'pad_width', ['constant_value', 0]), apply: pad },
  { names: ['SequenceMask'], params: p('data', ['sequence_length', null], ['use_sequence_length', false], ['value', 0], ['axis', 0]), apply: sameData },
  { names: ['SequenceReverse'], params: p('data', ['sequence_length', null], ['use_sequence_length', false], ['axis', 0]), apply: sameData },
  { names: ['SequenceLast'], params: p('data', ['sequence_length', null], ['use_sequence_length', false], ['axis', 0]), apply: sequenceLast },
  {
    names: ['RNN'],
    params: p('data', 'parameters', 'state', ['state_cell', null], ['sequence_length', null], ['state_size', null], ['num_layers', null], ['bidirectional', false], ['mode', null], ['p', 0], ['state_outputs', false], ['projection_size', null]),
    apply: rnnOp,
  },
  { names: ['one_hot'], params: p('indices', 'depth', ['on_value', 1], ['off_value', 0], ['dtype', 'float32']), apply: oneHot },
  { names: ['take'], params: p('a', 'indices', ['axis', 0], ['mode', 'clip']), apply: take },
  { names: ['pick'], params: p('data', 'index', ['axis', -1], ['keepdims', false], ['mode', 'clip']), apply: pick },
  { names: ['argmax', 'argmin'], params: p('data', ['axis', null], ['keepdims', false]), apply: argReduce },
  { names: ['topk'], params: p('data', ['axis', -1], ['k', 1], ['ret_typ', 'indices'], ['is_ascend', false], ['dtype', 'float32']), apply: topk },
  { names: ['dot'], params: p('lhs', 'rhs', ['transpose_a', false], ['transpose_b', false]), apply: dot },
  { names: ['batch_dot'], params: p('lhs', 'rhs', ['transpose_a', false], ['transpose_b', false]), apply: batchDot },
  { names: ['stack'], params: p(['*', 'data'], ['axis', 0], ['num_args', null]), apply: stack },
  { names: ['broadcast_to'], params: p('data', 'shape'), apply: broadcastTo },
  { names: ['broadcast_axis', 'broadcast_axes'], params: p('data', 'axis', 'size'), apply: broadcastAxis },
  { names: ['broadcast_like'], params: p('lhs', 'rhs', ['lhs_axes', null], ['rhs_axes', null]), apply: likeRhs },
  { names: ['reshape_like'], params: p('lhs', 'rhs', ['lhs_begin', null], ['lhs_end', null], ['rhs_begin', null], ['rhs_end', null]), apply: reshapeLike },
  { names: ['where'], params: p('condition', 'x', 'y'), apply: where },
  { names: ['depth_to_space'], params: p('data', 'block_size'), apply: blockMove(true) },
  { names: ['space_to_depth'], params: p('data', 'block_size'), apply: blockMove(false) },
  { names: ['shape_array'], params: p('data'), apply: shapeArray },
  { names: ['size_array'], params: p('data'), apply: (args) => (closed(args.get('data')) ? out([1]) : unknown()) },
  { names: ['BilinearSampler'], params: p('data', 'grid', ['cudnn_off', null]), apply: bilinearSampler },
  { names: ['GridGenerator'], params: p('data', ['transform_type', 'affine'], ['target_shape', [0, 0]]), apply: gridGenerator },
  { names: ['SpatialTransformer'], params: p('data', 'loc', ['target_shape', [0, 0]], ['transform_type', 'affine'], ['sampler_type', 'bilinear'], ['cudnn_off', null]), apply: spatialTransformer },
  { names: ['ROIPooling'], params: p('data', 'rois', 'pooled_size', 'spatial_scale'), apply: roiPooling },
  { names: ['argmax_channel'], params: p('data'), apply: argmaxChannel },
  { names: ['batch_take'], params: p('a', 'indices'), apply: batchTake },
  { names: ['gather_nd'], params: p('data', 'indices'), apply: gatherNd },
  { names: ['scatter_nd'], params: p('data', 'indices', 'shape'), apply: scatterNd },
  { names: ['diag'], params: p('data', ['k', 0], ['axis1', 0], ['axis2', 1]), apply: diag },
  { names: ['khatri_rao'], params: p(['*', 'args']), apply: khatriRao },
  { names: ['moments'], params: p('data', ['axes', null], ['keepdims', false]), apply: moments },
  { names: ['ravel_multi_index'], params: p('data', 'shape'), apply: ravel(false) },
  { names: ['unravel_index'], params: p('data', 'shape'), apply: ravel(true) },
  { names: ['im2col'], params: p('data', 'kernel', ['stride', []], ['dilate', []], ['pad', []]), apply: im2col },
  { names: ['col2im'], params: p('data', 'output_size', 'kernel', ['stride', []], ['dilate', []], ['pad', []]), apply: col2im },
  { names: ['Correlation'], params: p('data1', 'data2', ['kernel_size', 1], ['max_displacement', 1], ['stride1', 1], ['stride2', 1], ['pad_size', 0], ['is_multiply', true]), apply: correlation },
  // Losses: `softmax_cross_entropy` sums to shape (1,) (src/operator/loss_binary_op.cc); CTC gives one loss per sequence, (T, N, C) to (N,) (src/operator/nn/ctc_loss.cc).
  { names: ['softmax_cross_entropy'], params: p('data', 'label'), apply: (args) => (closed(args.get('data')) ? out([1]) : unknown()) },
  {
    names: ['CTCLoss', 'ctc_loss'],
    params: p('data', 'label', ['data_lengths', null], ['label_lengths', null], ['use_data_lengths', false], ['use_label_lengths', false], ['blank_label', 'first']),
    apply: (args) => {
      const d = closed(args.get('data'));
      return d && d.length === 3 ? out([d[1]]) : unknown();
    },
  },
  { names: ['contrib.BilinearResize2D'], params: p('data', ['like', null], ['height', 1], ['width', 1], ['scale_height', null], ['scale_width', null], ['mode', 'size'], ['align_corners', true]), apply: bilinearResize },
  { names: ['contrib.AdaptiveAvgPooling2D'], params: p('data', ['output_size', []]), apply: adaptiveAvgPool },
  { names: ['contrib.ROIAlign'], params: p('data', 'rois', 'pooled_size', 'spatial_scale', ['sample_ratio', -1], ['position_sensitive', false], ['aligned', false]), apply: roiPooling },
  { names: UNARY_SAME, params: p('data'), apply: sameData },
  { names: ['clip'], params: p('data', 'a_min', 'a_max'), apply: sameData },
  { names: ['Cast', 'cast'], params: p('data', 'dtype'), apply: sameData },
  { names: ['sort', 'argsort'], params: p('data', ['axis', -1], ['is_ascend', true], ['dtype', 'float32']), apply: sameData },
  { names: ['reverse', 'flip'], params: p('data', 'axis'), apply: sameData },
  { names: ['softmin'], params: p('data', ['axis', -1], ['temperature', null]), apply: sameData },
  { names: ['smooth_l1'], params: p('data', ['scalar', 1]), apply: sameData },
  { names: ['LRN'], params: p('data', ['alpha', 0.0001], ['beta', 0.75], ['knorm', 2], 'nsize'), apply: sameData },
  { names: ['L2Normalization'], params: p('data', ['eps', 1e-10], ['mode', 'instance']), apply: sameData },
  { names: ['InstanceNorm'], params: p('data', ['gamma', null], ['beta', null], ['eps', 0.001]), apply: sameData },
  { names: ['LayerNorm'], params: p('data', ['gamma', null], ['beta', null], ['axis', -1], ['eps', 1e-5], ['output_mean_var', false]), apply: sameData },
  { names: ['GroupNorm'], params: p('data', ['gamma', null], ['beta', null], ['num_groups', 1], ['eps', 1e-5], ['output_mean_var', false]), apply: sameData },
  // The loss heads: the forward output is the data's shape (src/operator/softmax_output-inl.h, regression_output-inl.h, svm_output-inl.h).
  // One entry each, so summaries name the right head.
  ...[['SoftmaxOutput', 'Softmax'], ['LinearRegressionOutput'], ['LogisticRegressionOutput'], ['MAERegressionOutput'], ['SVMOutput']].map((names) => ({ names, params: p('data', ['label', null]), apply: sameData })),
];

/** `ConcatShape` (src/operator/nn/concat.cc) runs `CheckAxis` (src/operator/tensor/broadcast_reduce_op.h) on each operand in turn. */
export function concatAxisIssue(dim: number, operand: Dim[]): LayerOutcome {
  const rank = operand.length;
  const msg = checkMsg('axis < ndim && axis >= -ndim', `axis ${dim} exceeds the input dimension of ${rank}`);
  return issueOut(mkIssue('rank-mismatch', msg, [`concat(dim=${dim}): an operand has shape ${mxShape(operand)}, rank ${rank}, so the axis must lie in [${-rank}, ${rank - 1}].`]));
}
