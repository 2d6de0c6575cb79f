/**
 * Keras core layers: Dense, Flatten, Embedding, normalization, dropout/noise/activations,
 * Lambda, InputLayer and the `keras.Input` function.
 */
import { BATCH, ranked } from '../../shapes';
import { unitsIssue } from './arguments';
import type { Dim, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerOutcome } from '../types';
import { asInt } from '../types';
import {
  asBool,
  checkBuiltAxis,
  checkDefinedLastAxis,
  checkNdim,
  inputTensor,
  KERAS_NONE,
  kerasTensor,
  params,
  prodKnown,
  unknownOutcome,
} from './common';

function keras(names: string[]): string[] {
  return names.map((n) => `keras.layers.${n}`);
}

function applyDense(args: BoundArgs, inputs: unknown[], env: LayerEnv, state: Record<string, Dim> | undefined): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const units = asInt(args.get('units'));
  const bias = asBool(args.get('use_bias'), true);
  if (!x || !x.shape) return unknownOutcome(null);
  const shape = x.shape;
  const rankIssue = checkNdim(shape, { minNdim: 2 }, env);
  if (rankIssue) return { output: kerasTensor(null), params: null, issue: rankIssue };
  const axisIssue = checkBuiltAxis(shape, -1, state?.features, 'features-mismatch', env) ??
    checkDefinedLastAxis(shape, [units], env);
  if (axisIssue) return { output: kerasTensor(null), params: null, issue: axisIssue };
  const last = shape.dims.length > 0 ? shape.dims[shape.dims.length - 1] : null;
  const dims = shape.dims.length > 0 ? [...shape.dims.slice(0, -1), units] : [units];
  const outcome: LayerOutcome = {
    output: kerasTensor({ dims, open: shape.open }),
    params: typeof last === 'number' && units !== null && bias !== null ? last * units + (bias ? units : 0) : null,
    trace: typeof last === 'number' && units !== null ? [{ axis: 'features', formula: `${last} → ${units}` }] : [],
  };
  if (typeof last === 'number' && state?.features === undefined) outcome.state = { features: last };
  return outcome;
}

const DENSE: LayerDef = {
  framework: 'keras',
  names: keras(['Dense']),
  params: params('units', ['activation', null], ['use_bias', true], ['kernel_initializer', null],
    ['bias_initializer', null], ['kernel_regularizer', null], ['bias_regularizer', null],
    ['activity_regularizer', null], ['kernel_constraint', null], ['bias_constraint', null], ['lora_rank', null],
    ['lora_alpha', null], ['quantization_config', null]),
  kind: 'layer',
  construct: (args) => unitsIssue(args.get('units')),
  apply: applyDense,
};

function applyFlatten(_args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  if (!x || !x.shape) return unknownOutcome();
  const rankIssue = checkNdim(x.shape, { minNdim: 1 }, env);
  if (rankIssue) return { output: kerasTensor(null), issue: rankIssue };
  if (x.shape.open) return { output: kerasTensor(ranked([null, null])) };
  const [batch, ...rest] = x.shape.dims;
  // channels_first input is transposed before flattening: the size does not change.
  const size = rest.length === 0 ? 1 : rest.includes(KERAS_NONE) ? KERAS_NONE : prodKnown(rest);
  return {
    output: kerasTensor(ranked([batch, size])),
    trace: typeof size === 'number' && rest.length > 0 ? [{ axis: 'features', formula: `${rest.join(' × ')} = ${size}` }] : [],
  };
}

/** A layer whose output shape is its input shape, with an optional fixed-rank InputSpec. */
function identityDef(names: string[], ps: ReturnType<typeof params>, ndim?: number): LayerDef {
  return {
    framework: 'keras',
    names: keras(names),
    params: ps,
    kind: 'layer',
    apply: (_args, inputs, env) => {
      const x = inputTensor(inputs as ArgValue[]);
      if (!x || !x.shape) return unknownOutcome();
      if (ndim !== undefined) {
        const rankIssue = checkNdim(x.shape, { ndim }, env);
        if (rankIssue) return { output: kerasTensor(null), issue: rankIssue };
      }
      return { output: kerasTensor(x.shape) };
    },
  };
}

/** Normalizes an `axis` argument (int or list) to non-negative indices of a rank-`rank` shape. */
function axesOf(v: ArgValue | undefined, rank: number): number[] | null {
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? v : null;
  if (!list || !list.every((a) => typeof a === 'number' && Number.isInteger(a))) return null;
  const out = (list as number[]).map((a) => (a < 0 ? a + rank : a));
  return out.every((a) => a >= 0 && a < rank) ? out : null;
}

function applyBatchNorm(args: BoundArgs, inputs: unknown[], env: LayerEnv, state: Record<string, Dim> | undefined): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  if (!x || !x.shape) return unknownOutcome(null);
  const shape = x.shape;
  const axisArg = args.get('axis');
  // Keras builds BatchNormalization with InputSpec(ndim=built rank, axes={axis: C}).
  if (typeof state?.ndim === 'number') {
    const rankIssue = checkNdim(shape, { ndim: state.ndim }, env);
    if (rankIssue) return { output: kerasTensor(null), params: null, issue: rankIssue };
  }
  if (typeof axisArg === 'number') {
    const axisIssue = checkBuiltAxis(shape, axisArg, state?.channels, 'channel-mismatch', env);
    if (axisIssue) return { output: kerasTensor(null), params: null, issue: axisIssue };
  }
  if (shape.open) return { output: kerasTensor(shape), params: null };
  const axes = axesOf(axisArg, shape.dims.length);
  const center = asBool(args.get('center'), true);
  const scale = asBool(args.get('scale'), true);
  const c = axes ? prodKnown(axes.map((a) => shape.dims[a])) : null;
  const outcome: LayerOutcome = { output: kerasTensor(shape), params: null, trainableParams: null };
  if (c !== null && center !== null && scale !== null) {
    const trainable = c * ((center ? 1 : 0) + (scale ? 1 : 0));
    outcome.params = trainable + 2 * c;
    outcome.trainableParams = trainable;
  }
  if (!state && axes && axes.length === 1 && typeof c === 'number') {
    outcome.state = { ndim: shape.dims.length, channels: c };
  }
  return outcome;
}

function applyLayerNorm(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  if (!x || !x.shape) return unknownOutcome(null);
  const shape = x.shape;
  const center = asBool(args.get('center'), true);
  const scale = asBool(args.get('scale'), true);
  if (shape.open || center === null || scale === null) return { output: kerasTensor(shape), params: null };
  const axes = axesOf(args.get('axis'), shape.dims.length);
  const size = axes ? prodKnown(axes.map((a) => shape.dims[a])) : null;
  return {
    output: kerasTensor(shape),
    params: size === null ? null : size * ((center ? 1 : 0) + (scale ? 1 : 0)),
  };
}

function applyPReLU(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  if (!x || !x.shape) return unknownOutcome(null);
  const shape = x.shape;
  if (shape.open) return { output: kerasTensor(shape), params: null };
  const shared = args.get('shared_axes');
  const sharedList = shared === null || shared === undefined ? [] : typeof shared === 'number' ? [shared] : shared;
  if (!Array.isArray(sharedList) || !sharedList.every((a) => typeof a === 'number')) {
    return { output: kerasTensor(shape), params: null };
  }
  // The alpha weight has the input shape without the batch, with shared axes set to 1.
  const alpha = shape.dims.slice(1).map((d, i) => ((sharedList as number[]).includes(i + 1) ? 1 : d));
  return { output: kerasTensor(shape), params: prodKnown(alpha) };
}

function applyEmbedding(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const inDim = asInt(args.get('input_dim'));
  const outDim = asInt(args.get('output_dim'));
  const p = inDim !== null && outDim !== null ? inDim * outDim : null;
  if (!x || !x.shape) return unknownOutcome(p);
  return { output: kerasTensor({ dims: [...x.shape.dims, outDim], open: x.shape.open }), params: p };
}

/** Batch-inclusive shape from Keras' input arguments, or undefined when none is given. */
export function kerasInputShape(args: BoundArgs): Shape | null | undefined {
  const batchShape = firstPresent(args, ['batch_shape', 'batch_input_shape']);
  if (batchShape !== undefined) {
    if (!Array.isArray(batchShape)) return null;
    return ranked(batchShape.map((d, i) => (i === 0 && d === null ? BATCH : dimOf(d))));
  }
  const shape = firstPresent(args, ['shape', 'input_shape']);
  if (shape === undefined) return undefined;
  const list = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(list)) return null;
  const bs = args.get('batch_size');
  const batch: Dim = typeof bs === 'number' ? bs : BATCH;
  return ranked([batch, ...list.map(dimOf)]);
}

function firstPresent(args: BoundArgs, names: string[]): ArgValue | undefined {
  for (const n of names) {
    const v = args.get(n);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function dimOf(v: ArgValue): Dim {
  if (v === null) return KERAS_NONE;
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

const INPUT_PARAMS = params(['shape', null], ['batch_size', null], ['dtype', null], ['sparse', null],
  ['ragged', null], ['batch_shape', null], ['name', null], ['tensor', null], ['optional', false],
  ['batch_input_shape', null], ['input_shape', null]);

const INPUT_FN: LayerDef = {
  framework: 'keras',
  names: ['keras.Input', 'keras.layers.Input'],
  params: INPUT_PARAMS,
  kind: 'op',
  apply: (args) => ({ output: kerasTensor(kerasInputShape(args) ?? null) }),
};

const INPUT_LAYER: LayerDef = {
  framework: 'keras',
  names: keras(['InputLayer']),
  params: params(['shape', null], ['batch_size', null], ['dtype', null], ['sparse', null], ['ragged', null],
    ['batch_shape', null], ['input_tensor', null], ['optional', false], ['name', null],
    ['batch_input_shape', null], ['input_shape', null]),
  kind: 'layer',
  // An InputLayer ignores what it is called on: its shape comes from its own arguments.
  apply: (args) => ({ output: kerasTensor(kerasInputShape(args) ?? null) }),
};

const LAMBDA: LayerDef = {
  framework: 'keras',
  names: keras(['Lambda']),
  params: params('function', ['output_shape', null], ['mask', null], ['arguments', null]),
  kind: 'layer',
  apply: () => unknownOutcome(),
};

export const coreLayers: LayerDef[] = [
  DENSE,
  {
    framework: 'keras', names: keras(['Flatten']), params: params(['data_format', null]), kind: 'layer',
    apply: applyFlatten,
  },
  identityDef(['Dropout'], params('rate', ['noise_shape', null], ['seed', null])),
  identityDef(['SpatialDropout1D'], params('rate', ['seed', null]), 3),
  identityDef(['SpatialDropout2D'], params('rate', ['data_format', null], ['seed', null]), 4),
  identityDef(['SpatialDropout3D'], params('rate', ['data_format', null], ['seed', null]), 5),
  identityDef(['GaussianNoise'], params('stddev', ['seed', null])),
  identityDef(['GaussianDropout'], params('rate', ['seed', null])),
  identityDef(['Activation'], params('activation')),
  identityDef(['ReLU'], params(['max_value', null], ['negative_slope', 0], ['threshold', 0])),
  identityDef(['LeakyReLU'], params(['negative_slope', 0.3])),
  identityDef(['Softmax'], params(['axis', -1])),
  identityDef(['ELU'], params(['alpha', 1])),
  {
    framework: 'keras', names: keras(['PReLU']), kind: 'layer', apply: applyPReLU,
    params: params(['alpha_initializer', 'Zeros'], ['alpha_regularizer', null], ['alpha_constraint', null],
      ['shared_axes', null]),
  },
  {
    framework: 'keras', names: keras(['BatchNormalization']), kind: 'layer', apply: applyBatchNorm,
    params: params(['axis', -1], ['momentum', 0.99], ['epsilon', 0.001], ['center', true], ['scale', true],
      ['beta_initializer', 'zeros'], ['gamma_initializer', 'ones'], ['moving_mean_initializer', 'zeros'],
      ['moving_variance_initializer', 'ones'], ['beta_regularizer', null], ['gamma_regularizer', null],
      ['beta_constraint', null], ['gamma_constraint', null], ['renorm', false], ['renorm_clipping', null],
      ['renorm_momentum', 0.99], ['synchronized', false]),
  },
  {
    framework: 'keras', names: keras(['LayerNormalization']), kind: 'layer', apply: applyLayerNorm,
    params: params(['axis', -1], ['epsilon', 0.001], ['center', true], ['scale', true]),
  },
  {
    framework: 'keras', names: keras(['Embedding']), kind: 'layer', apply: applyEmbedding,
    params: params('input_dim', 'output_dim', ['embeddings_initializer', 'uniform'], ['embeddings_regularizer', null],
      ['embeddings_constraint', null], ['mask_zero', false], ['weights', null], ['lora_rank', null],
      ['lora_alpha', null], ['quantization_config', null], ['input_length', null]),
  },
  LAMBDA,
  INPUT_LAYER,
  INPUT_FN,
];
