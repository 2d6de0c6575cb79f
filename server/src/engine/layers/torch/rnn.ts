/**
 * torch.nn.LSTM, GRU and RNN (torch/nn/modules/rnn.py). The forward returns
 * (output, h_n) or, for LSTM, (output, (h_n, c_n)).
 */
import { isKnown } from '../../shapes';
import type { Dim } from '../../types';
import { asInt, tensor, type ArgValue, type BoundArgs, type LayerDef, type LayerOutcome, type ParamSpec, type TensorValue } from '../types';
import { asBool, failed, firstTensor, issue, out, showShape } from './common';

type Cell = 'LSTM' | 'GRU' | 'RNN';
const GATES: Record<Cell, number> = { LSTM: 4, GRU: 3, RNN: 1 };

function params(cell: Cell): ParamSpec[] {
  const head: ParamSpec[] = [{ name: 'input_size' }, { name: 'hidden_size' }, { name: 'num_layers', default: 1 }];
  if (cell === 'RNN') head.push({ name: 'nonlinearity', default: 'tanh' });
  head.push({ name: 'bias', default: true }, { name: 'batch_first', default: false }, { name: 'dropout', default: 0.0 }, { name: 'bidirectional', default: false });
  if (cell === 'LSTM') head.push({ name: 'proj_size', default: 0 });
  return [...head, { name: 'device', default: null }, { name: 'dtype', default: null }];
}

interface RnnArgs {
  inSize: number | null;
  hidden: number | null;
  layers: number | null;
  bias: boolean | null;
  batchFirst: boolean | null;
  dirs: number | null;
  proj: number | null;
}

function decode(cell: Cell, args: BoundArgs): RnnArgs {
  const bi = asBool(args.get('bidirectional'));
  return {
    inSize: asInt(args.get('input_size')),
    hidden: asInt(args.get('hidden_size')),
    layers: asInt(args.get('num_layers')),
    bias: asBool(args.get('bias')),
    batchFirst: asBool(args.get('batch_first')),
    dirs: bi === null ? null : bi ? 2 : 1,
    proj: cell === 'LSTM' ? asInt(args.get('proj_size')) : 0,
  };
}

function hOut(a: RnnArgs): number | null {
  return a.hidden === null || a.proj === null ? null : a.proj > 0 ? a.proj : a.hidden;
}

/** Per layer and direction: W_ih, W_hh, two biases, and LSTM's projection W_hr. */
function paramCount(cell: Cell, a: RnnArgs): number | null {
  const ho = hOut(a);
  if (a.inSize === null || a.hidden === null || a.layers === null || a.bias === null || a.dirs === null || ho === null || a.proj === null) return null;
  const g = GATES[cell] * a.hidden;
  let total = 0;
  for (let l = 0; l < a.layers; l++) {
    const inL = l === 0 ? a.inSize : a.dirs * ho;
    const one = g * inL + g * ho + (a.bias ? 2 * g : 0) + (a.proj > 0 ? a.proj * a.hidden : 0);
    total += a.dirs * one;
  }
  return total;
}

function applyRnn(cell: Cell, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const a = decode(cell, args);
  const count = paramCount(cell, a);
  const shape = firstTensor(inputs)?.shape ?? null;
  if (!shape) return out(null, { params: count });
  const r = shape.dims.length;
  if (!shape.open && r !== 2 && r !== 3)
    return failed(issue('rank-mismatch', `${cell}: Expected input to be 2D or 3D, got ${r}D instead`, [`${cell} takes (L, H_in) or (L, N, H_in); got ${showShape(shape)}.`]), count);
  const last = r > 0 ? shape.dims[r - 1] : null;
  if (a.inSize !== null && isKnown(last) && last !== a.inSize) {
    const fixes = [{ kind: 'set-arg' as const, name: 'input_size', value: String(last), title: `Set input_size=${last}`, applicability: 'safe' as const }];
    return failed(
      issue('features-mismatch', `input.size(-1) must be equal to input_size. Expected ${a.inSize}, got ${last}`, [`${cell}(input_size=${a.inSize}) but the tensor ${showShape(shape)} has ${last} features in its last axis.`], { fixes }),
      count,
    );
  }
  const ho = hOut(a);
  const dOut = a.dirs !== null && ho !== null ? a.dirs * ho : null;
  const output = { dims: [...shape.dims.slice(0, -1), dOut], open: shape.open };
  if (shape.open) return { output: [tensor(output, 'torch'), UNKNOWN_STATE], params: count };
  const stack = a.dirs !== null && a.layers !== null ? a.dirs * a.layers : null;
  const batch: Dim[] = r === 2 ? [] : [a.batchFirst === null ? null : a.batchFirst ? shape.dims[0] : shape.dims[1]];
  const h = tensor({ dims: [stack, ...batch, ho], open: false }, 'torch');
  const state = cell === 'LSTM' ? [h, tensor({ dims: [stack, ...batch, a.hidden], open: false }, 'torch')] : h;
  const axisNames = r === 2 ? ['L', 'H'] : a.batchFirst ? ['N', 'L', 'H'] : ['L', 'N', 'H'];
  return { output: [tensor(output, 'torch'), state], params: count, axisNames };
}

const UNKNOWN_STATE = tensor(null, 'torch');

export const rnnLayers: LayerDef[] = (['LSTM', 'GRU', 'RNN'] as Cell[]).map((cell) => ({
  framework: 'torch',
  names: [`torch.nn.${cell}`],
  params: params(cell),
  kind: 'layer',
  apply: (args, inputs) => applyRnn(cell, args, inputs),
  callParams: [{ name: 'hx', default: null }],
}));
