/**
 * Keras `predict`/`evaluate`/`fit` (and the `*_on_batch` forms) called with an array: the
 * array's rank is checked against the model's declared input at that call, then the model
 * runs on it (so `model.fit(X, y)` with `X = np.load(...).reshape(-1, 28, 28, 1)` builds an
 * unbuilt Sequential on `(N, 28, 28, 1)`).
 *
 * It is an input source, not a sink: the rank check decides whether the model runs on the
 * array at all (a wrong-rank array would otherwise raise again, falsely, inside the first
 * layer), and sinks only observe after the sources ran.
 *
 * Keras 3 (checked against 3.15) raises at the call when the ranks differ after its rank
 * adjustment (`Functional._adjust_input_rank`: one missing or extra trailing axis of size 1 is
 * expanded or squeezed). Sizes are not checked at the input: a Sequential's layers were built
 * on the declared input, so the first Dense or convolution whose weights the array would change
 * raises its input-spec error (found by running the model dry on both). Silent whenever the
 * array's rank or the declared input is unknown.
 */
import { adjustedInputRank } from '../../layers/keras/index';
import type { LayerIssue } from '../../layers/types';
import { BATCH, ranked } from '../../shapes';
import type { Dim, LayerApplication, Shape } from '../../types';
import type { EvaluatedArgs } from '../bind';
import { tensorVal, UNKNOWN_V, type ObjectValue, type TensorVal, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { kerasBatches } from './data-objects';
import { semanticsOf } from '../../layers/keras/versions';

/** Methods that feed the model an array. */
export const KERAS_DATA_METHODS = ['predict', 'predict_on_batch', 'fit', 'evaluate', 'train_on_batch', 'test_on_batch', 'fit_generator', 'evaluate_generator', 'predict_generator'] as const;

/** The declared input of a Keras model (Sequential's `Input`/`input_shape=`, a functional model's single input). */
function declaredInput(obj: ObjectValue): Shape | null {
  if (obj.kerasInput) return obj.kerasInput.shape;
  const inputs = obj.functional?.inputs;
  return inputs?.t === 'tensor' ? inputs.shape : null;
}

function pyDims(s: Shape): string {
  const parts = s.dims.map((d) => (typeof d === 'number' ? String(d) : 'None'));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** `fit` and `evaluate` feed batches from a dataset whose batch dim is unknown (None in the message). */
function inBatches(method: string): boolean {
  return method === 'fit' || method === 'evaluate' || method === 'fit_generator' || method === 'evaluate_generator';
}

/**
 * Keras 3's messages (3.15): a Sequential reports from `_adjust_input_rank`, a functional model
 * from its input spec (which allows only the trailing-axis squeeze).
 */
function rankIssue(obj: ObjectValue, declared: Shape, x: Shape): LayerIssue {
  const functional = obj.container === 'keras.Functional';
  const message = functional
    ? `Input 0 … is incompatible with the layer: expected shape=${pyDims(declared)}, found shape=${pyDims(x)}`
    : `Invalid input shape for input … Expected shape ${pyDims(declared)}, but input has incompatible shape ${pyDims(x)}`;
  return {
    rule: 'rank-mismatch',
    message,
    explanation: [
      `The model was built for inputs of rank ${declared.dims.length} (batch included) and is given an array of rank ${x.dims.length}.`,
      'Keras adds or drops only one trailing axis of size 1; reshape the array to the declared input (or declare the input the data has).',
    ],
  };
}

/** Keras 3 layers whose input spec pins the axis their weights read (`InputSpec(axes={…})`). */
const SPEC_PINNED = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv1D', 'SeparableConv2D', 'DepthwiseConv1D', 'DepthwiseConv2D']);

/** The layer applications of a dry run of `obj` on `x`, or null when the run raised. */
function dryApps(ctx: ModelContext, obj: ObjectValue, x: TensorVal): LayerApplication[] | null {
  const run = ctx.runs.newRun(obj, true);
  ctx.runs.within(run, () => ctx.runs.runObject(obj, { positional: [x], keywords: new Map(), opaque: false }));
  return run.issues ? null : run.apps.map((id) => ctx.runs.apps.get(id)!.app);
}

/** The one axis where two input shapes have different known sizes (the batch is a symbol), or null. */
function onlyDifferingAxis(a: Shape | null, b: Shape | null): number | null {
  if (!a || !b || a.open || b.open || a.dims.length !== b.dims.length) return null;
  const axes = a.dims.flatMap((d, i) => (typeof d === 'number' && typeof b.dims[i] === 'number' && d !== b.dims[i] ? [i] : []));
  return axes.length === 1 ? axes[0] : null;
}

/**
 * The first layer built on the declared input whose weights the array would change (its
 * parameter count differs): Keras 3 raises there, before the array reaches anything else.
 */
function weightClash(ctx: ModelContext, obj: ObjectValue, declared: Shape, fed: TensorVal): LayerIssue | null {
  if (obj.container !== 'keras.Sequential') return null;
  const built = dryApps(ctx, obj, tensorVal(declared, 'keras', null, null));
  const given = dryApps(ctx, obj, fed);
  if (!built || !given || built.length !== given.length) return null;
  for (let i = 0; i < built.length; i++) {
    const [b, g] = [built[i], given[i]];
    if (b.params === g.params) continue;
    if (!b.params || !g.params || !SPEC_PINNED.has(b.type)) return null;
    const [want, got] = [b.inputShapes[0] ?? null, g.inputShapes[0] ?? null];
    const axis = onlyDifferingAxis(want, got);
    if (axis === null) return null;
    const shown = axis === want!.dims.length - 1 ? -1 : axis;
    return {
      rule: b.type === 'Dense' ? 'features-mismatch' : 'channel-mismatch',
      message: `Input 0 of layer '${b.name}' is incompatible with the layer: expected axis ${shown} of input shape to have value ${want!.dims[axis]}, but received input with shape ${pyDims(got!)}`,
      explanation: [
        `The model was built on its declared input ${pyDims(declared)}, so ${b.name}'s weights expect ${want!.dims[axis]} on axis ${shown}; the array ${pyDims(fed.shape!)} gives it ${pyDims(got!)}.`,
      ],
    };
  }
  return null;
}

/**
 * The array a data method gets (`x=` or the first positional), or the `x` batch of a dataset,
 * generator or `keras.utils.Sequence` it gets (`data-objects.ts`); null when it is not one tensor.
 * A Sequence's batch is its `__getitem__(0)`: later batches (the last) may be shorter, so its
 * first axis is the batch symbol.
 */
function dataArray(ctx: ModelContext, args: EvaluatedArgs): TensorVal | null {
  const x = args.positional[0] ?? args.keywords.get('x');
  if (x?.t === 'tensor') return x;
  const batch = kerasBatches(ctx, x)?.x;
  if (batch?.t !== 'tensor') return null;
  if (x?.t === 'object' && x.data) return batch;
  return batch.shape && !batch.shape.open && batch.shape.dims.length > 0 ? { ...batch, shape: ranked([BATCH, ...batch.shape.dims.slice(1)]) } : batch;
}

/** The `method` hook: undefined for models of other frameworks (other sources handle them). */
export function kerasDataArray(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  if (obj.framework !== 'keras') return undefined;
  const x = dataArray(ctx, args);
  if (!x) return UNKNOWN_V;
  const declared = declaredInput(obj);
  const fed = inBatches(method) && x.shape && !x.shape.open && x.shape.dims.length > 0 ? { ...x, shape: ranked([BATCH, ...x.shape.dims.slice(1)]) } : x;
  if (declared && fed.shape && !declared.open && !fed.shape.open && declared.dims.length !== fed.shape.dims.length) {
    if (!adjustedInputRank(declared, fed.shape, ctx.host.options.kerasProbe)) {
      ctx.diagnostics.report(ctx.runs.currentRun(), rankIssue(obj, declared, fed.shape), null, site.r, x.hist, 'keras', [x]);
      return tensorVal(null, 'keras', x.hist, x.origin);
    }
  }
  const clash = declared && fed.shape && ctx.runs.outside() ? weightClash(ctx, obj, declared, fed) : null;
  if (clash) {
    ctx.diagnostics.report(ctx.runs.currentRun(), clash, null, site.r, x.hist, 'keras', [x]);
    return tensorVal(null, 'keras', x.hist, x.origin);
  }
  const range = site.args.find((a) => !a.star && (!a.name || a.name === 'x'))?.value.r ?? null;
  return ctx.runs.callModelFromOutside(obj, { positional: [fed], keywords: new Map(), opaque: false }, range);
}

/**
 * A Keras functional model called on a tensor (a `keras.applications` backbone on the user's
 * `Input`): Keras 3 checks the tensor against the model's input spec and raises `Input 0 … is
 * incompatible with the layer`; tf.keras 2 only warns and runs the graph again on the new size,
 * so there the output is unknown. The spec allows a last axis of size 1 to be squeezed (on either
 * side) and compares the axes the two shapes both have, as Keras 3 does: a grayscale `(96, 96, 1)`
 * input passes the call (it fails later, on data). Undefined when the sizes fit (or are not
 * known): the model's built outputs stand.
 */
export function kerasFunctionalCall(ctx: ModelContext, obj: ObjectValue, args: EvaluatedArgs, site: CallSite): Value | undefined {
  const declared = obj.container === 'keras.Functional' ? declaredInput(obj) : null;
  const x = args.positional[0] ?? args.keywords.get('inputs');
  if (!declared || declared.open || x?.t !== 'tensor' || !x.shape || x.shape.open) return undefined;
  const squeezed = (dims: Dim[]) => (dims.length > 0 && dims[dims.length - 1] === 1 ? dims.slice(0, -1) : dims);
  const [want, got] = [squeezed(declared.dims), squeezed(x.shape.dims)];
  const differing = want.flatMap((d, i) => (i > 0 && i < got.length && typeof d === 'number' && typeof got[i] === 'number' && d !== got[i] ? [i] : []));
  if (differing.length === 0) return undefined;
  const given = ranked(got);
  if (semanticsOf(ctx.host.options.kerasProbe) === 'keras3') {
    const issue = rankIssue(obj, declared, given);
    const channelsOnly = differing.length === 1 && differing[0] === declared.dims.length - 1;
    const rule = channelsOnly ? 'channel-mismatch' : 'invalid-argument';
    const explanation = [
      `The model was built for inputs ${pyDims(declared)} and checks every axis but the batch when it is called on another tensor.`,
      'Build the library model with the input shape it is given (`input_shape=`), or resize the input to the one it was built for.',
    ];
    ctx.diagnostics.report(ctx.runs.currentRun(), { ...issue, rule, explanation }, null, site.r, x.hist, 'keras', [x]);
  }
  return tensorVal(null, 'keras', x.hist, x.origin);
}
