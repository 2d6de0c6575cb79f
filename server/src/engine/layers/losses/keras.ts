/**
 * Keras losses against their targets.
 *
 * Keras 3 (checked with the loss oracle against Keras 3.15 on TensorFlow): a loss object (and a
 * `compile(loss="...")` string, wrapped the same way) first squeezes or expands one trailing
 * axis of size 1 so target and prediction have the same rank (`squeeze_or_expand_to_same_rank`),
 * then `categorical_crossentropy` / `binary_crossentropy` require the same rank and shape,
 * `sparse_categorical_crossentropy` squeezes a trailing 1 of the target and requires the
 * prediction's rank minus one and its leading axes, and the elementwise losses (`mse`, `mae`, …)
 * broadcast. Keras 2.4+ / tf.keras 2 raise on categorical crossentropy's class axis in their own
 * words (`target.shape.assert_is_compatible_with(output.shape)` in `keras/backend.py`). Where the
 * reading of an older version is not certain, it is left silent.
 */
import type { KerasSemantics, Shape } from '../../types';
import { broadcastVerdict, PASS, pyTuple, raise, UNKNOWN_VERDICT, type LossFix, type LossVerdict } from './verdict';

export type KerasLoss = 'categorical_crossentropy' | 'sparse_categorical_crossentropy' | 'binary_crossentropy' | 'elementwise';

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
  mape: 'elementwise', mean_absolute_percentage_error: 'elementwise', MeanAbsolutePercentageError: 'elementwise',
};

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

/** Class-index labels against a class axis: (N,) or (N, 1) labels for (N, C) with C > 1. */
function looksLikeIndices(t: Shape, p: Shape): boolean {
  const last = p.dims[p.dims.length - 1];
  const lead = p.dims.slice(0, -1);
  const tDims = t.dims[t.dims.length - 1] === 1 && t.dims.length === p.dims.length ? t.dims.slice(0, -1) : t.dims;
  return typeof last === 'number' && last > 1 && tDims.length === lead.length && leadingDimsAgree({ dims: tDims, open: false }, { dims: lead, open: false }) === true;
}

/**
 * The verdict of a Keras loss on `(y_true, y_pred)`. `batchNone`: the loss runs inside `fit`
 * (a batch the code does not show prints as None; TensorFlow words errors as in a graph).
 */
export function kerasLossVerdict(loss: KerasLoss, yTrue: Shape, yPred: Shape, semantics: KerasSemantics, batchNone = false): LossVerdict {
  // Rank-0 labels or predictions take paths of their own in Keras (an IndexError, or a rank error before the squeeze).
  if (yTrue.open || yPred.open || yTrue.dims.length === 0 || yPred.dims.length === 0) return UNKNOWN_VERDICT;
  if (semantics !== 'keras3') return olderKeras(loss, yTrue, yPred, semantics, batchNone);
  const adjusted = sameRank(yTrue, yPred);
  if (!adjusted) return UNKNOWN_VERDICT;
  const [t, p] = adjusted;
  const shapes = `target.shape=${pyTuple(t, batchNone)}, output.shape=${pyTuple(p, batchNone)}`;
  switch (loss) {
    case 'categorical_crossentropy':
    case 'binary_crossentropy': {
      const fix = loss === 'categorical_crossentropy' && looksLikeIndices(t, p) ? INDEX_FIX : undefined;
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
    case 'elementwise': {
      const b = broadcastVerdict(t, p);
      if (b === null) return UNKNOWN_VERDICT;
      if (b === 'same' || b === 'broadcast') return PASS;
      const list = (s: Shape) => `[${s.dims.map((d, i) => (batchNone && i === 0 && typeof d !== 'number' ? '?' : String(d))).join(',')}]`;
      // Eagerly TensorFlow says "Incompatible shapes"; inside `fit` the traced graph says "Dimensions must be equal".
      const message = batchNone
        ? `Dimensions must be equal, but are ${b.x} and ${b.y} for '{{node compile_loss/…/sub}}' with input shapes: ${list(t)}, ${list(p)}.`
        : `Incompatible shapes: ${list(t)} vs. ${list(p)}`;
      return raise(message, [
        `The loss subtracts the output ${pyTuple(yPred, batchNone)} from the labels ${pyTuple(yTrue, batchNone)} (after Keras drops or adds one trailing axis of size 1), and they do not broadcast.`,
      ]);
    }
  }
}

/**
 * Keras 2.4+ / tf.keras 2: only the class-axis clash of categorical crossentropy against
 * class-index labels, in its own words. Keras 1 and 2.0–2.3 check targets against the output
 * layer before training, in words that name the layer; they are left silent here.
 */
function olderKeras(loss: KerasLoss, t: Shape, p: Shape, semantics: KerasSemantics, batchNone: boolean): LossVerdict {
  if (semantics !== 'keras2' || loss !== 'categorical_crossentropy' || !looksLikeIndices(t, p)) return UNKNOWN_VERDICT;
  return raise(`Shapes ${pyTuple(t, batchNone)} and ${pyTuple(p, batchNone)} are incompatible`, [
    `The labels ${pyTuple(t, batchNone)} are class indices, but categorical_crossentropy takes one-hot labels of the output's shape.`,
  ], INDEX_FIX);
}
