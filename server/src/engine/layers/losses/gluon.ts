/**
 * Gluon losses against their labels (mxnet/gluon/loss.py, MXNet 1.9.1; MXNet does not install,
 * so these follow the source):
 *  - `SoftmaxCrossEntropyLoss(sparse_label=True)` picks the label's class with
 *    `F.pick(pred, label, axis=axis)`, whose shape inference (`PickOpShape`,
 *    src/operator/tensor/broadcast_reduce_op.h) assigns the label the prediction's shape with
 *    the class axis dropped, or kept as 1 for a label of the prediction's rank: one-hot labels
 *    of the prediction's shape are inconsistent;
 *  - with `sparse_label=False`, and in `SigmoidBinaryCrossEntropyLoss`, `L1Loss`, `L2Loss`, the
 *    label is reshaped to the prediction's shape (`_reshape_like`): any shape of the same size
 *    works ((N,) against (N, 1) is fine), a smaller label cannot be reshaped.
 * Only the cases that fail whatever the autograd mode are reported.
 */
import { product } from '../../shapes';
import type { Shape } from '../../types';
import { PASS, raise, shapeEq, UNKNOWN_VERDICT, type LossVerdict } from './verdict';

export type GluonLoss = 'softmax_ce' | 'reshape_like';

export const GLUON_LOSS_CLASSES: Record<string, GluonLoss> = {
  SoftmaxCrossEntropyLoss: 'softmax_ce',
  SoftmaxCELoss: 'softmax_ce',
  SigmoidBinaryCrossEntropyLoss: 'reshape_like',
  SigmoidBCELoss: 'reshape_like',
  L1Loss: 'reshape_like',
  L2Loss: 'reshape_like',
};

/** A shape as MXNet's `TShape` prints it: `[64,10]`. */
export function mxShape(s: Shape): string {
  return `[${s.dims.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}

/** The verdict of `loss(pred, label)`; `sparseLabel`/`axis` only matter for softmax cross-entropy. */
export function gluonLossVerdict(loss: GluonLoss, pred: Shape, label: Shape, sparseLabel: boolean, axis: number): LossVerdict {
  if (pred.open || label.open) return UNKNOWN_VERDICT;
  if (loss === 'softmax_ce' && sparseLabel) {
    const ax = axis < 0 ? axis + pred.dims.length : axis;
    if (ax < 0 || ax >= pred.dims.length) return UNKNOWN_VERDICT;
    // A label of the prediction's rank keeps the class axis as 1; any other rank drops it.
    const keep = label.dims.length === pred.dims.length;
    const expected: Shape = { dims: keep ? pred.dims.map((d, i) => (i === ax ? 1 : d)) : pred.dims.filter((_, i) => i !== ax), open: false };
    const eq = shapeEq(label, expected);
    if (eq === null) return UNKNOWN_VERDICT;
    if (eq) return PASS;
    const oneHot = shapeEq(label, pred) === true;
    return raise(
      `Shape inconsistent, Provided = ${mxShape(label)}, inferred shape=${mxShape(expected)}`,
      [
        oneHot
          ? `The labels ${mxShape(label)} are one-hot (the prediction's shape), but sparse_label=True (the default) takes class indices ${mxShape(expected)}.`
          : `With sparse_label=True the loss picks one class per prediction, so the labels must have the prediction's shape without the class axis: ${mxShape(expected)}.`,
        'MXNet raises this from the pick operator inside the loss.',
      ],
      oneHot ? { title: 'Read one-hot labels (sparse_label=False)', on: 'loss-arg', name: 'sparse_label', value: 'False' } : undefined,
    );
  }
  const [p, l] = [product(pred.dims), product(label.dims)];
  if (p === null || l === null) return UNKNOWN_VERDICT;
  if (p === l) return PASS;
  // A larger label reshapes to a smaller view outside autograd.record() only.
  if (p < l) return UNKNOWN_VERDICT;
  return raise('NDArray.Reshape: target shape size is larger current shape', [
    `The loss reshapes the labels ${mxShape(label)} (${l} values) to the prediction's shape ${mxShape(pred)} (${p} values).`,
    'Under autograd.record() MXNet words it "target shape must have the same size as current shape when recording with autograd".',
  ], loss === 'softmax_ce' ? { title: 'Read class-index labels (sparse_label=True)', on: 'loss-arg', name: 'sparse_label', value: 'True' } : undefined);
}
