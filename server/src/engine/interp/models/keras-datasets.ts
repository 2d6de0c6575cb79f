/**
 * Keras and TensorFlow data: `keras.datasets.*.load_data()`, `to_categorical`,
 * `pad_sequences`, `tf.data.Dataset` pipelines, `image_dataset_from_directory` and
 * `ImageDataGenerator.flow`/`flow_from_directory`. Facts from Keras 3's sources:
 * `keras/src/datasets/*.py` (shapes, dtypes, split sizes; cifar's labels reshaped to (N, 1),
 * images transposed to channels_last unless the configured image data format is channels_first),
 * `utils/numerical_utils.py` (`to_categorical` drops a trailing axis of 1 and appends
 * num_classes), `utils/sequence_utils.py` (`pad_sequences`: (len, maxlen), int32),
 * `utils/image_dataset_utils.py` (images float32 (batch, h, w, channels); labels int32 (batch,),
 * binary float32 (batch, 1), categorical float32 (batch, classes)) and the legacy
 * `preprocessing/image.py` iterators of Keras 2 / tf.keras 2 (float32 batches; Keras 3 removed
 * `ImageDataGenerator`).
 */
import { BATCH } from '../../shapes';
import type { Dim } from '../../types';
import type { EvaluatedArgs } from '../bind';
import { num, UNKNOWN_V, type ObjectValue, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { batchDim, collate, dataObject, dataOf, dataTensor, defaultsOf, firstDim, iterationItem, sliceFirst } from './data-objects';
import { dtypeName } from './dtypes';

function arg(args: EvaluatedArgs, i: number, name: string): Value | undefined {
  return args.keywords.get(name) ?? args.positional[i];
}

function int(v: Value | undefined): number | null {
  return v && v.t === 'num' && Number.isInteger(v.v) ? v.v : null;
}

// ------------------------------------------------------------ keras.datasets

interface KerasSet {
  /** Sample shape (after the first axis), by the image data format for images. */
  x: (channelsFirst: boolean) => Dim[];
  xDtype?: string;
  y: Dim[];
  yDtype?: string;
  /** Train and test sizes with the default arguments. */
  sizes: (args: EvaluatedArgs) => [number | null, number | null];
}

/** `test_split` datasets: the first `int(len * (1 - test_split))` samples train. */
function splitSizes(total: number, dflt: number, index: number) {
  return (args: EvaluatedArgs): [number | null, number | null] => {
    const s = arg(args, index, 'test_split');
    const split = !s ? dflt : s.t === 'num' ? s.v : null;
    if (split === null || args.keywords.has('maxlen')) return [null, null];
    const train = Math.trunc(total * (1 - split));
    return [train, total - train];
  };
}

const fixed = (train: number, test: number) => () => [train, test] as [number, number];

const KERAS_SETS: Record<string, KerasSet> = {
  mnist: { x: () => [28, 28], xDtype: 'uint8', y: [], yDtype: 'uint8', sizes: fixed(60000, 10000) },
  fashion_mnist: { x: () => [28, 28], xDtype: 'uint8', y: [], yDtype: 'uint8', sizes: fixed(60000, 10000) },
  cifar10: { x: (cf) => (cf ? [3, 32, 32] : [32, 32, 3]), xDtype: 'uint8', y: [1], yDtype: 'uint8', sizes: fixed(50000, 10000) },
  // cifar100's labels are a Python list reshaped by NumPy: int64.
  cifar100: { x: (cf) => (cf ? [3, 32, 32] : [32, 32, 3]), xDtype: 'uint8', y: [1], yDtype: 'int64', sizes: fixed(50000, 10000) },
  // Ragged sequences of word indices: object arrays of unknown sequence length.
  imdb: { x: () => [], xDtype: 'object', y: [], sizes: (args) => (arg(args, 6, 'maxlen') && arg(args, 6, 'maxlen')!.t !== 'none' ? [null, null] : [25000, 25000]) },
  reuters: { x: () => [], xDtype: 'object', y: [], sizes: splitSizes(11228, 0.2, 5) },
  boston_housing: { x: () => [13], xDtype: 'float64', y: [], yDtype: 'float64', sizes: splitSizes(506, 0.2, 1) },
};

export const KERAS_DATASET_LOADERS = Object.keys(KERAS_SETS).map((n) => `keras.datasets.${n}.load_data`);

/** `(x_train, y_train), (x_test, y_test) = keras.datasets.X.load_data()`. */
export function kerasLoadData(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value {
  const set = KERAS_SETS[path.split('.')[2]];
  if (args.opaque) return UNKNOWN_V;
  const cf = ctx.host.options.kerasDataFormat === 'channels_first';
  const split = (n: number | null): Value => ({
    t: 'tuple',
    items: [dataTensor(n === null ? null : [n, ...set.x(cf)], 'numpy', site.r, set.xDtype), dataTensor(n === null ? null : [n, ...set.y], 'numpy', site.r, set.yDtype)],
  });
  const [train, test] = set.sizes(args);
  return { t: 'tuple', items: [split(train), split(test)] };
}

/**
 * `to_categorical(y, num_classes)`: y's shape without a trailing axis of 1, plus num_classes.
 * Keras 1's `np_utils` flattens instead, which agrees for (N,) and (N, 1) only: other ranks are unknown.
 */
export function toCategorical(_ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const y = arg(args, 0, 'y') ?? args.keywords.get('x');
  const n = arg(args, 1, 'num_classes') ?? args.keywords.get('nb_classes');
  const classes: Dim = int(n);
  let rows: Dim | undefined;
  if (y?.t === 'list' || y?.t === 'tuple') rows = y.items.length;
  else if (y?.t === 'tensor' && y.shape && !y.shape.open) {
    const d = y.shape.dims;
    if (d.length === 1 || (d.length === 2 && d[1] === 1)) rows = d[0];
  }
  if (rows === undefined) return dataTensor(null, 'numpy', site.r);
  return dataTensor([rows, classes], 'numpy', y?.t === 'tensor' ? y.origin : site.r, undefined, defaultsOf(y, n));
}

/** `pad_sequences(sequences, maxlen=None, dtype='int32', ...)`: (len(sequences), maxlen). */
export function padSequences(_ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const seqs = arg(args, 0, 'sequences');
  const rows: Dim = seqs?.t === 'list' || seqs?.t === 'tuple' ? seqs.items.length : firstDim(seqs);
  const maxlen = arg(args, 1, 'maxlen');
  const dtype = dtypeName(arg(args, 2, 'dtype')) ?? (arg(args, 2, 'dtype') ? undefined : 'int32');
  return dataTensor([rows, int(maxlen)], 'numpy', site.r, dtype, defaultsOf(maxlen));
}

// ------------------------------------------------------------ tf.data

function tfDataset(ctx: ModelContext, site: CallSite, each: Value, length: number | null, batched: boolean): ObjectValue {
  return dataObject(ctx, site.r, { kind: 'dataset', framework: 'keras', each, sample: undefined, length, batched });
}

/** Elements of a tf.data dataset are TensorFlow tensors (the Keras tensor family here). */
function asTf(v: Value, depth = 0): Value {
  if (depth > 4) return UNKNOWN_V;
  if (v.t === 'tensor') return { ...v, lib: 'keras' };
  if (v.t === 'tuple' || v.t === 'list') return { t: 'tuple', items: v.items.map((x) => asTf(x, depth + 1)) };
  if (v.t === 'dict') return { t: 'dict', entries: v.entries.map(([k, x]) => [k, asTf(x, depth + 1)] as [Value, Value]) };
  return v;
}

/** `tf.data.Dataset.from_tensor_slices(x)` / `from_tensors(x)`. */
export function tfFromTensors(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value {
  const x = args.opaque ? UNKNOWN_V : (arg(args, 0, 'tensors') ?? UNKNOWN_V);
  if (path.endsWith('from_tensors')) return tfDataset(ctx, site, asTf(x), 1, false);
  const first = x.t === 'tensor' ? x : x.t === 'tuple' || x.t === 'list' ? x.items[0] : x.t === 'dict' ? x.entries[0]?.[1] : undefined;
  return tfDataset(ctx, site, asTf(sliceFirst(x, 'keras')), firstDim(first), false);
}

/** Calls a user function on a dataset element, unpacked as tf.data does for tuples. */
function mapElement(ctx: ModelContext, fn: Value | undefined, element: Value): Value {
  if (!fn) return UNKNOWN_V;
  const t = dataOf(fn, 'transform')?.apply;
  if (t) return t(element);
  if (fn.t !== 'func') return UNKNOWN_V;
  const positional = element.t === 'tuple' ? element.items : [element];
  return ctx.host.callFunction(fn, { positional, keywords: new Map(), opaque: false });
}

/** Dataset methods: `batch`, `map`, `unbatch`, and those that keep the element (`shuffle`, `prefetch`, …). */
export const TF_DATASET_METHODS = ['batch', 'map', 'unbatch', 'shuffle', 'prefetch', 'cache', 'repeat', 'take', 'skip', 'filter', 'with_options', 'shard', 'apply', 'padded_batch'];

export function tfDatasetMethod(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  const d = dataOf(obj, 'dataset');
  if (!d || d.framework !== 'keras') return undefined;
  const element = iterationItem(obj)!;
  switch (method) {
    case 'batch': {
      const bs = arg(args, 0, 'batch_size');
      const batch = batchDim(bs, arg(args, 1, 'drop_remainder'), d.length);
      const n = int(bs);
      const length = d.length != null && n ? Math.ceil(d.length / n) : null;
      return tfDataset(ctx, site, asTf(collate(element, batch, 'keras', defaultsOf(bs))), length, true);
    }
    case 'unbatch':
      return tfDataset(ctx, site, sliceFirst(element, 'keras'), null, false);
    case 'map':
      return tfDataset(ctx, site, asTf(mapElement(ctx, arg(args, 0, 'map_func'), element)), d.length ?? null, !!d.batched);
    case 'shuffle':
    case 'prefetch':
    case 'cache':
    case 'with_options':
      return tfDataset(ctx, site, element, d.length ?? null, !!d.batched);
    case 'repeat':
    case 'take':
    case 'skip':
    case 'filter':
    case 'shard':
      return tfDataset(ctx, site, element, null, !!d.batched);
    default:
      return tfDataset(ctx, site, UNKNOWN_V, null, false);
  }
}

/** `tf.image.resize(images, size)`: (h, w, c) or (n, h, w, c) with the new size, float32. */
export function tfImageResize(_ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const x = arg(args, 0, 'images');
  const size = arg(args, 1, 'size');
  const hw = size && (size.t === 'tuple' || size.t === 'list') && size.items.length === 2 ? size.items.map(int) : null;
  const pad = args.keywords.get('preserve_aspect_ratio');
  if (!x || x.t !== 'tensor' || !x.shape || x.shape.open || !hw || (pad && !(pad.t === 'bool' && !pad.v))) return dataTensor(null, 'keras', site.r);
  const d = x.shape.dims;
  if (d.length !== 3 && d.length !== 4) return dataTensor(null, 'keras', site.r);
  return dataTensor([...d.slice(0, -3), hw[0], hw[1], d[d.length - 1]], 'keras', x.origin, 'float32', defaultsOf(x, size));
}

/** `tf.cast(x, dtype)`: same shape. */
export function tfCast(_ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const x = arg(args, 0, 'x');
  if (!x || x.t !== 'tensor') return dataTensor(null, 'keras', site.r);
  return dataTensor(x.shape && !x.shape.open ? x.shape.dims : null, 'keras', x.origin, dtypeName(arg(args, 1, 'dtype')), x.defaults);
}

/** `tf.one_hot(indices, depth)`: indices' shape plus depth, float32. */
export function tfOneHot(_ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const x = arg(args, 0, 'indices');
  const depth = int(arg(args, 1, 'depth'));
  if (!x || x.t !== 'tensor' || !x.shape || x.shape.open || args.keywords.has('axis')) return dataTensor(null, 'keras', site.r);
  return dataTensor([...x.shape.dims, depth], 'keras', x.origin, args.keywords.has('dtype') ? undefined : 'float32', x.defaults);
}

// ------------------------------------------------------------ directories and generators

function channels(mode: Value | undefined): Dim {
  const m = !mode ? 'rgb' : mode.t === 'str' ? mode.v : null;
  return m === 'grayscale' ? 1 : m === 'rgb' ? 3 : m === 'rgba' ? 4 : null;
}

function pair(v: Value | undefined, dflt: [number, number]): [Dim, Dim] {
  if (!v) return dflt;
  if ((v.t === 'tuple' || v.t === 'list') && v.items.length === 2) return [int(v.items[0]), int(v.items[1])];
  return [null, null];
}

function image(ctx: ModelContext, h: Dim, w: Dim, c: Dim): Dim[] {
  return ctx.host.options.kerasDataFormat === 'channels_first' ? [c, h, w] : [h, w, c];
}

/** `image_dataset_from_directory(directory, labels, label_mode='int', class_names, color_mode='rgb', batch_size=32, image_size=(256, 256), …)`. */
export function imageDatasetFromDirectory(ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  if (args.opaque) return UNKNOWN_V;
  const bs = arg(args, 5, 'batch_size') ?? num(32);
  const batched = bs.t !== 'none';
  const b: Dim[] = batched ? [BATCH] : [];
  const sizeArg = arg(args, 6, 'image_size');
  const [h, w] = pair(sizeArg, [256, 256]);
  // Images are always resized to image_size (always channels last in tf.data).
  const x = dataTensor([...b, h, w, channels(arg(args, 4, 'color_mode'))], 'keras', site.r, 'float32', defaultsOf(sizeArg));
  const labels = arg(args, 1, 'labels');
  const mode = arg(args, 2, 'label_mode');
  const modeName = !mode ? 'int' : mode.t === 'str' ? mode.v : mode.t === 'none' ? null : undefined;
  const classNames = arg(args, 3, 'class_names');
  const classes: Dim = classNames && (classNames.t === 'list' || classNames.t === 'tuple') ? classNames.items.length : null;
  let y: Value | null;
  if ((labels && labels.t === 'none') || modeName === null) y = null;
  else if (modeName === 'int') y = dataTensor(b, 'keras', site.r, 'int32');
  else if (modeName === 'binary') y = dataTensor([...b, 1], 'keras', site.r, 'float32');
  else if (modeName === 'categorical') y = dataTensor([...b, classes], 'keras', site.r, 'float32');
  else y = UNKNOWN_V;
  const ds = () => tfDataset(ctx, site, y ? { t: 'tuple', items: [x, y] } : x, null, batched);
  const subset = arg(args, 9, 'subset') ?? args.keywords.get('subset');
  return subset?.t === 'str' && subset.v === 'both' ? { t: 'list', items: [ds(), ds()] } : ds();
}

/** `ImageDataGenerator(...)`: its `flow` and `flow_from_directory` make the iterators. */
export function imageDataGenerator(ctx: ModelContext, _path: string, _args: EvaluatedArgs, site: CallSite): Value {
  return dataObject(ctx, site.r, { kind: 'generator', framework: 'keras' });
}

export function generatorFlow(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  if (!dataOf(obj, 'generator')) return undefined;
  const it = (each: Value) => dataObject(ctx, site.r, { kind: 'iterator', framework: 'keras', each, batched: true });
  if (method === 'flow') {
    // NumpyArrayIterator: x as float32 batches, y batches keep y's dtype.
    const x = arg(args, 0, 'x');
    const y = arg(args, 1, 'y');
    const batchOf = (v: Value | undefined, dtype?: string) =>
      v?.t === 'tensor' && v.shape && !v.shape.open ? dataTensor([BATCH, ...v.shape.dims.slice(1)], 'numpy', v.origin, dtype ?? v.dtype, v.defaults) : UNKNOWN_V;
    const bx = batchOf(x, 'float32');
    return it(!y || y.t === 'none' ? bx : { t: 'tuple', items: [bx, batchOf(y)] });
  }
  if (method !== 'flow_from_directory') return undefined;
  const sizeArg = arg(args, 1, 'target_size');
  const [h, w] = pair(sizeArg, [256, 256]);
  const x = dataTensor([BATCH, ...image(ctx, h, w, channels(arg(args, 2, 'color_mode')))], 'numpy', site.r, 'float32', defaultsOf(sizeArg));
  const modeArg = arg(args, 4, 'class_mode');
  const mode = !modeArg ? 'categorical' : modeArg.t === 'str' ? modeArg.v : modeArg.t === 'none' ? null : undefined;
  const classesArg = arg(args, 3, 'classes');
  const classes: Dim = classesArg && (classesArg.t === 'list' || classesArg.t === 'tuple') ? classesArg.items.length : null;
  if (mode === null) return it(x);
  if (mode === 'input') return it({ t: 'tuple', items: [x, x] });
  const y =
    mode === 'categorical' ? dataTensor([BATCH, classes], 'numpy', site.r, 'float32')
    : mode === 'binary' || mode === 'sparse' ? dataTensor([BATCH], 'numpy', site.r, 'float32')
    : UNKNOWN_V;
  return it({ t: 'tuple', items: [x, y] });
}
