/**
 * Keras recurrent layers (LSTM, GRU, SimpleRNN) and the wrappers Bidirectional and
 * TimeDistributed. Input is (batch, time, features); Keras 3 has no `time_major`.
 */
import type { Dim, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerOutcome, TensorValue } from '../types';
import { asInt, isTensor } from '../types';
import { asBool, checkNdim, inputTensor, kerasTensor, outShape, params, rankView, unknownOutcome } from './common';

type Cell = 'lstm' | 'gru' | 'simple';

/**
 * How the interpreter passes a layer object as an argument (Bidirectional, TimeDistributed):
 * the def it was built from and its bound constructor arguments. Not part of `ArgValue` yet, so
 * it is recognised structurally; anything else makes the wrapper's output unknown.
 */
export interface LayerObjectValue {
  kind: 'layer';
  def: LayerDef;
  args: BoundArgs;
}

export function asLayerObject(v: unknown): LayerObjectValue | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Partial<LayerObjectValue>;
  return o.kind === 'layer' && o.def !== undefined && o.args !== undefined ? (o as LayerObjectValue) : null;
}

function rnnParams(cell: Cell, args: BoundArgs, f: Dim): number | null {
  const u = asInt(args.get('units'));
  const bias = asBool(args.get('use_bias'), true);
  if (u === null || typeof f !== 'number' || bias === null) return null;
  const gates = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const weights = gates * u * (f + u);
  if (!bias) return weights;
  if (cell === 'gru') {
    const resetAfter = asBool(args.get('reset_after'), true);
    if (resetAfter === null) return null;
    // reset_after=True keeps separate input and recurrent biases.
    return weights + (resetAfter ? 2 : 1) * gates * u;
  }
  return weights + gates * u;
}

function applyRnn(cell: Cell, args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  if (!x || !x.shape) return unknownOutcome(null);
  const rankIssue = checkNdim(x.shape, { ndim: 3 }, env);
  if (rankIssue) return { output: kerasTensor(null), params: null, issue: rankIssue };
  const dims = rankView(x.shape, 3) as Dim[];
  const units = asInt(args.get('units'));
  const seq = asBool(args.get('return_sequences'), false);
  const states = asBool(args.get('return_state'), false);
  const p = rnnParams(cell, args, dims[2]);
  if (seq === null || states === null) return unknownOutcome(p);
  const out = kerasTensor(outShape(seq ? [dims[0], dims[1], units] : [dims[0], units], x.shape.open));
  if (!states) return { output: out, params: p, axisNames: seq ? ['N', 'T', 'F'] : ['N', 'F'] };
  const state = kerasTensor(x.shape.open ? { dims: [units], open: true } : { dims: [dims[0], units], open: false });
  return { output: cell === 'lstm' ? [out, state, state] : [out, state], params: p };
}

function rnnDef(cell: Cell, name: string): LayerDef {
  const head: (string | [string, ArgValue])[] = cell === 'simple'
    ? ['units', ['activation', 'tanh']]
    : ['units', ['activation', 'tanh'], ['recurrent_activation', 'sigmoid']];
  const init: [string, ArgValue][] = [['use_bias', true], ['kernel_initializer', null], ['recurrent_initializer', null],
    ['bias_initializer', null]];
  const forget: [string, ArgValue][] = cell === 'lstm' ? [['unit_forget_bias', true]] : [];
  const reg: [string, ArgValue][] = ['kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
    'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint']
    .map((n) => [n, null]);
  // SimpleRNN puts `seed` last; LSTM/GRU put it right after the dropouts.
  const tail: [string, ArgValue][] = cell === 'simple'
    ? [['dropout', 0], ['recurrent_dropout', 0], ['return_sequences', false], ['return_state', false],
      ['go_backwards', false], ['stateful', false], ['unroll', false], ['seed', null]]
    : [['dropout', 0], ['recurrent_dropout', 0], ['seed', null], ['return_sequences', false],
      ['return_state', false], ['go_backwards', false], ['stateful', false], ['unroll', false],
      ...(cell === 'gru' ? [['reset_after', true] as [string, ArgValue]] : []), ['use_cudnn', 'auto']];
  return {
    framework: 'keras',
    names: [`keras.layers.${name}`],
    params: params(...head, ...init, ...forget, ...reg, ...tail),
    kind: 'layer',
    apply: (args, inputs, env) => applyRnn(cell, args, inputs, env),
    callParams: [{ name: 'initial_state', default: null }, { name: 'mask', default: null },
      { name: 'training', default: null }],
  };
}

function applyBidirectional(args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const inner = asLayerObject(args.get('layer'));
  const mode = args.get('merge_mode');
  if (!inner || (args.get('backward_layer') ?? null) !== null) return unknownOutcome(null);
  const res = inner.def.apply(inner.args, inputs as ArgValue[], env, undefined);
  if (res.issue) return { output: kerasTensor(null), params: null, issue: res.issue };
  const params2 = typeof res.params === 'number' ? 2 * res.params : null;
  if (!isTensor(res.output)) return unknownOutcome(params2);
  const out: TensorValue = res.output;
  if (mode === null) return { output: [out, out], params: params2 };
  if (mode === 'sum' || mode === 'mul' || mode === 'ave') return { output: out, params: params2 };
  if (mode !== 'concat' || !out.shape) return unknownOutcome(params2);
  const dims = [...out.shape.dims];
  const last = dims[dims.length - 1];
  dims[dims.length - 1] = typeof last === 'number' ? 2 * last : null;
  return { output: kerasTensor({ dims, open: out.shape.open }), params: params2 };
}

function applyTimeDistributed(args: BoundArgs, inputs: unknown[], env: LayerEnv,
  state: Record<string, Dim> | undefined): LayerOutcome {
  const inner = asLayerObject(args.get('layer'));
  const x = inputTensor(inputs as ArgValue[]);
  if (!inner || !x || !x.shape || x.shape.open || x.shape.dims.length < 3) return unknownOutcome(null);
  const [batch, time, ...rest] = x.shape.dims;
  const innerIn: Shape = { dims: [batch, ...rest], open: false };
  const res = inner.def.apply(inner.args, [kerasTensor(innerIn)], env, state);
  if (res.issue) return { output: kerasTensor(null), params: null, issue: res.issue };
  const o = res.output;
  const params1 = res.params ?? null;
  if (!isTensor(o) || !o.shape || o.shape.open) return unknownOutcome(params1);
  const outcome: LayerOutcome = { output: kerasTensor({ dims: [o.shape.dims[0], time, ...o.shape.dims.slice(1)], open: false }), params: params1 };
  if (res.state) outcome.state = res.state;
  return outcome;
}

export const rnnLayers: LayerDef[] = [
  rnnDef('lstm', 'LSTM'),
  rnnDef('gru', 'GRU'),
  rnnDef('simple', 'SimpleRNN'),
  {
    framework: 'keras',
    names: ['keras.layers.Bidirectional'],
    params: params('layer', ['merge_mode', 'concat'], ['weights', null], ['backward_layer', null]),
    kind: 'layer',
    apply: (args, inputs, env) => applyBidirectional(args, inputs, env),
  },
  {
    framework: 'keras',
    names: ['keras.layers.TimeDistributed'],
    params: params('layer'),
    kind: 'layer',
    apply: applyTimeDistributed,
  },
];
