/**
 * torch.nn.LSTM, GRU and RNN (torch/nn/modules/rnn.py). The forward returns
 * (output, h_n) or, for LSTM, (output, (h_n, c_n)).
 */
import { isKnown } from '../../shapes';
import type { Dim } from '../../types';
import { asInt, isTensor, tensor, type ArgValue, type BoundArgs, type LayerDef, type LayerIssue, type LayerOutcome, type ParamSpec, type TensorValue } from '../types';
import { asBool, failed, firstTensor, issue, msgSizes, out, showShape } from './common';

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
  const hxBad = hiddenRankIssue(cell, r, inputs[1]);
  if (hxBad) return failed(hxBad, count);
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
  const hxSize = hiddenSizeIssue(cell, inputs[1], [stack, r === 2 ? 1 : batch[0], ho], [stack, r === 2 ? 1 : batch[0], a.hidden], r === 2);
  if (hxSize) return failed(hxSize, count);
  const h = tensor({ dims: [stack, ...batch, ho], open: false }, 'torch');
  const state = cell === 'LSTM' ? [h, tensor({ dims: [stack, ...batch, a.hidden], open: false }, 'torch')] : h;
  const axisNames = r === 2 ? ['L', 'H'] : a.batchFirst ? ['N', 'L', 'H'] : ['L', 'N', 'H'];
  return { output: [tensor(output, 'torch'), state], params: count, axisNames };
}

const UNKNOWN_STATE = tensor(null, 'torch');

/** The given initial states: LSTM takes (h0, c0), GRU and RNN take h0; null when none or unknown. */
function givenStates(cell: Cell, hx: ArgValue | undefined): (TensorValue | null)[] | null {
  if (hx === null || hx === undefined) return null;
  if (cell === 'LSTM') return Array.isArray(hx) && hx.length === 2 ? hx.map((t) => (isTensor(t) ? t : null)) : null;
  return isTensor(hx) ? [hx] : null;
}

const rankOf = (t: TensorValue | null): number | null => (t?.shape && !t.shape.open ? t.shape.dims.length : null);

/** RNNBase.forward: batched input needs 3-D states, unbatched 2-D (checked before the sizes). */
function hiddenRankIssue(cell: Cell, r: number, hx: ArgValue | undefined): LayerIssue | null {
  const states = givenStates(cell, hx);
  if (!states || (r !== 2 && r !== 3)) return null;
  const ranks = states.map(rankOf);
  if (ranks.some((x) => x === null) || ranks.every((x) => x === r)) return null;
  const kind = r === 3 ? 'batched 3-D' : 'unbatched 2-D';
  const message = cell === 'LSTM'
    ? `For ${kind} input, hx and cx should also be ${r}-D but got (${ranks[0]}-D, ${ranks[1]}-D) tensors`
    : `For ${kind} input, hx should also be ${r}-D but got ${ranks[0]}-D tensor`;
  return issue('rank-mismatch', message, [`the initial state of a ${r}-D input has ${r} axes: (num_layers * num_directions, ${r === 3 ? 'N, ' : ''}H_out).`]);
}

/** check_forward_args: each state must be (num_layers * num_directions, N, H); unbatched states count N=1. */
function hiddenSizeIssue(cell: Cell, hx: ArgValue | undefined, hWant: Dim[], cWant: Dim[], unbatched: boolean): LayerIssue | null {
  const states = givenStates(cell, hx);
  if (!states) return null;
  const wants = cell === 'LSTM' ? [hWant, cWant] : [hWant];
  for (let i = 0; i < wants.length; i++) {
    const s = states[i]?.shape;
    if (!s || s.open) continue;
    const got = unbatched ? [s.dims[0], 1, ...s.dims.slice(1)] : s.dims;
    const want = wants[i];
    if (got.length !== 3 || !want.every(isKnown) || !got.every(isKnown) || got.every((d, j) => d === want[j])) continue;
    const label = cell === 'LSTM' ? `hidden[${i}] size` : 'hidden size';
    return issue('features-mismatch', `Expected ${label} (${want.join(', ')}), got ${msgSizes(got)}`, [
      `the ${cell === 'LSTM' ? (i === 0 ? 'h0' : 'c0') : 'h0'} state must be (num_layers * num_directions, batch, ${cell === 'LSTM' && i === 1 ? 'hidden_size' : 'H_out'}) = (${want.join(', ')}).`,
    ]);
  }
  return null;
}

export const rnnLayers: LayerDef[] = (['LSTM', 'GRU', 'RNN'] as Cell[]).map((cell) => ({
  framework: 'torch',
  names: [`torch.nn.${cell}`],
  params: params(cell),
  kind: 'layer',
  apply: (args, inputs) => applyRnn(cell, args, inputs),
  callParams: [{ name: 'hx', default: null }],
}));

// ------------------------------------------------------------ LSTMCell, GRUCell, RNNCell

function cellParams(cell: Cell, args: BoundArgs): number | null {
  const inSize = asInt(args.get('input_size')), h = asInt(args.get('hidden_size')), bias = asBool(args.get('bias'));
  if (inSize === null || h === null || bias === null) return null;
  const g = GATES[cell] * h;
  return g * (inSize + h) + (bias ? 2 * g : 0);
}

/** RNNCellBase.forward and ATen's check_forward_input / check_forward_hidden, in their order. */
function applyCell(cell: Cell, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const name = `${cell}Cell`;
  const params = cellParams(cell, args);
  const inSize = asInt(args.get('input_size')), h = asInt(args.get('hidden_size'));
  const shape = firstTensor(inputs)?.shape ?? null;
  if (!shape || shape.open) return { output: cell === 'LSTM' ? [tensor(null, 'torch'), tensor(null, 'torch')] : tensor(null, 'torch'), params };
  const r = shape.dims.length;
  if (r !== 1 && r !== 2)
    return failed(issue('rank-mismatch', `${name}: Expected input to be 1D or 2D, got ${r}D instead`, [`${name} takes (H_in) or (N, H_in); got ${showShape(shape)}.`]), params);
  const states = givenStates(cell, inputs[1]);
  const hxLabel = cell === 'LSTM' ? 'hx[0]' : 'hidden';
  const hr = states ? rankOf(states[0]) : null;
  if (hr !== null && hr !== 1 && hr !== 2)
    return failed(issue('rank-mismatch', `${name}: Expected ${hxLabel} to be 1D or 2D, got ${hr}D instead`, [`the state of ${name} is (H) or (N, H).`]), params);
  const f = shape.dims[r - 1];
  if (inSize !== null && isKnown(f) && f !== inSize)
    return failed(issue('features-mismatch', `input has inconsistent input_size: got ${f} expected ${inSize}`, [`${name}(input_size=${inSize}) but the input ${showShape(shape)} has ${f} features.`]), params);
  const batch: Dim[] = r === 2 ? [shape.dims[0]] : [];
  // An unbatched input is a batch of one; an unknown batch stays unknown.
  const stateIssue = cellStateIssue(states, r, r === 2 ? shape.dims[0] : 1, h);
  if (stateIssue) return failed(stateIssue, params);
  const hOut = tensor({ dims: [...batch, h], open: false }, 'torch');
  return { output: cell === 'LSTM' ? [hOut, tensor({ dims: [...batch, h], open: false }, 'torch')] : hOut, params };
}

/** Each given state against the input's batch and hidden_size (states of the input's rank only). */
function cellStateIssue(states: (TensorValue | null)[] | null, r: number, n: Dim, h: number | null): LayerIssue | null {
  for (let i = 0; states && i < states.length; i++) {
    const s = states[i]?.shape;
    if (!s || s.open || s.dims.length !== r) continue;
    const [sb, sh] = r === 2 ? s.dims : [1, s.dims[0]];
    if (isKnown(n) && isKnown(sb) && n !== sb)
      return issue('features-mismatch', `Input batch size ${n} doesn't match hidden${i} batch size ${sb}`, [`the input has batch ${n}; state ${i} ${showShape(s)} has ${sb}.`]);
    if (h !== null && isKnown(sh) && sh !== h)
      return issue('features-mismatch', `hidden${i} has inconsistent hidden_size: got ${sh}, expected ${h}`, [`hidden_size=${h} but state ${i} ${showShape(s)} has ${sh}.`]);
  }
  return null;
}

rnnLayers.push(
  ...(['LSTM', 'GRU', 'RNN'] as Cell[]).map((cell): LayerDef => ({
    framework: 'torch',
    names: [`torch.nn.${cell}Cell`],
    params: [{ name: 'input_size' }, { name: 'hidden_size' }, { name: 'bias', default: true }, ...(cell === 'RNN' ? [{ name: 'nonlinearity', default: 'tanh' }] : []), { name: 'device', default: null }, { name: 'dtype', default: null }],
    kind: 'layer',
    apply: (args, inputs) => applyCell(cell, args, inputs),
    callParams: [{ name: 'hx', default: null }],
  })),
);
