/**
 * MXNet symbol-API loss heads against the label shapes they are bound with (`Module.bind(
 * label_shapes=...)`, or an iterator's `provide_label` in `Module.fit`). MXNet does not install,
 * so these follow the shape inference of MXNet 1.9's sources:
 *  - `SoftmaxOutput` (src/operator/softmax_output-inl.h, `SoftmaxOutputProp::InferShape`): a label
 *    of the data's shape is read as probabilities; otherwise the label must be the data's shape
 *    without its last axis (`SHAPE_ASSIGN_CHECK`). With `multi_output=True` the classes are axis 1
 *    and the label may be (N, size/N/C), (N, d2, …) or the data's shape with axis 1 as 1.
 *    `preserve_shape` changes only how forward and backward flatten the data, not this check;
 *  - `LinearRegressionOutput`, `LogisticRegressionOutput`, `MAERegressionOutput`
 *    (src/operator/regression_output-inl.h, `RegressionOpShape`): the label must have the data's
 *    first axis and its size; any layout of those values passes ((N,) against (N, 1) is fine).
 * Binding raises these from the shape inference pass, prefixed "Error in operator <name>: ".
 */
import { product } from '../../shapes';
import type { Shape } from '../../types';
import { mxShape } from './gluon';
import { PASS, raise, shapeEq, UNKNOWN_VERDICT, type LossVerdict } from './verdict';

export type MxOutputHead = 'softmax' | 'regression';

export const MX_OUTPUT_HEADS: Record<string, MxOutputHead> = {
  SoftmaxOutput: 'softmax',
  Softmax: 'softmax',
  LinearRegressionOutput: 'regression',
  LogisticRegressionOutput: 'regression',
  MAERegressionOutput: 'regression',
};

function known(s: Shape): s is Shape & { dims: number[] } {
  return !s.open && s.dims.every((d) => typeof d === 'number');
}

function prefixed(opName: string | null, core: string): string {
  return opName ? `Error in operator ${opName}: ${core}` : core;
}

/** The verdict of binding a head whose data has shape `data` to a label of shape `label`. */
export function mxOutputVerdict(head: MxOutputHead, data: Shape, label: Shape, opName: string | null, multiOutput = false): LossVerdict {
  if (!known(data) || !known(label) || data.dims.length === 0) return UNKNOWN_VERDICT;
  return head === 'softmax' ? softmaxOutput(data, label, opName, multiOutput) : regressionOutput(data, label, opName);
}

function softmaxOutput(data: Shape & { dims: number[] }, label: Shape, opName: string | null, multiOutput: boolean): LossVerdict {
  const d = data.dims;
  // A label of the data's shape is class probabilities.
  if (shapeEq(data, label) === true) return PASS;
  if (!multiOutput) {
    const expected: Shape = { dims: d.slice(0, -1), open: false };
    if (shapeEq(label, expected) === true) return PASS;
    const extraAxis = label.dims.length === d.length && label.dims[label.dims.length - 1] === 1 && shapeEq({ dims: label.dims.slice(0, -1), open: false }, expected) === true;
    return raise(prefixed(opName, `Shape inconsistent, Provided = ${mxShape(label)}, inferred shape=${mxShape(expected)}`), [
      `SoftmaxOutput takes one class index per row of the data ${mxShape(data)} (classes on the last axis), so the labels must be ${mxShape(expected)}, or class probabilities of the data's shape.`,
      ...(extraAxis ? [`The labels carry an extra axis of size 1: labels of shape ${mxShape(expected)} fit.`] : []),
      'MXNet raises this when the module binds (Module.bind, or Module.fit with the iterator\'s provide_label).',
    ]);
  }
  if (d.length < 2 || d[1] === 0 || d[0] === 0) return UNKNOWN_VERDICT;
  const flat: Shape = { dims: [d[0], (product(d) as number) / d[0] / d[1]], open: false };
  const spatial: Shape = { dims: [d[0], ...d.slice(2)], open: false };
  const keep: Shape = { dims: d.map((x, i) => (i === 1 ? 1 : x)), open: false };
  if ([flat, spatial, keep].some((s) => shapeEq(label, s) === true)) return PASS;
  return raise(prefixed(opName, `Expecting ${mxShape(flat)} or ${mxShape(spatial)}. But got ${mxShape(label)}`), [
    `With multi_output=True the classes are axis 1 of the data ${mxShape(data)}, so the labels hold one class index per position: ${mxShape(spatial)} (or ${mxShape(flat)}, or ${mxShape(keep)}).`,
    'MXNet raises this when the module binds (Module.bind, or Module.fit with the iterator\'s provide_label).',
  ]);
}

function regressionOutput(data: Shape & { dims: number[] }, label: Shape & { dims: number[] }, opName: string | null): LossVerdict {
  if (label.dims.length === 0) return UNKNOWN_VERDICT;
  const [ds, ls] = [product(data.dims) as number, product(label.dims) as number];
  if (label.dims[0] === data.dims[0] && ls === ds) return PASS;
  return raise(prefixed(opName, `Shape inconsistent, Provided=${mxShape(label)}, inferred shape=${mxShape(data)}`), [
    label.dims[0] !== data.dims[0]
      ? `The regression head's data ${mxShape(data)} has ${data.dims[0]} rows and the labels ${mxShape(label)} ${label.dims[0]}: one label row per data row.`
      : `The labels ${mxShape(label)} hold ${ls} values and the head's data ${mxShape(data)} ${ds}: a regression output needs one label per output value.`,
    'MXNet raises this when the module binds (Module.bind, or Module.fit with the iterator\'s provide_label).',
  ]);
}
