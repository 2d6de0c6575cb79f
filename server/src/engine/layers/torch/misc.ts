/**
 * Padding, upsampling, pixel shuffle and embedding layers (and their functional forms).
 */
import { isKnown } from '../../shapes';
import type { AxisTrace, Dim, Shape } from '../../types';
import { asInt, type ArgValue, type BoundArgs, type LayerDef, type LayerIssue, type LayerOutcome, type TensorValue } from '../types';
import { failed, firstTensor, inputShape, intList, issue, msgDim, msgSizes, out, showShape } from './common';

type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Expands a padding argument to a flat F.pad list (last dim first), n dims. */
function padList(v: ArgValue | undefined, n: number): number[] | null {
  if (typeof v === 'number') return Number.isInteger(v) ? new Array(2 * n).fill(v) : null;
  const l = intList(v);
  return l && l.length === 2 * n ? l : null;
}

function padRankIssue(mode: PadMode, pad: number[], shape: Shape): LayerIssue | null {
  if (shape.open) return null;
  const r = shape.dims.length;
  const n = pad.length / 2;
  if (mode === 'constant') {
    if (pad.length <= 2 * r) return null;
    return issue('rank-mismatch', `Padding length should be less than or equal to two times the input dimension but got padding length ${pad.length} and input of dimension ${r}`, [
      `${pad.length} padding values need at least ${n} dims; the tensor ${showShape(shape)} has ${r}.`,
    ]);
  }
  if (r === n + 1 || r === n + 2) return null;
  return issue('rank-mismatch', `Padding size ${pad.length} is not supported for ${r}D input tensor.`, [`${mode} padding of ${n} dims takes a ${n + 1}-D or ${n + 2}-D input; got ${showShape(shape)}.`]);
}

/** Reflection needs each pad smaller than the dim it reflects; checked from the last dim. */
function reflectIssue(pad: number[], shape: Shape): LayerIssue | null {
  for (let j = 0; j < pad.length / 2; j++) {
    const axis = shape.dims.length - 1 - j;
    const d = shape.dims[axis];
    const [a, b] = [pad[2 * j], pad[2 * j + 1]];
    if (isKnown(d) && (a >= d || b >= d) && !shape.open)
      return issue('kernel-exceeds-input', `Argument #${4 + 2 * j}: Padding size should be less than the corresponding input dimension, but got: padding (${a}, ${b}) at dimension ${axis} of input ${msgSizes(shape.dims)}`, [
        `Reflection padding ${a}/${b} needs more than ${Math.max(a, b)} elements at axis ${axis}, which has ${d}.`,
      ]);
  }
  return null;
}

export function applyPad(mode: PadMode, pad: number[] | null, shape: Shape | null): LayerOutcome {
  if (!shape) return out(null);
  if (!pad || pad.length % 2 !== 0) return out(null);
  const rank = padRankIssue(mode, pad, shape);
  if (rank) return failed(rank);
  if (mode === 'reflect') {
    const r = reflectIssue(pad, shape);
    if (r) return failed(r);
  }
  const dims = [...shape.dims];
  const trace: AxisTrace[] = [];
  for (let j = 0; j < pad.length / 2; j++) {
    const i = dims.length - 1 - j;
    if (i < 0) break;
    const d = dims[i];
    const o = isKnown(d) ? d + pad[2 * j] + pad[2 * j + 1] : null;
    // A negative padding that removes everything is an error we do not model: stay silent.
    dims[i] = o !== null && o < 1 ? null : o;
    if (isKnown(d)) trace.push({ axis: `dim ${i}`, formula: `${d} + ${pad[2 * j]} + ${pad[2 * j + 1]} = ${msgDim(dims[i])}` });
  }
  return out({ dims, open: shape.open }, { trace });
}

function padDef(cls: string, mode: PadMode, n: number, hasValue: boolean): LayerDef {
  return {
    framework: 'torch',
    names: [`torch.nn.${cls}${n}d`],
    params: hasValue ? [{ name: 'padding' }, { name: 'value' }] : [{ name: 'padding' }],
    kind: 'layer',
    apply: (args, inputs) => applyPad(mode, padList(args.get('padding'), n), firstTensor(inputs)?.shape ?? null),
  };
}

const MODES = 'nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact';
const MODE_RANK: Record<string, number> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

/** F.interpolate's output size: `size` wins, else floor(n * scale_factor). */
export function applyInterpolate(shape: Shape | null, size: ArgValue | undefined, scale: ArgValue | undefined, modeV: ArgValue | undefined): LayerOutcome {
  if (!shape) return out(null);
  const mode = typeof modeV === 'string' ? modeV : null;
  const r = shape.dims.length;
  if (!shape.open) {
    if (mode && MODE_RANK[mode] !== undefined && r >= 3 && r <= 5 && MODE_RANK[mode] !== r)
      return failed(issue('rank-mismatch', `Got ${r}D input, but ${mode} mode needs ${MODE_RANK[mode]}D input`, [`${mode} interpolation needs a ${MODE_RANK[mode]}-D input; got ${showShape(shape)}.`]));
    if (mode && (r < 3 || r > 5))
      return failed(issue('rank-mismatch', `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${r}D) for the modes: ${MODES} (got ${mode})`, [`Upsampling takes (N, C, …spatial); got ${showShape(shape)}.`]));
  }
  const nsp = shape.open ? (mode && MODE_RANK[mode] ? MODE_RANK[mode] - 2 : null) : r - 2;
  if (nsp === null || nsp < 1) return out(null);
  const sizes = typeof size === 'number' ? new Array(nsp).fill(size) : intList(size);
  const scales = typeof scale === 'number' ? new Array(nsp).fill(scale) : Array.isArray(scale) && scale.every((s) => typeof s === 'number') ? (scale as number[]) : null;
  const spatial = shape.dims.slice(-nsp);
  let outSp: Dim[];
  const trace: AxisTrace[] = [];
  if (size !== null && size !== undefined) {
    if (!sizes || sizes.length !== nsp) return out(null);
    outSp = sizes;
  } else if (scales && scales.length === nsp) {
    outSp = spatial.map((n, i) => {
      if (!isKnown(n)) return null;
      const o = Math.floor(n * scales[i]);
      trace.push({ axis: `dim ${shape.dims.length - nsp + i}`, formula: `floor(${n}·${scales[i]}) = ${o}` });
      return o;
    });
  } else return out(null);
  const small = tooSmallIssue(spatial, outSp);
  if (small) return failed(small);
  return out({ dims: [...shape.dims.slice(0, -nsp), ...outSp], open: shape.open }, { trace });
}

/** upsample_*_common_check: every output size must be positive. */
function tooSmallIssue(spatial: Dim[], outSp: Dim[]): LayerIssue | null {
  if (!outSp.some((o) => isKnown(o) && o < 1)) return null;
  const names = ['D', 'H', 'W'].slice(3 - spatial.length);
  const show = (ds: Dim[]) => ds.map((d, i) => `${names[i]}: ${msgDim(d)}`).join(', ');
  return issue('invalid-argument', `Input and output sizes should be greater than 0, but got input (${show(spatial)})${spatial.length === 1 ? ' and' : ''} output (${show(outSp)})`, [
    `Upsampling ${msgSizes(spatial)} gives ${msgSizes(outSp)}, which has an empty axis.`,
  ]);
}

function applyPixelShuffle(args: BoundArgs, inputs: (TensorValue | ArgValue)[], down: boolean): LayerOutcome {
  const shape = firstTensor(inputs)?.shape ?? null;
  const f = asInt(args.get(down ? 'downscale_factor' : 'upscale_factor'));
  if (!shape || f === null || f <= 0) return out(null);
  const name = down ? 'pixel_unshuffle' : 'pixel_shuffle';
  if (!shape.open && shape.dims.length < 3)
    return failed(issue('rank-mismatch', `${name} expects input to have at least 3 dimensions, but got input with ${shape.dims.length} dimension(s)`, [`${showShape(shape)} has no (C, H, W) axes.`]));
  const n = shape.dims.length;
  const [c, h, w] = shape.dims.slice(-3).concat([null, null, null]).slice(0, 3);
  const lead = shape.dims.slice(0, n - 3);
  if (!down) {
    if (isKnown(c) && c % (f * f) !== 0)
      return failed(issue('invalid-argument', `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${f * f}`, [`${c} channels cannot be split into ${f}×${f} blocks.`]));
    const m = (d: Dim, g: (x: number) => number) => (isKnown(d) ? g(d) : null);
    return out({ dims: [...lead, m(c, (x) => x / (f * f)), m(h, (x) => x * f), m(w, (x) => x * f)], open: shape.open });
  }
  const div = (d: Dim) => (isKnown(d) && d % f === 0 ? d / f : null);
  return out({ dims: [...lead, isKnown(c) ? c * f * f : null, div(h), div(w)], open: shape.open });
}

function applyEmbedding(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const num = asInt(args.get('num_embeddings')), dim = asInt(args.get('embedding_dim'));
  const params = num !== null && dim !== null ? num * dim : null;
  const shape = firstTensor(inputs)?.shape ?? null;
  return out(shape ? { dims: [...shape.dims, dim], open: shape.open } : null, { params });
}

export const miscLayers: LayerDef[] = [];
for (const n of [1, 2, 3]) {
  miscLayers.push(padDef('ZeroPad', 'constant', n, false));
  miscLayers.push(padDef('ConstantPad', 'constant', n, true));
  miscLayers.push(padDef('ReflectionPad', 'reflect', n, false));
  miscLayers.push(padDef('ReplicationPad', 'replicate', n, false));
  miscLayers.push(padDef('CircularPad', 'circular', n, false));
}
miscLayers.push(
  {
    framework: 'torch',
    names: ['torch.nn.functional.pad'],
    params: [{ name: 'input' }, { name: 'pad' }, { name: 'mode', default: 'constant' }, { name: 'value', default: null }],
    kind: 'op',
    apply: (args, inputs) => {
      const m = args.get('mode');
      const mode: PadMode | null = m === 'constant' || m === 'reflect' || m === 'replicate' || m === 'circular' ? m : null;
      return mode ? applyPad(mode, intList(args.get('pad')), inputShape(args, inputs, 'input')) : out(null);
    },
  },
  {
    framework: 'torch',
    names: ['torch.nn.Upsample'],
    params: [{ name: 'size', default: null }, { name: 'scale_factor', default: null }, { name: 'mode', default: 'nearest' }, { name: 'align_corners', default: null }, { name: 'recompute_scale_factor', default: null }],
    kind: 'layer',
    apply: (args, inputs) => applyInterpolate(firstTensor(inputs)?.shape ?? null, args.get('size'), args.get('scale_factor'), args.get('mode')),
  },
  {
    framework: 'torch',
    names: ['torch.nn.UpsamplingNearest2d'],
    params: [{ name: 'size', default: null }, { name: 'scale_factor', default: null }],
    kind: 'layer',
    apply: (args, inputs) => applyInterpolate(firstTensor(inputs)?.shape ?? null, args.get('size'), args.get('scale_factor'), 'nearest'),
  },
  {
    framework: 'torch',
    names: ['torch.nn.UpsamplingBilinear2d'],
    params: [{ name: 'size', default: null }, { name: 'scale_factor', default: null }],
    kind: 'layer',
    apply: (args, inputs) => applyInterpolate(firstTensor(inputs)?.shape ?? null, args.get('size'), args.get('scale_factor'), 'bilinear'),
  },
  {
    framework: 'torch',
    names: ['torch.nn.functional.interpolate', 'torch.nn.functional.upsample'],
    params: [{ name: 'input' }, { name: 'size', default: null }, { name: 'scale_factor', default: null }, { name: 'mode', default: 'nearest' }, { name: 'align_corners', default: null }, { name: 'recompute_scale_factor', default: null }, { name: 'antialias', default: false }],
    kind: 'op',
    apply: (args, inputs) => applyInterpolate(inputShape(args, inputs, 'input'), args.get('size'), args.get('scale_factor'), args.get('mode')),
  },
  {
    framework: 'torch',
    names: ['torch.nn.functional.upsample_nearest'],
    params: [{ name: 'input' }, { name: 'size', default: null }, { name: 'scale_factor', default: null }],
    kind: 'op',
    apply: (args, inputs) => applyInterpolate(inputShape(args, inputs, 'input'), args.get('size'), args.get('scale_factor'), 'nearest'),
  },
  {
    framework: 'torch',
    names: ['torch.nn.functional.upsample_bilinear'],
    params: [{ name: 'input' }, { name: 'size', default: null }, { name: 'scale_factor', default: null }],
    kind: 'op',
    apply: (args, inputs) => applyInterpolate(inputShape(args, inputs, 'input'), args.get('size'), args.get('scale_factor'), 'bilinear'),
  },
  {
    framework: 'torch',
    names: ['torch.nn.functional.pixel_shuffle', 'torch.pixel_shuffle'],
    params: [{ name: 'input' }, { name: 'upscale_factor' }],
    kind: 'op',
    apply: (args) => applyPixelShuffle(args, [args.get('input') as ArgValue], false),
  },
  {
    framework: 'torch',
    names: ['torch.nn.functional.pixel_unshuffle', 'torch.pixel_unshuffle'],
    params: [{ name: 'input' }, { name: 'downscale_factor' }],
    kind: 'op',
    apply: (args) => applyPixelShuffle(args, [args.get('input') as ArgValue], true),
  },
  {
    framework: 'torch',
    names: ['torch.nn.PixelShuffle'],
    params: [{ name: 'upscale_factor' }],
    kind: 'layer',
    apply: (args, inputs) => applyPixelShuffle(args, inputs, false),
  },
  {
    framework: 'torch',
    names: ['torch.nn.PixelUnshuffle'],
    params: [{ name: 'downscale_factor' }],
    kind: 'layer',
    apply: (args, inputs) => applyPixelShuffle(args, inputs, true),
  },
  {
    framework: 'torch',
    names: ['torch.nn.Embedding'],
    params: [{ name: 'num_embeddings' }, { name: 'embedding_dim' }, { name: 'padding_idx', default: null }, { name: 'max_norm', default: null }, { name: 'norm_type', default: 2.0 }, { name: 'scale_grad_by_freq', default: false }, { name: 'sparse', default: false }],
    kind: 'layer',
    apply: applyEmbedding,
  },
);
