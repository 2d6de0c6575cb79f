/**
 * Keras losses against their targets.
 *
 * Keras 3 (checked with the loss oracle against Keras 3.15 on TensorFlow): a loss object (and a
 * `compile(loss="...")` string, wrapped the same way) first squeezes or expands one trailing
 * axis of size 1 so target and prediction have the same rank (`squeeze_or_expand_to_same_rank`),
 * then `categorical_crossentropy` / `binary_crossentropy` require the same rank and shape,
 * `sparse_categorical_crossentropy` squeezes a trailing 1 of the target and requires the
 * prediction's rank minus one and its leading axes, and the elementwise losses (`mse`, `mae`, …)
 * broadcast. The loss functions called directly (`keras.losses.categorical_crossentropy(y, p)`)
 * skip that first step for the crossentropies; the elementwise ones take it themselves
 * (keras/src/losses/losses.py).
 *
 * Every version words its errors its own way, and `kerasVersionVerdict` gives each one's:
 *  - Keras 2.4+ / tf.keras 2: categorical crossentropy runs `target.shape.assert_is_compatible_with(output.shape)`
 *    (`categorical_crossentropy` in keras/backend.py, tensorflow/python/keras/backend.py) after a loss
 *    object dropped one squeezable axis (`losses_utils.squeeze_or_expand_dimensions`): "Shapes (None, 1)
 *    and (None, 10) are incompatible". Its other losses only pass where tf.keras 2 certainly does not raise
 *    (see `tfKeras2`): elementwise losses that broadcast, which tf.keras 2 trains on without a word
 *    while Keras 3 may reject them, so a version-merged finding says which versions accept the code.
 *  - Keras 1 and Keras 2.0–2.3 check the label arrays of `fit`/`evaluate`/`*_on_batch` against the
 *    output layer before training (`standardize_input_data` and `check_loss_and_target_compatibility`:
 *    keras/engine/training_utils.py in Keras 2.2–2.3, keras/engine/training.py in Keras 1 and 2.0),
 *    in words that name the output layer. Their loss functions called directly are left silent.
 */
import type { KerasSemantics, KerasVersion, Shape } from '../../types';
import { broadcastVerdict, PASS, pyTuple, raise, shapeEq, UNKNOWN_VERDICT, type LossFix, type LossVerdict } from './verdict';

/** `percentage`: mean absolute percentage error, elementwise but with the labels first in tf.keras 2's subtraction. */
export type KerasLoss = 'categorical_crossentropy' | 'sparse_categorical_crossentropy' | 'binary_crossentropy' | 'elementwise' | 'percentage';

/** Loss names and classes (as `compile` accepts them) → the check they get. */
const KERAS_LOSSES: Record<string, KerasLoss> = {
  categorical_crossentropy: 'categorical_crossentropy',
  CategoricalCrossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  binary_crossentropy: 'binary_crossentropy',
  BinaryCrossentropy: 'binary_crossentropy',
  mse: 'elementwise', mean_squared_error: 'elementwise', MeanSquaredError: 'elementwise',
  mae: 'elementwise', mean_absolute_error: 'elementwise', MeanAbsoluteError: 'elementwise',
  msle: 'elementwise', mean_squared_logarithmic_error: 'elementwise', MeanSquaredLogarithmicError: 'elementwise',
  mape: 'percentage', mean_absolute_percentage_error: 'percentage', MeanAbsolutePercentageError: 'percentage',
};

/** A shape as TensorFlow prints it in op errors: `[?,10]` (an unknown batch inside `fit` is ?). */
function tfShape(s: Shape, batchNone: boolean): string {
  return `[${s.dims.map((d, i) => (batchNone && i === 0 && typeof d !== 'number' ? '?' : String(d))).join(',')}]`;
}

function isElementwise(loss: KerasLoss): boolean {
  return loss === 'elementwise' || loss === 'percentage';
}

export function kerasLossKind(name: string): KerasLoss | undefined {
  return Object.prototype.hasOwnProperty.call(KERAS_LOSSES, name) ? KERAS_LOSSES[name] : undefined;
}

/** Keras 3's `squeeze_or_expand_to_same_rank(y_true, y_pred)`, or null when a size-1 test is unknown. */
function sameRank(t: Shape, p: Shape): [Shape, Shape] | null {
  const [a, b] = [t.dims, p.dims];
  const drop = (s: Shape): Shape => ({ dims: s.dims.slice(0, -1), open: false });
  const add = (s: Shape): Shape => ({ dims: [...s.dims, 1], open: false });
  if (a.length === b.length + 1) {
    if (a[a.length - 1] === null) return null;
    if (a[a.length - 1] === 1) return b.length === 1 ? [t, add(p)] : [drop(t), p];
  }
  if (b.length === a.length + 1) {
    if (b[b.length - 1] === null) return null;
    if (b[b.length - 1] === 1) return a.length === 1 ? [add(t), p] : [t, drop(p)];
  }
  return [t, p];
}

/** Pairs of dims compared by Keras (`None` and unknown are skipped); false on a clash, null when unknown. */
function leadingDimsAgree(t: Shape, p: Shape): boolean | null {
  let all: boolean | null = true;
  for (let i = 0; i < Math.min(t.dims.length, p.dims.length); i++) {
    const [x, y] = [t.dims[i], p.dims[i]];
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return false;
    } else if (!(typeof x === 'string' && x === y)) all = null;
  }
  return all;
}

const INDEX_FIX: LossFix = { title: "Use 'sparse_categorical_crossentropy' for class-index labels", on: 'loss-name', name: 'sparse_categorical_crossentropy' };
const ONE_HOT_FIX: LossFix = { title: "Use 'categorical_crossentropy' for one-hot labels", on: 'loss-name', name: 'categorical_crossentropy' };

/**
 * The fixes for class-index labels against a categorical loss: the sparse loss, or one-hot labels
 * made with `to_categorical(y, C)` when the output's class axis C is known. (The reverse, `argmax`
 * of one-hot labels for a sparse loss, is never offered: soft or mixed labels would silently lose
 * their meaning.)
 */
function indexFixes(p: Shape): LossFix[] {
  const classes = p.dims[p.dims.length - 1];
  return typeof classes === 'number' ? [INDEX_FIX, { title: `One-hot encode the labels (to_categorical(…, ${classes}))`, on: 'to-categorical', classes }] : [INDEX_FIX];
}

/** Class-index labels against a class axis: (N,) or (N, 1) labels for (N, C) with C > 1. */
function looksLikeIndices(t: Shape, p: Shape): boolean {
  const last = p.dims[p.dims.length - 1];
  const lead = p.dims.slice(0, -1);
  const tDims = t.dims[t.dims.length - 1] === 1 && t.dims.length === p.dims.length ? t.dims.slice(0, -1) : t.dims;
  return typeof last === 'number' && last > 1 && tDims.length === lead.length && leadingDimsAgree({ dims: tDims, open: false }, { dims: lead, open: false }) === true;
}

/** How the loss is reached: inside `fit` (a batch the code does not show prints as None), and as a function called directly. */
export interface KerasLossCall {
  batchNone: boolean;
  direct: boolean;
}

const IN_FIT: KerasLossCall = { batchNone: true, direct: false };

/**
 * The verdict of a Keras loss on `(y_true, y_pred)`. `call.batchNone`: the loss runs inside `fit`
 * (TensorFlow words errors as in a graph); `call.direct`: a `keras.losses` function, not a loss object.
 */
export function kerasLossVerdict(loss: KerasLoss, yTrue: Shape, yPred: Shape, semantics: KerasSemantics, call: KerasLossCall = IN_FIT): LossVerdict {
  // Rank-0 labels or predictions take paths of their own in Keras (an IndexError, or a rank error before the squeeze).
  if (yTrue.open || yPred.open || yTrue.dims.length === 0 || yPred.dims.length === 0) return UNKNOWN_VERDICT;
  if (semantics === 'keras2') return tfKeras2(loss, yTrue, yPred, call);
  if (semantics !== 'keras3') return UNKNOWN_VERDICT;
  const batchNone = call.batchNone;
  const adjusted = call.direct && !isElementwise(loss) ? [yTrue, yPred] : sameRank(yTrue, yPred);
  if (!adjusted) return UNKNOWN_VERDICT;
  const [t, p] = adjusted;
  const shapes = `target.shape=${pyTuple(t, batchNone)}, output.shape=${pyTuple(p, batchNone)}`;
  switch (loss) {
    case 'categorical_crossentropy':
    case 'binary_crossentropy': {
      const fix = loss === 'categorical_crossentropy' && looksLikeIndices(t, p) ? indexFixes(p) : undefined;
      const why = fix
        ? [`The labels ${pyTuple(yTrue, batchNone)} are class indices, but categorical_crossentropy takes one-hot labels of the output's shape ${pyTuple(yPred, batchNone)}.`]
        : [`${loss} compares the labels ${pyTuple(yTrue, batchNone)} with the output ${pyTuple(yPred, batchNone)} element by element.`];
      if (t.dims.length !== p.dims.length) return raise(`Arguments \`target\` and \`output\` must have the same rank (ndim). Received: ${shapes}`, why, fix);
      const agree = leadingDimsAgree(t, p);
      if (agree === false) return raise(`Arguments \`target\` and \`output\` must have the same shape. Received: ${shapes}`, why, fix);
      return agree ? PASS : UNKNOWN_VERDICT;
    }
    case 'sparse_categorical_crossentropy': {
      let target = t;
      if (t.dims.length === p.dims.length) {
        const last = t.dims[t.dims.length - 1];
        if (last === null || typeof last === 'string') return UNKNOWN_VERDICT;
        if (last === 1) target = { dims: t.dims.slice(0, -1), open: false };
      }
      if (p.dims.length < 1) return raise(`Argument \`output\` must be at least rank 1. Received: output.shape=${pyTuple(p, batchNone)}`, []);
      const received = `target.shape=${pyTuple(target, batchNone)}, output.shape=${pyTuple(p, batchNone)}`;
      const oneHot = target.dims.length === p.dims.length && leadingDimsAgree(target, p) === true;
      const why = oneHot
        ? [`The labels ${pyTuple(yTrue, batchNone)} are one-hot (they have the output's shape), but sparse_categorical_crossentropy takes class indices ${pyTuple({ dims: p.dims.slice(0, -1), open: false }, batchNone)}.`]
        : [`sparse_categorical_crossentropy takes one class index per prediction: labels of shape ${pyTuple({ dims: p.dims.slice(0, -1), open: false }, batchNone)} for the output ${pyTuple(yPred, batchNone)}.`];
      if (target.dims.length !== p.dims.length - 1) return raise(`Argument \`output\` must have rank (ndim) \`target.ndim - 1\`. Received: ${received}`, why, oneHot ? ONE_HOT_FIX : undefined);
      const agree = leadingDimsAgree(target, { dims: p.dims.slice(0, -1), open: false });
      if (agree === false) return raise(`Arguments \`target\` and \`output\` must have the same shape up until the last dimension: ${received}`, why);
      return agree ? PASS : UNKNOWN_VERDICT;
    }
    case 'elementwise':
    case 'percentage': {
      const b = broadcastVerdict(t, p);
      if (b === null) return UNKNOWN_VERDICT;
      if (b === 'same' || b === 'broadcast') return PASS;
      // Eagerly TensorFlow says "Incompatible shapes"; inside `fit` the traced graph says "Dimensions must be equal".
      const message = batchNone
        ? `Dimensions must be equal, but are ${b.x} and ${b.y} for '{{node compile_loss/…/sub}}' with input shapes: ${tfShape(t, batchNone)}, ${tfShape(p, batchNone)}.`
        : `Incompatible shapes: ${tfShape(t, batchNone)} vs. ${tfShape(p, batchNone)}`;
      return raise(message, [
        `The loss subtracts the output ${pyTuple(yPred, batchNone)} from the labels ${pyTuple(yTrue, batchNone)} (after Keras drops or adds one trailing axis of size 1), and they do not broadcast.`,
      ]);
    }
  }
}

/** tf.keras 2's `remove_squeezable_dimensions(labels, predictions)`: one trailing 1 goes when the ranks differ by one. */
function tf2Squeeze(t: Shape, p: Shape): [Shape, Shape] {
  const drop = (s: Shape): Shape => ({ dims: s.dims.slice(0, -1), open: false });
  const [a, b] = [t.dims, p.dims];
  // squeeze_or_expand_dimensions leaves index-like labels alone: one rank less and a class axis other than 1.
  if (b.length - a.length === 1 && b[b.length - 1] !== 1) return [t, p];
  if (b.length - a.length === 1 && b[b.length - 1] === 1) return [t, drop(p)];
  if (a.length - b.length === 1 && a[a.length - 1] === 1) return [drop(t), p];
  return [t, p];
}

/**
 * tf2Squeeze where every size it tests is known: `squeeze_or_expand_dimensions` squeezes a label
 * axis that is merely compatible with 1 (tensorflow/python/keras/utils/losses_utils.py), and a
 * size unknown here is a number to TensorFlow.
 */
function tf2SqueezeKnown(t: Shape, p: Shape): [Shape, Shape] | null {
  const [a, b] = [t.dims, p.dims];
  if (Math.abs(a.length - b.length) === 1 && typeof (a.length > b.length ? a : b)[Math.max(a.length, b.length) - 1] !== 'number') return null;
  return tf2Squeeze(t, p);
}

/**
 * Keras 2.4+ / tf.keras 2. Categorical crossentropy raises (`tfKeras2Categorical`). The other
 * losses pass where tf.keras 2 certainly does not raise, and say nothing otherwise (their errors
 * are worded by TensorFlow's ops, differently across TensorFlow releases):
 *  - the elementwise losses broadcast, after a loss object's squeeze: (N, 10) against (N, 1)
 *    trains silently on the wrong loss; sizes that do not broadcast raise (`tfKeras2Elementwise`);
 *  - binary crossentropy passes on equal shapes only (with a sigmoid output it calls
 *    `sigmoid_cross_entropy_with_logits`, which asserts equal shapes; otherwise it broadcasts);
 *  - sparse categorical crossentropy passes on one class index per prediction, (N,) or (N, 1)
 *    for (N, C) (backend.py flattens the labels when their rank is not the output's minus one).
 */
function tfKeras2(loss: KerasLoss, yTrue: Shape, yPred: Shape, call: KerasLossCall): LossVerdict {
  if (loss === 'categorical_crossentropy') return tfKeras2Categorical(yTrue, yPred, call);
  const adjusted = call.direct ? [yTrue, yPred] : tf2SqueezeKnown(yTrue, yPred);
  if (!adjusted) return UNKNOWN_VERDICT;
  const [t, p] = adjusted;
  switch (loss) {
    case 'elementwise':
    case 'percentage':
      return tfKeras2Elementwise(loss, yTrue, yPred, t, p, call.batchNone);
    case 'binary_crossentropy':
      return shapeEq(t, p) === true ? PASS : UNKNOWN_VERDICT;
    case 'sparse_categorical_crossentropy': {
      const classes = p.dims[p.dims.length - 1];
      if (p.dims.length < 2 || typeof classes !== 'number' || classes === 1) return UNKNOWN_VERDICT;
      const lead: Shape = { dims: p.dims.slice(0, -1), open: false };
      const indices = t.dims.length === p.dims.length && t.dims[t.dims.length - 1] === 1 ? { dims: t.dims.slice(0, -1), open: false } : t;
      return indices.dims.length === lead.dims.length && leadingDimsAgree(indices, lead) === true ? PASS : UNKNOWN_VERDICT;
    }
  }
}

/**
 * tf.keras 2's elementwise losses (tensorflow/python/keras/losses.py, keras/losses.py in Keras 2.x):
 * `mean_squared_error` is `squared_difference(y_pred, y_true)`, `mean_absolute_error`
 * `abs(y_pred - y_true)`, `mean_squared_logarithmic_error` the squared difference of the logs
 * (prediction first), `mean_absolute_percentage_error` `abs((y_true - y_pred) / …)`. Inside `fit`
 * the traced graph's shape inference raises "Dimensions must be equal, but are 10 and 3 for
 * '{{node …}}' with input shapes: [?,10], [?,3]."; called directly, the eager op raises
 * "Incompatible shapes: [32,10] vs. [32,3]". Both name the operands in the op's order.
 */
function tfKeras2Elementwise(loss: KerasLoss, yTrue: Shape, yPred: Shape, t: Shape, p: Shape, batchNone: boolean): LossVerdict {
  const [first, second] = loss === 'percentage' ? [t, p] : [p, t];
  const b = broadcastVerdict(first, second);
  if (b === 'same' || b === 'broadcast') return PASS;
  // Every size is printed (inside `fit`, an unknown batch as ?): all others must be known.
  if (b === null || ![first, second].every((s) => s.dims.slice(batchNone ? 1 : 0).every((d) => typeof d === 'number'))) return UNKNOWN_VERDICT;
  const message = batchNone
    ? `Dimensions must be equal, but are ${b.x} and ${b.y} for '{{node …}}' with input shapes: ${tfShape(first, batchNone)}, ${tfShape(second, batchNone)}.`
    : `Incompatible shapes: ${tfShape(first, batchNone)} vs. ${tfShape(second, batchNone)}`;
  return raise(message, [
    `The loss compares the output ${pyTuple(yPred, batchNone)} with the labels ${pyTuple(yTrue, batchNone)} element by element (after tf.keras drops one trailing axis of size 1), and they do not broadcast.`,
  ]);
}

/**
 * tf.keras 2's categorical crossentropy: `target.shape.assert_is_compatible_with(output.shape)`
 * ("Shapes (None, 1) and (None, 10) are incompatible"); a loss object first drops a squeezable
 * axis, the function called directly does not.
 */
function tfKeras2Categorical(yTrue: Shape, yPred: Shape, call: KerasLossCall): LossVerdict {
  const [t, p] = call.direct ? [yTrue, yPred] : tf2Squeeze(yTrue, yPred);
  const agree = t.dims.length === p.dims.length ? leadingDimsAgree(t, p) : false;
  if (agree === true) return PASS;
  if (agree === null) return UNKNOWN_VERDICT;
  const indices = looksLikeIndices(t, p);
  return raise(`Shapes ${pyTuple(t, call.batchNone)} and ${pyTuple(p, call.batchNone)} are incompatible`, [
    indices
      ? `The labels ${pyTuple(t, call.batchNone)} are class indices, but categorical_crossentropy takes one-hot labels of the output's shape.`
      : `categorical_crossentropy takes labels of the output's shape ${pyTuple(p, call.batchNone)}.`,
  ], indices ? indexFixes(p) : undefined);
}

/** What Keras 1 and 2.0–2.3 see of a `fit`-like call on a Sequential or functional model. */
export interface LegacyFitTarget {
  /** The label array's whole shape, as passed. */
  labels: Shape;
  /** The output layer's name in Keras 1 and in Keras 2.0–2.3 (both count layers from 1), null when not known. */
  names: { keras1: string | null; keras2: string | null };
  /** The loss was named (or a `keras.losses` function): only then is the target checked against the output. */
  named: boolean;
}

/** Keras 1 and 2.0–2.3 word the same checks differently: prefix, shapes whole or without the batch, the import hint. */
const LEGACY_WORDING = {
  keras1: { prefix: 'model target', wholeShapes: true, toCategorical: 'from keras.utils.np_utils import to_categorical' },
  'keras2.0-2.3': { prefix: 'target', wholeShapes: false, toCategorical: 'from keras.utils import to_categorical' },
} as const;

/**
 * Keras 1 / 2.0–2.3 before training: 1-D labels become (N, 1); the labels must have the rank of the
 * output (for the sparse loss, the output with a last axis of 1) and its sizes after the batch axis;
 * then categorical crossentropy rejects labels whose last axis is 1. A loss object, an unknown
 * output size or an unknown layer name leave it silent.
 */
export function legacyFitVerdict(loss: KerasLoss, version: 'keras1' | 'keras2.0-2.3', fit: LegacyFitTarget, output: Shape): LossVerdict {
  const name = version === 'keras1' ? fit.names.keras1 : fit.names.keras2;
  const y = fit.labels;
  if (!fit.named || !name || y.open || output.open || y.dims.length === 0 || output.dims.length < 2) return UNKNOWN_VERDICT;
  // The message prints the label array's whole shape: every size must be known.
  if (!y.dims.every((d) => typeof d === 'number')) return UNKNOWN_VERDICT;
  const o = output.dims;
  // Keras 2.2+ moves the sparse loss's 1 to axis 1 for channels_first 4-D/5-D outputs: left silent.
  if (loss === 'sparse_categorical_crossentropy' && o.length >= 4) return UNKNOWN_VERDICT;
  const feed: Shape = { dims: [null, ...(loss === 'sparse_categorical_crossentropy' ? [...o.slice(1, -1), 1] : o.slice(1))], open: false };
  if (!feed.dims.slice(1).every((d) => typeof d === 'number')) return UNKNOWN_VERDICT;
  const labels: Shape = y.dims.length === 1 ? { dims: [...y.dims, 1], open: false } : y;
  const words = LEGACY_WORDING[version];
  const tail = (s: Shape): Shape => ({ dims: s.dims.slice(1), open: false });
  const [shown, got] = words.wholeShapes ? [feed, labels] : [tail(feed), tail(labels)];
  const why = legacyExplanation(loss, y, output);
  if (labels.dims.length !== feed.dims.length) {
    return raise(`Error when checking ${words.prefix}: expected ${name} to have ${feed.dims.length} dimensions, but got array with shape ${pyTuple(labels)}`, why, legacyFixes(loss, y, output));
  }
  if (feed.dims.some((d, i) => i > 0 && d !== 0 && d !== labels.dims[i])) {
    return raise(`Error when checking ${words.prefix}: expected ${name} to have shape ${pyTuple(shown)} but got array with shape ${pyTuple(got)}`, why, legacyFixes(loss, y, output));
  }
  if (loss === 'categorical_crossentropy' && labels.dims[labels.dims.length - 1] === 1) {
    return raise(`You are passing a target array of shape ${pyTuple(labels)} while using as loss \`categorical_crossentropy\`. \`categorical_crossentropy\` expects targets to be binary matrices (1s and 0s) of shape (samples, classes).`, [
      'If your targets are integer classes, you can convert them to the expected format via: '
        + `\`${words.toCategorical}\`, \`y_binary = to_categorical(y_int)\`. Alternatively, you can use the loss function \`sparse_categorical_crossentropy\` instead, which does expect integer targets.`,
    ], INDEX_FIX);
  }
  return PASS;
}

function legacyExplanation(loss: KerasLoss, y: Shape, output: Shape): string[] {
  const out = pyTuple({ dims: [null, ...output.dims.slice(1)], open: false });
  if (loss === 'sparse_categorical_crossentropy') return [`sparse_categorical_crossentropy takes one class index per sample (labels of shape (N,) or (N, 1)) for the output ${out}; the labels are ${pyTuple(y)}.`];
  return [`${isElementwise(loss) ? 'The loss' : loss} takes labels of the output's shape ${out}; the labels are ${pyTuple(y)}.`];
}

function legacyFixes(loss: KerasLoss, y: Shape, output: Shape): LossFix[] | undefined {
  // The labels are the whole array, the output one batch of it: compare them past the batch axis.
  const out: Shape = { dims: [y.dims[0], ...output.dims.slice(1)], open: false };
  if (loss === 'categorical_crossentropy' && looksLikeIndices(y, out)) return indexFixes(out);
  if (loss === 'sparse_categorical_crossentropy' && y.dims.length === output.dims.length && leadingDimsAgree({ dims: y.dims.slice(1), open: false }, { dims: output.dims.slice(1), open: false }) === true) return [ONE_HOT_FIX];
  return undefined;
}

/** The verdict of one candidate version (`legacy` null: no `fit` on a Sequential/functional model, so Keras 1/2.0–2.3 say nothing). */
export function kerasVersionVerdict(version: KerasVersion, loss: KerasLoss, yTrue: Shape, yPred: Shape, call: KerasLossCall, legacy: LegacyFitTarget | null): LossVerdict {
  if (version === 'keras3') return kerasLossVerdict(loss, yTrue, yPred, 'keras3', call);
  if (version === 'keras2.4+') return kerasLossVerdict(loss, yTrue, yPred, 'keras2', call);
  return legacy ? legacyFitVerdict(loss, version, legacy, yPred) : UNKNOWN_VERDICT;
}

