/**
 * Target sinks: the places where a model's output meets a target, so a shape mismatch between
 * prediction and labels can be checked (`loss(out, y)`, `F.cross_entropy(out, y)`,
 * `model.fit(x, y)`, `mod.fit(train_iter)`). One entry per kind of sink, like the input
 * sources (`input-sources.ts`).
 *
 * An entry names the sink, says in one line what it checks, and lists its hooks:
 *  - `call`:       a call of a qualified function (`torch.nn.functional.cross_entropy(out, y)`);
 *  - `layer-call`: a layer object applied (`nn.CrossEntropyLoss()(out, y)`), by canonical class name;
 *  - `method`:     a method called on a model object (`model.fit(x, y)`), after the input
 *                  sources have run the model on `x`.
 * Hooks only observe: they never change the value of the call. A mismatch is reported with
 * `ctx.diagnostics.report(ctx.runs.currentRun(), issue, layerOrNull, range, …)`, where `issue`
 * quotes the framework's own error and names a rule from `rules/`. The prediction's shape is
 * the argument tensor's `shape`; its lineage (`hist`) leads back to the layers that made it.
 * As everywhere, an unknown dim or rank on either side says nothing.
 */
import { gluonCtcVerdict, gluonKlDivVerdict, gluonLossVerdict, GLUON_LOSS_CLASSES } from '../../layers/losses/gluon';
import { MX_OUTPUT_HEADS, mxOutputVerdict } from '../../layers/losses/mxnet-symbol';
import { kerasLossKind, kerasVersionVerdict, type KerasLoss, type KerasLossCall, type LegacyFitTarget } from '../../layers/losses/keras';
import { cosineEmbeddingVerdict, ctcVerdict, marginRankingVerdict, TORCH_LOSS_MODULES, torchLossVerdict, type TorchLoss } from '../../layers/losses/torch';
import type { LossFinding, LossFix, LossVerdict } from '../../layers/losses/verdict';
import { BATCH, formatShape, ranked } from '../../shapes';
import type { Expr } from '../../syntax/ast';
import type { Dim, Fix, Framework, KerasVersion, RelatedLocation, Shape, TextEdit } from '../../types';
import { versionList, versionNote } from '../../versions';
import type { EvaluatedArgs } from '../bind';
import { extendLineage, lineageIds, tensorVal, UNKNOWN_V, type LayerValue, type ObjectValue, type SymNode, type TensorVal, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { shapeFromValue, tensorsIn } from './support';

export type SinkHook =
  | { kind: 'call'; paths: readonly string[]; check(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): void }
  | { kind: 'layer-call'; classes: readonly string[]; check(ctx: ModelContext, layer: LayerValue, args: EvaluatedArgs, site: CallSite): void }
  /** `result`: what the input sources made of the call (the model's output for Keras `fit`), if anything. */
  | { kind: 'method'; methods: readonly string[]; check(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite, result: Value | undefined): void };

export interface TargetSink {
  name: string;
  /** One line for the docs: what the sink checks. */
  doc: string;
  hooks: readonly SinkHook[];
}

const TORCH_FUNCTIONS: TorchLoss[] = ['cross_entropy', 'nll_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss', 'kl_div'];
const KERAS_FIT_METHODS = ['fit', 'evaluate', 'train_on_batch', 'test_on_batch'];
/**
 * The `keras.losses` functions a Keras loss kind is known for. Keras 3 spells the elementwise ones
 * in full under `keras.losses` and as `mse`/`mae`/… under `tf.keras.losses`; Keras 2 had both.
 */
const KERAS_LOSS_FUNCTIONS = [
  'categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error', 'mean_absolute_error',
  'mean_squared_logarithmic_error', 'mean_absolute_percentage_error', 'mse', 'mae', 'msle', 'mape',
];


export const TARGET_SINKS: readonly TargetSink[] = [
  {
    name: 'PyTorch losses',
    doc: '`F.cross_entropy(out, y)`, `nn.CrossEntropyLoss()(out, y)` and the other losses of `torch.nn.functional` / `torch.nn` (`MarginRankingLoss` and `CosineEmbeddingLoss` with their two inputs, `CTCLoss` lengths): the output against the target\'s shape and dtype.',
    hooks: [
      {
        kind: 'call',
        paths: TORCH_FUNCTIONS.map((f) => `torch.nn.functional.${f}`),
        check: (ctx, path, args, site) => checkTorch(ctx, path.split('.').pop() as TorchLoss, args, site),
      },
      {
        kind: 'layer-call',
        classes: Object.keys(TORCH_LOSS_MODULES).map((c) => `torch.nn.${c}`),
        check: (ctx, layer, args, site) => checkTorch(ctx, TORCH_LOSS_MODULES[layer.qname.split('.').pop()!], args, site),
      },
      { kind: 'call', paths: ['torch.nn.functional.margin_ranking_loss'], check: (ctx, _path, args, site) => checkPairLoss(ctx, marginRankingVerdict, args, site) },
      { kind: 'layer-call', classes: ['torch.nn.MarginRankingLoss'], check: (ctx, _layer, args, site) => checkPairLoss(ctx, marginRankingVerdict, args, site) },
      { kind: 'call', paths: ['torch.nn.functional.cosine_embedding_loss'], check: (ctx, _path, args, site) => checkPairLoss(ctx, cosineEmbeddingVerdict, args, site) },
      { kind: 'layer-call', classes: ['torch.nn.CosineEmbeddingLoss'], check: (ctx, _layer, args, site) => checkPairLoss(ctx, cosineEmbeddingVerdict, args, site) },
      { kind: 'call', paths: ['torch.nn.functional.ctc_loss'], check: (ctx, _path, args, site) => checkCtc(ctx, args, site) },
      { kind: 'layer-call', classes: ['torch.nn.CTCLoss'], check: (ctx, _layer, args, site) => checkCtc(ctx, args, site) },
    ],
  },
  {
    name: 'Keras compile and fit',
    doc: '`model.compile(loss=...)` then `fit`/`evaluate`/`train_on_batch(x, y)` and `validation_data=(x, y)`: each output against its labels (lists and dicts of losses for multi-output models), in the words of each candidate Keras version; loss objects called as `loss(y_true, y_pred)` and `keras.losses` functions called directly.',
    hooks: [
      {
        kind: 'method',
        methods: ['compile'],
        check(_ctx, obj, _method, args, site) {
          const lossArg = site.args.find((a) => a.name === 'loss') ?? site.args.filter((a) => !a.name && !a.star)[1];
          if (obj.framework === 'keras') compiled.set(obj, { loss: args.keywords.get('loss') ?? args.positional[1] ?? UNKNOWN_V, expr: lossArg?.value ?? null });
        },
      },
      { kind: 'method', methods: KERAS_FIT_METHODS, check: checkKerasFit },
      {
        kind: 'layer-call',
        classes: KERAS_LOSS_CLASSES(),
        check(ctx, layer, args, site) {
          const kind = kerasLossKind(layer.qname.split('.').pop()!);
          const [yTrue, yPred] = [args.positional[0] ?? args.keywords.get('y_true'), args.positional[1] ?? args.keywords.get('y_pred')];
          if (kind && yTrue?.t === 'tensor' && yPred?.t === 'tensor') {
            checkKeras(ctx, kind, yPred, yTrue, site, { target: argExpr(site, 0, 'y_true'), lossName: null }, { batchNone: false, direct: false }, null);
          } else noteCheck(ctx, site, false);
        },
      },
      {
        kind: 'call',
        paths: KERAS_LOSS_FUNCTIONS.map((f) => `keras.losses.${f}`),
        check(ctx, path, args, site) {
          const kind = kerasLossKind(path.split('.').pop()!);
          const [yTrue, yPred] = [args.positional[0] ?? args.keywords.get('y_true'), args.positional[1] ?? args.keywords.get('y_pred')];
          // Keyword options (`from_logits`, `axis`, `label_smoothing`) other than the default class axis are not modelled.
          const axis = args.keywords.get('axis') ?? args.positional[4];
          if (kind && yTrue?.t === 'tensor' && yPred?.t === 'tensor' && (!axis || (axis.t === 'num' && axis.v === -1))) {
            checkKeras(ctx, kind, yPred, yTrue, site, { target: argExpr(site, 0, 'y_true'), lossName: null }, { batchNone: false, direct: true }, null);
          } else noteCheck(ctx, site, false);
        },
      },
    ],
  },
  {
    name: 'Gluon losses',
    doc: '`gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=..., axis=...)`, `SigmoidBinaryCrossEntropyLoss`, `L1Loss`, `L2Loss`, `KLDivLoss` applied to `(pred, label)`; `CTCLoss(layout, label_layout)` with its lengths.',
    hooks: [
      {
        kind: 'layer-call',
        classes: Object.keys(GLUON_LOSS_CLASSES).map((c) => `mxnet.gluon.loss.${c}`),
        check(ctx, layer, args, site) {
          const [pred, label] = args.positional;
          const kind = GLUON_LOSS_CLASSES[layer.qname.split('.').pop()!];
          if (kind === 'ctc' || kind === 'kl_div') return checkGluonSequenceLoss(ctx, kind, layer, args, site);
          const sparse = layer.args.get('sparse_label');
          const axis = layer.args.get('axis');
          const unknownArgs = kind === 'softmax_ce' && (typeof sparse !== 'boolean' || typeof axis !== 'number');
          if (pred?.t !== 'tensor' || label?.t !== 'tensor' || !pred.shape || !label.shape || unknownArgs) return noteCheck(ctx, site, false);
          const verdict = gluonLossVerdict(kind, pred.shape, label.shape, sparse === true, typeof axis === 'number' ? axis : -1);
          report(ctx, verdict, site, pred, label, 'gluon', { target: argExpr(site, 1, 'label'), lossName: null, layer });
        },
      },
    ],
  },
  {
    name: 'MXNet symbol outputs',
    doc: '`mx.sym.SoftmaxOutput` (`multi_output`), `LinearRegressionOutput`, `LogisticRegressionOutput`, `MAERegressionOutput` in a module bound with `Module.bind(label_shapes=...)` or fitted on an iterator\'s `provide_label`: the head\'s data against its label.',
    hooks: [{ kind: 'method', methods: ['bind', 'fit'], check: checkSymbolHeads }],
  },
];

/** Every `keras.losses` class a Keras loss kind is known for. */
function KERAS_LOSS_CLASSES(): string[] {
  return ['CategoricalCrossentropy', 'SparseCategoricalCrossentropy', 'BinaryCrossentropy', 'MeanSquaredError', 'MeanAbsoluteError', 'MeanSquaredLogarithmicError', 'MeanAbsolutePercentageError'].map((c) => `keras.losses.${c}`);
}

// ------------------------------------------------------------ PyTorch

function argExpr(site: CallSite, index: number, name: string): Expr | null {
  return (site.args.find((a) => a.name === name) ?? site.args.filter((a) => !a.name && !a.star)[index])?.value ?? null;
}

function checkTorch(ctx: ModelContext, loss: TorchLoss | undefined, args: EvaluatedArgs, site: CallSite): void {
  const input = args.positional[0] ?? args.keywords.get('input');
  const target = args.positional[1] ?? args.keywords.get('target');
  if (!loss || input?.t !== 'tensor' || target?.t !== 'tensor') return noteCheck(ctx, site, false);
  if (!input.shape || !target.shape) return noteCheck(ctx, site, false);
  const verdict = torchLossVerdict(loss, input.shape, target.shape, target.dtype, input.dtype);
  report(ctx, verdict, site, input, target, 'torch', { target: argExpr(site, 1, 'target'), lossName: null });
}

/** Losses of two inputs and a target (`margin_ranking_loss`, `cosine_embedding_loss`). */
function checkPairLoss(ctx: ModelContext, verdictOf: (x1: Shape, x2: Shape, target: Shape) => LossVerdict, args: EvaluatedArgs, site: CallSite): void {
  const [x1, x2, target] = [args.positional[0] ?? args.keywords.get('input1'), args.positional[1] ?? args.keywords.get('input2'), args.positional[2] ?? args.keywords.get('target')];
  if (x1?.t !== 'tensor' || x2?.t !== 'tensor' || target?.t !== 'tensor' || !x1.shape || !x2.shape || !target.shape) return noteCheck(ctx, site, false);
  report(ctx, verdictOf(x1.shape, x2.shape, target.shape), site, x1, target, 'torch', { target: argExpr(site, 2, 'target'), lossName: null });
}

function checkCtc(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): void {
  const names = ['log_probs', 'targets', 'input_lengths', 'target_lengths'];
  const vals = names.map((n, i) => args.positional[i] ?? args.keywords.get(n));
  const ts = vals.flatMap((v) => (v?.t === 'tensor' && v.shape ? [v] : []));
  if (ts.length !== 4) return noteCheck(ctx, site, false);
  report(ctx, ctcVerdict(ts[0].shape!, ts[1].shape!, ts[2].shape!, ts[3].shape!), site, ts[0], ts[2], 'torch', { target: null, lossName: null });
}

// ------------------------------------------------------------ Gluon

/** `KLDivLoss()(pred, label)` and `CTCLoss(layout, label_layout)(pred, label, pred_lengths, label_lengths)`. */
function checkGluonSequenceLoss(ctx: ModelContext, kind: 'ctc' | 'kl_div', layer: LayerValue, args: EvaluatedArgs, site: CallSite): void {
  const arg = (i: number, name: string) => args.positional[i] ?? args.keywords.get(name);
  const [pred, label] = [arg(0, 'pred'), arg(1, 'label')];
  if (pred?.t !== 'tensor' || label?.t !== 'tensor' || !pred.shape || !label.shape) return noteCheck(ctx, site, false);
  if (kind === 'kl_div') return report(ctx, gluonKlDivVerdict(pred.shape, label.shape), site, pred, label, 'gluon', { target: argExpr(site, 1, 'label'), lossName: null });
  // A length array the code passes but whose shape is unknown could fail: nothing is said then.
  const lengths = [arg(2, 'pred_lengths'), arg(3, 'label_lengths')].map((v) => (!v || v.t === 'none' ? null : v.t === 'tensor' && v.shape ? v.shape : undefined));
  const [layout, labelLayout] = [layer.args.get('layout'), layer.args.get('label_layout')];
  if (lengths.includes(undefined) || (layout !== 'NTC' && layout !== 'TNC') || (labelLayout !== 'NT' && labelLayout !== 'TN')) return noteCheck(ctx, site, false);
  const verdict = gluonCtcVerdict({ pred: pred.shape, label: label.shape, predLengths: lengths[0] ?? null, labelLengths: lengths[1] ?? null, layout, labelLayout });
  report(ctx, verdict, site, pred, label, 'gluon', { target: argExpr(site, 1, 'label'), lossName: null });
}

// ------------------------------------------------------------ MXNet symbol API

/** Label shapes by name: `bind(label_shapes=[('softmax_label', (64,))])`, or the iterator's `provide_label` in `fit`. */
function boundLabels(ctx: ModelContext, method: string, args: EvaluatedArgs, site: CallSite): Map<string, { shape: Shape; origin: TensorVal['origin'] }> {
  const labels = new Map<string, { shape: Shape; origin: TensorVal['origin'] }>();
  let list: Value | undefined;
  let origin: TensorVal['origin'] = null;
  if (method === 'fit') {
    const iter = args.keywords.get('train_data') ?? args.positional[0];
    if (iter?.t === 'object') [list, origin] = [iter.attrs.get('provide_label'), iter.range];
  } else [list, origin] = [args.keywords.get('label_shapes') ?? args.positional[1], argExpr(site, 1, 'label_shapes')?.r ?? null];
  for (const item of (list && ctx.host.iterate(list)) ?? []) {
    if ((item.t !== 'tuple' && item.t !== 'list') || item.items.length !== 2 || item.items[0].t !== 'str') continue;
    const shape = shapeFromValue(item.items[1], false);
    if (shape) labels.set(item.items[0].v, { shape, origin });
  }
  return labels;
}

/** The loss heads of a symbol graph (each node once). */
function symbolHeads(root: Value): SymNode[] {
  const heads: SymNode[] = [];
  const seen = new Set<number>();
  const stack = tensorsIn(root);
  while (stack.length) {
    const node = stack.pop()!.sym;
    if (!node || seen.has(node.id)) continue;
    seen.add(node.id);
    if (node.kind !== 'op' || !node.args) continue;
    if (node.def && MX_OUTPUT_HEADS[node.def.names[0].split('.').pop()!]) heads.push(node);
    stack.push(...[...node.args.positional, ...node.args.keywords.values()].flatMap(tensorsIn));
  }
  return heads;
}

/** A head's label variable: its `label=` Variable, or the `<name>_label` MXNet creates for it. */
function labelName(node: SymNode): string | null {
  const label = node.args!.keywords.get('label') ?? node.args!.positional[1];
  if (label) return label.t === 'tensor' && label.sym?.kind === 'var' ? label.sym.name : null;
  return node.name ? `${node.name}_label` : null;
}

/** After the module bound its symbol: each loss head's data (its output, of the same shape) against its bound label. */
function checkSymbolHeads(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): void {
  if (!obj.symbol || obj.framework === 'keras') return;
  const labels = boundLabels(ctx, method, args, site);
  // A bind without label shapes (inference) meets no target.
  if (method === 'bind' && !(args.keywords.get('label_shapes') ?? args.positional[1])) return;
  for (const node of symbolHeads(obj.symbol)) {
    const name = labelName(node);
    const label = name ? labels.get(name) : undefined;
    const appId = [...ctx.runs.apps].reverse().find(([, rec]) => rec.layerId === node.id)?.[0];
    const data = appId === undefined ? null : ctx.runs.apps.get(appId)!.app.outputShape;
    if (!label || !data || appId === undefined) {
      noteCheck(ctx, site, false);
      continue;
    }
    const multi = node.args!.keywords.get('multi_output');
    if (multi && multi.t !== 'bool') {
      noteCheck(ctx, site, false);
      continue;
    }
    const head = MX_OUTPUT_HEADS[node.def!.names[0].split('.').pop()!];
    const verdict = mxOutputVerdict(head, data, label.shape, node.name, multi?.t === 'bool' && multi.v);
    const output = tensorVal(data, 'mxnet', extendLineage(ctx.runs.apps.get(appId)!.inputHist, appId));
    report(ctx, verdict, site, output, tensorVal(label.shape, 'mxnet', null, label.origin), 'mxsym', { target: null, lossName: null });
  }
}

// ------------------------------------------------------------ Keras

const compiled = new WeakMap<ObjectValue, { loss: Value; expr: Expr | null }>();

/** The Keras loss kind of a `compile(loss=...)` entry: a name, a `keras.losses` function or class object. */
function lossKindOf(v: Value): KerasLoss | undefined {
  if (v.t === 'str') return kerasLossKind(v.v);
  if (v.t === 'ext') return kerasLossKind(v.path.split('.').pop()!);
  if (v.t === 'layer' && v.qname.startsWith('keras.losses.')) return kerasLossKind(v.qname.split('.').pop()!);
  return undefined;
}

/** The name Keras gives the layer that made a tensor (for dict losses keyed by output name). */
function producerName(ctx: ModelContext, t: TensorVal): string | null {
  const ids = lineageIds(t.hist);
  return ids.length ? ctx.runs.apps.get(ids[ids.length - 1])?.app.name ?? null : null;
}

/** Outputs of a Keras model as (name, tensor, loss, loss expression) for the compiled losses. */
function pairedOutputs(ctx: ModelContext, out: Value, loss: Value, lossExpr: Expr | null): { key: string | number; out: TensorVal; loss: Value; expr: Expr | null }[] {
  const outs: [string | number, Value][] =
    out.t === 'tensor' ? [[0, out]] : out.t === 'list' || out.t === 'tuple' ? out.items.map((x, i) => [i, x]) : out.t === 'dict' ? out.entries.map(([k, x]) => [k.t === 'str' ? k.v : -1, x]) : [];
  return outs.flatMap(([key, o], i) => {
    if (o.t !== 'tensor') return [];
    const name = typeof key === 'string' ? key : producerName(ctx, o);
    if (loss.t === 'list' || loss.t === 'tuple') {
      const elt = lossExpr && (lossExpr.k === 'list' || lossExpr.k === 'tuple') ? lossExpr.elts[i] ?? null : null;
      return loss.items.length === outs.length ? [{ key, out: o, loss: loss.items[i], expr: elt }] : [];
    }
    if (loss.t === 'dict') {
      const entry = loss.entries.find(([k]) => k.t === 'str' && k.v === name);
      const item = lossExpr?.k === 'dict' ? lossExpr.items.find((it) => it.key?.k === 'str' && it.key.value === name)?.value ?? null : null;
      return entry ? [{ key: name ?? key, out: o, loss: entry[1], expr: item }] : [];
    }
    return [{ key, out: o, loss, expr: lossExpr }];
  });
}

/** The label array for one output: the single y, or its item by position or output name. */
function labelFor(y: Value, key: string | number, index: number, single: boolean): Value {
  if (single) return y;
  if (y.t === 'list' || y.t === 'tuple') return y.items[index] ?? UNKNOWN_V;
  if (y.t === 'dict') return y.entries.find(([k]) => k.t === 'str' && k.v === key)?.[1] ?? UNKNOWN_V;
  return UNKNOWN_V;
}

/** The model's output on `x` (or on its declared input), from a dry run: no diagnostics, no summary. */
function kerasOutput(ctx: ModelContext, obj: ObjectValue, x: Value | undefined, result: Value | undefined): Value {
  if (result && result.t !== 'unknown') return result;
  const input = x?.t === 'tensor' && x.shape ? x : obj.kerasInput ? { t: 'tensor' as const, shape: obj.kerasInput.shape, lib: 'keras' as const, hist: null, origin: null } : null;
  if (obj.container === 'keras.Functional') return obj.functional?.outputs ?? UNKNOWN_V;
  if (!input) return UNKNOWN_V;
  const run = ctx.runs.newRun(obj, true);
  return ctx.runs.within(run, () => ctx.runs.runObject(obj, { positional: [input], keywords: new Map(), opaque: false }));
}

/** `s` with its first axis replaced by the batch `fit` feeds first (a size, or the batch symbol when unknown). */
function batched(s: Shape | null, batch: Dim): Shape | null {
  return s && !s.open && s.dims.length > 0 ? ranked([batch ?? BATCH, ...s.dims.slice(1)]) : s;
}

/**
 * The batch size the loss sees: `*_on_batch` take the whole array; `fit`/`evaluate` slice
 * `batch_size` rows (32 by default), a size TensorFlow traces only when every batch has it (the
 * rows divide evenly), else the batch is None.
 */
function firstBatch(method: string, args: EvaluatedArgs, x: Value | undefined): Dim {
  const rows = x?.t === 'tensor' && x.shape && !x.shape.open ? x.shape.dims[0] : null;
  if (typeof rows !== 'number') return null;
  if (method.endsWith('_on_batch')) return rows;
  const b = args.keywords.get('batch_size') ?? { t: 'num', v: 32, isFloat: false };
  if (b.t !== 'num' || !Number.isInteger(b.v) || b.v <= 0) return null;
  return rows <= b.v ? rows : rows % b.v === 0 ? b.v : null;
}

function checkKerasFit(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite, result: Value | undefined): void {
  if (obj.framework !== 'keras') return;
  const c = compiled.get(obj);
  const x = args.positional[0] ?? args.keywords.get('x');
  const y = args.positional[1] ?? args.keywords.get('y');
  const pairs: [Value | undefined, Value | undefined, Expr | null][] = [[x, y, argExpr(site, 1, 'y')]];
  const val = args.keywords.get('validation_data');
  if (method === 'fit' && val && (val.t === 'tuple' || val.t === 'list') && val.items.length >= 2) {
    const valExpr = argExpr(site, -1, 'validation_data');
    pairs.push([val.items[0], val.items[1], valExpr && (valExpr.k === 'tuple' || valExpr.k === 'list') ? valExpr.elts[1] ?? null : null]);
  }
  for (const [xs, ys, yExpr] of pairs) {
    // Labels inside a dataset or generator (`fit(train_ds)`) are not visible yet.
    if (!ys || ys.t === 'none' || !c) {
      noteCheck(ctx, site, false);
      continue;
    }
    const out = kerasOutput(ctx, obj, xs, xs === x ? result : undefined);
    const outputs = pairedOutputs(ctx, out, c.loss, c.expr);
    if (outputs.length === 0) noteCheck(ctx, site, false);
    outputs.forEach((o, i) => {
      const label = labelFor(ys, o.key, i, outputs.length === 1);
      const kind = lossKindOf(o.loss);
      if (!kind || label.t !== 'tensor') return noteCheck(ctx, site, false);
      const batch = xs === x || !args.keywords.has('validation_batch_size') ? firstBatch(method, args, xs) : null;
      const [p, t] = [batched(o.out.shape, batch), batched(label.shape, batch)];
      const legacy = legacyTarget(ctx, obj, o.out, label, o.loss);
      checkKeras(ctx, kind, { ...o.out, shape: p }, { ...label, shape: t }, site, { target: outputs.length === 1 ? yExpr : null, lossName: o.expr }, { batchNone: true, direct: false }, legacy);
    });
  }
}

/**
 * What Keras 1 and 2.0–2.3 check before training: only on Sequential and functional models, and
 * only for a loss given by name or as a `keras.losses` function.
 */
function legacyTarget(ctx: ModelContext, obj: ObjectValue, out: TensorVal, label: TensorVal, loss: Value): LegacyFitTarget | null {
  if ((obj.container !== 'keras.Sequential' && obj.container !== 'keras.Functional') || !label.shape) return null;
  return { labels: label.shape, names: legacyLayerNames(ctx, out), named: loss.t === 'str' || loss.t === 'ext' };
}

/**
 * The name Keras 1 and 2.0–2.3 give the layer that made `t`: an explicit `name=`, else the
 * Keras 3 name counted from 1 (`dense` → `dense_1`, `dense_1` → `dense_2`); Keras 1 spelled the
 * prefix as the lower-cased class name, so its name is known only where both spellings agree.
 */
function legacyLayerNames(ctx: ModelContext, t: TensorVal): LegacyFitTarget['names'] {
  const ids = lineageIds(t.hist);
  const rec = ids.length ? ctx.runs.apps.get(ids[ids.length - 1]) : undefined;
  const layer = rec ? ctx.layers.appliedLayer(rec.layerId) : undefined;
  if (!layer || layer.def.framework !== 'keras') return { keras1: null, keras2: null };
  if (layer.callArgs.some((a) => a.name === 'name')) return layer.args.get('name') === layer.name ? { keras1: layer.name, keras2: layer.name } : { keras1: null, keras2: null };
  const m = /^(.*?)(?:_(\d+))?$/.exec(layer.name)!;
  const n = m[2] ? Number(m[2]) + 1 : 1;
  const cls = layer.qname.split('.').pop()!.toLowerCase();
  return { keras1: cls === m[1] ? `${cls}_${n}` : null, keras2: `${m[1]}_${n}` };
}

/**
 * Checks a Keras loss under every candidate version at once (the verdicts are pure functions, so
 * no re-analysis is needed): an error when every candidate raises, in the likeliest one's words
 * and the others' in the explanation; a warning naming the versions when only some raise.
 */
function checkKeras(ctx: ModelContext, kind: KerasLoss, yPred: TensorVal, yTrue: TensorVal, site: CallSite, where: FixPlaces, call: KerasLossCall, legacy: LegacyFitTarget | null): void {
  if (!yPred.shape || !yTrue.shape) return noteCheck(ctx, site, false);
  const candidates: readonly KerasVersion[] = ctx.host.options.kerasProbe?.candidates ?? ['keras3'];
  const verdicts = candidates.map((v) => ({ v, verdict: kerasVersionVerdict(v, kind, yTrue.shape!, yPred.shape!, call, legacy) }));
  const failing = verdicts.filter((x): x is { v: KerasVersion; verdict: LossFinding } => x.verdict.outcome === 'raise' || x.verdict.outcome === 'warn');
  if (failing.length === 0) return noteCheck(ctx, site, verdicts.some((x) => x.verdict.outcome !== 'unknown'));
  const first = failing[0].verdict;
  const others = failing.slice(1).filter((f) => f.verdict.message !== first.message).map((f) => `${versionList([f.v])} raises: ${f.verdict.message}`);
  if (failing.length === verdicts.length) return report(ctx, { ...first, explanation: [...first.explanation, ...others] }, site, yPred, yTrue, 'keras', where);
  const note = versionNote(
    failing.map((f) => f.v), verdicts.filter((x) => x.verdict.outcome === 'pass').map((x) => x.v),
    { versions: verdicts.filter((x) => x.verdict.outcome === 'unknown').map((x) => x.v), why: 'this is not checked' }, ctx.host.options.kerasVersionSource,
  );
  report(ctx, { ...first, outcome: 'warn', explanation: [note, ...first.explanation, ...others] }, site, yPred, yTrue, 'keras', where);
}

// ------------------------------------------------------------ reporting

interface FixPlaces {
  /** The target expression (for `.squeeze(1)` and the like). */
  target: Expr | null;
  /** The loss name's string literal in `compile(loss=...)`. */
  lossName: Expr | null;
  /** The loss object (for an argument of its constructor). */
  layer?: LayerValue;
}

/** Where a call's targets were checked (bench reach); `checked` false when something was unknown. */
function noteCheck(ctx: ModelContext, site: CallSite, checked: boolean): void {
  if (!ctx.runs.currentRun().dry) ctx.host.options.onTargetCheck?.(site.r, checked);
}

function report(ctx: ModelContext, verdict: LossVerdict, site: CallSite, output: TensorVal, target: TensorVal, framework: Framework, where: FixPlaces): void {
  noteCheck(ctx, site, verdict.outcome !== 'unknown');
  if (verdict.outcome !== 'raise' && verdict.outcome !== 'warn') return;
  const line = (t: TensorVal) => (t.origin ? ` (${ctx.lines.lineName(t.origin.start)})` : '');
  const explanation = [
    `output ${formatShape(output.shape)}; target ${formatShape(target.shape)}${target.dtype ? ` ${target.dtype}` : ''}${line(target)}`,
    ...verdict.explanation,
  ];
  const related: RelatedLocation[] = target.origin ? [{ range: target.origin, message: `target shape ${formatShape(target.shape)} comes from here` }] : [];
  const issue = { rule: 'target-mismatch' as const, message: verdict.message, explanation, ...(verdict.outcome === 'warn' ? { severity: 'warning' as const } : {}) };
  ctx.diagnostics.report(ctx.runs.currentRun(), issue, null, site.r, output.hist, framework, [output], { related, fixes: fixesOf(ctx, verdict, where, target) });
}

/** Expressions a method call can be appended to without parentheses. */
const ATOMIC = new Set(['name', 'attr', 'call', 'sub']);

function fixesOf(ctx: ModelContext, verdict: LossFinding, where: FixPlaces, target: TensorVal): Fix[] {
  return (verdict.fixes ?? []).flatMap((fix) => {
    const edit = fixEdit(ctx, fix, where, target);
    return edit ? [{ title: fix.title, applicability: 'unsafe' as const, edits: [edit] }] : [];
  });
}

function fixEdit(ctx: ModelContext, fix: LossFix, where: FixPlaces, target: TensorVal): TextEdit | null {
  let edit: TextEdit | null = null;
  if (fix.on === 'to-categorical') {
    edit = toCategoricalEdit(ctx, fix.classes, where.target, target);
  } else if (fix.on === 'target' && where.target && ATOMIC.has(where.target.k)) {
    edit = { range: { start: where.target.r.end, end: where.target.r.end }, newText: fix.append };
  } else if (fix.on === 'loss-name' && where.lossName?.k === 'str') {
    const quote = ctx.host.sourceText(where.lossName.r.start, where.lossName.r.start + 1) === '"' ? '"' : "'";
    edit = { range: where.lossName.r, newText: `${quote}${fix.name}${quote}` };
  } else if (fix.on === 'loss-arg' && where.layer) {
    edit = keywordEdit(ctx, where.layer, fix.name, fix.value);
  }
  return edit;
}

/** How the file can call `to_categorical`: a direct import, or through the `keras` / `tensorflow` it imports. */
const TO_CATEGORICAL_SPELLINGS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^[ \t]*from[ \t]+(?:tensorflow\.)?keras\.utils(?:\.np_utils)?[ \t]+import[ \t]+[^\n#]*\bto_categorical\b(?![ \t]+as\b)/m, () => 'to_categorical'],
  [/^[ \t]*import[ \t]+keras[ \t]*$/m, () => 'keras.utils.to_categorical'],
  [/^[ \t]*from[ \t]+tensorflow[ \t]+import[ \t]+(?:[^\n#]*,[ \t]*)?keras[ \t]*(?:,|$)/m, () => 'keras.utils.to_categorical'],
  [/^[ \t]*import[ \t]+tensorflow[ \t]+as[ \t]+(\w+)[ \t]*$/m, (m) => `${m[1]}.keras.utils.to_categorical`],
];

/**
 * Wraps class-index labels in `to_categorical(y, C)`, only for integer labels (float labels would
 * all become class 0) and where the file already imports a way to call it.
 */
function toCategoricalEdit(ctx: ModelContext, classes: number, expr: Expr | null, target: TensorVal): TextEdit | null {
  if (!expr || !target.dtype || !/^u?int/.test(target.dtype)) return null;
  const text = ctx.host.text;
  for (const [pattern, spell] of TO_CATEGORICAL_SPELLINGS) {
    const m = pattern.exec(text);
    if (m) return { range: expr.r, newText: `${spell(m)}(${text.slice(expr.r.start, expr.r.end)}, ${classes})` };
  }
  return null;
}

/** Sets `name=value` on a loss constructor: replaces the keyword's value, or adds it when no argument is positional. */
function keywordEdit(ctx: ModelContext, layer: LayerValue, name: string, value: string): TextEdit | null {
  const kw = layer.callArgs.find((a) => a.name === name);
  if (kw) return { range: kw.value.r, newText: value };
  if (layer.callArgs.some((a) => !a.name || a.star)) return null;
  const close = layer.argsRange.end - 1;
  if (ctx.host.sourceText(close, close + 1) !== ')') return null;
  const last = layer.callArgs[layer.callArgs.length - 1];
  return last ? { range: { start: last.r.end, end: last.r.end }, newText: `, ${name}=${value}` } : { range: { start: close, end: close }, newText: `${name}=${value}` };
}

// ------------------------------------------------------------ dispatch, one function per hook kind

type HookOf<K extends SinkHook['kind']> = Extract<SinkHook, { kind: K }>;

/**
 * Each hook kind's hooks by the name they watch, in registry order. Built on first use: every
 * call, method call and layer call the interpreter evaluates asks (scanning the registry each
 * time was ~2% of a check).
 */
const hookIndex = new Map<SinkHook['kind'], Map<string, SinkHook[]>>();

function hooksOf<K extends SinkHook['kind']>(kind: K, watches: (h: HookOf<K>) => readonly string[], name: string): HookOf<K>[] {
  let index = hookIndex.get(kind);
  if (!index) {
    index = new Map();
    for (const h of TARGET_SINKS.flatMap((s) => s.hooks)) {
      if (h.kind !== kind) continue;
      for (const watched of new Set(watches(h as HookOf<K>))) index.set(watched, [...(index.get(watched) ?? []), h]);
    }
    hookIndex.set(kind, index);
  }
  return (index.get(name) ?? []) as HookOf<K>[];
}

/** Qualified functions some sink checks (the interpreter keeps them as known names). */
export function isSinkCall(path: string): boolean {
  return hooksOf('call', (h) => h.paths, path).length > 0;
}

export function checkSinkCall(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): void {
  for (const h of hooksOf('call', (x) => x.paths, path)) h.check(ctx, path, args, site);
}

export function checkSinkLayerCall(ctx: ModelContext, layer: LayerValue, args: EvaluatedArgs, site: CallSite): void {
  for (const h of hooksOf('layer-call', (x) => x.classes, layer.qname)) h.check(ctx, layer, args, site);
}

export function checkSinkMethod(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite, result?: Value): void {
  for (const h of hooksOf('method', (x) => x.methods, method)) h.check(ctx, obj, method, args, site, result);
}
