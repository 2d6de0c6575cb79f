/**
 * Keras 2 layers that Keras 3 removed (tf.keras ≤ 2.15 and multi-backend Keras 2.x; Keras 3
 * keeps the first four in `keras._legacy.layers`): ThresholdedReLU, RandomHeight, RandomWidth,
 * LocallyConnected1D/2D, and the cuDNN recurrent layers of Keras 2.0–2.3.
 */
import type { Dim } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerOutcome } from '../types';
import { asInt, asTuple } from '../types';
import { inputTensor, kerasTensor, params, prodKnown, resolveLayout, unknownOutcome } from './common';
import { windowLength } from './spatial';

function keras(name: string): string[] {
  return [`keras.layers.${name}`];
}

/** RandomHeight / RandomWidth: the resized axis (-3 or -2 of the image) becomes unknown. */
function randomResize(name: string, axisFromEnd: number): LayerDef {
  return {
    framework: 'keras', names: keras(name), kind: 'layer',
    params: params('factor', ['interpolation', 'bilinear'], ['seed', null]),
    apply: (_args, inputs) => {
      const x = inputTensor(inputs as ArgValue[]);
      if (!x || !x.shape || x.shape.dims.length < axisFromEnd) return unknownOutcome();
      const dims = [...x.shape.dims];
      dims[dims.length - axisFromEnd] = null;
      return { output: kerasTensor({ dims, open: x.shape.open }) };
    },
  };
}

/** LocallyConnected: a valid convolution whose weights are not shared between output positions. */
function applyLocal(rank: 1 | 2, args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const layout = resolveLayout(args, env);
  if (!x || !x.shape || x.shape.open || !layout || x.shape.dims.length !== rank + 2) return unknownOutcome(null);
  const pad = args.get('padding');
  const f = asInt(args.get('filters'));
  const k = asTuple(args.get('kernel_size'), rank);
  const s = asTuple(args.get('strides'), rank);
  const bias = args.get('use_bias');
  if (pad !== 'valid' || !k || !s) return unknownOutcome(null);
  const dims = x.shape.dims;
  const first = layout.layout === 'channels_last' ? 1 : 2;
  const c = layout.layout === 'channels_last' ? dims[rank + 1] : dims[1];
  const outs: Dim[] = k.map((kk, i) => windowLength(dims[first + i], kk, s[i], 'valid').out);
  if (outs.some((o) => typeof o === 'number' && o <= 0)) return unknownOutcome(null);
  const out = layout.layout === 'channels_last' ? [dims[0], ...outs, f] : [dims[0], f, ...outs];
  const positions = prodKnown(outs);
  const area = k.reduce((a, b) => a * b, 1);
  const p = positions !== null && typeof c === 'number' && f !== null && typeof bias === 'boolean'
    ? positions * area * c * f + (bias ? positions * f : 0) : null;
  return { output: kerasTensor({ dims: out, open: false }), params: p };
}

function localDef(rank: 1 | 2): LayerDef {
  const one: ArgValue = rank === 1 ? 1 : [1, 1];
  return {
    framework: 'keras', names: keras(`LocallyConnected${rank}D`), kind: 'layer',
    params: params('filters', 'kernel_size', ['strides', one], ['padding', 'valid'], ['data_format', null],
      ['activation', null], ['use_bias', true], ['kernel_initializer', null], ['bias_initializer', null],
      ['kernel_regularizer', null], ['bias_regularizer', null], ['activity_regularizer', null],
      ['kernel_constraint', null], ['bias_constraint', null], ['implementation', 1]),
    apply: (args, inputs, env) => applyLocal(rank, args, inputs, env),
  };
}

/** CuDNNLSTM / CuDNNGRU: cuDNN keeps separate input and recurrent biases for every gate. */
function cudnnDef(name: string, gates: number): LayerDef {
  return {
    framework: 'keras', names: keras(name), kind: 'layer',
    params: params('units', ['kernel_initializer', null], ['recurrent_initializer', null], ['bias_initializer', null],
      ...(gates === 4 ? [['unit_forget_bias', true] as [string, ArgValue]] : []), ['kernel_regularizer', null],
      ['recurrent_regularizer', null], ['bias_regularizer', null], ['activity_regularizer', null],
      ['kernel_constraint', null], ['recurrent_constraint', null], ['bias_constraint', null],
      ['return_sequences', false], ['return_state', false], ['stateful', false]),
    apply: (args, inputs) => {
      const x = inputTensor(inputs as ArgValue[]);
      const u = asInt(args.get('units'));
      const seq = args.get('return_sequences');
      if (!x || !x.shape || x.shape.open || x.shape.dims.length !== 3 || args.get('return_state') !== false ||
          typeof seq !== 'boolean') return unknownOutcome(null);
      const [b, t, feat] = x.shape.dims;
      const p = u !== null && typeof feat === 'number' ? gates * u * (feat + u) + 2 * gates * u : null;
      return { output: kerasTensor({ dims: seq ? [b, t, u] : [b, u], open: false }), params: p };
    },
  };
}

export const legacyLayers: LayerDef[] = [
  {
    framework: 'keras', names: keras('ThresholdedReLU'), kind: 'layer', params: params(['theta', 1]),
    apply: (_args, inputs) => {
      const x = inputTensor(inputs as ArgValue[]);
      return x?.shape ? { output: kerasTensor(x.shape) } : unknownOutcome();
    },
  },
  randomResize('RandomHeight', 3),
  randomResize('RandomWidth', 2),
  localDef(1),
  localDef(2),
  cudnnDef('CuDNNLSTM', 4),
  cudnnDef('CuDNNGRU', 3),
];
