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
 * expanded or squeezed). Different sizes of the same rank are not checked at the input (the
 * first layer whose weights read that axis raises), so they are not reported here. Silent
 * whenever the array's rank or the declared input is unknown.
 */
import { adjustedInputRank } from '../../layers/keras/index';
import type { LayerIssue } from '../../layers/types';
import { BATCH, ranked } from '../../shapes';
import type { Shape } from '../../types';
import type { EvaluatedArgs } from '../bind';
import { tensorVal, UNKNOWN_V, type ObjectValue, type TensorVal, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';

/** Methods that feed the model an array. */
export const KERAS_DATA_METHODS = ['predict', 'predict_on_batch', 'fit', 'evaluate', 'train_on_batch', 'test_on_batch'] as const;

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
  return method === 'fit' || method === 'evaluate';
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

/** The array a data method gets (`x=` or the first positional), or null when it is not one tensor. */
function dataArray(args: EvaluatedArgs): TensorVal | null {
  const x = args.positional[0] ?? args.keywords.get('x');
  return x?.t === 'tensor' ? x : null;
}

/** The `method` hook: undefined for models of other frameworks (other sources handle them). */
export function kerasDataArray(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  if (obj.framework !== 'keras') return undefined;
  const x = dataArray(args);
  if (!x) return UNKNOWN_V;
  const declared = declaredInput(obj);
  const fed = inBatches(method) && x.shape && !x.shape.open && x.shape.dims.length > 0 ? { ...x, shape: ranked([BATCH, ...x.shape.dims.slice(1)]) } : x;
  if (declared && fed.shape && !declared.open && !fed.shape.open && declared.dims.length !== fed.shape.dims.length) {
    if (!adjustedInputRank(declared, fed.shape, ctx.host.options.kerasProbe)) {
      ctx.diagnostics.report(ctx.runs.currentRun(), rankIssue(obj, declared, fed.shape), null, site.r, x.hist, 'keras', [x]);
      return tensorVal(null, 'keras', x.hist, x.origin);
    }
  }
  const range = site.args.find((a) => !a.star && (!a.name || a.name === 'x'))?.value.r ?? null;
  return ctx.runs.callModelFromOutside(obj, { positional: [fed], keywords: new Map(), opaque: false }, range);
}
