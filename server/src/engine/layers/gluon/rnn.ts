/**
 * Gluon recurrent layers (`python/mxnet/gluon/rnn/rnn_layer.py`, 1.9.1). Layout 'TNC'
 * (default) or 'NTC'; the output always covers the whole sequence, `(T, N, D·H)` in TNC.
 * With `states` given the call returns `(output, [states])`.
 */
import type { Dim } from '../../types';
import { isKnown, ranked } from '../../shapes';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerIssue, LayerOutcome, ParamSpec } from '../types';
import { isTensor, tensor } from '../types';

import { boolArg, checkOpMsg, gluonMessage, intArg, mkIssue } from '../mxnet/mxcore';
import { rnnParamCount } from '../mxnet/params';

interface Kind {
  cls: string;
  gates: number;
  states: number;
  params: ParamSpec[];
}

const INIT = ['i2h_weight_initializer', 'h2h_weight_initializer', 'i2h_bias_initializer', 'h2h_bias_initializer'];
const INIT_DEFAULTS: ArgValue[] = [null, null, 'zeros', 'zeros'];

function p(names: string[], defaults: ArgValue[]): ParamSpec[] {
  return names.map((name, i) => (defaults[i] === undefined ? { name } : { name, default: defaults[i] }));
}

const LSTM: Kind = {
  cls: 'LSTM',
  gates: 4,
  states: 2,
  params: p(
    ['hidden_size', 'num_layers', 'layout', 'dropout', 'bidirectional', 'input_size', ...INIT, 'projection_size'],
    [undefined as unknown as ArgValue, 1, 'TNC', 0, false, 0, ...INIT_DEFAULTS, null],
  ),
};
const GRU: Kind = {
  cls: 'GRU',
  gates: 3,
  states: 1,
  params: p(['hidden_size', 'num_layers', 'layout', 'dropout', 'bidirectional', 'input_size', ...INIT], [undefined as unknown as ArgValue, 1, 'TNC', 0, false, 0, ...INIT_DEFAULTS]),
};
const RNN: Kind = {
  cls: 'RNN',
  gates: 1,
  states: 1,
  params: p(
    ['hidden_size', 'num_layers', 'activation', 'layout', 'dropout', 'bidirectional', ...INIT, 'input_size'],
    [undefined as unknown as ArgValue, 1, 'relu', 'TNC', 0, false, ...INIT_DEFAULTS, 0],
  ),
};


function rankIssue(rank: number, env: LayerEnv): LayerIssue {
  const msg = checkOpMsg('dshape.ndim()', '==', '3U', rank, 3, 'Input data should be rank-3 tensor of dim [sequence length, batch size, input size]');
  return mkIssue('rank-mismatch', gluonMessage(env, `${env.layerName}_fwd`, msg), [`Recurrent layers take a rank-3 input (T, N, C) or (N, T, C); this one has rank ${rank}.`]);
}

function rnnApply(kind: Kind) {
  return (args: BoundArgs, inputs: ArgValue[], env: LayerEnv, state: Record<string, Dim> | undefined): LayerOutcome => {
    const hidden = intArg(args.get('hidden_size'));
    const layers = intArg(args.get('num_layers'));
    const bidir = boolArg(args.get('bidirectional'), false);
    const layout = args.get('layout');
    const x = inputs[0];
    if (hidden === null || layers === null || bidir === null || (layout !== 'TNC' && layout !== 'NTC') || !isTensor(x) || !x.shape || x.shape.open) {
      return { output: tensor(null, 'mxnet'), params: null };
    }
    if (x.shape.dims.length !== 3) return { output: tensor(null, 'mxnet'), issue: rankIssue(x.shape.dims.length, env) };
    const dirs = bidir ? 2 : 1;
    const [t, n, f] = layout === 'TNC' ? x.shape.dims : [x.shape.dims[1], x.shape.dims[0], x.shape.dims[2]];
    const explicitIn = intArg(args.get('input_size'));
    const inSize = explicitIn !== null && explicitIn > 0 ? explicitIn : state && isKnown(state.inSize) ? state.inSize : isKnown(f) ? f : null;
    const projected = args.get('projection_size');
    const params = inSize === null || (projected !== null && projected !== undefined) ? null : rnnParamCount(kind.gates, hidden, layers, dirs, inSize);
    const outDims = layout === 'TNC' ? [t, n, dirs * hidden] : [n, t, dirs * hidden];
    const out = tensor(ranked(outDims), 'mxnet');
    const base: LayerOutcome = { output: out, params, trainableParams: params, axisNames: layout.split(''), layout, layoutSource: args.explicit('layout') ? 'layout= argument' : 'Gluon default', state: inSize === null ? undefined : { inSize } };
    // `states` is the call's second argument (callParams); None means only the output is returned.
    const states = inputs[1];
    if (states === null || states === undefined) return base;
    const st = Array.from({ length: kind.states }, () => tensor(ranked([layers * dirs, n, hidden]), 'mxnet'));
    return { ...base, output: [out, st] };
  };
}

function rnnDef(kind: Kind): LayerDef {
  return {
    framework: 'gluon',
    names: [`mxnet.gluon.rnn.${kind.cls}`],
    params: kind.params,
    kind: 'layer',
    callParams: [{ name: 'states', default: null }],
    construct(args: BoundArgs): LayerIssue | null {
      const layout = args.get('layout');
      if (typeof layout !== 'string' || layout === 'TNC' || layout === 'NTC') return null;
      return mkIssue('invalid-argument', `Invalid layout ${layout}; must be one of ['TNC' or 'NTC']`, [`Gluon recurrent layers accept layout 'TNC' or 'NTC'.`]);
    },
    apply: rnnApply(kind),
  };
}

export const rnnLayers: LayerDef[] = [rnnDef(LSTM), rnnDef(GRU), rnnDef(RNN)];
