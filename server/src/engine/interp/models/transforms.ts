/**
 * Image transforms of torchvision (`transforms` v1 and `transforms.v2`) and Gluon
 * (`gluon.data.vision.transforms`), as data objects whose `apply` maps a sample's image to the
 * transformed one. Each fact is from the library's source:
 *  - torchvision: `transforms/transforms.py`, `transforms/v2/_geometry.py`, `_color.py`,
 *    `_type_conversion.py`, `_misc.py`; sizes from `functional._compute_resized_output_size`;
 *  - Gluon: `python/mxnet/gluon/data/vision/transforms.py` (MXNet 1.9): spatial transforms read
 *    HWC images and take sizes as `(width, height)`; `ToTensor` makes them CHW float32.
 * A transform the code does not show (`Lambda`, a user callable, an unknown argument) makes
 * the image unknown.
 */
import type { Dim } from '../../types';
import type { EvaluatedArgs } from '../bind';
import { UNKNOWN_V, type ScriptDefault, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { dataObject, dataOf, dataTensor, dedupe, defaultsOf, failedValue, type DataFailure } from './data-objects';
import { dtypeName, withDtype } from './dtypes';
import { safely } from './support';

type Apply = (v: Value) => Value;

function arg(args: EvaluatedArgs, i: number, name: string): Value | undefined {
  return args.keywords.get(name) ?? args.positional[i];
}

function int(v: Value | undefined): number | null {
  return v && v.t === 'num' && Number.isInteger(v.v) && v.v >= 0 ? v.v : null;
}

/** An int or a sequence of ints (`Resize(256)`, `Resize((224, 224))`, `Pad([1, 2])`), or null. */
function ints(v: Value | undefined): number[] | null {
  if (!v) return null;
  const one = int(v);
  if (one !== null) return [one];
  if (v.t !== 'tuple' && v.t !== 'list') return null;
  const out = v.items.map(int);
  return out.length > 0 && out.every((x) => x !== null) ? (out as number[]) : null;
}

// ------------------------------------------------------------ images as values

/** A torchvision image's spatial dims: a PIL image, or a tensor's last two axes. */
function spatial(v: Value, f: (h: Dim, w: Dim) => [Dim, Dim] | null, defaults: readonly ScriptDefault[]): Value {
  const img = dataOf(v, 'image')?.image;
  if (img) {
    const hw = f(img.h, img.w);
    return hw ? pil(v, { ...img, h: hw[0], w: hw[1], defaults: dedupe([...(img.defaults ?? []), ...defaults]) }) : UNKNOWN_V;
  }
  if (v.t !== 'tensor' || !v.shape || v.shape.open || v.shape.dims.length < 2) return UNKNOWN_V;
  const dims = v.shape.dims;
  const hw = f(dims[dims.length - 2], dims[dims.length - 1]);
  return hw ? dataTensor([...dims.slice(0, -2), ...hw], v.lib, v.origin, v.dtype, dedupe([...(v.defaults ?? []), ...defaults])) : UNKNOWN_V;
}

function pil(like: Value, image: NonNullable<ReturnType<typeof dataOf>>['image']): Value {
  const d = dataOf(like)!;
  return { ...(like as Extract<Value, { t: 'object' }>), data: { ...d, image } };
}

/** A PIL image of `h` × `w` with `c` channels (mode L: 1, RGB: 3). */
export function pilImage(ctx: ModelContext, site: CallSite, h: Dim, w: Dim, c: Dim, defaults: readonly ScriptDefault[] = []): Value {
  return dataObject(ctx, site.r, { kind: 'image', framework: 'torch', image: { h, w, c, defaults } });
}

/** `_compute_resized_output_size`: an int resizes the shorter edge (the longer keeps the ratio, truncated). */
function resized(size: number[], h: Dim, w: Dim): [Dim, Dim] | null {
  if (size.length === 2) return [size[0], size[1]];
  if (typeof h !== 'number' || typeof w !== 'number' || h <= 0 || w <= 0) return [null, null];
  const [short, long] = w <= h ? [w, h] : [h, w];
  const [newShort, newLong] = [size[0], Math.trunc((size[0] * long) / short)];
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

/** Crops: an int is a square, a pair is (h, w). */
function cropSize(size: number[]): [Dim, Dim] {
  return size.length === 1 ? [size[0], size[0]] : [size[0], size[1]];
}

/** `Pad`: an int pads all sides; two values are (left/right, top/bottom); four (left, top, right, bottom). */
function padded(p: number[], h: Dim, w: Dim): [Dim, Dim] | null {
  const add = (d: Dim, n: number): Dim => (typeof d === 'number' ? d + n : null);
  if (p.length === 1) return [add(h, 2 * p[0]), add(w, 2 * p[0])];
  if (p.length === 2) return [add(h, 2 * p[1]), add(w, 2 * p[0])];
  if (p.length === 4) return [add(h, p[1] + p[3]), add(w, p[0] + p[2])];
  return null;
}

function withChannels(v: Value, c: number): Value {
  const img = dataOf(v, 'image')?.image;
  if (img) return pil(v, { ...img, c });
  if (v.t !== 'tensor' || !v.shape || v.shape.open || v.shape.dims.length < 3) return UNKNOWN_V;
  const dims = [...v.shape.dims];
  dims[dims.length - 3] = c;
  return dataTensor(dims, v.lib, v.origin, v.dtype, v.defaults);
}

/** A dtype transform: a tensor gets `dtype` (unknown when undefined); anything else (a PIL image) is unknown. */
function castTo(v: Value, dtype: string | undefined): Value {
  return v.t === 'tensor' ? withDtype(v, dtype) : UNKNOWN_V;
}

// ------------------------------------------------------------ torchvision

/** `ToTensor`: a PIL image (or a uint8 HWC array) becomes a CHW float32 tensor. */
function toTensor(v: Value, dtype: 'float32' | 'uint8' | 'keep'): Value {
  const img = dataOf(v, 'image')?.image;
  if (img) return dataTensor([img.c, img.h, img.w], 'torch', null, dtype === 'keep' ? 'uint8' : dtype, img.defaults);
  if (v.t === 'tensor' && v.lib === 'numpy' && v.shape && !v.shape.open && v.shape.dims.length === 3) {
    const [h, w, c] = v.shape.dims;
    // ToTensor scales only uint8 arrays to float; other arrays keep their dtype.
    const out = dtype === 'float32' && v.dtype !== 'uint8' ? v.dtype : dtype === 'keep' ? v.dtype : dtype;
    return dataTensor([c, h, w], 'torch', v.origin, out, v.defaults);
  }
  if (v.t === 'tensor' && v.lib === 'torch' && dtype === 'keep') return v;
  return UNKNOWN_V;
}

/** Transforms that keep the image's size, channels and type (flips, colour, rotation without expand…). */
const TV_PRESERVING = [
  'RandomHorizontalFlip', 'RandomVerticalFlip', 'ColorJitter', 'RandomAffine', 'RandomPerspective', 'GaussianBlur',
  'RandomInvert', 'RandomPosterize', 'RandomSolarize', 'RandomAdjustSharpness', 'RandomAutocontrast', 'RandomEqualize',
  'AutoAugment', 'RandAugment', 'TrivialAugmentWide', 'AugMix', 'RandomErasing', 'RandomGrayscale', 'ElasticTransform',
  'RandomPhotometricDistort', 'Identity', 'ToPureTensor',
];

/** Builds a transform's apply from its arguments; `fail` makes the value of a call the library raises on. */
type Maker = (args: EvaluatedArgs, env: { v2: boolean; fail: (f: DataFailure) => Value }) => Apply | null;

function tvMakers(): Record<string, Maker> {
  const sized = (f: (size: number[]) => (h: Dim, w: Dim) => [Dim, Dim] | null) => (args: EvaluatedArgs) => {
    const sizeArg = arg(args, 0, 'size');
    const size = ints(sizeArg);
    if (!size || size.length > 2) return null;
    const defaults = defaultsOf(sizeArg);
    return (v: Value) => spatial(v, f(size), defaults);
  };
  const makers: Record<string, Maker> = {
    // v2's Compose rejects an empty list ("Pass at least one transform").
    Compose: (args, env) => (env.v2 && isEmptyList(arg(args, 0, 'transforms')) ? null : compose(arg(args, 0, 'transforms'))),
    Resize: (args) => {
      const maxSize = arg(args, 2, 'max_size');
      if (maxSize && maxSize.t !== 'none') return null;
      return sized((size) => (h, w) => resized(size, h, w))(args);
    },
    CenterCrop: sized((size) => () => cropSize(size)),
    RandomCrop: randomCrop,
    RandomResizedCrop: sized((size) => () => cropSize(size)),
    Pad: (args) => {
      const p = ints(arg(args, 0, 'padding'));
      return p ? (v) => spatial(v, (h, w) => padded(p, h, w), defaultsOf(arg(args, 0, 'padding'))) : null;
    },
    Grayscale: (args) => {
      const n = args.positional[0] ?? args.keywords.get('num_output_channels');
      const c = n ? int(n) : 1;
      return c === 1 || c === 3 ? (v) => withChannels(v, c) : null;
    },
    RandomRotation: (args) => {
      const expand = arg(args, 2, 'expand');
      return !expand || (expand.t === 'bool' && !expand.v) ? (v) => v : null;
    },
    ToTensor: () => (v) => toTensor(v, 'float32'),
    PILToTensor: () => (v) => toTensor(v, 'uint8'),
    ToImage: () => (v) => toTensor(v, 'keep'),
    ToDtype: (args) => {
      const d = arg(args, 0, 'dtype');
      const name = dtypeName(d);
      return (v) => castTo(v, name);
    },
    ConvertImageDtype: (args) => {
      const name = dtypeName(arg(args, 0, 'dtype'));
      return (v) => castTo(v, name);
    },
    Normalize: (args) => normalize(arg(args, 0, 'mean'), arg(args, 1, 'std')),
    RandomApply: (args) => {
      const inner = compose(arg(args, 0, 'transforms'));
      // Applied or not at random: known only when applying changes nothing of the shape.
      return inner ? (v) => sameShape(inner(v), v) : null;
    },
    Lambda: () => null,
  };
  for (const n of TV_PRESERVING) makers[n] = () => (v) => v;
  return makers;
}

/** The image's (height, width) when both are known numbers: a PIL image, or a tensor's last two axes. */
function knownSize(v: Value): [number, number] | null {
  const img = dataOf(v, 'image')?.image;
  const [h, w] = img ? [img.h, img.w] : v.t === 'tensor' && v.shape && !v.shape.open && v.shape.dims.length >= 2 ? v.shape.dims.slice(-2) : [null, null];
  return typeof h === 'number' && typeof w === 'number' ? [h, w] : null;
}

/**
 * `RandomCrop(size, padding=None, pad_if_needed=False)`: pads by `padding`, then (with
 * `pad_if_needed`) up to the crop, and raises when the crop is still larger than the image
 * (transforms.py `get_params`; v2 `_geometry.py` `make_params`, whose words add "padded" and a period).
 */
function randomCrop(args: EvaluatedArgs, env: { v2: boolean; fail: (f: DataFailure) => Value }): Apply | null {
  const sizeArg = arg(args, 0, 'size');
  const size = ints(sizeArg);
  const paddingArg = arg(args, 1, 'padding');
  const padding = !paddingArg || paddingArg.t === 'none' ? null : ints(paddingArg);
  const padIfNeeded = arg(args, 2, 'pad_if_needed');
  if (!size || size.length > 2 || (paddingArg && paddingArg.t !== 'none' && !padding)) return null;
  const [th, tw] = cropSize(size) as [number, number];
  const defaults = defaultsOf(sizeArg);
  // Whether it may raise is known only for a literal pad_if_needed.
  const mayRaise = !padIfNeeded || (padIfNeeded.t === 'bool' && !padIfNeeded.v);
  return (v) => {
    // After a step that may have raised, this one's error is not certain to be the one raised.
    const hw = dataOf(v, 'image')?.image?.mayRaise ? null : knownSize(v);
    const padded = hw && (padding ? paddedSize(padding, hw) : hw);
    if (mayRaise && padded && (padded[0] < th || padded[1] < tw)) {
      const [h, w] = padded;
      const message = env.v2
        ? `Required crop size (${th}, ${tw}) is larger than ${padding ? 'padded ' : ''}input image size (${h}, ${w}).`
        : `Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`;
      return env.fail({
        message,
        explanation: [
          `RandomCrop(${size.join(', ')}) crops ${th}×${tw} out of a ${h}×${w} image${padding ? ' (after its padding)' : ''}.`,
          'Resize the image first, crop smaller, or pass pad_if_needed=True.',
        ],
      });
    }
    const out = spatial(v, () => [th, tw], defaults);
    // Whether it raised is unknown when the image's size is: the crop's later errors are not certain.
    const img = !padded && mayRaise ? dataOf(out, 'image')?.image : undefined;
    return img ? pil(out, { ...img, mayRaise: true }) : out;
  };
}

function paddedSize(p: number[], [h, w]: [number, number]): [number, number] | null {
  const out = padded(p, h, w);
  return out && typeof out[0] === 'number' && typeof out[1] === 'number' ? [out[0], out[1]] : null;
}

/**
 * `Normalize(mean, std)` reads tensors only (a PIL image raises). v1 normalizes in place, so
 * channels must match the mean and std or be broadcast by them (one value); v2 computes
 * `(x - mean) / std`, which also broadcasts a one-channel image to the mean's length. The two
 * agree except there; the v2 result is taken only when it is the same as v1's, else unknown.
 */
function normalize(mean: Value | undefined, std: Value | undefined): Apply {
  const len = (v: Value | undefined) => (v && (v.t === 'list' || v.t === 'tuple') ? v.items.length : v?.t === 'num' ? 1 : null);
  const m = Math.max(len(mean) ?? -1, len(std) ?? -1);
  const known = len(mean) !== null && len(std) !== null;
  return (v) => {
    if (v.t !== 'tensor' || !v.shape || v.shape.open || v.shape.dims.length < 3) return UNKNOWN_V;
    const c = v.shape.dims[v.shape.dims.length - 3];
    return known && (m === 1 || c === m) ? v : UNKNOWN_V;
  };
}

function sameShape(a: Value, b: Value): Value {
  if (a.t === 'tensor' && b.t === 'tensor' && a.shape && b.shape && JSON.stringify(a.shape) === JSON.stringify(b.shape) && a.dtype === b.dtype) return b;
  const [ia, ib] = [dataOf(a, 'image')?.image, dataOf(b, 'image')?.image];
  if (ia && ib && ia.h === ib.h && ia.w === ib.w && ia.c === ib.c) return b;
  return UNKNOWN_V;
}

function isEmptyList(v: Value | undefined): boolean {
  return !!v && (v.t === 'list' || v.t === 'tuple') && v.items.length === 0;
}

/** `Compose([...])`: each item must be a transform the engine knows, else the result is unknown. */
function compose(list: Value | undefined): Apply | null {
  if (!list || (list.t !== 'list' && list.t !== 'tuple')) return null;
  const steps: Apply[] = [];
  for (const item of list.items) {
    const f = dataOf(item, 'transform')?.apply;
    if (!f) return null;
    steps.push(f);
  }
  // An unknown stays unknown; a step that raised ends the chain with its failure.
  return (v) => steps.reduce((acc, f) => (acc.t === 'unknown' || dataOf(acc, 'failure') ? acc : f(acc)), v);
}

// ------------------------------------------------------------ Gluon

/** Gluon spatial transforms: HWC (or NHWC) NDArrays, sizes as (width, height). */
function gluonSpatial(v: Value, size: number[], defaults: readonly ScriptDefault[]): Value {
  if (v.t !== 'tensor' || !v.shape || v.shape.open || (v.shape.dims.length !== 3 && v.shape.dims.length !== 4)) return UNKNOWN_V;
  const dims = [...v.shape.dims];
  const r = dims.length;
  const [w, h] = size.length === 1 ? [size[0], size[0]] : [size[0], size[1]];
  dims[r - 3] = h;
  dims[r - 2] = w;
  return dataTensor(dims, v.lib, v.origin, v.dtype, dedupe([...(v.defaults ?? []), ...defaults]));
}

function gluonMakers(): Record<string, Maker> {
  const sized = (args: EvaluatedArgs) => {
    const sizeArg = arg(args, 0, 'size');
    const size = ints(sizeArg);
    return size && size.length <= 2 ? (v: Value) => gluonSpatial(v, size, defaultsOf(sizeArg)) : null;
  };
  const makers: Record<string, Maker> = {
    Compose: (args) => compose(arg(args, 0, 'transforms')),
    HybridCompose: (args) => compose(arg(args, 0, 'transforms')),
    // ToTensor: (H x W x C) or (N x H x W x C) uint8 → (C x H x W) or (N x C x H x W) float32.
    ToTensor: () => (v) => {
      if (v.t !== 'tensor' || !v.shape || v.shape.open || (v.shape.dims.length !== 3 && v.shape.dims.length !== 4)) return UNKNOWN_V;
      const d = v.shape.dims;
      const out = d.length === 3 ? [d[2], d[0], d[1]] : [d[0], d[3], d[1], d[2]];
      return dataTensor(out, v.lib, v.origin, 'float32', v.defaults);
    },
    Resize: (args) => {
      const keep = arg(args, 1, 'keep_ratio');
      // keep_ratio=True scales the shorter edge: the other one depends on the image.
      return keep && !(keep.t === 'bool' && !keep.v) ? null : sized(args);
    },
    CenterCrop: sized,
    RandomResizedCrop: sized,
    Normalize: () => (v) => (v.t === 'tensor' ? v : UNKNOWN_V),
    Cast: (args) => {
      const name = dtypeName(arg(args, 0, 'dtype') ?? { t: 'str', v: 'float32' });
      return (v) => castTo(v, name);
    },
  };
  for (const n of ['RandomFlipLeftRight', 'RandomFlipTopBottom', 'RandomBrightness', 'RandomContrast', 'RandomSaturation', 'RandomHue', 'RandomColorJitter', 'RandomLighting']) {
    makers[n] = () => (v) => v;
  }
  return makers;
}

const TV = tvMakers();
const GLUON = gluonMakers();

/** Every transform path the sources read. */
export const TORCHVISION_TRANSFORMS = Object.keys(TV).flatMap((n) => [`torchvision.transforms.${n}`, `torchvision.transforms.v2.${n}`]);
export const GLUON_TRANSFORMS = Object.keys(GLUON).map((n) => `mxnet.gluon.data.vision.transforms.${n}`);

/** The `call` hook of both transform families: a transform object (its apply unknown when unknown). */
export function makeTransform(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value {
  const name = path.split('.').pop()!;
  const gluon = path.startsWith('mxnet.');
  const table = gluon ? GLUON : TV;
  const maker = Object.hasOwn(table, name) && !args.opaque ? table[name] : null;
  const env = { v2: path.includes('.v2.'), fail: (f: DataFailure) => failedValue(ctx, site.r, f) };
  const inner = (maker ? safely(() => maker(args, env), null) : null) ?? (() => UNKNOWN_V);
  // A transform's arithmetic must not take the analysis down: its result is unknown then.
  const apply = (v: Value) => safely(() => inner(v), UNKNOWN_V);
  return dataObject(ctx, site.r, { kind: 'transform', framework: gluon ? 'gluon' : 'torch', apply });
}
