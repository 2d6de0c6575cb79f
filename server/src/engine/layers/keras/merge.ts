/**
 * Keras merge layers (Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum) and their
 * functional forms (`keras.layers.concatenate([a, b])`). The input is one list of tensors.
 */
import { BATCH, ranked } from '../../shapes';
import type { Dim, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerOutcome, TensorValue } from '../types';
import { asInt, isTensor } from '../types';
import { issue, kerasTensor, params, unknownOutcome } from './common';
import { pyList, pyShape } from './format';

/** Ranked shapes of every tensor in the list, or null when any is missing, unknown or open. */
function listShapes(v: ArgValue | TensorValue | undefined): Shape[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const shapes: Shape[] = [];
  for (const t of v) {
    if (!isTensor(t) || !t.shape || t.shape.open) return null;
    shapes.push(t.shape);
  }
  return shapes;
}

const known = (d: Dim): d is number => typeof d === 'number';

function inputsText(shapes: Shape[]): string {
  return pyList(shapes.map((s) => pyShape(s.dims)));
}

function concatenate(shapes: Shape[], axisArg: number): LayerOutcome {
  const rank = shapes[0].dims.length;
  const sameRank = shapes.every((s) => s.dims.length === rank);
  const axis = axisArg < 0 ? axisArg + rank : axisArg;
  const msg = 'A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. ' +
    `Received: input_shape=${inputsText(shapes)}`;
  if (rank === 0) return unknownOutcome();
  if (axis < 0 || axis >= rank) return sameRank ? axisOutOfRange(shapes, axisArg, msg) : unknownOutcome();
  // Keras drops size-1 axes before comparing, which lets some mismatches through to the op:
  // stay silent whenever a 1 is involved, unless every input has the same other axes.
  const sameOthers = sameRank && shapes.every((s) => s.dims.every((d, i) => i === 0 || i === axis || (known(d) && d === shapes[0].dims[i])));
  const hasOnes = !sameOthers && shapes.some((s) => s.dims.some((d, i) => i > 0 && i !== axis && d === 1));
  if (!sameRank) {
    if (hasOnes) return unknownOutcome();
    return { output: kerasTensor(null), issue: issue('merge-mismatch', msg, ['the inputs have different ranks']) };
  }
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const ds = shapes.map((s) => s.dims[i]);
    if (i === axis) {
      out.push(ds.every(known) ? (ds as number[]).reduce((a, b) => a + b, 0) : null);
      continue;
    }
    const vals = [...new Set(ds.filter(known))];
    if (vals.length > 1 && !hasOnes) {
      return { output: kerasTensor(null), issue: issue('merge-mismatch', msg,
        [`axis ${i} differs (${vals.join(' vs ')}); only the concatenation axis ${axisArg} may differ`]) };
    }
    // Keras takes the other axes from the first input, None included.
    out.push(ds[0]);
  }
  if (hasOnes) return unknownOutcome();
  return { output: kerasTensor(ranked(out)), trace: [{ axis: `axis ${axisArg}`,
    formula: shapes.map((s) => String(s.dims[axis] ?? '?')).join(' + ') + ` = ${out[axis] ?? '?'}` }] };
}

/**
 * `Concatenate(axis=...)` with an axis outside the inputs' rank (Keras 3.15, checked): `build`
 * deletes the axis from each shape, so a negative one raises IndexError there; a positive one
 * deletes nothing, so the whole shapes are compared (the usual message when a known dim
 * differs) and otherwise `call` raises IndexError. Silent when a size-1 axis is involved,
 * since `build` first drops those.
 */
function axisOutOfRange(shapes: Shape[], axisArg: number, msg: string): LayerOutcome {
  const rank = shapes[0].dims.length;
  const why = [`axis=${axisArg} is outside the inputs' ${rank} axes (batch included), valid axes are ${-rank}..${rank - 1}`];
  if (axisArg < 0) return { output: kerasTensor(null), issue: issue('rank-mismatch', 'list assignment index out of range', why) };
  if (shapes.some((s) => s.dims.some((d, i) => i > 0 && d === 1))) return unknownOutcome();
  const clash = shapes[0].dims.some((_, i) => new Set(shapes.map((s) => s.dims[i]).filter(known)).size > 1);
  return { output: kerasTensor(null), issue: issue(clash ? 'merge-mismatch' : 'rank-mismatch', clash ? msg : 'list index out of range', why) };
}

/** Keras' `_compute_elemwise_op_output_shape` on batch-less shapes; a string is an error. */
function elementwise(a: Dim[], b: Dim[]): Dim[] | string {
  if (a.length < b.length) return elementwise(b, a);
  if (b.length === 0) return a;
  const out = a.slice(0, a.length - b.length);
  const tail = a.slice(a.length - b.length);
  for (let k = 0; k < b.length; k++) {
    const i = tail[k];
    const j = b[k];
    if (!known(i) || !known(j)) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1) out.push(i);
    else if (i !== j) return `Inputs have incompatible shapes. Received shapes ${pyShape(a)} and ${pyShape(b)}`;
    else out.push(i);
  }
  return out;
}

function mergeElementwise(className: string, shapes: Shape[]): LayerOutcome {
  if (className === 'Subtract' && shapes.length !== 2) {
    return { output: kerasTensor(null), issue: issue('merge-mismatch',
      `A \`Subtract\` layer should be called on exactly 2 inputs. Received: input_shape=${inputsText(shapes)}`,
      [`Subtract takes exactly two tensors, got ${shapes.length}`]) };
  }
  let acc: Dim[] = shapes[0].dims.slice(1);
  for (const s of shapes.slice(1)) {
    const r = elementwise(acc, s.dims.slice(1));
    if (typeof r === 'string') {
      return { output: kerasTensor(null), issue: issue('merge-mismatch', r, [
        `${className} needs equal shapes (a size-1 axis broadcasts); batch axis excluded`,
      ]) };
    }
    acc = r;
  }
  // A known batch size wins; the batch symbol only when every input has it (an unknown stays unknown).
  const batch = shapes.map((s) => s.dims[0]).find(known) ?? (shapes.every((s) => s.dims[0] === BATCH) ? BATCH : null);
  return { output: kerasTensor(ranked([batch, ...acc])) };
}

function applyMerge(className: string, list: ArgValue | TensorValue | undefined, args: BoundArgs): LayerOutcome {
  const shapes = listShapes(list);
  if (!shapes) return unknownOutcome();
  if (className !== 'Concatenate') return mergeElementwise(className, shapes);
  const axis = asInt(args.get('axis'));
  return axis === null ? unknownOutcome() : concatenate(shapes, axis);
}

const CLASSES = ['Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'];

function classDef(className: string): LayerDef {
  return {
    framework: 'keras',
    names: [`keras.layers.${className}`],
    params: className === 'Concatenate' ? params(['axis', -1]) : params(),
    kind: 'layer',
    apply: (args, inputs) => applyMerge(className, inputs[0], args),
  };
}

function functionDef(className: string): LayerDef {
  return {
    framework: 'keras',
    names: [`keras.layers.${className.toLowerCase()}`],
    params: className === 'Concatenate' ? params('inputs', ['axis', -1]) : params('inputs'),
    kind: 'op',
    apply: (args, inputs) => applyMerge(className, args.get('inputs') ?? inputs[0], args),
  };
}

export const mergeLayers: LayerDef[] = [...CLASSES.map(classDef), ...CLASSES.map(functionDef)];
