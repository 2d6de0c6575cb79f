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
 *  - `KLDivLoss` computes `label * (log(label + 1e-12) - pred)`: the label broadcasts with the
 *    prediction (`broadcast_sub`, src/operator/tensor/elemwise_binary_broadcast_op.h
 *    `BinaryBroadcastShape`), so only sizes that do not broadcast fail;
 *  - `CTCLoss(layout='NTC', label_layout='NT')` swaps the prediction (and a 'TN' label) to
 *    (T, N, C) and (N, L), then `CTCLossOpShape` (src/operator/nn/ctc_loss-inl.h) checks, in this
 *    order: data of rank 3, labels of rank 2, the same batch, the lengths' batch, and no more
 *    labels than time steps.
 * Only the cases that fail whatever the autograd mode are reported.
 */
import { checkMsg, checkOpMsg } from '../mxnet/mxcore';
import { broadcastDims } from '../mxnet/ops';
import { product } from '../../shapes';
import type { Dim, Shape } from '../../types';
import { PASS, raise, shapeEq, UNKNOWN_VERDICT, type LossVerdict } from './verdict';

export type GluonLoss = 'softmax_ce' | 'reshape_like' | 'kl_div' | 'ctc';

export const GLUON_LOSS_CLASSES: Record<string, GluonLoss> = {
  SoftmaxCrossEntropyLoss: 'softmax_ce',
  SoftmaxCELoss: 'softmax_ce',
  SigmoidBinaryCrossEntropyLoss: 'reshape_like',
  SigmoidBCELoss: 'reshape_like',
  L1Loss: 'reshape_like',
  L2Loss: 'reshape_like',
  KLDivLoss: 'kl_div',
  CTCLoss: 'ctc',
};

/** A shape as MXNet's `TShape` prints it: `[64,10]`. */
export function mxShape(s: Shape | Dim[]): string {
  return `[${(Array.isArray(s) ? s : s.dims).map((d) => (d === null ? '?' : String(d))).join(',')}]`;
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

/** `KLDivLoss()(pred, label)`: `log(label) - pred` broadcasts, label first. */
export function gluonKlDivVerdict(pred: Shape, label: Shape): LossVerdict {
  if (pred.open || label.open) return UNKNOWN_VERDICT;
  if (broadcastDims(label.dims, pred.dims) !== 'error') return PASS;
  return raise(checkMsg('l == 1 || r == 1', `operands could not be broadcast together with shapes ${mxShape(label)} ${mxShape(pred)}`), [
    `KLDivLoss subtracts the prediction ${mxShape(pred)} from the log of the label ${mxShape(label)} element by element (broadcasting from the right): the label must hold a distribution of the prediction's shape.`,
  ]);
}

export interface CtcInputs {
  pred: Shape;
  label: Shape;
  predLengths: Shape | null;
  labelLengths: Shape | null;
  layout: 'NTC' | 'TNC';
  labelLayout: 'NT' | 'TN';
}

/** `CTCLoss(layout, label_layout)(pred, label, pred_lengths, label_lengths)`. */
export function gluonCtcVerdict(c: CtcInputs): LossVerdict {
  const shapes = [c.pred, c.label, c.predLengths, c.labelLengths];
  if (shapes.some((s) => s?.open) || c.pred.dims.length < 2 || (c.labelLayout === 'TN' && c.label.dims.length < 2)) return UNKNOWN_VERDICT;
  const swap = (d: Dim[]) => [d[1], d[0], ...d.slice(2)];
  const data = c.layout === 'NTC' ? swap(c.pred.dims) : c.pred.dims;
  const label = c.labelLayout === 'TN' ? swap(c.label.dims) : c.label.dims;
  const layouts = `With layout='${c.layout}' and label_layout='${c.labelLayout}' the operator sees data ${mxShape(data)} as (T, N, C) and labels ${mxShape(label)} as (N, L).`;
  const fail = (a: string, op: string, b: string, av: Dim, bv: Dim, msg: string, why: string) => raise(checkOpMsg(a, op, b, av, bv, msg), [layouts, why]);
  if (data.length !== 3) return fail('dshape.ndim()', '==', '3U', data.length, 3, 'The number of dimensions of data array must be 3.', 'The prediction must be a sequence of class scores per batch item.');
  if (label.length !== 2) return fail('lshape.ndim()', '==', '2U', label.length, 2, 'The number of dimensions of labels array must be 2.', 'The labels must be padded class-index sequences, one row per batch item.');
  const eq = (a: Dim, b: Dim): boolean | null => (typeof a === 'number' && typeof b === 'number' ? a === b : null);
  const batch = eq(data[1], label[0]);
  if (batch === null) return UNKNOWN_VERDICT;
  if (!batch) return fail('dshape[1]', '==', 'lshape[0]', data[1], label[0], 'The batch size for the labels and data arrays must be the same.', `The prediction has ${data[1]} sequences and the labels ${label[0]}.`);
  for (const [lengths, batchDim, a, b, what] of [
    [c.predLengths, data[1], 'dlshape[0]', 'dshape[1]', 'data and data lengths'],
    [c.labelLengths, label[0], 'llshape[0]', 'lshape[0]', 'labels and label lengths'],
  ] as const) {
    if (!lengths) continue;
    const vector = lengths.dims.length === 1 ? 1 : null;
    if (vector === null) return UNKNOWN_VERDICT;
    const same = eq(lengths.dims[0], batchDim);
    if (same === null) return UNKNOWN_VERDICT;
    if (!same) return fail(a, '==', b, lengths.dims[0], batchDim, `The batch size for the ${what} must be the same.`, `One length per batch item: ${batchDim}.`);
  }
  if (typeof data[0] !== 'number' || typeof label[1] !== 'number') return UNKNOWN_VERDICT;
  if (data[0] < label[1]) return fail('dshape[0]', '>=', 'lshape[1]', data[0], label[1], 'The max number of labels cannot exceed the maximum sequence length of the data.', `The labels are padded to ${label[1]} symbols but the prediction has only ${data[0]} time steps.`);
  return PASS;
}
