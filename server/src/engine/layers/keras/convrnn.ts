/**
 * Keras ConvLSTM1D/2D/3D: an LSTM whose gates are convolutions. The input is
 * (batch, time, *spatial, channels) (channels first: (batch, time, channels, *spatial)). Each
 * time step goes through the same arithmetic and the same checks as a ConvND on
 * (batch, *spatial, channels), so this reuses the convolution defs for them (Keras 3.15).
 */
import type { Dim } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerOutcome } from '../types';
import { asTuple, isTensor } from '../types';
import { asBool, checkNdim, inputTensor, kerasTensor, params, resolveLayout, unknownOutcome } from './common';
import { convLayers } from './conv';

type Rank = 1 | 2 | 3;

function convDefOf(rank: Rank): LayerDef {
  const name = `keras.layers.Conv${rank}D`;
  const def = convLayers.find((d) => d.names.includes(name));
  if (!def) throw new Error(`${name} missing from the catalogue`);
  return def;
}

/** Four gates, each an input and a recurrent convolution, plus one bias per gate. */
function convLstmParams(rank: Rank, args: BoundArgs, c: Dim): number | null {
  const f = args.get('filters');
  const k = asTuple(args.get('kernel_size'), rank);
  const bias = asBool(args.get('use_bias'), true);
  if (typeof f !== 'number' || typeof c !== 'number' || !k || bias === null) return null;
  const area = k.reduce((a, b) => a * b, 1);
  return 4 * (area * c * f + area * f * f) + (bias ? 4 * f : 0);
}

function applyConvLstm(rank: Rank, args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const layout = resolveLayout(args, env);
  if (!x || !x.shape || !layout) return unknownOutcome(null);
  const rankIssue = checkNdim(x.shape, { ndim: rank + 3 }, env);
  if (rankIssue) return { output: kerasTensor(null), params: null, issue: rankIssue };
  if (x.shape.open) return unknownOutcome(null);
  const [batch, time, ...step] = x.shape.dims;
  const stepShape = { dims: [batch, ...step], open: false };
  const conv = convDefOf(rank).apply(args, [kerasTensor(stepShape)], env, undefined);
  const c = layout.layout === 'channels_last' ? step[step.length - 1] : step[0];
  const p = convLstmParams(rank, args, c);
  if (conv.issue) return { output: kerasTensor(null), params: null, issue: conv.issue };
  const seq = asBool(args.get('return_sequences'), false);
  const states = asBool(args.get('return_state'), false);
  const o = conv.output;
  if (!isTensor(o) || !o.shape || seq === null || states === null) return unknownOutcome(p);
  const last = kerasTensor(o.shape);
  const out = seq ? kerasTensor({ dims: [o.shape.dims[0], time, ...o.shape.dims.slice(1)], open: false }) : last;
  return { output: states ? [out, last, last] : out, params: p, trace: conv.trace, layout: conv.layout,
    layoutSource: conv.layoutSource };
}

function convLstmDef(rank: Rank): LayerDef {
  const one: ArgValue = rank === 1 ? 1 : new Array(rank).fill(1);
  return {
    framework: 'keras',
    names: [`keras.layers.ConvLSTM${rank}D`],
    params: params('filters', 'kernel_size', ['strides', one], ['padding', 'valid'], ['data_format', null],
      ['dilation_rate', one], ['activation', 'tanh'], ['recurrent_activation', 'sigmoid'], ['use_bias', true],
      ['kernel_initializer', null], ['recurrent_initializer', null], ['bias_initializer', null],
      ['unit_forget_bias', true], ['kernel_regularizer', null], ['recurrent_regularizer', null],
      ['bias_regularizer', null], ['activity_regularizer', null], ['kernel_constraint', null],
      ['recurrent_constraint', null], ['bias_constraint', null], ['dropout', 0], ['recurrent_dropout', 0],
      ['seed', null], ['return_sequences', false], ['return_state', false], ['go_backwards', false],
      ['stateful', false], ['unroll', false]),
    kind: 'layer',
    apply: (args, inputs, env) => applyConvLstm(rank, args, inputs, env),
  };
}

export const convRnnLayers: LayerDef[] = [convLstmDef(1), convLstmDef(2), convLstmDef(3)];
