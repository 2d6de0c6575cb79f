/**
 * Shape inference of MXNet's `Convolution`, `Deconvolution`, `Pooling` and `FullyConnected`
 * operators, following `ConvolutionShape`, `DeconvolutionShape`, `PoolingShape` and
 * `FullyConnectedShape` in `src/operator/nn/` (1.9.1):
 * the same checks, in the same order, with the same messages.
 *
 * Results carry the *core* message; callers add Gluon's hybridize wrapper when it applies.
 */
import type { AxisTrace, Dim, Shape } from '../../types';
import { isKnown, product, ranked } from '../../shapes';
import type { RuleName } from '../types';
import {
  checkMsg,
  checkOpMsg,
  deconvFormula,
  kernelText,
  type LayoutInfo,
  mxShape,
  shapeInconsistent,
  tupleText,
  windowFormula,
} from './mxcore';

export interface OpIssue {
  rule: RuleName;
  message: string;
  explanation: string[];
}

export interface OpResult {
  shape: Shape | null;
  trace: AxisTrace[];
  /** Human lines describing how each spatial size came about. */
  lines: string[];
  issue?: OpIssue;
  /** The input channel count (for deferred init), null when unknown. */
  inC: Dim;
}

export interface ConvSpec {
  kind: 'conv' | 'deconv';
  kernel: number[];
  stride: number[];
  pad: number[];
  dilate: number[];
  /** Deconvolution `adj` (Gluon `output_padding`); zeros for convolution. */
  adj: number[];
  numFilter: number;
  numGroup: number;
  layout: LayoutInfo;
  /** The weight's in-channel count fixed earlier (explicit in_channels or an earlier call). */
  providedC: number | null;
  /** E.g. `Conv2D (3x3, padding 0)`, used in explanation lines. */
  label: string;
}

const RANK_TEXT: Record<number, string> = {
  1: 'Input data should be 3D in batch-num_filter-x',
  2: 'Input data should be 4D in batch-num_filter-y-x',
  3: 'Input data should be 5D in batch-num_filter-depth-y-x',
};

/** Axis letters MXNet uses in its source for spatial axis i of an nd-D op. */
function axisLetters(nd: number): string[] {
  return nd === 1 ? ['x'] : nd === 2 ? ['y', 'x'] : ['d', 'y', 'x'];
}

function unknownResult(): OpResult {
  return { shape: null, trace: [], lines: [], inC: null };
}

/** Rank check shared by the convolutions; null when the rank is right (or unknown). */
function convRankIssue(x: Shape, nd: number, kind: 'conv' | 'deconv'): OpIssue | null | 'unknown' {
  if (x.open) return x.dims.length > nd + 2 ? null : 'unknown';
  if (x.dims.length === nd + 2) return null;
  const src = kind === 'conv' ? 'dshp.ndim()' : 'dshape.ndim()';
  return {
    rule: 'rank-mismatch',
    message: checkOpMsg(src, '==', `${nd + 2}U`, x.dims.length, nd + 2, RANK_TEXT[nd]),
    explanation: [`A ${nd}-D ${kind === 'conv' ? 'convolution' : 'transposed convolution'} needs a rank-${nd + 2} input (${kind === 'conv' ? 'N, C and ' + nd + ' spatial axes' : 'N, C and spatial axes'}); this one has rank ${x.dims.length}.`],
  };
}

/** Weight shape in the op's layout order: conv (O, C/g, k…), deconv (C, O/g, k…). */
function weightShape(spec: ConvSpec, c: number): number[] {
  const g = spec.numGroup;
  const lead = spec.kind === 'conv' ? [Math.floor(spec.numFilter / g) * g, Math.floor(c / g)] : [c, Math.floor(spec.numFilter / g)];
  if (spec.layout.c === 1) return [...lead, ...spec.kernel];
  return [lead[0], ...spec.kernel, lead[1]];
}

function weightIssue(spec: ConvSpec, c: Dim): OpIssue | null {
  if (spec.providedC === null || !isKnown(c)) return null;
  const provided = weightShape(spec, spec.providedC);
  const inferred = weightShape(spec, c);
  if (provided.every((v, i) => v === inferred[i])) return null;
  const rule: RuleName = 'channel-mismatch';
  return {
    rule,
    message: shapeInconsistent(provided, inferred),
    explanation: [
      `${spec.label}: its weight was created for ${spec.providedC} input channels, but the input has C=${c} (axis ${spec.layout.c} of layout ${spec.layout.layout}).`,
      `MXNet compares the weight shape ${tupleText(provided)} with the one the input implies, ${tupleText(inferred)}.`,
    ],
  };
}

function groupIssues(spec: ConvSpec, c: Dim): OpIssue | null {
  const nd = spec.kernel.length;
  const g = spec.numGroup;
  const dname = spec.kind === 'conv' ? 'dshape[1]' : ['dshape_ncw[1]', 'dshape_nchw[1]', 'dshape_ncdhw[1]'][nd - 1];
  if (isKnown(c) && c % g !== 0) {
    return {
      rule: 'channel-mismatch',
      message: checkOpMsg(`${dname} % param_.num_group`, '==', '0U', c % g, 0, 'input num_filter must divide group size'),
      explanation: [`${spec.label}: ${c} input channels cannot be split into ${g} groups.`],
    };
  }
  if (spec.numFilter % g !== 0) {
    return {
      rule: 'invalid-argument',
      message: checkOpMsg('param_.num_filter % param_.num_group', '==', '0U', spec.numFilter % g, 0, 'output num_filter must divide group size'),
      explanation: [`${spec.label}: ${spec.numFilter} output channels cannot be split into ${g} groups.`],
    };
  }
  if (nd === 3 && spec.dilate.some((d) => d !== 1)) {
    const size = spec.dilate.reduce((a, b) => a * b, 1);
    const what = spec.kind === 'conv' ? 'convolution' : 'deconvolution';
    return {
      rule: 'invalid-argument',
      message: checkOpMsg('param_.dilate.Size()', '==', '1U', size, 1, `Dilate is not supported in 3d ${what}`),
      explanation: [`${spec.label}: MXNet's 3-D ${what} has no dilation.`],
    };
  }
  return null;
}

/** `Convolution` / `Deconvolution` shape inference. */
export function convShape(spec: ConvSpec, x: Shape): OpResult {
  const nd = spec.kernel.length;
  const rank = convRankIssue(x, nd, spec.kind);
  if (rank === 'unknown') return unknownResult();
  if (rank) return { ...unknownResult(), issue: rank };
  const L = spec.layout;
  const c = x.dims[L.c];
  const early = weightIssue(spec, c) ?? groupIssues(spec, c) ?? (spec.kind === 'conv' ? convSizeArgIssue(spec) : null);
  if (early) return { shape: null, trace: [], lines: [], issue: early, inC: c };
  return spec.kind === 'conv' ? convSpatial(spec, x, c) : deconvSpatial(spec, x, c);
}

/**
 * ConvolutionShape's `CHECK_GT(param_.kernel.Size(), 0U)` and the same for stride and dilate,
 * after the group checks: a zero anywhere makes the product 0. Never computed with.
 */
function convSizeArgIssue(spec: ConvSpec): OpIssue | null {
  const fields: [string, string, number[]][] = [['kernel', 'kernel', spec.kernel], ['stride', 'stride', spec.stride], ['dilate', 'dilate', spec.dilate]];
  for (const [field, label, v] of fields) {
    if (!v.some((x) => x === 0)) continue;
    return {
      rule: 'invalid-argument',
      message: checkOpMsg(`param_.${field}.Size()`, '>', '0U', 0, 0, `incorrect ${label} size: ${mxShape(v)}`),
      explanation: [`${spec.label}: ${field}=${mxShape(v)} has a 0, which MXNet rejects.`],
    };
  }
  return null;
}

function convSpatial(spec: ConvSpec, x: Shape, c: Dim): OpResult {
  const L = spec.layout;
  const nd = spec.kernel.length;
  const out = [...x.dims];
  out[L.c] = spec.numFilter;
  const trace: AxisTrace[] = [];
  const lines: string[] = [];
  let issue: OpIssue | undefined;
  for (let i = 0; i < nd; i++) {
    const ax = L.spatial[i];
    const n = x.dims[ax];
    const ek = spec.dilate[i] * (spec.kernel[i] - 1) + 1;
    const p = spec.pad[i];
    const s = spec.stride[i];
    if (!isKnown(n)) {
      out[ax] = null;
      continue;
    }
    if (ek > n + 2 * p) {
      issue ??= convKernelIssue(spec, i, n, ek);
      out[ax] = null;
      continue;
    }
    out[ax] = Math.floor((n + 2 * p - ek) / s) + 1;
    const f = windowFormula(n, p, ek, s, out[ax] as number, false);
    trace.push({ axis: L.spatialNames[i], formula: f });
    lines.push(`${spec.label}: ${L.spatialNames[i]} ${f}`);
  }
  lines.push(...samePaddingHint(spec, x, out));
  if (issue) return { shape: null, trace, lines, issue, inC: c };
  return { shape: ranked(out), trace, lines, inC: c };
}

function convKernelIssue(spec: ConvSpec, i: number, n: number, ek: number): OpIssue {
  const nd = spec.kernel.length;
  const letter = axisLetters(nd)[i];
  const p = spec.pad[i];
  const axisName = spec.layout.spatialNames[i];
  const dil = spec.dilate[i] > 1 ? ` (dilated kernel ${spec.dilate[i]}·(${spec.kernel[i]} − 1) + 1 = ${ek})` : '';
  return {
    rule: 'kernel-exceeds-input',
    message: checkOpMsg(`dilated_ksize_${letter}`, '<=', `AddPad(dshape[${i + 2}], param_.pad[${i}])`, ek, n + 2 * p, 'kernel size exceed input'),
    explanation: [
      `${spec.label}: the ${axisName} axis is ${n}${p ? ` (${n + 2 * p} padded)` : ''}, smaller than the kernel ${ek}${dil}.`,
      ...samePaddingHint(spec, null, null),
    ],
  };
}

/**
 * Gluon has no 'same' padding, so a Keras port that forgets it shrinks every axis by k−1.
 * Said only when the layer is unpadded, unstrided, has odd kernels and did shrink an axis.
 */
function samePaddingHint(spec: ConvSpec, x: Shape | null, out: Dim[] | null): string[] {
  if (spec.kind !== 'conv') return [];
  if (spec.pad.some((p) => p !== 0) || spec.stride.some((s) => s !== 1)) return [];
  const ek = spec.kernel.map((k, i) => spec.dilate[i] * (k - 1) + 1);
  if (ek.some((e) => e % 2 === 0) || ek.every((e) => e === 1)) return [];
  if (x && out && !spec.layout.spatial.some((ax) => isKnown(out[ax]) && isKnown(x.dims[ax]) && out[ax] < x.dims[ax])) return [];
  const pads = ek.map((e) => (e - 1) / 2);
  const axes = spec.layout.spatialNames.join(' and ');
  return [`Gluon has no 'same' padding: padding=${tupleText(pads)} keeps ${axes} for a ${kernelText(spec.kernel)} kernel`];
}

function deconvSpatial(spec: ConvSpec, x: Shape, c: Dim): OpResult {
  const L = spec.layout;
  const nd = spec.kernel.length;
  for (let i = 0; i < nd; i++) {
    if (spec.adj[i] > spec.stride[i] - 1) return { ...unknownResult(), issue: adjIssue(spec, i), inC: c };
  }
  const out = [...x.dims];
  out[L.c] = spec.numFilter;
  const trace: AxisTrace[] = [];
  const lines: string[] = [];
  for (let i = 0; i < nd; i++) {
    const ax = L.spatial[i];
    const n = x.dims[ax];
    if (!isKnown(n)) {
      out[ax] = null;
      continue;
    }
    const ek = spec.dilate[i] * (spec.kernel[i] - 1) + 1;
    const [s, p, a] = [spec.stride[i], spec.pad[i], spec.adj[i]];
    const o = s * (n - 1) + ek - 2 * p + a;
    // MXNet does not reject a non-positive size here; say nothing and leave it unknown.
    out[ax] = o > 0 ? o : null;
    const f = deconvFormula(n, s, ek, p, a, o);
    trace.push({ axis: L.spatialNames[i], formula: f });
    lines.push(`${spec.label}: ${L.spatialNames[i]} ${f}`);
  }
  return { shape: ranked(out), trace, lines, inC: c };
}

function adjIssue(spec: ConvSpec, i: number): OpIssue {
  const nd = spec.kernel.length;
  const letter = axisLetters(nd)[i];
  const s = spec.stride[i];
  return {
    rule: 'invalid-argument',
    message: checkOpMsg(`param_.stride[${i}]-1`, '>=', `o_adj[${i}]`, s - 1, spec.adj[i], `adj(${letter}) must be samller than stride[${i}]`),
    explanation: [`${spec.label}: output_padding ${spec.adj[i]} on ${spec.layout.spatialNames[i]} must be smaller than the stride ${s}.`],
  };
}

// ---------------------------------------------------------------------------------------------
// Pooling

export interface PoolSpec {
  kernel: number[];
  stride: number[];
  pad: number[];
  convention: 'valid' | 'full' | 'same';
  global: boolean;
  /** Layout; for global pooling only the channel position matters. */
  layout: LayoutInfo;
  label: string;
}

const POOL_ANY_RANK = 'Pooling: Input data should be  3D in (batch, channel, x) Or 4D in (batch, channel, y, x)  Or 5D in (batch, channel, d, y, x)';
const POOL_RANK: Record<number, string> = {
  1: 'Pooling: Input data should be 3D in (batch, channel, x)',
  2: 'Pooling: Input data should be 4D in (batch, channel, y, x)',
  3: 'Pooling: Input data should be 5D in (batch, channel, d, y, x)',
};

function poolRankIssue(spec: PoolSpec, x: Shape): OpIssue | null {
  const r = x.dims.length;
  const expl = [`${spec.label} expects a rank-${spec.global ? '3 to 5' : spec.kernel.length + 2} input; this one has rank ${r}.`];
  if (r < 3) return { rule: 'rank-mismatch', message: checkOpMsg('dshape.ndim()', '>=', '3', r, 3, POOL_ANY_RANK), explanation: expl };
  if (r > 5) return { rule: 'rank-mismatch', message: checkOpMsg('dshape.ndim()', '<=', '5', r, 5, POOL_ANY_RANK), explanation: expl };
  const nd = spec.kernel.length;
  if (!spec.global && r !== nd + 2) {
    return { rule: 'rank-mismatch', message: checkOpMsg('dshape.ndim()', '==', `${nd + 2}U`, r, nd + 2, POOL_RANK[nd]), explanation: expl };
  }
  return null;
}

/** `Pooling` shape inference. */
export function poolShape(spec: PoolSpec, x: Shape): OpResult {
  if (x.open) return unknownResult();
  const rank = poolRankIssue(spec, x);
  if (rank) return { ...unknownResult(), issue: rank };
  const cIdx = spec.layout.c === 1 ? 1 : x.dims.length - 1;
  if (spec.global) {
    const out = x.dims.map((d, i) => (i === 0 || i === cIdx ? d : 1));
    return { shape: ranked(out), trace: [], lines: [`${spec.label}: every spatial axis becomes 1 (kept, not dropped)`], inC: x.dims[cIdx] };
  }
  return poolSpatial(spec, x, x.dims[cIdx]);
}

function poolSpatial(spec: PoolSpec, x: Shape, c: Dim): OpResult {
  const L = spec.layout;
  const nd = spec.kernel.length;
  const out = [...x.dims];
  const trace: AxisTrace[] = [];
  const lines: string[] = [];
  // MXNet checks every axis (H before W) before computing any output size.
  for (let i = 0; i < nd; i++) {
    const n = x.dims[L.spatial[i]];
    if (isKnown(n) && spec.kernel[i] > n + 2 * spec.pad[i]) {
      return { shape: null, trace, lines, issue: poolKernelIssue(spec, x, i, n), inC: c };
    }
  }
  for (let i = 0; i < nd; i++) {
    const ax = L.spatial[i];
    const n = x.dims[ax];
    if (!isKnown(n)) {
      out[ax] = null;
      continue;
    }
    const [k, s, p] = [spec.kernel[i], spec.stride[i], spec.pad[i]];
    const { value, formula } = poolAxis(spec.convention, n, k, s, p);
    out[ax] = value;
    trace.push({ axis: L.spatialNames[i], formula });
    lines.push(`${spec.label}: ${L.spatialNames[i]} ${formula}`);
  }
  return { shape: ranked(out), trace, lines, inC: c };
}

/** One axis of `PoolingShape`: valid = floor, full = ceil, same = ceil((n+2p)/s). */
export function poolAxis(conv: 'valid' | 'full' | 'same', n: number, k: number, s: number, p: number): { value: number; formula: string } {
  if (conv === 'same') {
    const v = Math.ceil((n + 2 * p) / s);
    return { value: v, formula: `⌈(${n} + 2·${p})/${s}⌉ = ${v}` };
  }
  const num = n + 2 * p - k;
  const v = 1 + (conv === 'valid' ? Math.floor(num / s) : Math.ceil(num / s));
  return { value: v, formula: windowFormula(n, p, k, s, v, conv === 'full') };
}

function poolKernelIssue(spec: PoolSpec, x: Shape, i: number, n: number): OpIssue {
  const nd = spec.kernel.length;
  const k = spec.kernel[i];
  const p = spec.pad[i];
  const padded = n + 2 * p;
  const axisName = spec.layout.spatialNames[i];
  let message: string;
  if (nd === 3) {
    message = checkOpMsg(`param.kernel[${i}]`, '<=', `dshape_ncdhw[${i + 2}] + 2 * param.pad[${i}]`, k, padded, 'kernel size exceeds input');
  } else {
    const dname = nd === 1 ? 'dshape_ncw' : 'dshape_nchw';
    // The 1-D message prints the raw dshape[2], which is the channel count under NWC [sic].
    const shown = nd === 1 ? x.dims[2] : n;
    message = checkMsg(
      `param.kernel[${i}] <= ${dname}[${i + 2}] + 2 * param.pad[${i}]`,
      `kernel size (${k}) exceeds input (${shown ?? '-1'} padded to ${padded})`,
    );
  }
  const expl = [`${spec.label}: the ${axisName} axis is ${n}${p ? ` (${padded} padded)` : ''}, smaller than the ${k}-wide window.`];
  if (nd > 1 && i > 0) {
    const before = spec.layout.spatialNames.slice(0, i).join(' and ');
    expl.push(`MXNet checks ${before} first (it fits), then ${axisName}.`);
  }
  if (spec.convention === 'full') expl.push('ceil_mode=True does not help: MXNet still requires the window to fit in the padded input.');
  return { rule: 'kernel-exceeds-input', message, explanation: expl };
}

/** `FullyConnectedShape`: the in-units the input implies and the output shape. */
export function fcShape(x: Shape, units: number, flatten: boolean): { inUnits: Dim; out: Shape | null } {
  if (flatten) {
    if (x.open || x.dims.length === 0) return { inUnits: null, out: null };
    return { inUnits: product(x.dims.slice(1)), out: ranked([x.dims[0], units]) };
  }
  if (x.dims.length === 0) return { inUnits: null, out: null };
  return { inUnits: x.dims[x.dims.length - 1], out: { dims: [...x.dims.slice(0, -1), units], open: x.open } };
}
