/**
 * Keras recurrent layers (LSTM, GRU, SimpleRNN) and the wrappers Bidirectional and
 * TimeDistributed. Input is (batch, time, features); Keras 3 has no `time_major`.
 */
import type { Dim, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerIssue, LayerOutcome, TensorValue } from '../types';
import { asInt, isTensor } from '../types';
import { asBool, checkNdim, inputTensor, issue, kerasTensor, outShape, params, rankView, unknownOutcome } from './common';
import { pyShape } from './format';

export type Cell = 'lstm' | 'gru' | 'simple';

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

export function rnnParams(cell: Cell, args: BoundArgs, f: Dim): number | null {
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

const pyBool = (v: boolean): string => (v ? 'True' : 'False');

/** Keras' `_verify_layer_config`: the two directions must agree on everything but the direction. */
function checkBackwardLayer(args: BoundArgs): LayerIssue | null {
  const fwd = asLayerObject(args.get('layer'));
  const bwd = asLayerObject(args.get('backward_layer'));
  if (!fwd || !bwd) return null;
  // Only a def that declares the attribute says what its value is (a fallback def does not).
  const flag = (o: LayerObjectValue, name: string): boolean | null =>
    o.def.params.some((p) => p.name === name) ? asBool(o.args.get(name), false) : null;
  const fg = flag(fwd, 'go_backwards');
  const bg = flag(bwd, 'go_backwards');
  if (fg !== null && fg === bg) {
    return issue('invalid-argument', 'Forward layer and backward layer should have different `go_backwards` value. ' +
      `Received: forward_layer.go_backwards ${pyBool(fg)}, backward_layer.go_backwards=${pyBool(bg as boolean)}`,
    ['the backward layer must read the sequence the other way: pass go_backwards=True to it']);
  }
  for (const a of ['stateful', 'return_sequences', 'return_state']) {
    const f = flag(fwd, a);
    const b = flag(bwd, a);
    if (f !== null && b !== null && f !== b) {
      return issue('invalid-argument', 'Forward layer and backward layer are expected to have the same value for ' +
        `attribute "${a}", got "${pyBool(f)}" for forward layer and "${pyBool(b)}" for backward layer`,
      [`both directions must be built with the same ${a}`]);
    }
  }
  return null;
}

/** One direction's result split into its output and its states (return_state=True). */
function splitStates(o: ArgValue, withStates: boolean): { out: ArgValue; states: ArgValue[] } {
  if (withStates && Array.isArray(o)) return { out: o[0], states: o.slice(1) };
  return { out: o, states: [] };
}

/** Keras' merge of the two directions; null when the result cannot be known. */
function mergeDirections(mode: ArgValue | undefined, f: ArgValue, b: ArgValue): TensorValue | null {
  if (!isTensor(f) || !isTensor(b) || !f.shape || !b.shape) return null;
  if (mode === 'sum' || mode === 'mul' || mode === 'ave') {
    const same = f.shape.open === b.shape.open && f.shape.dims.length === b.shape.dims.length &&
      f.shape.dims.every((d, i) => d === b.shape!.dims[i]);
    return same ? f : null;
  }
  if (mode !== 'concat' || f.shape.dims.length === 0) return null;
  const dims = [...f.shape.dims];
  const fl = dims[dims.length - 1];
  const bl = b.shape.dims[b.shape.dims.length - 1];
  // Keras' static shape doubles the forward width even when the backward layer is narrower,
  // while the run concatenates both: with different widths the size is not one number.
  dims[dims.length - 1] = typeof fl === 'number' && fl === bl ? 2 * fl : null;
  return kerasTensor({ dims, open: f.shape.open });
}

function applyBidirectional(args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const fwd = asLayerObject(args.get('layer'));
  const bwdArg = args.get('backward_layer') ?? null;
  const bwd = bwdArg === null ? fwd : asLayerObject(bwdArg);
  const mode = args.get('merge_mode');
  if (!fwd || !bwd) return unknownOutcome(null);
  const rf = fwd.def.apply(fwd.args, inputs as ArgValue[], env, undefined);
  if (rf.issue) return { output: kerasTensor(null), params: null, issue: rf.issue };
  const rb = bwdArg === null ? rf : bwd.def.apply(bwd.args, inputs as ArgValue[], env, undefined);
  if (rb.issue) return { output: kerasTensor(null), params: null, issue: rb.issue };
  const p = typeof rf.params === 'number' && typeof rb.params === 'number' ? rf.params + rb.params : null;
  const withStates = asBool(fwd.args.get('return_state'), false);
  if (withStates === null) return unknownOutcome(p);
  const f = splitStates(rf.output, withStates);
  const b = splitStates(rb.output, withStates);
  const states = [...f.states, ...b.states];
  if (mode === null) return { output: [f.out, b.out, ...states], params: p };
  const merged = mergeDirections(mode, f.out, b.out);
  if (!merged) return unknownOutcome(p);
  return { output: states.length ? [merged, ...states] : merged, params: p };
}

function applyTimeDistributed(args: BoundArgs, inputs: unknown[], env: LayerEnv,
  state: Record<string, Dim> | undefined): LayerOutcome {
  const inner = asLayerObject(args.get('layer'));
  const x = inputTensor(inputs as ArgValue[]);
  if (!inner || !x || !x.shape || x.shape.open) return unknownOutcome(null);
  if (x.shape.dims.length < 3) {
    const msg = '`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, ' +
      `received: ${pyShape(x.shape.dims)}`;
    return { output: kerasTensor(null), params: null, issue: issue('rank-mismatch', msg, [
      'TimeDistributed needs (batch, time, ...): it applies the wrapped layer to each step of axis 1',
    ]) };
  }
  const [batch, time, ...rest] = x.shape.dims;
  const innerIn: Shape = { dims: [batch, ...rest], open: false };
  const res = inner.def.apply(inner.args, [kerasTensor(innerIn)], env, state);
  if (res.issue) return { output: kerasTensor(null), params: null, issue: res.issue };
  const o = res.output;
  // A layer without weights reports no count (undefined): that is 0, not unknown.
  const params1 = res.params === undefined ? 0 : res.params;
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
    construct: (args) => checkBackwardLayer(args),
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
