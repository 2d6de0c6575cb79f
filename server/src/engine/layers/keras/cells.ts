/**
 * Keras recurrent cells (LSTMCell, GRUCell, SimpleRNNCell, StackedRNNCells) and the generic
 * `RNN(cell)` layer that runs them over time. A list of cells (or StackedRNNCells) is chained:
 * each cell's input size is the previous cell's units (Keras 3.15 `layers/rnn/`).
 */
import type { Dim } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerOutcome } from '../types';
import { asInt } from '../types';
import { asBool, inputTensor, kerasTensor, params, unknownOutcome } from './common';
import { asLayerObject, type Cell, type LayerObjectValue, rnnParams } from './rnn';

const CELL_KINDS: Record<string, Cell> = {
  'keras.layers.LSTMCell': 'lstm',
  'keras.layers.GRUCell': 'gru',
  'keras.layers.SimpleRNNCell': 'simple',
};

function cellDef(name: string, kind: Cell): LayerDef {
  const head: (string | [string, ArgValue])[] = kind === 'simple'
    ? ['units', ['activation', 'tanh']]
    : ['units', ['activation', 'tanh'], ['recurrent_activation', 'sigmoid']];
  return {
    framework: 'keras',
    names: [`keras.layers.${name}`],
    params: params(...head, ['use_bias', true], ['kernel_initializer', null], ['recurrent_initializer', null],
      ['bias_initializer', null], ...(kind === 'lstm' ? [['unit_forget_bias', true] as [string, ArgValue]] : []),
      ['kernel_regularizer', null], ['recurrent_regularizer', null], ['bias_regularizer', null],
      ['kernel_constraint', null], ['recurrent_constraint', null], ['bias_constraint', null], ['dropout', 0],
      ['recurrent_dropout', 0], ...(kind === 'gru' ? [['reset_after', true] as [string, ArgValue]] : []),
      ['seed', null]),
    kind: 'layer',
    // Called directly, a cell takes (inputs, states) for one step: not modelled.
    apply: () => unknownOutcome(null),
  };
}

/** The chain of cells an RNN runs: one cell, a list, or StackedRNNCells; null when not all are known. */
function cellChain(v: ArgValue | undefined): LayerObjectValue[] | null {
  const one = asLayerObject(v);
  if (one && one.def.names[0] === 'keras.layers.StackedRNNCells') return cellChain(one.args.get('cells'));
  const list = one ? [one] : Array.isArray(v) ? v.map(asLayerObject) : [];
  if (list.length === 0 || list.some((c) => !c || !CELL_KINDS[c.def.names[0]])) return null;
  return list as LayerObjectValue[];
}

function applyRnn(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const cells = cellChain(args.get('cell'));
  if (!x || !x.shape || x.shape.open || x.shape.dims.length !== 3 || !cells) return unknownOutcome(null);
  const [batch, time, features] = x.shape.dims;
  let f: Dim = features;
  let p: number | null = 0;
  for (const c of cells) {
    const cp = rnnParams(CELL_KINDS[c.def.names[0]], c.args, f);
    p = p === null || cp === null ? null : p + cp;
    f = asInt(c.args.get('units'));
  }
  const seq = asBool(args.get('return_sequences'), false);
  const states = asBool(args.get('return_state'), false);
  if (seq === null || states === null) return unknownOutcome(p);
  const out = kerasTensor({ dims: seq ? [batch, time, f] : [batch, f], open: false });
  if (!states) return { output: out, params: p };
  // Several cells return nested state lists: not modelled.
  if (cells.length > 1) return unknownOutcome(p);
  const h = kerasTensor({ dims: [batch, f], open: false });
  return { output: CELL_KINDS[cells[0].def.names[0]] === 'lstm' ? [out, h, h] : [out, h], params: p };
}

export const cellLayers: LayerDef[] = [
  cellDef('LSTMCell', 'lstm'),
  cellDef('GRUCell', 'gru'),
  cellDef('SimpleRNNCell', 'simple'),
  {
    framework: 'keras', names: ['keras.layers.StackedRNNCells'], params: params('cells'), kind: 'layer',
    apply: () => unknownOutcome(null),
  },
  {
    framework: 'keras', names: ['keras.layers.RNN'], kind: 'layer', apply: applyRnn,
    params: params('cell', ['return_sequences', false], ['return_state', false], ['go_backwards', false],
      ['stateful', false], ['unroll', false], ['zero_output_for_mask', false]),
  },
];
