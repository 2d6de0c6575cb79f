/**
 * Gluon and MXNet data: `gluon.data.vision` datasets, `ArrayDataset`, `transform_first` /
 * `transform`, `gluon.data.DataLoader` with the default batchify, and the `mx.io` iterators
 * `MNISTIter` and `ImageRecordIter`. Facts from MXNet 1.9's sources:
 * `gluon/data/vision/datasets.py` (MNIST/FashionMNIST images (28, 28, 1) uint8 HWC NDArrays,
 * CIFAR (32, 32, 3); labels int32 NumPy scalars; folder and record images decoded as 3 channels
 * with `flag=1`, 1 with `flag=0`), `gluon/data/dataset.py` (`ArrayDataset` gives the bare item
 * for one array), `gluon/data/dataloader.py` (`default_batchify_fn` stacks NDArrays and turns
 * NumPy values into NDArrays of their dtype; `last_batch` 'keep' leaves a short last batch,
 * 'discard' and 'rollover' do not) and `src/io/iter_mnist.cc` / `iter_image_recordio_2.cc`
 * (batches padded to `batch_size`; MNIST `(batch, 1, 28, 28)`, or `(batch, 784)` with `flat`).
 */
import { BATCH, ranked } from '../../shapes';
import type { Dim } from '../../types';
import type { EvaluatedArgs } from '../bind';
import { num, UNKNOWN_V, type ObjectValue, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { batchDim, collate, dataObject, dataOf, datasetOf, dataTensor, defaultsOf, firstDim, sliceFirst } from './data-objects';
import { provideBatch } from './symbols';

function arg(args: EvaluatedArgs, i: number, name: string): Value | undefined {
  return args.keywords.get(name) ?? args.positional[i];
}

const VISION: Record<string, { hwc: Dim[]; train: number | null; test: number | null }> = {
  MNIST: { hwc: [28, 28, 1], train: 60000, test: 10000 },
  FashionMNIST: { hwc: [28, 28, 1], train: 60000, test: 10000 },
  CIFAR10: { hwc: [32, 32, 3], train: 50000, test: 10000 },
  CIFAR100: { hwc: [32, 32, 3], train: 50000, test: 10000 },
  ImageFolderDataset: { hwc: [null, null, 3], train: null, test: null },
  ImageRecordDataset: { hwc: [null, null, 3], train: null, test: null },
};

export const GLUON_DATASETS = Object.keys(VISION).flatMap((n) => [`mxnet.gluon.data.vision.${n}`, `mxnet.gluon.data.vision.datasets.${n}`]);

function gluonDataset(ctx: ModelContext, site: CallSite, sample: Value, length: number | null): ObjectValue {
  return dataObject(ctx, site.r, { kind: 'dataset', framework: 'gluon', sample, length });
}

/** `gluon.data.vision.MNIST(root, train=True, transform=None)` and the other vision datasets. */
export function gluonVisionDataset(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value {
  const name = path.split('.').pop()!;
  const set = VISION[name];
  const folder = name === 'ImageFolderDataset' || name === 'ImageRecordDataset';
  const transform = arg(args, 2, 'transform');
  if (args.opaque || (transform && transform.t !== 'none')) return gluonDataset(ctx, site, UNKNOWN_V, null);
  let hwc = set.hwc;
  if (folder) {
    const flag = arg(args, 1, 'flag');
    const c = !flag ? 3 : flag.t === 'num' ? (flag.v === 0 ? 1 : 3) : null;
    hwc = [null, null, c];
  }
  const train = arg(args, 1, 'train');
  const length = folder ? null : !train || (train.t === 'bool' && train.v) ? set.train : train.t === 'bool' ? set.test : null;
  // Record labels are floats of the record header (a vector for multi-label records): unknown.
  const label = name === 'ImageRecordDataset' ? UNKNOWN_V : dataTensor([], folder ? 'numpy' : 'numpy', site.r, folder ? 'int64' : 'int32');
  return gluonDataset(ctx, site, { t: 'tuple', items: [dataTensor(hwc, 'mxnet', site.r, 'uint8'), label] }, length);
}

/** `ArrayDataset(*arrays)`: row i of each; the row itself for one array. */
export function arrayDataset(ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const arrays = args.opaque ? [] : args.positional;
  if (arrays.length === 0 || !arrays.every((a) => a.t === 'tensor')) return gluonDataset(ctx, site, UNKNOWN_V, null);
  const rows = arrays.map((a) => sliceFirst(a, a.t === 'tensor' ? a.lib : 'mxnet'));
  return gluonDataset(ctx, site, rows.length === 1 ? rows[0] : { t: 'tuple', items: rows }, firstDim(arrays[0]));
}

/** `dataset.transform_first(fn)` / `dataset.transform(fn)`. */
export function gluonTransformMethod(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  const d = dataOf(obj, 'dataset');
  if (!d || d.framework !== 'gluon') return undefined;
  const fn = arg(args, 0, 'fn');
  const sample = d.sample ?? UNKNOWN_V;
  const call = (xs: Value[]): Value => {
    const t = dataOf(fn, 'transform')?.apply;
    if (t) return xs.length === 1 ? t(xs[0]) : UNKNOWN_V;
    return fn?.t === 'func' ? ctx.host.callFunction(fn, { positional: xs, keywords: new Map(), opaque: false }) : UNKNOWN_V;
  };
  let out: Value;
  if (method === 'transform_first') {
    out = sample.t === 'tuple' && sample.items.length > 0 ? { t: 'tuple', items: [call([sample.items[0]]), ...sample.items.slice(1)] } : call([sample]);
  } else out = call(sample.t === 'tuple' ? sample.items : [sample]);
  return gluonDataset(ctx, site, out, d.length ?? null);
}

/** `gluon.data.DataLoader(dataset, batch_size, shuffle, sampler, last_batch='keep', batch_sampler, batchify_fn)`. */
export function gluonDataLoader(ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const ds = args.opaque ? null : datasetOf(ctx, arg(args, 0, 'dataset'));
  const batchify = arg(args, 6, 'batchify_fn');
  const loader = (each: Value) => dataObject(ctx, site.r, { kind: 'loader', framework: 'gluon', each });
  if (!ds || (batchify && batchify.t !== 'none')) return loader(UNKNOWN_V);
  const bs = arg(args, 1, 'batch_size');
  const last = arg(args, 4, 'last_batch');
  const full = last?.t === 'str' && (last.v === 'discard' || last.v === 'rollover');
  const custom = [arg(args, 3, 'sampler'), arg(args, 5, 'batch_sampler')].some((s) => s && s.t !== 'none');
  const batch = custom ? BATCH : batchDim(bs, { t: 'bool', v: full }, ds.length);
  return loader(collate(ds.sample, batch, 'mxnet', defaultsOf(bs)));
}

/** `mx.io.MNISTIter(image, label, batch_size=128, shuffle, flat=False)`: padded batches. */
export function mnistIter(ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const obj = ctx.containers.newObject(null, null, site.r, null);
  const bs = args.keywords.get('batch_size') ?? num(128);
  const flat = args.keywords.get('flat');
  if (bs.t !== 'num' || (flat && flat.t !== 'bool')) return obj;
  provideBatch(ctx, obj, 'data', ranked(flat?.t === 'bool' && flat.v ? [bs.v, 784] : [bs.v, 1, 28, 28]), ranked([bs.v]));
  return obj;
}

/** `mx.io.ImageRecordIter(path_imgrec, data_shape=(3, 224, 224), batch_size=…)`. */
export function imageRecordIter(ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const obj = ctx.containers.newObject(null, null, site.r, null);
  const bs = args.keywords.get('batch_size');
  const shape = args.keywords.get('data_shape');
  if (bs?.t !== 'num' || !shape || (shape.t !== 'tuple' && shape.t !== 'list') || !shape.items.every((i) => i.t === 'num')) return obj;
  const width = args.keywords.get('label_width');
  const label = !width || (width.t === 'num' && width.v === 1) ? ranked([bs.v]) : width.t === 'num' ? ranked([bs.v, width.v]) : null;
  provideBatch(ctx, obj, 'data', ranked([bs.v, ...shape.items.map((i) => (i as { v: number }).v)]), label);
  return obj;
}
