/**
 * Gluon recurrent cells (`python/mxnet/gluon/rnn/rnn_cell.py`) and the `gluon.contrib.nn` blocks
 * (`python/mxnet/gluon/contrib/nn/basic_layers.py`), MXNet 1.9.
 *
 * A cell steps once: `cell(x, states)` gives `(output, new_states)`, output (N, H). Its i2h
 * projection is a `FullyConnected` with the default `flatten=True`, so the input units are
 * everything after the batch axis. Parameters per cell: G·H·I + G·H·H + 2·G·H.
 */
import type { Dim } from '../../types';
import { isKnown, product, ranked } from '../../shapes';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerOutcome, ParamSpec } from '../types';
import { isTensor, tensor } from '../types';
import { intArg } from '../mxnet/mxcore';
import { rnnParamCount } from '../mxnet/params';
import { BN_PARAMS, bnCounts, embeddingApply, identityApply, normApply } from './basic';

const INIT: ParamSpec[] = [
  { name: 'i2h_weight_initializer', default: null },
  { name: 'h2h_weight_initializer', default: null },
  { name: 'i2h_bias_initializer', default: 'zeros' },
  { name: 'h2h_bias_initializer', default: 'zeros' },
  { name: 'input_size', default: 0 },
];

function cell(cls: string, gates: number, states: number, params: ParamSpec[]): LayerDef {
  return {
    framework: 'gluon',
    names: [`mxnet.gluon.rnn.${cls}`],
    params,
    kind: 'layer',
    callParams: [{ name: 'states', default: null }],
    apply(args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
      const h = intArg(args.get('hidden_size'));
      const x = inputs[0];
      const d = isTensor(x) && x.shape && !x.shape.open && x.shape.dims.length >= 2 ? x.shape.dims : null;
      const given = intArg(args.get('input_size'));
      const units = given !== null && given > 0 ? given : d ? product(d.slice(1)) : null;
      const count = h === null || units === null ? null : rnnParamCount(gates, h, 1, 1, units);
      if (h === null || !d) return { output: [tensor(null, 'mxnet'), tensor(null, 'mxnet')], params: count, trainableParams: count };
      const step = (): ArgValue => tensor(ranked([d[0], h]), 'mxnet');
      return { output: [step(), Array.from({ length: states }, step)], params: count, trainableParams: count };
    },
  };
}

/** `LSTMPCell(hidden_size, projection_size, ...)`: output and r state (N, P), c state (N, H); h2h sees P, h2r is (P, H) (contrib/rnn/rnn_cell.py). */
function lstmpApply(args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
  const [h, proj] = [intArg(args.get('hidden_size')), intArg(args.get('projection_size'))];
  const x = inputs[0];
  const d = isTensor(x) && x.shape && !x.shape.open && x.shape.dims.length >= 2 ? x.shape.dims : null;
  const given = intArg(args.get('input_size'));
  const units = given !== null && given > 0 ? given : d ? product(d.slice(1)) : null;
  const count = h === null || proj === null || units === null ? null : 4 * h * units + 4 * h * proj + proj * h + 8 * h;
  if (h === null || proj === null || !d) return { output: [tensor(null, 'mxnet'), tensor(null, 'mxnet')], params: count, trainableParams: count };
  const r = tensor(ranked([d[0], proj]), 'mxnet');
  return { output: [r, [r, tensor(ranked([d[0], h]), 'mxnet')]], params: count, trainableParams: count };
}

/** `DropoutCell(rate)` passes its input and states through. */
function dropoutCell(_args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
  const x = isTensor(inputs[0]) ? inputs[0] : tensor(null, 'mxnet');
  return { output: [x, inputs[1] ?? []], params: 0 };
}

/**
 * Modifier cells run their `base_cell` (rnn_cell.py `ModifierCell`): `ZoneoutCell` and
 * `VariationalDropoutCell` keep its output and states; `ResidualCell` adds the input to its
 * output, so the output has the input's shape. The weights are the base cell's.
 */
function modifierCell(residual: boolean) {
  return (args: BoundArgs, inputs: ArgValue[], env: LayerEnv, state: Record<string, Dim> | undefined): LayerOutcome => {
    const base = args.get('base_cell') as { kind?: string; def?: LayerDef; args?: BoundArgs } | undefined;
    if (!base || base.kind !== 'layer' || !base.def || !base.args) return { output: [tensor(null, 'mxnet'), tensor(null, 'mxnet')], params: null };
    const out = base.def.apply(base.args, inputs, env, state);
    if (!residual || !Array.isArray(out.output)) return out;
    const x = isTensor(inputs[0]) ? inputs[0] : tensor(null, 'mxnet');
    return { ...out, output: [x, out.output[1]] };
  };
}

function modifier(name: string, residual: boolean, extra: ParamSpec[]): LayerDef {
  return { framework: 'gluon', names: [name], params: [{ name: 'base_cell' }, ...extra], kind: 'layer', callParams: [{ name: 'states', default: null }], apply: modifierCell(residual) };
}

export const cellLayers: LayerDef[] = [
  cell('RNNCell', 1, 1, [{ name: 'hidden_size' }, { name: 'activation', default: 'tanh' }, ...INIT]),
  cell('LSTMCell', 4, 2, [{ name: 'hidden_size' }, ...INIT]),
  cell('GRUCell', 3, 1, [{ name: 'hidden_size' }, ...INIT]),
  { framework: 'gluon', names: ['mxnet.gluon.rnn.DropoutCell'], params: [{ name: 'rate' }, { name: 'axes', default: [] }], kind: 'layer', callParams: [{ name: 'states', default: null }], apply: dropoutCell },
  modifier('mxnet.gluon.rnn.ResidualCell', true, []),
  modifier('mxnet.gluon.rnn.ZoneoutCell', false, [{ name: 'zoneout_outputs', default: 0 }, { name: 'zoneout_states', default: 0 }]),
  modifier('mxnet.gluon.contrib.rnn.VariationalDropoutCell', false, [{ name: 'drop_inputs', default: 0 }, { name: 'drop_states', default: 0 }, { name: 'drop_outputs', default: 0 }]),
  {
    framework: 'gluon',
    names: ['mxnet.gluon.contrib.rnn.LSTMPCell'],
    params: [{ name: 'hidden_size' }, { name: 'projection_size' }, { name: 'i2h_weight_initializer', default: null }, { name: 'h2h_weight_initializer', default: null }, { name: 'h2r_weight_initializer', default: null }, { name: 'i2h_bias_initializer', default: 'zeros' }, { name: 'h2h_bias_initializer', default: 'zeros' }, { name: 'input_size', default: 0 }],
    kind: 'layer',
    callParams: [{ name: 'states', default: null }],
    apply: lstmpApply,
  },
];

/** `PixelShuffle{1,2,3}D(factor)`: (N, C·∏f, *S) to (N, C, *S·f) (contrib/nn/basic_layers.py). */
function pixelShuffle(nd: number) {
  return (args: BoundArgs, inputs: ArgValue[]): LayerOutcome => {
    const raw = args.get('factor');
    const f = typeof raw === 'number' ? new Array<number>(nd).fill(raw) : Array.isArray(raw) && raw.length === nd && raw.every((v) => typeof v === 'number') ? (raw as number[]) : null;
    const x = inputs[0];
    const d = isTensor(x) && x.shape && !x.shape.open && x.shape.dims.length === nd + 2 ? x.shape.dims : null;
    if (!f || !d) return { output: tensor(null, 'mxnet'), params: 0 };
    const k = f.reduce((a, b) => a * b, 1);
    const c: Dim = isKnown(d[1]) && d[1] % k === 0 ? d[1] / k : null;
    const spatial = d.slice(2).map((s, i) => (isKnown(s) ? s * f[i] : null));
    return { output: tensor(ranked([d[0], c, ...spatial]), 'mxnet'), params: 0 };
  };
}

const C = 'mxnet.gluon.contrib.nn.';
const contrib = (cls: string, params: ParamSpec[], apply: LayerDef['apply']): LayerDef => ({ framework: 'gluon', names: [C + cls], params, kind: 'layer', apply });

export const contribLayers: LayerDef[] = [
  contrib('PixelShuffle1D', [{ name: 'factor' }], pixelShuffle(1)),
  contrib('PixelShuffle2D', [{ name: 'factor' }], pixelShuffle(2)),
  contrib('PixelShuffle3D', [{ name: 'factor' }], pixelShuffle(3)),
  contrib('Identity', [], identityApply),
  contrib('SparseEmbedding', [{ name: 'input_dim' }, { name: 'output_dim' }, { name: 'dtype', default: 'float32' }, { name: 'weight_initializer', default: null }], embeddingApply),
  // SyncBatchNorm takes in_channels first, then BatchNorm's arguments without axis (axis 1).
  contrib('SyncBatchNorm', [{ name: 'in_channels', default: 0 }, { name: 'num_devices', default: null }, ...BN_PARAMS.filter((q) => q.name !== 'axis' && q.name !== 'in_channels')], normApply(1, bnCounts)),
];
