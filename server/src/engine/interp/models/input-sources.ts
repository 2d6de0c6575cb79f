/**
 * Input sources: every way the code can show a model's input shape, one entry each.
 *
 * An entry names the source, says in one line what it reads, and lists its hooks, the places
 * in the model layer where it is consulted:
 *  - `call`:           a call of a qualified function (`torchsummary.summary(model, …)`);
 *  - `method`:         a method called on a model object (`model.build(…)`, `mod.bind(…)`);
 *  - `tensor-method`:  a method called on a tensor or symbol (`sym.infer_shape(…)`);
 *  - `model-call`:     a model object called like a function (`model(x)`);
 *  - `layer-args`:     a layer's constructor arguments (`Dense(8, input_shape=(4,))`);
 *  - `container-item`: the first item added to a container (`Sequential([Input((4,)), …])`);
 *  - `declared`:       at the end of the module, for a model no code has run.
 *
 * Adding a source is adding an entry to `INPUT_SOURCES` (a new hook kind also needs its one
 * dispatch function below and a call of it at the hook's place). A source learns a shape, and
 * either runs the model on it at once (`ctx.runs.topLevelRun`) or records it on the model object
 * for the `declared` hooks. A source never guesses: when a dim is not written it stays unknown.
 */
import { ranked } from '../../shapes';
import type { Dim, KerasVersionProbe, Shape, TextRange } from '../../types';
import type { Bound, EvaluatedArgs } from '../bind';
import { versionedKerasInput } from '../../layers/keras/index';
import { isTensor, UNKNOWN, type ArgValue } from '../../layers/types';
import { tensorVal, UNKNOWN_V, type ObjectValue, type TensorVal, type Value } from '../values';
import { dataObject } from './data-objects';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { parseInputDirective, parseJaxtyping } from './input-parsers';
import { KERAS_DATA_METHODS, kerasDataArray } from './keras-data';
import { libOf, safely, shapeFromValue } from './support';
import { arrayDataset, gluonDataLoader, gluonTransformMethod, GLUON_DATASETS, gluonVisionDataset, imageRecordIter, mnistIter } from './gluon-data';
import {
  generatorFlow,
  imageDataGenerator,
  imageDatasetFromDirectory,
  KERAS_DATASET_LOADERS,
  kerasLoadData,
  padSequences,
  tfCast,
  TF_DATASET_METHODS,
  tfDatasetMethod,
  tfFromTensors,
  tfImageResize,
  tfOneHot,
  toCategorical,
} from './keras-datasets';
import { argumentParser, clickOption, namespaceCall, PARSER_METHODS, parserMethod } from './script-defaults';
import { dataLoader, randomSplit, subset, tensorDataset, TORCHVISION_DATASETS, torchvisionDataset } from './torch-data';
import { GLUON_TRANSFORMS, makeTransform, TORCHVISION_TRANSFORMS } from './transforms';
import { bindSymbolModule, createFeedForward, feedForward, fitFeedForward, inferShape, ndarrayIter, printSummary, symbolModule } from './symbols';

export type InputHook =
  | { kind: 'call'; paths: readonly string[]; learn(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value | undefined }
  | { kind: 'method'; methods: readonly string[]; learn(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined }
  | { kind: 'tensor-method'; methods: readonly string[]; learn(ctx: ModelContext, t: TensorVal, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined }
  | { kind: 'model-call'; learn(ctx: ModelContext, obj: ObjectValue, args: EvaluatedArgs, site: CallSite): Value }
  /** Keras layers only: the other frameworks' constructors declare no input. */
  | { kind: 'layer-args'; learn(args: Bound, qname: string, kerasProbe: KerasVersionProbe | undefined): Shape | null }
  | { kind: 'container-item'; learn(ctx: ModelContext, container: ObjectValue, item: Value): boolean }
  | { kind: 'declared'; learn(ctx: ModelContext, obj: ObjectValue): TensorVal | null };

export interface InputSource {
  name: string;
  /** One line for the docs: what the source reads. */
  doc: string;
  hooks: readonly InputHook[];
}

/** The input sources, in the order their `declared` hooks are tried. */
export const INPUT_SOURCES: readonly InputSource[] = [
  {
    name: 'declared inputs',
    doc: 'Keras `input_shape=`/`batch_input_shape=`/`input_dim=` on the first layer, `keras.Input(...)` or an `InputLayer` first in a Sequential, `model.build(shape)`.',
    hooks: [
      // Keras 1/2 forms first (`input_dim` + `input_length` on recurrent layers, `Embedding(input_length=)`), per version.
      { kind: 'layer-args', learn: (args, qname, probe) => versionedKerasInput(qname, args, probe) },
      { kind: 'layer-args', learn: (args, qname) => declaredKerasInput(args.raw, qname) },
      { kind: 'container-item', learn: kerasInputItem },
      {
        kind: 'method',
        methods: ['build'],
        learn(_ctx, obj, _method, args, site) {
          const shape = shapeFromValue(args.positional[0] ?? args.keywords.get('input_shape') ?? UNKNOWN_V, true);
          if (shape && obj.framework === 'keras') obj.kerasInput = { shape, range: site.r };
          return UNKNOWN_V;
        },
      },
      { kind: 'declared', learn: (_ctx, obj) => (obj.kerasInput ? tensorVal(obj.kerasInput.shape, 'keras', null, obj.kerasInput.range) : null) },
    ],
  },
  {
    name: 'dummy tensors',
    doc: 'The model called on a tensor whose shape the code shows (`model(torch.randn(1, 3, 32, 32))`).',
    hooks: [{ kind: 'model-call', learn: (ctx, obj, args, site) => ctx.runs.callModelFromOutside(obj, args, firstArgRange(site)) }],
  },
  {
    name: 'summary calls',
    doc: '`torchsummary.summary(model, input_size)` (batch excluded), `torchinfo.summary(model, input_size)` (batch included), Gluon `net.summary(x)`.',
    hooks: [
      { kind: 'call', paths: ['torchsummary.summary', 'torchinfo.summary'], learn: torchSummary },
      {
        kind: 'method',
        methods: ['summary'],
        learn(ctx, obj, _method, args, site) {
          if (obj.framework === 'gluon' && args.positional[0]?.t === 'tensor') ctx.runs.callModelFromOutside(obj, args, firstArgRange(site));
          return UNKNOWN_V;
        },
      },
    ],
  },
  {
    name: 'predict and explicit calls',
    doc: '`model.predict(x)` (other than Keras), `model.forward(x)`, `model.call(x)`, `model.__call__(x)` on a tensor the code shows.',
    hooks: [
      {
        kind: 'method',
        methods: ['forward', 'call', 'predict', '__call__'],
        learn: (ctx, obj, method, args, site) =>
          method === 'predict' && obj.framework === 'keras' ? undefined : ctx.runs.callModelFromOutside(obj, args, firstArgRange(site)),
      },
    ],
  },
  {
    name: 'Keras data arrays',
    doc: 'Keras `predict`/`fit`/`evaluate` (and `*_on_batch`) on an array the code shows: its rank is checked against the declared input (Keras 3 adds or drops one trailing axis of size 1), then the model runs on it.',
    hooks: [{ kind: 'method', methods: KERAS_DATA_METHODS, learn: kerasDataArray }],
  },
  {
    name: 'iterators',
    doc: "MXNet `mx.io.NDArrayIter(data, label, batch_size)`, `MNISTIter(batch_size, flat)`, `ImageRecordIter(data_shape, batch_size)`: one batch's shape, read by `Module.fit` and `provide_data`.",
    hooks: [
      { kind: 'call', paths: ['mxnet.io.NDArrayIter'], learn: (ctx, _path, args, site) => ndarrayIter(ctx, args, site) },
      { kind: 'call', paths: ['mxnet.io.MNISTIter'], learn: mnistIter },
      { kind: 'call', paths: ['mxnet.io.ImageRecordIter'], learn: imageRecordIter },
    ],
  },
  {
    name: 'torchvision datasets',
    doc: '`torchvision.datasets` MNIST family, CIFAR, SVHN, STL10, CelebA, ImageNet, `ImageFolder`, `FakeData(image_size=…)`: PIL images of the dataset\'s size and int64 labels, through the `transform=` given.',
    hooks: [{ kind: 'call', paths: TORCHVISION_DATASETS, learn: torchvisionDataset }],
  },
  {
    name: 'image transforms',
    doc: 'torchvision `transforms` v1/v2 (`Compose`, `Resize`, crops, `Pad`, `Grayscale`, `ToTensor`, `PILToTensor`, `ToImage`/`ToDtype`, `Normalize`; `Lambda` is unknown) and Gluon `vision.transforms` (`ToTensor` HWC → CHW, `Resize`, crops, `Normalize`).',
    hooks: [{ kind: 'call', paths: [...TORCHVISION_TRANSFORMS, ...GLUON_TRANSFORMS], learn: makeTransform }],
  },
  {
    name: 'PyTorch loaders',
    doc: '`TensorDataset`, `random_split`, `Subset`, a `Dataset` class with a visible `__getitem__`, and `DataLoader(batch_size, drop_last)` batches of the default collate, read by `for x, y in loader`, `enumerate`, `next(iter(...))`.',
    hooks: [
      { kind: 'call', paths: ['torch.utils.data.TensorDataset'], learn: (ctx, _path, args, site) => tensorDataset(ctx, args, site) },
      { kind: 'call', paths: ['torch.utils.data.Subset'], learn: (ctx, _path, args, site) => subset(ctx, args, site) },
      { kind: 'call', paths: ['torch.utils.data.random_split'], learn: (ctx, _path, args, site) => randomSplit(ctx, args, site) },
      { kind: 'call', paths: ['torch.utils.data.DataLoader'], learn: (ctx, _path, args, site) => dataLoader(ctx, args, site) },
      // `torch.device(...)`: a device object, so `.to(device)` keeps a batch's dtype.
      { kind: 'call', paths: ['torch.device'], learn: (ctx, _path, _args, site) => dataObject(ctx, site.r, { kind: 'device', framework: 'torch' }) },
      // `DataParallel(model)` scatters each batch over devices and gathers the outputs: the wrapped model's shapes.
      { kind: 'call', paths: ['torch.nn.DataParallel', 'torch.nn.parallel.DataParallel', 'torch.nn.parallel.DistributedDataParallel'], learn: (_ctx, _path, args) => wrappedModel(args) },
    ],
  },
  {
    name: 'Keras datasets',
    doc: '`keras.datasets.*.load_data()` with each dataset\'s shapes and dtypes, then `to_categorical(y, n)` → (N, n) and `pad_sequences(maxlen=…)` → (N, maxlen).',
    hooks: [
      { kind: 'call', paths: KERAS_DATASET_LOADERS, learn: kerasLoadData },
      { kind: 'call', paths: ['keras.utils.to_categorical', 'keras.utils.np_utils.to_categorical', 'keras.utils.numerical_utils.to_categorical'], learn: toCategorical },
      { kind: 'call', paths: ['keras.preprocessing.sequence.pad_sequences', 'keras.utils.pad_sequences'], learn: padSequences },
    ],
  },
  {
    name: 'tf.data',
    doc: '`tf.data.Dataset.from_tensor_slices`/`from_tensors`, then `batch`, `map` (with `tf.image.resize`, `tf.cast`, `tf.one_hot`), `shuffle`, `prefetch`…, read by Keras `fit`/`evaluate`/`predict` and by iteration.',
    hooks: [
      { kind: 'call', paths: ['tensorflow.data.Dataset.from_tensor_slices', 'tensorflow.data.Dataset.from_tensors'], learn: tfFromTensors },
      { kind: 'call', paths: ['tensorflow.image.resize'], learn: tfImageResize },
      { kind: 'call', paths: ['tensorflow.cast'], learn: tfCast },
      { kind: 'call', paths: ['tensorflow.one_hot'], learn: tfOneHot },
      { kind: 'method', methods: TF_DATASET_METHODS, learn: tfDatasetMethod },
    ],
  },
  {
    name: 'Keras image directories and generators',
    doc: '`image_dataset_from_directory(image_size, batch_size, color_mode, label_mode)`, `ImageDataGenerator().flow(x, y)` / `flow_from_directory(target_size, color_mode, class_mode)`, and `keras.utils.Sequence` classes with a visible `__getitem__`, read by `fit`/`evaluate`/`predict`.',
    hooks: [
      {
        kind: 'call',
        paths: ['keras.utils.image_dataset_from_directory', 'keras.preprocessing.image_dataset_from_directory', 'keras.utils.image_dataset_utils.image_dataset_from_directory'],
        learn: imageDatasetFromDirectory,
      },
      { kind: 'call', paths: ['keras.preprocessing.image.ImageDataGenerator'], learn: imageDataGenerator },
      { kind: 'method', methods: ['flow', 'flow_from_directory'], learn: generatorFlow },
    ],
  },
  {
    name: 'Gluon datasets and loaders',
    doc: '`gluon.data.vision` MNIST/FashionMNIST (28, 28, 1) and CIFAR (32, 32, 3) uint8 HWC with int32 labels, `ImageFolderDataset`, `ImageRecordDataset`, `ArrayDataset`, `transform_first`/`transform`, `gluon.data.DataLoader(batch_size, last_batch)`.',
    hooks: [
      { kind: 'call', paths: GLUON_DATASETS, learn: gluonVisionDataset },
      { kind: 'call', paths: ['mxnet.gluon.data.ArrayDataset', 'mxnet.gluon.data.dataset.ArrayDataset'], learn: arrayDataset },
      { kind: 'call', paths: ['mxnet.gluon.data.DataLoader', 'mxnet.gluon.data.dataloader.DataLoader'], learn: gluonDataLoader },
      { kind: 'method', methods: ['transform_first', 'transform'], learn: gluonTransformMethod },
    ],
  },
  {
    name: 'script defaults',
    doc: '`argparse` `add_argument(default=, type=)` read through `parse_args()` (in any function, or `vars(args)`), `click.option(default=)`, `argparse.Namespace`/`SimpleNamespace`: numbers remember the default they came from for the diagnostics\' trace.',
    hooks: [
      { kind: 'call', paths: ['argparse.ArgumentParser'], learn: argumentParser },
      { kind: 'call', paths: ['argparse.Namespace', 'types.SimpleNamespace'], learn: namespaceCall },
      { kind: 'call', paths: ['click.option'], learn: clickOption },
      { kind: 'method', methods: PARSER_METHODS, learn: parserMethod },
    ],
  },
  {
    name: 'symbol binding',
    doc: 'MXNet symbol API: `mx.mod.Module(symbol)` then `bind(data_shapes=…)` or `fit(iterator)`, `sym.infer_shape(data=…)`, `mx.viz.print_summary(sym, shape={…})`.',
    hooks: [
      { kind: 'call', paths: ['mxnet.module.Module'], learn: (ctx, _path, args, site) => symbolModule(ctx, args, site) },
      { kind: 'call', paths: ['mxnet.visualization.print_summary'], learn: (ctx, _path, args, site) => printSummary(ctx, args, site) },
      {
        kind: 'method',
        methods: ['bind', 'fit'],
        learn(ctx, obj, method, args, site) {
          if (obj.symbol) bindSymbolModule(ctx, obj, method, args, site);
          return UNKNOWN_V;
        },
      },
      {
        kind: 'tensor-method',
        methods: ['infer_shape', 'infer_shape_partial'],
        learn: (ctx, t, _method, args, site) => (t.sym ? inferShape(ctx, t, args, site) : undefined),
      },
    ],
  },
  {
    name: 'FeedForward fit',
    doc: 'Legacy MXNet `mx.model.FeedForward(symbol=…)` then `fit(X=…, y=…)`, or `FeedForward.create(symbol, X, y)`: an iterator\'s batch, or an array batched by `numpy_batch_size` (128).',
    hooks: [
      { kind: 'call', paths: ['mxnet.model.FeedForward'], learn: (ctx, _path, args, site) => feedForward(ctx, args, site) },
      { kind: 'call', paths: ['mxnet.model.FeedForward.create'], learn: (ctx, _path, args, site) => createFeedForward(ctx, args, site) },
      {
        kind: 'method',
        methods: ['fit'],
        learn(ctx, obj, _method, args, site) {
          if (obj.symbol && obj.attrs.has('numpy_batch_size')) fitFeedForward(ctx, obj, args, site);
          return UNKNOWN_V;
        },
      },
    ],
  },
  {
    name: 'directive',
    doc: '`# shapelint: input=(N, 3, 224, 224)` on the line that creates the model, its class line or its forward/call line.',
    hooks: [{ kind: 'declared', learn: fromDirective }],
  },
  {
    name: 'jaxtyping',
    doc: 'A jaxtyping annotation on the first forward/call parameter: `x: Float[Tensor, "batch 3 32 32"]`.',
    hooks: [{ kind: 'declared', learn: fromJaxtyping }],
  },
  {
    name: 'configured input shapes',
    doc: '`inputShapes` in the configuration, by the model\'s variable name.',
    hooks: [
      {
        kind: 'declared',
        learn(ctx, obj) {
          const cfg = ctx.host.options.inputShapes?.[obj.varName ?? ''];
          return cfg ? tensorVal(ranked(cfg), libOf(obj.framework!), null, null) : null;
        },
      },
    ],
  },
];

// ------------------------------------------------------------ dispatch, one function per hook kind

type HookOf<K extends InputHook['kind']> = Extract<InputHook, { kind: K }>;

function hooksOf<K extends InputHook['kind']>(kind: K): HookOf<K>[] {
  return INPUT_SOURCES.flatMap((s) => s.hooks.filter((h): h is HookOf<K> => h.kind === kind));
}

/** Hooks by the name they watch (a path or a method name); several sources may watch one name. */
function byName<H>(hooks: H[], names: (h: H) => readonly string[]): Map<string, H[]> {
  const map = new Map<string, H[]>();
  for (const h of hooks) for (const n of names(h)) map.set(n, [...(map.get(n) ?? []), h]);
  return map;
}

const CALL_HOOKS = byName(hooksOf('call'), (h) => h.paths);
const METHOD_HOOKS = byName(hooksOf('method'), (h) => h.methods);
const TENSOR_METHOD_HOOKS = byName(hooksOf('tensor-method'), (h) => h.methods);
const MODEL_CALL_HOOKS = hooksOf('model-call');
const LAYER_ARGS_HOOKS = hooksOf('layer-args');
const CONTAINER_ITEM_HOOKS = hooksOf('container-item');
const DECLARED_HOOKS = hooksOf('declared');

/** Runs every hook (each source learns what it can) and returns the first value one gave. */
function firstValue<H>(hooks: H[] | undefined, learn: (h: H) => Value | undefined): Value | undefined {
  let result: Value | undefined;
  for (const h of hooks ?? []) {
    const v = learn(h);
    if (result === undefined) result = v;
  }
  return result;
}

/** Qualified functions some input source reads (the interpreter keeps them as known names). */
export function isInputSourceCall(path: string): boolean {
  return CALL_HOOKS.has(path);
}

/** `call` hooks: the value of the call, or undefined when no source reads `path`. */
export function inputFromCall(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  return firstValue(CALL_HOOKS.get(path), (h) => h.learn(ctx, path, args, site));
}

/** `method` hooks on a model object. */
export function inputFromMethod(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  return firstValue(METHOD_HOOKS.get(method), (h) => h.learn(ctx, obj, method, args, site));
}

/** `tensor-method` hooks. */
export function inputFromTensorMethod(ctx: ModelContext, t: TensorVal, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  return firstValue(TENSOR_METHOD_HOOKS.get(method), (h) => h.learn(ctx, t, method, args, site));
}

/** `model-call` hooks: the first source that applies runs the model. */
export function inputFromModelCall(ctx: ModelContext, obj: ObjectValue, args: EvaluatedArgs, site: CallSite): Value {
  for (const h of MODEL_CALL_HOOKS) return h.learn(ctx, obj, args, site);
  return UNKNOWN_V;
}

/** `layer-args` hooks: the input shape a layer's constructor arguments declare. */
export function inputFromLayerArgs(args: Bound, qname: string, kerasProbe: KerasVersionProbe | undefined): Shape | null {
  for (const h of LAYER_ARGS_HOOKS) {
    const shape = h.learn(args, qname, kerasProbe);
    if (shape) return shape;
  }
  return null;
}

/** `container-item` hooks: true when the item declared the container's input instead of being a layer. */
export function inputFromContainerItem(ctx: ModelContext, container: ObjectValue, item: Value): boolean {
  return CONTAINER_ITEM_HOOKS.some((h) => h.learn(ctx, container, item));
}

/** `declared` hooks, in registry order: the input for a model no code has run. */
export function declaredInput(ctx: ModelContext, obj: ObjectValue): TensorVal | null {
  for (const h of DECLARED_HOOKS) {
    const input = h.learn(ctx, obj);
    if (input) return input;
  }
  return null;
}

// ------------------------------------------------------------ the sources' readers

function firstArgRange(site: CallSite): TextRange | null {
  return site.args.find((a) => !a.name && !a.star)?.value.r ?? null;
}

/** Keras first-layer input declarations: input_shape / batch_input_shape / input_dim (+ batch_size). */
function declaredKerasInput(raw: Map<string, Value>, qname: string): Shape | null {
  const batch = raw.get('batch_size');
  const b: Dim = batch && batch.t === 'num' ? batch.v : 'N';
  const bis = raw.get('batch_input_shape') ?? raw.get('batch_shape');
  if (bis) {
    const s = shapeFromValue(bis, true);
    if (s) return s;
  }
  const is = raw.get('input_shape');
  if (is) {
    const s = shapeFromValue(is, false);
    if (s) return ranked([b, ...s.dims]);
  }
  // Embedding's input_dim is its vocabulary size, not an input shape.
  const dim = qname === 'keras.layers.Embedding' ? undefined : raw.get('input_dim');
  if (dim && dim.t === 'num') return ranked([b, dim.v]);
  return null;
}

/** `Sequential([keras.Input((28, 28, 1)), ...])` or an InputLayer first: the model's input, not a layer. */
function kerasInputItem(ctx: ModelContext, obj: ObjectValue, item: Value): boolean {
  if (obj.container !== 'keras.Sequential' || obj.items.length !== 0) return false;
  if (item.t === 'tensor' && item.shape) {
    obj.kerasInput = { shape: item.shape, range: item.origin ?? obj.range };
    return true;
  }
  if (item.t === 'layer' && item.qname === 'keras.layers.InputLayer') {
    const runs = ctx.runs;
    const out = safely(() => item.def.apply(item.args, [], runs.env(ctx.layers.nameOf(item), runs.ambient), undefined).output, UNKNOWN as ArgValue);
    if (isTensor(out) && out.shape) obj.kerasInput = { shape: out.shape, range: item.range };
    return true;
  }
  return false;
}

/** `torchsummary.summary(model, input_size)` / `torchinfo.summary(model, input_size=…)`. */
function torchSummary(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value {
  const model = args.positional[0];
  if (!model || model.t !== 'object') return UNKNOWN_V;
  const sizeArg = args.positional[1] ?? args.keywords.get('input_size') ?? args.keywords.get('input_data');
  if (!sizeArg) return UNKNOWN_V;
  let shape: Shape | null;
  if (sizeArg.t === 'tensor') shape = sizeArg.shape;
  else {
    // torchsummary's input_size excludes the batch; torchinfo's includes it.
    shape = shapeFromValue(sizeArg, false);
    if (shape && path === 'torchsummary.summary') shape = ranked(['N', ...shape.dims]);
  }
  if (!shape) return UNKNOWN_V;
  const x = tensorVal(shape, 'torch', null, site.r);
  return ctx.runs.topLevelRun(model, { positional: [x], keywords: new Map(), opaque: false }, null, false);
}

/** `# shapelint: input=(…)` directives by line, read once per module. */
const directiveCache = new WeakMap<ModelContext, Map<number, Shape>>();

function directives(ctx: ModelContext): Map<number, Shape> {
  let found = directiveCache.get(ctx);
  if (!found) {
    found = new Map();
    for (const c of ctx.host.module.comments) {
      const shape = parseInputDirective(c.text);
      if (shape) found.set(ctx.lines.lineKey(c.range.start), shape);
    }
    directiveCache.set(ctx, found);
  }
  return found;
}

/** A directive on the line that creates the model, its class line or its forward/call line. */
function fromDirective(ctx: ModelContext, obj: ObjectValue): TensorVal | null {
  const entryLines = directives(ctx);
  // The directives are the analysed file's comments: a place in an imported module has none.
  const byLine = { get: (at: number) => (ctx.host.inEntry({ start: at, end: at }) ? entryLines.get(ctx.lines.lineKey(at)) : undefined) };
  const direct = byLine.get(obj.range.start);
  if (direct) return tensorVal(direct, libOf(obj.framework!), null, obj.range);
  if (!obj.cls) return null;
  const fromClass = byLine.get(obj.cls.def.r.start);
  if (fromClass) return tensorVal(fromClass, libOf(obj.framework!), null, obj.cls.def.nameRange);
  const fwd = ctx.runs.forwardMethod(obj);
  const fromFwd = fwd ? byLine.get(fwd.fn.def.r.start) : undefined;
  return fwd && fromFwd ? tensorVal(fromFwd, libOf(obj.framework!), null, fwd.fn.def.nameRange) : null;
}

function fromJaxtyping(ctx: ModelContext, obj: ObjectValue): TensorVal | null {
  const fwd = obj.cls ? ctx.runs.forwardMethod(obj) : null;
  if (!fwd) return null;
  const params = fwd.fn.def.params.slice(fwd.withF ? 2 : 1);
  const ann = params[0]?.annotation;
  const shape = ann ? parseJaxtyping(ann) : null;
  return shape ? tensorVal(shape, libOf(obj.framework!), null, ann!.r) : null;
}

/** The module a parallel wrapper wraps (`module=` or first), when it is a model or layer. */
function wrappedModel(args: EvaluatedArgs): Value | undefined {
  const m = args.keywords.get('module') ?? args.positional[0];
  return m && (m.t === 'object' || m.t === 'layer') ? m : undefined;
}
