/**
 * Keras normalization and pass-through layers beyond core.ts: GroupNormalization,
 * UnitNormalization, RMSNormalization, SpectralNormalization, Masking, Identity,
 * ActivityRegularization and AlphaDropout. All keep the input shape (Keras 3.15).
 */
import type { Dim } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerOutcome } from '../types';
import { asInt } from '../types';
import { asBool, dimAtAxis, inputTensor, issue, KERAS_NONE, kerasTensor, params, prodKnown, unknownOutcome } from './common';
import { pyShape } from './format';
import { asLayerObject } from './rnn';

function keras(name: string): string[] {
  return [`keras.layers.${name}`];
}

/** A weightless layer whose output is its input. */
function passThrough(name: string, ps: ReturnType<typeof params>): LayerDef {
  return {
    framework: 'keras', names: keras(name), params: ps, kind: 'layer',
    apply: (_args, inputs) => {
      const x = inputTensor(inputs as ArgValue[]);
      return x?.shape ? { output: kerasTensor(x.shape) } : unknownOutcome();
    },
  };
}

function applyGroupNorm(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  if (!x || !x.shape) return unknownOutcome(null);
  const axis = asInt(args.get('axis'));
  const groups = asInt(args.get('groups'));
  const c = axis === null ? null : dimAtAxis(x.shape, axis);
  const center = asBool(args.get('center'), true);
  const scale = asBool(args.get('scale'), true);
  const out = kerasTensor(x.shape);
  if (c === KERAS_NONE && !x.shape.open) {
    return { output: kerasTensor(null), params: null, issue: issue('channel-mismatch',
      `Axis ${axis} of input tensor should have a defined dimension but the layer received an input with shape ${pyShape(x.shape.dims)}.`,
      [`the channel axis ${axis} is declared None: GroupNormalization needs its size to make groups and weights`]) };
  }
  if (typeof c !== 'number' || groups === null) return { output: out, params: null };
  if (c < groups) {
    return { output: kerasTensor(null), params: null, issue: issue('invalid-argument',
      `Number of groups (${groups}) cannot be more than the number of channels (${c}).`,
      [`axis ${axis} has ${c} channels, fewer than groups=${groups}`]) };
  }
  if (c % groups !== 0) {
    // Keras' wording has the two numbers' roles reversed: channels must be a multiple of groups.
    return { output: kerasTensor(null), params: null, issue: issue('invalid-argument',
      `Number of groups (${groups}) must be a multiple of the number of channels (${c}).`,
      [`${c} channels (axis ${axis}) cannot be split into ${groups} equal groups`]) };
  }
  const p = center === null || scale === null ? null : c * ((center ? 1 : 0) + (scale ? 1 : 0));
  return { output: out, params: p };
}

/** RMSNormalization: one scale weight over the normalized axes. */
function applyRms(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  if (!x || !x.shape) return unknownOutcome(null);
  const a = args.get('axis');
  const list = typeof a === 'number' ? [a] : Array.isArray(a) ? a : null;
  const dims: Dim[] = list && list.every((v) => typeof v === 'number')
    ? (list as number[]).map((v) => dimAtAxis(x.shape!, v)) : [null];
  return { output: kerasTensor(x.shape), params: prodKnown(dims) };
}

/** SpectralNormalization(layer): the wrapped layer's weights plus the power-iteration vector `u`. */
function applySpectral(args: BoundArgs, inputs: unknown[], env: LayerEnv, state: Record<string, Dim> | undefined): LayerOutcome {
  const inner = asLayerObject(args.get('layer'));
  if (!inner) return unknownOutcome(null);
  const res = inner.def.apply(inner.args, inputs as ArgValue[], env, state);
  if (res.issue) return { ...res, params: null };
  // `u` has shape (1, kernel.shape[-1]): the units of Dense, the filters of a convolution.
  const width = asInt(inner.args.get('units') ?? inner.args.get('filters') ?? null);
  const p = typeof res.params === 'number' && width !== null ? res.params + width : null;
  return { ...res, params: p, trainableParams: typeof res.params === 'number' ? res.params : null };
}

export const normalizationLayers: LayerDef[] = [
  {
    framework: 'keras', names: keras('GroupNormalization'), kind: 'layer', apply: applyGroupNorm,
    params: params(['groups', 32], ['axis', -1], ['epsilon', 0.001], ['center', true], ['scale', true],
      ['beta_initializer', 'zeros'], ['gamma_initializer', 'ones'], ['beta_regularizer', null],
      ['gamma_regularizer', null], ['beta_constraint', null], ['gamma_constraint', null]),
  },
  {
    framework: 'keras', names: keras('RMSNormalization'), kind: 'layer', apply: applyRms,
    params: params(['axis', -1], ['epsilon', 1e-6]),
  },
  {
    framework: 'keras', names: keras('SpectralNormalization'), kind: 'layer', apply: applySpectral,
    params: params('layer', ['power_iterations', 1]),
  },
  passThrough('UnitNormalization', params(['axis', -1])),
  passThrough('Masking', params(['mask_value', 0])),
  passThrough('Identity', params()),
  passThrough('ActivityRegularization', params(['l1', 0], ['l2', 0])),
  passThrough('AlphaDropout', params('rate', ['noise_shape', null], ['seed', null])),
];
