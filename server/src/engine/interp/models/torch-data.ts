/**
 * PyTorch data: `torchvision.datasets`, `TensorDataset`, `random_split`, `Subset` and
 * `DataLoader` with the default collate. Facts from torchvision 0.2x's `datasets/*.py` (each
 * `__getitem__` builds a PIL image with `Image.fromarray(..., mode="L")` for the MNIST family,
 * RGB for CIFAR/SVHN/STL10, `img.convert("RGB")` for folders; targets are Python ints, CelebA's
 * `attr` a 40-vector) and torch's `utils/data/_utils/collate.py` (ints → int64, floats →
 * float64, tensors stacked on a new first axis, tuples collated item by item).
 */
import { BATCH } from '../../shapes';
import type { Dim } from '../../types';
import type { EvaluatedArgs } from '../bind';
import { num, UNKNOWN_V, type ScriptDefault, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { batchDim, collate, collateFailure, dataObject, dataOf, datasetObject, datasetOf, dataTensor, defaultsOf, firstDim, sliceFirst } from './data-objects';
import { pilImage } from './transforms';

interface VisionSet {
  h: Dim;
  w: Dim;
  c: Dim;
  /** Length by the split argument's value (`train=True` → 60000), when fixed. */
  lengths?: { arg: string; index: number; byValue: Record<string, number>; dflt: string };
  /** Position of `transform` in the signature (-1: keyword only). */
  tf: number;
}

const TRAIN = (train: number, test: number) => ({ arg: 'train', index: 1, byValue: { true: train, false: test }, dflt: 'true' });
const SPLIT = (byValue: Record<string, number>, dflt: string) => ({ arg: 'split', index: 1, byValue, dflt });

/** Image sizes and split lengths of the torchvision datasets (their docs and `__getitem__`). */
const VISION_SETS: Record<string, VisionSet> = {
  MNIST: { h: 28, w: 28, c: 1, lengths: TRAIN(60000, 10000), tf: 2 },
  FashionMNIST: { h: 28, w: 28, c: 1, lengths: TRAIN(60000, 10000), tf: 2 },
  KMNIST: { h: 28, w: 28, c: 1, lengths: TRAIN(60000, 10000), tf: 2 },
  EMNIST: { h: 28, w: 28, c: 1, tf: -1 },
  QMNIST: { h: 28, w: 28, c: 1, tf: -1 },
  CIFAR10: { h: 32, w: 32, c: 3, lengths: TRAIN(50000, 10000), tf: 2 },
  CIFAR100: { h: 32, w: 32, c: 3, lengths: TRAIN(50000, 10000), tf: 2 },
  SVHN: { h: 32, w: 32, c: 3, lengths: SPLIT({ train: 73257, test: 26032, extra: 531131 }, 'train'), tf: 2 },
  STL10: { h: 96, w: 96, c: 3, lengths: SPLIT({ train: 5000, test: 8000, unlabeled: 100000 }, 'train'), tf: 3 },
  // img_align_celeba: 178 wide, 218 high.
  CelebA: { h: 218, w: 178, c: 3, tf: 3 },
  ImageNet: { h: null, w: null, c: 3, tf: -1 },
  ImageFolder: { h: null, w: null, c: 3, tf: 1 },
};

export const TORCHVISION_DATASETS = [...Object.keys(VISION_SETS), 'FakeData', 'DatasetFolder'].map((n) => `torchvision.datasets.${n}`);

function arg(args: EvaluatedArgs, i: number, name: string): Value | undefined {
  return args.keywords.get(name) ?? args.positional[i];
}

function splitLength(set: VisionSet, args: EvaluatedArgs): number | null {
  const l = set.lengths;
  if (!l) return null;
  const v = arg(args, l.index, l.arg);
  const key = !v ? l.dflt : v.t === 'bool' ? String(v.v) : v.t === 'str' ? v.v : null;
  return key !== null ? (l.byValue[key] ?? null) : null;
}

/** The transform a dataset applies (`transform=` / `target_transform=`): identity when absent, unknown when not a known transform. */
function transformOf(v: Value | undefined): (x: Value) => Value {
  if (!v || v.t === 'none') return (x) => x;
  return dataOf(v, 'transform')?.apply ?? (() => UNKNOWN_V);
}

/** CelebA's targets by `target_type` (`attr` 40, `identity` a scalar, `bbox` 4, `landmarks` 10; int64 tensors). */
function celebaTarget(site: CallSite, t: Value | undefined): Value {
  const one = (name: string): Value => {
    const dims: Record<string, Dim[]> = { attr: [40], identity: [], bbox: [4], landmarks: [10] };
    return dims[name] ? dataTensor(dims[name], 'torch', site.r, 'int64') : UNKNOWN_V;
  };
  if (!t) return one('attr');
  if (t.t === 'str') return one(t.v);
  if (t.t === 'list' || t.t === 'tuple') {
    const parts = t.items.map((i) => (i.t === 'str' ? one(i.v) : UNKNOWN_V));
    return parts.length === 1 ? parts[0] : { t: 'tuple', items: parts };
  }
  return UNKNOWN_V;
}

/** `torchvision.datasets.X(root, ..., transform=..., target_transform=...)`. */
export function torchvisionDataset(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value {
  const name = path.split('.').pop()!;
  let image: Value;
  let length: number | null = null;
  let target: Value = dataTensor([], 'torch', site.r, 'int64');
  let tfIndex = -1;
  if (name === 'FakeData') {
    tfIndex = 3;
    // FakeData(size=1000, image_size=(3, 224, 224), num_classes=10): a PIL image of image_size.
    const sizeArg = arg(args, 1, 'image_size');
    const chw = sizeArg ? sizeArg : { t: 'tuple' as const, items: [num(3), num(224), num(224)] };
    const dims = chw.t === 'tuple' || chw.t === 'list' ? chw.items.map((i) => (i.t === 'num' && Number.isInteger(i.v) ? i.v : null)) : [];
    image = dims.length === 3 ? pilImage(ctx, site, dims[1], dims[2], dims[0], defaultsOf(sizeArg)) : UNKNOWN_V;
    const size = arg(args, 0, 'size');
    length = !size ? 1000 : size.t === 'num' && Number.isInteger(size.v) ? size.v : null;
  } else if (name === 'DatasetFolder') {
    image = UNKNOWN_V; // whatever its `loader` returns
    tfIndex = 3;
  } else {
    const set = VISION_SETS[name];
    tfIndex = set.tf;
    image = pilImage(ctx, site, set.h, set.w, set.c);
    length = splitLength(set, args);
    if (name === 'CelebA') target = celebaTarget(site, arg(args, 2, 'target_type'));
    if (name === 'QMNIST' || name === 'EMNIST') length = null;
  }
  if (args.opaque) return dataObject(ctx, site.r, { kind: 'dataset', framework: 'torch', sample: UNKNOWN_V, length: null });
  const transform = args.keywords.get('transform') ?? (tfIndex >= 0 ? args.positional[tfIndex] : undefined);
  const targetTransform = args.keywords.get('target_transform') ?? (tfIndex >= 0 ? args.positional[tfIndex + 1] : undefined);
  const sample: Value = { t: 'tuple', items: [transformOf(transform)(image), transformOf(targetTransform)(target)] };
  return datasetObject(ctx, site.r, 'torch', sample, length);
}

/** `TensorDataset(*tensors)`: sample i is each tensor's row i. */
export function tensorDataset(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): Value {
  const ts = args.opaque ? [] : args.positional;
  const ok = ts.length > 0 && ts.every((t) => t.t === 'tensor');
  return dataObject(ctx, site.r, {
    kind: 'dataset',
    framework: 'torch',
    sample: ok ? { t: 'tuple', items: ts.map((t) => sliceFirst(t, 'torch')) } : UNKNOWN_V,
    length: ok ? firstDim(ts[0]) : null,
  });
}

/** `Subset(dataset, indices)`: the dataset's samples, `len(indices)` of them. */
export function subset(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): Value {
  const ds = datasetOf(ctx, arg(args, 0, 'dataset'));
  const idx = arg(args, 1, 'indices');
  const length = idx && (idx.t === 'list' || idx.t === 'tuple') ? idx.items.length : idx?.t === 'range' ? Math.max(0, Math.ceil((idx.stop - idx.start) / idx.step)) : null;
  return datasetObject(ctx, site.r, 'torch', ds?.sample ?? UNKNOWN_V, length, ds?.failure);
}

/** `random_split(dataset, lengths)`: one Subset per length (fractions give unknown lengths). */
export function randomSplit(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): Value {
  const ds = datasetOf(ctx, arg(args, 0, 'dataset'));
  const lengths = arg(args, 1, 'lengths');
  if (!lengths || (lengths.t !== 'list' && lengths.t !== 'tuple')) return UNKNOWN_V;
  return {
    t: 'list',
    items: lengths.items.map((l) =>
      datasetObject(ctx, site.r, 'torch', ds?.sample ?? UNKNOWN_V, l.t === 'num' && Number.isInteger(l.v) ? l.v : null, ds?.failure),
    ),
  };
}

/**
 * `DataLoader(dataset, batch_size=1, shuffle, sampler, batch_sampler, num_workers, collate_fn,
 * pin_memory, drop_last)`: batches of the default collate. A custom `collate_fn` or a sample of
 * unknown shape gives unknown batches; a custom sampler or batch sampler, batches whose size
 * is the batch symbol. Reading a batch raises what reading a sample raises, and the default
 * collate's TypeError on PIL images.
 */
export function dataLoader(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): Value {
  const ds = args.opaque ? null : datasetOf(ctx, arg(args, 0, 'dataset'));
  const collateFn = arg(args, 6, 'collate_fn');
  const loader = (each: Value) => dataObject(ctx, site.r, { kind: 'loader', framework: 'torch', each });
  if (ds?.failure) return dataObject(ctx, site.r, { kind: 'loader', framework: 'torch', each: UNKNOWN_V, failure: ds.failure });
  if (!ds || (collateFn && collateFn.t !== 'none')) return loader(UNKNOWN_V);
  const bs = arg(args, 1, 'batch_size') ?? num(1);
  // batch_size=None: samples one by one, converted but not stacked (a PIL image passes through).
  if (bs.t === 'none') return loader(ds.sample);
  const failure = collateFailure(ds.sample);
  if (failure && failure !== 'unknown') return dataObject(ctx, site.r, { kind: 'loader', framework: 'torch', each: UNKNOWN_V, failure });
  const sampler = arg(args, 3, 'sampler');
  const batchSampler = arg(args, 4, 'batch_sampler');
  const custom = (sampler && sampler.t !== 'none') || (batchSampler && batchSampler.t !== 'none');
  const batch = custom ? BATCH : batchDim(bs, arg(args, 8, 'drop_last'), ds.length);
  const defaults: ScriptDefault[] = defaultsOf(bs);
  return loader(collate(ds.sample, batch, 'torch', defaults));
}
