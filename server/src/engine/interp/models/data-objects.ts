/**
 * Data objects: the datasets, loaders, transforms, images and parsers that input sources
 * create. They are model-layer objects (`ObjectValue` with a `data` part) whose meaning is what
 * the code can do with them: index one sample (`ds[0]`), iterate batches (`for x, y in loader`,
 * `enumerate(loader)`, `next(iter(loader))`), call a transform on an image, read `len(ds)`.
 *
 * A sample or batch is an ordinary value: a tensor (with its shape and, when the library fixes
 * it, its dtype), or a tuple/list/dict of them. Labels travel with the data this way, so a loss
 * or `fit` call sees the target's shape and dtype. What the code does not show stays unknown:
 * a loader's batch dim is its `batch_size` only when every batch has it (`drop_last=True`, or a
 * known length it divides); otherwise it is the batch symbol, never a number the last batch may
 * not have.
 */
import type { TensorLib } from '../../layers/types';
import { BATCH, ranked } from '../../shapes';
import type { Dim, Framework, TextRange } from '../../types';
import type { EvaluatedArgs } from '../bind';
import { num, tensorVal, UNKNOWN_V, type ObjectValue, type ScriptDefault, type TensorVal, type Value } from '../values';
import type { ModelContext } from './context';
import { safely } from './support';

export type DataKind = 'dataset' | 'loader' | 'iterator' | 'generator' | 'transform' | 'image' | 'parser' | 'namespace' | 'option' | 'failure' | 'device';

/** An error the library raises when a sample is made or a batch collated, in its own words. */
export interface DataFailure {
  message: string;
  explanation: string[];
}

export interface DataObject {
  kind: DataKind;
  framework: Framework | null;
  /** `obj[i]`: one sample of a map-style dataset (one batch of a Keras Sequence). */
  sample?: Value;
  /** One item of iterating the object (a loader's batch); the sample when absent. */
  each?: Value;
  /** `len(obj)` when the library fixes it. */
  length?: number | null;
  /** A transform: what calling it does to a value (unknown when it cannot tell). */
  apply?: (v: Value) => Value;
  /** A PIL image before `ToTensor` (torchvision), height, width and channels. */
  image?: { h: Dim; w: Dim; c: Dim; defaults?: readonly ScriptDefault[]; mayRaise?: boolean };
  /** Parsers and click options: the options' defaults by destination name. */
  options?: Map<string, Value>;
  /** A click option: the parameter it fills. */
  dest?: string;
  /** tf.data: whether the elements are batches (so `unbatch` removes the batch axis). */
  batched?: boolean;
  /**
   * Kind `failure`: the value a transform gave where the library raises. On a dataset, loader or
   * iterator: reading an item raises it (reported where the code reads one: the `for` over the
   * loader, `next(...)`).
   */
  failure?: DataFailure;
}

/** A new data object created at `range`. */
export function dataObject(ctx: ModelContext, range: TextRange, data: DataObject): ObjectValue {
  const obj = ctx.containers.newObject(null, null, range, null);
  obj.data = data;
  return obj;
}

export function dataOf(v: Value | undefined, kind?: DataKind): DataObject | null {
  if (!v || v.t !== 'object' || !v.data) return null;
  return !kind || v.data.kind === kind ? v.data : null;
}

/** What one iteration of `v` gives, or null when `v` is no data object. */
export function iterationItem(v: Value): Value | null {
  const d = dataOf(v);
  if (!d) return null;
  if (d.failure) return UNKNOWN_V;
  return d.each ?? d.sample ?? UNKNOWN_V;
}

/** One item read from `v` at `range` (a `for` over it, `next(it)`): a failure the library raises there is reported. */
export function readItem(ctx: ModelContext, v: Value, range: TextRange): Value | null {
  const failure = dataOf(v)?.failure;
  if (failure && dataOf(v)?.kind !== 'failure') reportFailure(ctx, failure, range);
  return iterationItem(v);
}

/**
 * Failures already reported, per analysis: Python stops at the first read that raises, so later
 * reads of the same pipeline (a loop after `ds[0]`, a dataset and its loader) are never reached.
 */
const reportedFailures = new WeakMap<ModelContext, WeakSet<DataFailure>>();

function reportFailure(ctx: ModelContext, failure: DataFailure, range: TextRange): void {
  const run = ctx.runs.currentRun();
  const seen = reportedFailures.get(ctx) ?? new WeakSet<DataFailure>();
  reportedFailures.set(ctx, seen);
  if (seen.has(failure)) return;
  if (!run.dry) seen.add(failure);
  ctx.diagnostics.report(run, { rule: 'invalid-argument', message: failure.message, explanation: failure.explanation }, null, range, null, 'torch');
}

/** A value a transform gave where the library raises (`RandomCrop` larger than the image). */
export function failedValue(ctx: ModelContext, range: TextRange, failure: DataFailure): ObjectValue {
  return dataObject(ctx, range, { kind: 'failure', framework: 'torch', failure });
}

/** The first failure in a sample (items in order), or null; an unknown before it could raise first, so it hides it. */
export function failureIn(v: Value, depth = 0): DataFailure | null {
  const d = dataOf(v);
  if (d?.kind === 'failure') return d.failure ?? null;
  if (depth > 4) return null;
  const items = v.t === 'tuple' || v.t === 'list' ? v.items : v.t === 'dict' ? v.entries.map(([, x]) => x) : [];
  for (const item of items) {
    const f = failureIn(item, depth + 1);
    if (f) return f;
    if (item.t === 'unknown') return null;
  }
  return null;
}

/** While a user dataset's `__getitem__` runs to find its sample: a failure is the sample's, raised when the loader reads it. */
let sampling = 0;

/**
 * `obj[i]` on a data object. A dataset runs its transforms in `__getitem__`, so a sample that
 * raises (`RandomCrop` larger than the image) raises here; inside another dataset's
 * `__getitem__` it becomes that dataset's failing sample. (PIL samples index fine: only the
 * loader's collate rejects them.)
 */
export function dataIndex(ctx: ModelContext, obj: ObjectValue, range: TextRange): Value | undefined {
  if (!obj.data) return undefined;
  const failure = obj.data.kind === 'dataset' ? obj.data.failure : undefined;
  if (!failure) return obj.data.sample ?? UNKNOWN_V;
  if (sampling > 0) return failedValue(ctx, range, failure);
  reportFailure(ctx, failure, range);
  return UNKNOWN_V;
}

/** Calling a data object (a transform on an image); a transform that raises on it is reported at the call. */
export function dataCall(ctx: ModelContext, obj: ObjectValue, args: EvaluatedArgs, range: TextRange): Value | undefined {
  if (!obj.data) return undefined;
  const f = obj.data.apply;
  const x = args.positional[0];
  const out = f && x ? safely(() => f(x), UNKNOWN_V) : UNKNOWN_V;
  const failure = dataOf(out, 'failure')?.failure;
  if (!failure || sampling > 0) return out;
  reportFailure(ctx, failure, range);
  return UNKNOWN_V;
}

/**
 * Built-ins over data objects: `enumerate(loader)`, `iter(loader)`, `next(it)`, `len(ds)`,
 * `vars(args)`. Undefined when the argument is no data object (the interpreter's own built-ins run).
 */
export function dataBuiltin(ctx: ModelContext, name: string, args: Value[], range: TextRange): Value | undefined {
  const [a] = args;
  const d = dataOf(a);
  if (!d || a.t !== 'object') return undefined;
  switch (name) {
    case 'enumerate':
      // The counter's value is not known in a loop over an unknown number of batches.
      return dataObject(ctx, range, { kind: 'iterator', framework: d.framework, each: { t: 'tuple', items: [UNKNOWN_V, iterationItem(a)!] }, ...failureOf(d) });
    case 'iter':
      return dataObject(ctx, range, { kind: 'iterator', framework: d.framework, each: iterationItem(a)!, ...failureOf(d) });
    case 'next':
      return readItem(ctx, a, range)!;
    case 'len':
      return typeof d.length === 'number' ? num(d.length) : UNKNOWN_V;
    case 'vars':
      return d.kind === 'namespace' ? { t: 'dict', entries: [...a.attrs].map(([k, v]) => [{ t: 'str', v: k }, v] as [Value, Value]) } : UNKNOWN_V;
    default:
      return undefined;
  }
}

function failureOf(d: DataObject): { failure?: DataFailure } {
  return d.failure && d.kind !== 'failure' ? { failure: d.failure } : {};
}

// ------------------------------------------------------------ samples and batches

/** A tensor of the data (a sample's image, a label), with its dtype when the library fixes it. */
export function dataTensor(shape: Dim[] | null, lib: TensorLib, origin: TextRange | null, dtype?: string, defaults?: readonly ScriptDefault[]): TensorVal {
  const t = tensorVal(shape ? ranked(shape) : null, lib, null, origin);
  if (dtype) t.dtype = dtype;
  if (defaults && defaults.length) t.defaults = defaults;
  return t;
}

/** Script defaults of a value read by a source (`batch_size=args.batch_size`). */
export function defaultsOf(...vs: (Value | undefined)[]): ScriptDefault[] {
  const out: ScriptDefault[] = [];
  const visit = (v: Value | undefined, depth: number) => {
    if (!v || depth > 4) return;
    if (v.t === 'num' && v.defaults) out.push(...v.defaults);
    else if (v.t === 'tuple' || v.t === 'list') for (const i of v.items.slice(0, 8)) visit(i, depth + 1);
    else if (v.t === 'tensor' && v.defaults) out.push(...v.defaults);
  };
  for (const v of vs) visit(v, 0);
  return dedupe(out);
}

export function dedupe(ds: readonly ScriptDefault[]): ScriptDefault[] {
  const seen = new Set<string>();
  return ds.filter((d) => (seen.has(d.text) ? false : (seen.add(d.text), true)));
}

/**
 * The batch dim of a loader: `batch_size` when every batch has it (the last one is dropped, or
 * a known length is a multiple of it), else the batch symbol.
 */
export function batchDim(batchSize: Value | undefined, dropLast: Value | undefined, length: number | null | undefined): Dim {
  if (!batchSize || batchSize.t !== 'num' || !Number.isInteger(batchSize.v) || batchSize.v <= 0) return BATCH;
  if (dropLast?.t === 'bool' && dropLast.v) return batchSize.v;
  if (typeof length === 'number' && length > 0 && length % batchSize.v === 0) return batchSize.v;
  return BATCH;
}

/**
 * A batch of samples as a collate function stacks them: tensors gain a leading batch axis;
 * Python ints become `intDtype` vectors, floats `float64` ones (PyTorch's `default_collate`,
 * Gluon's `default_batchify_fn`); tuples, lists and dicts are collated item by item. Anything
 * else (a PIL image, a string, an unknown) is unknown.
 */
export function collate(sample: Value, batch: Dim, lib: TensorLib, defaults: readonly ScriptDefault[], depth = 0): Value {
  if (depth > 4) return UNKNOWN_V;
  const extra = typeof batch === 'number' ? defaults : [];
  if (sample.t === 'tensor') {
    const shape = sample.shape && !sample.shape.open ? [batch, ...sample.shape.dims] : null;
    return dataTensor(shape, lib, sample.origin, sample.dtype, dedupe([...(sample.defaults ?? []), ...extra]));
  }
  if (sample.t === 'num') return dataTensor([batch], lib, null, sample.isFloat ? 'float64' : 'int64', extra);
  if (sample.t === 'bool') return dataTensor([batch], lib, null, 'bool', extra);
  if (sample.t === 'tuple' || sample.t === 'list') {
    // PyTorch returns a list for a tuple sample; unpacking treats both alike.
    return { t: 'list', items: sample.items.map((i) => collate(i, batch, lib, defaults, depth + 1)) };
  }
  if (sample.t === 'dict') return { t: 'dict', entries: sample.entries.map(([k, v]) => [k, collate(v, batch, lib, defaults, depth + 1)] as [Value, Value]) };
  return UNKNOWN_V;
}

/** One item of a sample: a tensor without its first axis (`TensorDataset`, `from_tensor_slices`). */
export function sliceFirst(v: Value, lib: TensorLib, depth = 0): Value {
  if (depth > 4) return UNKNOWN_V;
  if (v.t === 'tensor') {
    const shape = v.shape && !v.shape.open && v.shape.dims.length > 0 ? v.shape.dims.slice(1) : null;
    return dataTensor(shape, lib, v.origin, v.dtype, v.defaults);
  }
  if (v.t === 'tuple' || v.t === 'list') return { t: 'tuple', items: v.items.map((i) => sliceFirst(i, lib, depth + 1)) };
  if (v.t === 'dict') return { t: 'dict', entries: v.entries.map(([k, x]) => [k, sliceFirst(x, lib, depth + 1)] as [Value, Value]) };
  return UNKNOWN_V;
}

/** The first dim of a tensor when it is a number (a dataset's length). */
export function firstDim(v: Value | undefined): number | null {
  if (!v || v.t !== 'tensor' || !v.shape || v.shape.open) return null;
  const d = v.shape.dims[0];
  return typeof d === 'number' ? d : null;
}

/**
 * The sample of a user dataset class (`__getitem__` run on index 0: every sample a loader stacks
 * has the same shape, or collation raises) and its length (`__len__`), or null.
 */
export function userSample(ctx: ModelContext, v: Value): { sample: Value; length: number | null } | null {
  if (v.t !== 'object' || !v.cls || v.framework) return null;
  const get = ctx.host.findClassAttr(v.cls, '__getitem__');
  if (!get || get.value.t !== 'func') return null;
  const call = (fn: Value, args: Value[]) =>
    fn.t === 'func' ? ctx.host.callFunction({ ...fn, self: v, owner: get.owner }, { positional: args, keywords: new Map(), opaque: false }) : UNKNOWN_V;
  sampling++;
  let sample: Value;
  try {
    sample = call(get.value, [num(0)]);
  } finally {
    sampling--;
  }
  const len = ctx.host.findClassAttr(v.cls, '__len__');
  const n = len ? call(len.value, []) : UNKNOWN_V;
  return { sample, length: n.t === 'num' && Number.isInteger(n.v) ? n.v : null };
}

/** Sample and length of any dataset value (a data object, a user dataset class), with the failure reading a sample raises; or null. */
export function datasetOf(ctx: ModelContext, v: Value | undefined): { sample: Value; length: number | null; failure?: DataFailure } | null {
  if (!v) return null;
  const d = dataOf(v, 'dataset');
  if (d) return { sample: d.sample ?? UNKNOWN_V, length: d.length ?? null, ...failureOf(d) };
  const user = userSample(ctx, v);
  const failure = user && failureIn(user.sample);
  return user && failure ? { sample: UNKNOWN_V, length: user.length, failure } : user;
}

/** A dataset data object whose sample may hold a transform's failure: then reading any sample raises it. */
export function datasetObject(ctx: ModelContext, range: TextRange, framework: Framework, sample: Value, length: number | null, failure?: DataFailure | null): ObjectValue {
  const f = failure ?? failureIn(sample);
  return dataObject(ctx, range, f ? { kind: 'dataset', framework, sample: UNKNOWN_V, length, failure: f } : { kind: 'dataset', framework, sample, length });
}

/**
 * PyTorch's `default_collate` on a sample: a PIL image (a torchvision dataset without
 * `ToTensor`/`PILToTensor`) raises its TypeError; only when every item before it is one the
 * collate takes (tensors, numbers, tuples, lists, dicts).
 */
export function collateFailure(sample: Value, depth = 0): DataFailure | null | 'unknown' {
  const image = dataOf(sample, 'image')?.image;
  // A transform of an image of unknown size may have raised first (`mayRaise`): nothing is certain then.
  if (image?.mayRaise) return 'unknown';
  if (image) {
    return {
      message: "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found <class 'PIL.Image.Image'>",
      explanation: [
        'The dataset gives PIL images (its transform has no ToTensor() or PILToTensor()), and the DataLoader\'s default collate stacks only tensors, arrays and numbers.',
        'Add transforms.ToTensor() (or PILToTensor()) to the dataset\'s transform.',
      ],
    };
  }
  if (sample.t === 'tensor' || sample.t === 'num' || sample.t === 'bool') return null;
  if (depth > 4) return 'unknown';
  const items = sample.t === 'tuple' || sample.t === 'list' ? sample.items : sample.t === 'dict' ? sample.entries.map(([, x]) => x) : null;
  if (!items) return 'unknown';
  for (const item of items) {
    const f = collateFailure(item, depth + 1);
    if (f) return f;
  }
  return null;
}

/**
 * The batches a Keras `fit`/`evaluate`/`predict` reads from a data object or a
 * `keras.utils.Sequence` instance: `(x, y)` when the element is a pair, or `x` alone.
 * Exported for the target checks: the label batch of `model.fit(train_ds)` is `y`.
 */
export function kerasBatches(ctx: ModelContext, v: Value | undefined): { x: Value; y: Value | null } | null {
  if (!v || v.t !== 'object') return null;
  const d = dataOf(v);
  const element = d ? iterationItem(v) : userSample(ctx, v)?.sample;
  if (!element) return null;
  if ((element.t === 'tuple' || element.t === 'list') && element.items.length >= 1) return { x: element.items[0], y: element.items[1] ?? null };
  return { x: element, y: null };
}
