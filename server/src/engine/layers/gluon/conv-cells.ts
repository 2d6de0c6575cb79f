/**
 * Convolutional recurrent cells (`gluon/contrib/rnn/conv_rnn_cell.py`) and deformable
 * convolutions (`gluon/contrib/cnn/conv_layers.py`), MXNet 1.9.
 *
 * A conv cell is built for one `input_shape` (C, *spatial, batch excluded). Its state has
 * `hidden_channels` channels and the spatial size the i2h convolution gives (stride 1, `i2h_pad`,
 * `i2h_dilate`); h2h is padded to keep it. `cell(x, states)` gives `(output, new_states)`.
 * Weights: i2h (G·hc, C, *i2h_kernel) and h2h (G·hc, hc, *h2h_kernel), each with a G·hc bias.
 */
import type { Dim } from '../../types';
import { isKnown, ranked } from '../../shapes';
import type { ArgValue, BoundArgs, LayerDef, LayerOutcome, ParamSpec } from '../types';
import { asTuple, isTensor, tensor } from '../types';
import { asBool } from '../args';
import { intArg } from '../mxnet/mxcore';

/** One axis of a stride-s convolution with padding p and dilation dl; unknown when the kernel does not fit. */
function convAxis(n: Dim, k: number, s: number, p: number, dl: number): Dim {
  const ek = dl * (k - 1) + 1;
  return isKnown(n) && n + 2 * p >= ek ? Math.floor((n + 2 * p - ek) / s) + 1 : null;
}

const prod = (v: number[]) => v.reduce((a, b) => a * b, 1);

function convCell(nd: number, kind: 'RNN' | 'LSTM' | 'GRU'): LayerDef {
  const gates = { RNN: 1, LSTM: 4, GRU: 3 }[kind];
  const states = kind === 'LSTM' ? 2 : 1;
  const ones = new Array<number>(nd).fill(1), zeros = new Array<number>(nd).fill(0);
  const layout = nd === 1 ? 'NCW' : nd === 2 ? 'NCHW' : 'NCDHW';
  const params: ParamSpec[] = [
    { name: 'input_shape' }, { name: 'hidden_channels' }, { name: 'i2h_kernel' }, { name: 'h2h_kernel' },
    { name: 'i2h_pad', default: zeros }, { name: 'i2h_dilate', default: ones }, { name: 'h2h_dilate', default: ones },
    { name: 'i2h_weight_initializer', default: null }, { name: 'h2h_weight_initializer', default: null },
    { name: 'i2h_bias_initializer', default: 'zeros' }, { name: 'h2h_bias_initializer', default: 'zeros' },
    { name: 'conv_layout', default: layout },
  ];
  return {
    framework: 'gluon',
    names: [`mxnet.gluon.contrib.rnn.Conv${nd}D${kind}Cell`],
    params,
    kind: 'layer',
    callParams: [{ name: 'states', default: null }],
    apply(args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
      const shape = args.get('input_shape');
      const inShape = Array.isArray(shape) && shape.length === nd + 1 ? (shape as ArgValue[]).map((v) => (typeof v === 'number' ? v : null)) : null;
      const hc = intArg(args.get('hidden_channels'));
      const [ik, hk, pad, dil] = ['i2h_kernel', 'h2h_kernel', 'i2h_pad', 'i2h_dilate'].map((n) => asTuple(args.get(n), nd));
      const unknown: LayerOutcome = { output: [tensor(null, 'mxnet'), tensor(null, 'mxnet')], params: null };
      // Channels-last conv layouts keep C last; only the channels-first default is modelled.
      if (!inShape || hc === null || !ik || !hk || !pad || !dil || args.get('conv_layout') !== layout) return unknown;
      const c = inShape[0];
      const count = isKnown(c) ? gates * hc * c * prod(ik) + gates * hc + gates * hc * hc * prod(hk) + gates * hc : null;
      const spatial = inShape.slice(1).map((n, i) => convAxis(n, ik[i], 1, pad[i], dil[i]));
      const x = inputs[0];
      const n = isTensor(x) && x.shape && !x.shape.open ? x.shape.dims[0] : null;
      const step = () => tensor(ranked([n, hc, ...spatial]), 'mxnet');
      return { output: [step(), Array.from({ length: states }, step)], params: count, trainableParams: count };
    },
  };
}

/**
 * `DeformableConvolution(channels, kernel_size=(1,1), strides, padding, dilation, groups,
 * num_deformable_group=1, layout='NCHW', use_bias=True, in_channels=0, ...,
 * offset_use_bias=True)`: the output of a Conv2D; a second convolution predicts the offsets,
 * 2·kh·kw·ndg channels (3·… for the modulated version, which also predicts masks).
 */
function deformable(cls: string, offsetsPerTap: number): LayerDef {
  const params: ParamSpec[] = [
    { name: 'channels' }, { name: 'kernel_size', default: [1, 1] }, { name: 'strides', default: [1, 1] }, { name: 'padding', default: [0, 0] },
    { name: 'dilation', default: [1, 1] }, { name: 'groups', default: 1 }, { name: 'num_deformable_group', default: 1 }, { name: 'layout', default: 'NCHW' },
    { name: 'use_bias', default: true }, { name: 'in_channels', default: 0 }, { name: 'activation', default: null },
    { name: 'weight_initializer', default: null }, { name: 'bias_initializer', default: 'zeros' }, { name: 'offset_weight_initializer', default: 'zeros' },
    { name: 'offset_bias_initializer', default: 'zeros' }, { name: 'offset_use_bias', default: true },
  ];
  return {
    framework: 'gluon',
    names: [`mxnet.gluon.contrib.cnn.${cls}`],
    params,
    kind: 'layer',
    apply(args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
      const ch = intArg(args.get('channels'));
      const [k, s, p, dl] = ['kernel_size', 'strides', 'padding', 'dilation'].map((n) => asTuple(args.get(n), 2));
      const [g, ndg] = [intArg(args.get('groups')), intArg(args.get('num_deformable_group'))];
      const [bias, offBias] = [asBool(args.get('use_bias'), true), asBool(args.get('offset_use_bias'), true)];
      const x = inputs[0];
      const d = isTensor(x) && x.shape && !x.shape.open && x.shape.dims.length === 4 ? x.shape.dims : null;
      if (ch === null || !k || !s || !p || !dl || g === null || ndg === null || bias === null || offBias === null || args.get('layout') !== 'NCHW' || !d) {
        return { output: tensor(null, 'mxnet'), params: null };
      }
      const given = intArg(args.get('in_channels'));
      const c = given !== null && given > 0 ? given : d[1];
      const offsets = offsetsPerTap * prod(k) * ndg;
      const count = isKnown(c) ? ch * (c / g) * prod(k) + (bias ? ch : 0) + offsets * c * prod(k) + (offBias ? offsets : 0) : null;
      const out = [d[0], ch, convAxis(d[2], k[0], s[0], p[0], dl[0]), convAxis(d[3], k[1], s[1], p[1], dl[1])];
      return { output: tensor(ranked(out), 'mxnet'), params: count, trainableParams: count };
    },
  };
}

export const convCellLayers: LayerDef[] = [
  ...[1, 2, 3].flatMap((nd) => (['RNN', 'LSTM', 'GRU'] as const).map((kind) => convCell(nd, kind))),
  deformable('DeformableConvolution', 2),
  deformable('ModulatedDeformableConvolution', 3),
];
