/**
 * torch.nn.Conv{1,2,3}d, ConvTranspose{1,2,3}d and their Lazy variants.
 * Checks follow aten/src/ATen/native/Convolution.cpp: rank (batchify), then the channel
 * count, then the kernel against the padded input (check_shape_forward).
 */
import { isKnown } from '../../shapes';
import type { AxisTrace, Dim } from '../../types';
import { asInt, asTuple, isTensor, UNKNOWN, type ArgValue, type BoundArgs, type LayerDef, type LayerIssue, type LayerOutcome, type ParamSpec, type TensorValue } from '../types';
import {
  asBool,
  batchedDims,
  channelsFirstNames,
  failed,
  firstTensor,
  intList,
  issue,
  joinChannelsFirst,
  msgDim,
  msgSizes,
  negativeWeightIssue,
  out,
  pySource,
  showShape,
  SPATIAL_NAMES,
  splitChannelsFirst,
  type ChannelsFirst,
} from './common';

interface ConvSpec {
  nsp: number;
  transposed: boolean;
  lazy: boolean;
  /** F.conv*d: the weight tensor gives the channels and kernel; there is no in_channels to fix. */
  functional?: boolean;
}

/** Decoded constructor arguments; null entries are unknown. */
interface ConvArgs {
  inC: number | null;
  outC: number | null;
  k: number[] | null;
  s: number[] | null;
  /** Numeric padding, or 'same'/'valid'. */
  p: number[] | 'same' | 'valid' | null;
  d: number[] | null;
  op: number[] | null;
  groups: number | null;
  bias: boolean | null;
}

const CONV_PARAMS: ParamSpec[] = [
  { name: 'in_channels' },
  { name: 'out_channels' },
  { name: 'kernel_size' },
  { name: 'stride', default: 1 },
  { name: 'padding', default: 0 },
  { name: 'dilation', default: 1 },
  { name: 'groups', default: 1 },
  { name: 'bias', default: true },
  { name: 'padding_mode', default: 'zeros' },
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

/** ConvTranspose puts output_padding after padding, and dilation after bias. */
const CONVT_PARAMS: ParamSpec[] = [
  { name: 'in_channels' },
  { name: 'out_channels' },
  { name: 'kernel_size' },
  { name: 'stride', default: 1 },
  { name: 'padding', default: 0 },
  { name: 'output_padding', default: 0 },
  { name: 'groups', default: 1 },
  { name: 'bias', default: true },
  { name: 'dilation', default: 1 },
  { name: 'padding_mode', default: 'zeros' },
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

function decode(args: BoundArgs, spec: ConvSpec, state: Record<string, Dim> | undefined): ConvArgs {
  const n = spec.nsp;
  const pad = args.get('padding');
  const stateIn = state?.in_channels;
  return {
    inC: spec.lazy ? (typeof stateIn === 'number' ? stateIn : null) : asInt(args.get('in_channels')),
    outC: asInt(args.get('out_channels')),
    k: asTuple(args.get('kernel_size'), n),
    s: asTuple(args.get('stride'), n),
    p: pad === 'same' || pad === 'valid' ? pad : asTuple(pad, n),
    d: asTuple(args.get('dilation'), n),
    op: spec.transposed ? asTuple(args.get('output_padding'), n) : [],
    groups: asInt(args.get('groups')),
    bias: asBool(args.get('bias')),
  };
}

/** _ConvNd.__init__ checks, in its order. */
function constructCheck(args: BoundArgs, spec: ConvSpec): LayerIssue | null {
  const groups = asInt(args.get('groups'));
  const inC = spec.lazy ? null : asInt(args.get('in_channels'));
  const outC = asInt(args.get('out_channels'));
  const bad = (message: string, why: string): LayerIssue => issue('invalid-argument', message, [why]);
  if (groups !== null && groups <= 0) return bad('groups must be a positive integer', `groups=${groups}`);
  if (groups !== null && inC !== null && inC % groups !== 0)
    return bad('in_channels must be divisible by groups', `in_channels=${inC} is not a multiple of groups=${groups}.`);
  if (groups !== null && outC !== null && outC % groups !== 0)
    return bad('out_channels must be divisible by groups', `out_channels=${outC} is not a multiple of groups=${groups}.`);
  const pad = args.get('padding');
  if (typeof pad === 'string' && !spec.transposed) {
    if (pad !== 'same' && pad !== 'valid')
      return bad(`Invalid padding string '${pad}', should be one of {'valid', 'same'}`, `padding='${pad}' is not a padding mode.`);
    const s = asTuple(args.get('stride'), spec.nsp);
    if (pad === 'same' && s !== null && s.some((x) => x !== 1))
      return bad("padding='same' is not supported for strided convolutions", `stride=${pySource(s)} with padding='same'; PyTorch only pads 'same' for stride 1.`);
  }
  // Last, the weight is allocated: a negative size in it raises.
  const k = asTuple(args.get('kernel_size'), spec.nsp);
  if (!k || inC === null || outC === null || groups === null) return null;
  const weight = spec.transposed ? [inC, Math.trunc(outC / groups), ...k] : [outC, Math.trunc(inC / groups), ...k];
  return negativeWeightIssue(weight, `in_channels=${inC}, out_channels=${outC}, kernel_size=${pySource(k)}`);
}

function className(spec: ConvSpec): string {
  return `${spec.lazy ? 'Lazy' : ''}Conv${spec.transposed ? 'Transpose' : ''}${spec.nsp}d`;
}

function opName(spec: ConvSpec): string {
  return `conv${spec.transposed ? '_transpose' : ''}${spec.nsp}d`;
}

function rankIssue(spec: ConvSpec, dims: Dim[]): LayerIssue {
  const n = spec.nsp;
  return issue(
    'rank-mismatch',
    `Expected ${n + 1}D (unbatched) or ${n + 2}D (batched) input to ${opName(spec)}, but got input of size: ${msgSizes(dims)}`,
    [`${className(spec)} takes (C, ${SPATIAL_NAMES[n].join(', ')}) or (N, C, ${SPATIAL_NAMES[n].join(', ')}) but the input has ${dims.length} dims.`],
  );
}

/**
 * check_shape_forward's argument checks, before the channel count: padding, then stride.
 * Values that are not a framework-accepted size never reach the output-size arithmetic.
 */
function paddingStrideIssue(spec: ConvSpec, a: ConvArgs): LayerIssue | null {
  if (Array.isArray(a.p) && a.p.some((x) => x < 0))
    return issue('invalid-argument', 'negative padding is not supported', [`padding=${pySource(a.p)}: ${className(spec)} padding cannot be negative.`]);
  if (a.op && a.op.some((x) => x < 0))
    return issue('invalid-argument', 'negative output_padding is not supported', [`output_padding=${pySource(a.op)}: it cannot be negative.`]);
  if (a.s && a.s.some((x) => x <= 0))
    return issue('invalid-argument', 'non-positive stride is not supported', [`stride=${pySource(a.s)}: every stride of ${className(spec)} must be at least 1.`]);
  return null;
}

/** The kernels' own checks, after the channel count: kernel size, then dilation. */
function kernelDilationIssue(spec: ConvSpec, a: ConvArgs): LayerIssue | null {
  const badK = a.k !== null && a.k.some((x) => x <= 0);
  const badD = a.d !== null && a.d.some((x) => x <= 0);
  if (!badK && !badD) return null;
  const n = spec.nsp;
  // 1-D convolutions run as 2-D ones with a height of 1.
  const hw = (v: number[]) => (n === 1 ? [1, ...v] : v);
  if (badK) {
    const k = a.k!;
    const why = [`kernel_size=${pySource(k)}: every kernel size of ${className(spec)} must be at least 1.`];
    if (!spec.transposed && badD) return issue('invalid-argument', `kernel size should be greater than zero, but got ${msgSizes(k)}`, why);
    if (n === 3 && spec.transposed)
      return issue('invalid-argument', `non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x kernel_width) tensor expected for weight, but got: ${msgSizes([a.inC, a.outC !== null && a.groups ? a.outC / a.groups : null, ...k])}`, why);
    if (n === 3) return issue('invalid-argument', `kernel size should be greater than zero, but got: ${k.join(' x ')} (TxHxW)`, why);
    const [kh, kw] = hw(k);
    return issue('invalid-argument', `kernel size should be greater than zero, but got kernel_height: ${kh} kernel_width: ${kw}`, why);
  }
  const d = a.d!;
  const why = [`dilation=${pySource(d)}: every dilation of ${className(spec)} must be at least 1.`];
  if (!spec.transposed) return issue('invalid-argument', `dilation should be greater than zero, but got ${msgSizes(hw(d))}`, why);
  const names = n === 3 ? ['depth', 'height', 'width'] : ['height', 'width'];
  return issue('invalid-argument', `dilation should be greater than zero, but got ${hw(d).map((x, i) => `dilation_${names[i]}: ${x}`).join(', ')}`, why);
}

function channelIssue(spec: ConvSpec, a: ConvArgs, cf: ChannelsFirst, shapeText: string): LayerIssue | null {
  const { inC, outC, k, groups } = a;
  if (inC === null || !isKnown(cf.c) || cf.c === inC || groups === null || outC === null || k === null) return null;
  const weight = spec.transposed ? [inC, outC / groups, ...k] : [outC, inC / groups, ...k];
  const head = spec.transposed ? 'Given transposed=1' : `Given groups=${groups}`;
  const names = channelsFirstNames(cf, spec.nsp).join(' ');
  const fixes =
    !spec.lazy && !spec.functional && cf.c % groups === 0
      ? [{ kind: 'set-arg' as const, name: 'in_channels', value: String(cf.c), title: `Set in_channels=${cf.c}`, applicability: 'safe' as const }]
      : undefined;
  return issue(
    'channel-mismatch',
    `${head}, weight of size ${msgSizes(weight)}, expected input${msgSizes(batchedDims(cf))} to have ${inC} channels, but got ${cf.c} channels instead`,
    [`${className(spec)} expects ${inC} input channels (in_channels=${inC}) but the tensor ${shapeText} has ${cf.c} at axis ${cf.unbatched ? 0 : 'C'} (C of ${names}).`],
    { fixes },
  );
}

/** The padded size and effective kernel per axis; null entries when unknown. */
function paddedAndKernel(a: ConvArgs, spatial: Dim[]): { padded: (number | null)[]; ek: (number | null)[] } {
  const padded = spatial.map((n, i) => {
    if (!isKnown(n) || a.p === null) return null;
    if (a.p === 'valid') return n;
    if (a.p === 'same') return a.d && a.k ? n + a.d[i] * (a.k[i] - 1) : null;
    return n + 2 * a.p[i];
  });
  const ek = spatial.map((_, i) => (a.k && a.d ? a.d[i] * (a.k[i] - 1) + 1 : null));
  return { padded, ek };
}

/** slow_conv_transpose's shape check; 1-D runs as 2-D with a height of 1. */
function outputPaddingIssue(spec: ConvSpec, a: ConvArgs): LayerIssue | null {
  if (!spec.transposed || !a.op || !a.s || !a.d) return null;
  const op = a.op, s = a.s, d = a.d;
  if (!op.some((o, i) => o >= s[i] && o >= d[i])) return null;
  const axes = spec.nsp === 3 ? ['depth', 'height', 'width'] : ['height', 'width'];
  const pad1 = (v: number[], fill: number) => (spec.nsp === 1 ? [fill, ...v] : v);
  const part = (label: string, v: number[]) => axes.map((ax, i) => `${label}_${ax}: ${v[i]}`).join(' ');
  return issue(
    'invalid-argument',
    `output padding must be smaller than either stride or dilation, but got ${part('output_padding', pad1(op, 0))} ${part('stride', pad1(s, 1))} ${part('dilation', pad1(d, 1))}`,
    [`output_padding=${pySource(op)} must be below stride=${pySource(s)} or dilation=${pySource(d)} on every axis.`],
  );
}

function kernelIssue(spec: ConvSpec, a: ConvArgs, cf: ChannelsFirst): LayerIssue | null {
  if (spec.transposed) return outputPaddingIssue(spec, a);
  const { padded, ek } = paddedAndKernel(a, cf.spatial);
  const bad = padded.some((p, i) => p !== null && ek[i] !== null && p < (ek[i] as number));
  if (!bad) return null;
  const names = SPATIAL_NAMES[spec.nsp];
  const explanation = cf.spatial.map((n, i) =>
    `${names[i]}: input ${msgDim(n)} padded to ${msgDim(padded[i])}, effective kernel ${msgDim(ek[i])}${padded[i] !== null && ek[i] !== null && padded[i]! < ek[i]! ? ' (too small)' : ''}`,
  );
  return issue(
    'kernel-exceeds-input',
    `Calculated padded input size per channel: (${padded.map(msgDim).join(' x ')}). Kernel size: (${ek.map(msgDim).join(' x ')}). Kernel size can't be greater than actual input size`,
    [`${className(spec)}'s kernel does not fit in the input ${showShape(joinChannelsFirst(cf, cf.c, cf.spatial))}.`, ...explanation],
    { fixes: paddingFix(a, padded, ek, cf.spatial) },
  );
}

/** Suggests the smallest symmetric padding that makes the kernel fit (changes the output: unsafe). */
function paddingFix(a: ConvArgs, padded: (number | null)[], ek: (number | null)[], spatial: Dim[]) {
  if (!Array.isArray(a.p) || padded.some((p) => p === null) || ek.some((k) => k === null)) return undefined;
  const cur = a.p;
  const next = cur.map((p, i) => (padded[i]! < ek[i]! ? Math.max(p, Math.ceil((ek[i]! - (spatial[i] as number)) / 2)) : p));
  const value = next.every((p) => p === next[0]) ? String(next[0]) : pySource(next);
  return [{ kind: 'set-arg' as const, name: 'padding', value, title: `Set padding=${value}`, applicability: 'unsafe' as const }];
}

/**
 * ConvTranspose's `output_size` call argument (_ConvTransposeNd._output_padding): it picks the
 * output padding, and must lie within [minimum, minimum + stride − 1] on every axis. Null when
 * something is unknown (the output is then unknown too).
 */
function outputPaddingFor(spec: ConvSpec, a: ConvArgs, dims: Dim[], cf: ChannelsFirst, sizeV: ArgValue): number[] | LayerIssue | null {
  let size = intList(sizeV);
  if (!size || cf.open || !a.k || !a.s || !a.d || !Array.isArray(a.p)) return null;
  const n = spec.nsp, lead = cf.unbatched ? 1 : 2;
  if (size.length === n + lead) size = size.slice(lead);
  if (size.length !== n)
    return issue('invalid-argument', `ConvTranspose${n}D: for ${dims.length}D input, output_size must have ${n} or ${n + lead} elements (got ${size.length})`, [`output_size gives the ${n} spatial sizes (optionally after N and C).`]);
  if (!cf.spatial.every(isKnown)) return null;
  const k = a.k, s = a.s, d = a.d, p = a.p;
  const min = cf.spatial.map((x, i) => ((x as number) - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + 1);
  const max = min.map((m, i) => m + s[i] - 1);
  const want = size;
  if (want.some((x, i) => x < min[i] || x > max[i]))
    return issue('invalid-argument', `requested an output size of ${pySource(want)}, but valid sizes range from ${msgSizes(min)} to ${msgSizes(max)} (for an input of torch.Size(${msgSizes(dims.slice(2))}))`, [
      `with stride ${pySource(s)} the output can be ${min.join('x')} up to ${max.join('x')}; output_size picks the output padding within that range.`,
    ]);
  return want.map((x, i) => x - min[i]);
}

function outDim(spec: ConvSpec, a: ConvArgs, n: Dim, i: number): { dim: Dim; formula: string | null } {
  if (!isKnown(n) || a.k === null || a.s === null || a.d === null || a.p === null) return { dim: null, formula: null };
  const k = a.k[i], s = a.s[i], d = a.d[i];
  if (spec.transposed) {
    if (!Array.isArray(a.p) || a.op === null) return { dim: null, formula: null };
    const p = a.p[i], op = a.op[i];
    const o = (n - 1) * s - 2 * p + d * (k - 1) + op + 1;
    return { dim: o >= 0 ? o : null, formula: `(${n} − 1)·${s} − 2·${p} + ${d}·(${k} − 1) + ${op} + 1 = ${o}` };
  }
  if (a.p === 'same') return { dim: n, formula: `padding='same' keeps ${n}` };
  const p = a.p === 'valid' ? 0 : a.p[i];
  const o = Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
  return { dim: o, formula: `(${n} + 2·${p} − ${d}·(${k} − 1) − 1)/${s} + 1 = ${o}` };
}

function paramCount(spec: ConvSpec, a: ConvArgs): number | null {
  if (a.inC === null || a.outC === null || a.k === null || a.groups === null || a.bias === null) return null;
  const kprod = a.k.reduce((x, y) => x * y, 1);
  const w = spec.transposed ? a.inC * (a.outC / a.groups) * kprod : a.outC * (a.inC / a.groups) * kprod;
  return w + (a.bias ? a.outC : 0);
}

function applyConv(spec: ConvSpec, args: BoundArgs, inputs: (TensorValue | ArgValue)[], state: Record<string, Dim> | undefined): LayerOutcome {
  const x = firstTensor(inputs);
  const a = decode(args, spec, state);
  if (!x || !x.shape) return out(null, { params: spec.lazy ? null : paramCount(spec, a) });
  const cf = splitChannelsFirst(x.shape, spec.nsp);
  if (cf === 'rank') return failed(rankIssue(spec, x.shape.dims), spec.lazy ? null : paramCount(spec, a));
  let newState: Record<string, Dim> | undefined;
  if (spec.lazy && a.inC === null) {
    a.inC = isKnown(cf.c) ? cf.c : null;
    newState = { in_channels: a.inC };
  }
  const params = paramCount(spec, a);
  if (spec.transposed && inputs[1] !== null && inputs[1] !== undefined) {
    const picked = outputPaddingFor(spec, a, x.shape.dims, cf, inputs[1] as ArgValue);
    if (picked && !Array.isArray(picked)) return { ...failed(picked, params), state: newState };
    a.op = picked;
  }
  const argIssue = paddingStrideIssue(spec, a);
  if (argIssue) return { ...failed(argIssue, params), state: newState };
  const ch = channelIssue(spec, a, cf, showShape(x.shape));
  if (ch) return { ...failed(ch, params), state: newState };
  const kd = kernelDilationIssue(spec, a);
  if (kd) return { ...failed(kd, params), state: newState };
  const kern = kernelIssue(spec, a, cf);
  if (kern) return { ...failed(kern, params), state: newState };
  const names = SPATIAL_NAMES[spec.nsp];
  const trace: AxisTrace[] = [];
  const spatial = cf.spatial.map((n, i) => {
    const r = outDim(spec, a, n, i);
    if (r.formula) trace.push({ axis: names[i], formula: r.formula });
    return r.dim;
  });
  const empty = transposedTooSmall(spec, a, cf);
  if (empty) return { ...failed(empty, params), state: newState };
  return out(joinChannelsFirst(cf, a.outC, spatial), { params, trace, axisNames: channelsFirstNames(cf, spec.nsp), state: newState });
}

/**
 * An unbatched transposed convolution runs ATen's slow path, which rejects an output size below 1
 * (1-D as 2-D with a height of 1). Batched inputs take another path (an empty output, or a backend
 * error for negative sizes) and stay unchecked.
 */
function transposedTooSmall(spec: ConvSpec, a: ConvArgs, cf: ChannelsFirst): LayerIssue | null {
  if (!spec.transposed || !cf.unbatched || !cf.spatial.every(isKnown)) return null;
  const outs = cf.spatial.map((n, i) => rawTransposedSize(a, n as number, i));
  if (outs.some((o) => o === null) || !outs.some((o) => (o as number) < 1)) return null;
  const show = (v: Dim[]) => `(${(spec.nsp === 1 ? [1, ...v] : v).join(' x ')})`;
  return issue('kernel-exceeds-input', `Given input size per channel: ${show(cf.spatial)}. Calculated output size per channel: ${show(outs)}. Output size is too small`, [
    `${className(spec)} turns ${cf.spatial.join('x')} into ${outs.join('x')}, which has an empty axis.`,
  ]);
}

function rawTransposedSize(a: ConvArgs, n: number, i: number): number | null {
  if (!a.k || !a.s || !a.d || !Array.isArray(a.p) || !a.op) return null;
  return (n - 1) * a.s[i] - 2 * a.p[i] + a.d[i] * (a.k[i] - 1) + a.op[i] + 1;
}

function convDef(spec: ConvSpec): LayerDef {
  let params = spec.transposed ? CONVT_PARAMS : CONV_PARAMS;
  if (spec.lazy) params = params.filter((p) => p.name !== 'in_channels');
  return {
    framework: 'torch',
    names: [`torch.nn.${className(spec)}`],
    params,
    kind: 'layer',
    construct: (args) => constructCheck(args, spec),
    apply: (args, inputs, _env, state) => applyConv(spec, args, inputs, state),
    callParams: spec.transposed ? [{ name: 'output_size', default: null }] : undefined,
  };
}

export const convLayers: LayerDef[] = [];
for (const nsp of [1, 2, 3])
  for (const transposed of [false, true]) for (const lazy of [false, true]) convLayers.push(convDef({ nsp, transposed, lazy }));

/**
 * F.conv{1,2,3}d and F.conv_transpose{1,2,3}d: the module's checks with in/out channels and
 * the kernel read from the weight, (out, in/groups, *k) or, transposed, (in, out/groups, *k).
 */
function applyFunctionalConv(spec: ConvSpec, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const w = args.get('weight');
  const wDims = isTensor(w) && w.shape && !w.shape.open && w.shape.dims.length === spec.nsp + 2 ? w.shape.dims : null;
  const groups = asInt(args.get('groups'));
  if (!wDims || groups === null || groups <= 0) return out(null);
  const [w0, w1, ...k] = wDims;
  const known = (d: Dim) => (isKnown(d) ? d : UNKNOWN);
  const fromWeight: Record<string, ArgValue> = spec.transposed
    ? { in_channels: known(w0), out_channels: isKnown(w1) ? w1 * groups : UNKNOWN, kernel_size: k.every(isKnown) ? (k as number[]) : UNKNOWN }
    : { in_channels: isKnown(w1) ? w1 * groups : UNKNOWN, out_channels: known(w0), kernel_size: k.every(isKnown) ? (k as number[]) : UNKNOWN };
  const bias = args.get('bias');
  const bound: BoundArgs = {
    get: (n) => (n in fromWeight ? fromWeight[n] : n === 'bias' ? bias !== null : args.get(n)),
    explicit: (n) => args.explicit(n),
    extraKeywords: args.extraKeywords,
  };
  const early = constructCheck(bound, spec);
  if (early) return failed(early);
  const r = applyConv(spec, bound, [args.get('input') as ArgValue, ...inputs.slice(1)].slice(0, 1), undefined);
  return { ...r, params: undefined };
}

for (const nsp of [1, 2, 3])
  for (const transposed of [false, true]) {
    const spec: ConvSpec = { nsp, transposed, lazy: false, functional: true };
    const tail: ParamSpec[] = transposed
      ? [{ name: 'stride', default: 1 }, { name: 'padding', default: 0 }, { name: 'output_padding', default: 0 }, { name: 'groups', default: 1 }, { name: 'dilation', default: 1 }]
      : [{ name: 'stride', default: 1 }, { name: 'padding', default: 0 }, { name: 'dilation', default: 1 }, { name: 'groups', default: 1 }];
    convLayers.push({
      framework: 'torch',
      names: [`torch.nn.functional.${opName(spec)}`, `torch.${opName(spec)}`],
      params: [{ name: 'input' }, { name: 'weight' }, { name: 'bias', default: null }, ...tail],
      kind: 'op',
      apply: (args, inputs) => applyFunctionalConv(spec, args, inputs),
    });
  }
