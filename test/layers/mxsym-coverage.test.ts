/**
 * The MXNet 1.9 operators and Gluon blocks added for coverage, against the shapes their
 * documentation examples state (the `Example::` blocks of src/operator/tensor/matrix_op.cc,
 * indexing_op.cc, dot.cc, broadcast_reduce_op_index.cc, ordering_op.cc, src/operator/pad.cc,
 * sequence_*.cc, rnn.cc, crop.cc; python/mxnet/gluon/rnn/rnn_cell.py and
 * gluon/contrib/nn/basic_layers.py), and weight counts against the per-gate formula written out
 * here independently. Also the checks (FullyConnected weight, concat axis) and the stand-ins
 * for unknown ops and blocks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ArgValue, UNKNOWN } from '../../server/src/engine/layers/types';
import { findLayer } from '../../server/src/engine/layers/index';
import type { Dim } from '../../server/src/engine/types';
import { applyLayer, bind, callOp, def, dimsOf, t } from './gluon-helpers';

const ND = 'mxnet.ndarray.';
const SYM = 'mxnet.symbol.';

/** One direction of one recurrent layer: i2h (G·H × I) and h2h (G·H × H) weights, two G·H biases. */
function gateWeights(gates: number, hidden: number, input: number): number {
  const gh = gates * hidden;
  return gh * input + gh * hidden + gh + gh;
}

describe('documented operator shapes (both prefixes)', () => {
  type Case = [string, ArgValue[], Record<string, ArgValue>, Dim[] | null];
  const cases: Case[] = [
    ['slice', [t([3, 4])], { begin: [0, 1], end: [2, 4] }, [2, 3]],
    ['slice', [t([3, 4])], { begin: [null, 0], end: [null, 3], step: [-1, 2] }, [3, 2]],
    ['crop', [t([3, 4])], { begin: [0, 1], end: [2, 4] }, [2, 3]],
    ['slice_axis', [t([3, 4])], { axis: 0, begin: 1, end: 3 }, [2, 4]],
    ['slice_axis', [t([3, 4])], { axis: 1, begin: -3, end: -1 }, [3, 2]],
    ['slice_axis', [t([3, 4])], { axis: 1, begin: 1, end: null }, [3, 3]],
    ['slice_like', [t([3, 4]), t([2, 3])], {}, [2, 3]],
    ['slice_like', [t([3, 4]), t([2, 3])], { axes: [0] }, [2, 4]],
    ['SwapAxis', [t([1, 2, 3])], { dim1: 0, dim2: 2 }, [3, 2, 1]],
    ['expand_dims', [t([2, 3])], { axis: 1 }, [2, 1, 3]],
    ['tile', [t([2, 2])], { reps: [2, 3] }, [4, 6]],
    ['tile', [t([2, 2])], { reps: [2, 2, 3] }, [2, 4, 6]],
    ['tile', [t([2, 3])], { reps: [2] }, [2, 6]],
    ['repeat', [t([2, 2])], { repeats: 2 }, [8]],
    ['repeat', [t([2, 2])], { repeats: 2, axis: 1 }, [2, 4]],
    ['repeat', [t([2, 2])], { repeats: 2, axis: -1 }, [2, 4]],
    ['pad', [t([2, 2, 2, 3])], { mode: 'constant', pad_width: [0, 0, 0, 0, 1, 1, 1, 1] }, [2, 2, 4, 5]],
    ['pad', [t([2, 2, 1, 2, 3])], { mode: 'edge', pad_width: [0, 0, 0, 0, 1, 2, 0, 0, 3, 3] }, [2, 2, 4, 2, 9]],
    ['SequenceMask', [t([3, 2, 3])], {}, [3, 2, 3]],
    ['SequenceReverse', [t([3, 2, 3])], {}, [3, 2, 3]],
    ['SequenceLast', [t([3, 3, 2])], {}, [3, 2]],
    ['SequenceLast', [t([3, 3, 2])], { axis: 1 }, [3, 2]],
    ['one_hot', [t([3])], { depth: 3 }, [3, 3]],
    ['one_hot', [t([2, 2])], { depth: 3 }, [2, 2, 3]],
    ['take', [t([3, 2]), t([2, 2])], {}, [2, 2, 2]],
    ['take', [t([3, 2]), t([2])], { axis: 1 }, [3, 2]],
    ['pick', [t([3, 2])], { axis: 1 }, [3]],
    ['pick', [t([3, 2])], { axis: 1, keepdims: true }, [3, 1]],
    ['argmax', [t([2, 3])], { axis: 1 }, [2]],
    ['argmax', [t([2, 3])], { axis: 0, keepdims: true }, [1, 3]],
    ['argmin', [t([2, 3])], {}, [1]],
    ['topk', [t([3, 2])], {}, [3, 1]],
    ['topk', [t([3, 2])], { axis: 0, k: 2 }, [2, 2]],
    ['topk', [t([3, 2])], { ret_typ: 'mask', k: 2 }, [3, 2]],
    ['dot', [t([2, 3]), t([3, 4])], {}, [2, 4]],
    ['dot', [t([2, 3, 4]), t([4, 5])], {}, [2, 3, 5]],
    ['dot', [t([3, 2]), t([3, 4])], { transpose_a: true }, [2, 4]],
    ['batch_dot', [t([6, 2, 3]), t([6, 3, 4])], {}, [6, 2, 4]],
    ['batch_dot', [t([6, 2, 3]), t([6, 4, 3])], { transpose_b: true }, [6, 2, 4]],
    ['stack', [t([2, 3]), t([2, 3])], { axis: 1 }, [2, 2, 3]],
    ['stack', [t([2, 3]), t([2, 3])], {}, [2, 2, 3]],
    ['broadcast_to', [t([1, 3])], { shape: [2, 0] }, [2, 3]],
    ['broadcast_axis', [t([1, 2, 1])], { axis: [0, 2], size: [2, 3] }, [2, 2, 3]],
    ['broadcast_like', [t([1, 3]), t([2, 3])], {}, [2, 3]],
    ['reshape_like', [t([6]), t([2, 3])], {}, [2, 3]],
    ['depth_to_space', [t([1, 4, 2, 3])], { block_size: 2 }, [1, 1, 4, 6]],
    ['space_to_depth', [t([1, 1, 4, 6])], { block_size: 2 }, [1, 4, 2, 3]],
    ['shape_array', [t([2, 3, 4])], {}, [3]],
    ['Crop', [t([1, 3, 10, 10])], { h_w: [5, 5] }, [1, 3, 5, 5]],
    ['Crop', [t([1, 3, 10, 10]), t([1, 3, 6, 4])], {}, [1, 3, 6, 4]],
    ['UpSampling', [t([1, 3, 4, 4])], { scale: 2, sample_type: 'nearest' }, [1, 3, 8, 8]],
    ['Deconvolution', [t([1, 3, 4, 4])], { kernel: [4, 4], stride: [2, 2], pad: [1, 1], num_filter: 8 }, [1, 8, 8, 8]],
    ['Embedding', [t([2, 5])], { input_dim: 10, output_dim: 4 }, [2, 5, 4]],
    ['RNN', [t([5, 2, 8])], { state_size: 16, num_layers: 2, bidirectional: true, mode: 'lstm' }, [5, 2, 32]],
    ['RNN', [t([5, 2, 8])], { state_size: 16, num_layers: 1, mode: 'gru' }, [5, 2, 16]],
    ['LRN', [t([2, 8, 5, 5])], { nsize: 3 }, [2, 8, 5, 5]],
    ['L2Normalization', [t([2, 8, 5])], { mode: 'channel' }, [2, 8, 5]],
    ['InstanceNorm', [t([2, 8, 5])], {}, [2, 8, 5]],
    ['LayerNorm', [t([2, 8, 5])], {}, [2, 8, 5]],
    ['GroupNorm', [t([2, 8, 5, 5])], { num_groups: 4 }, [2, 8, 5, 5]],
    ['SoftmaxOutput', [t([4, 10])], {}, [4, 10]],
    ['LinearRegressionOutput', [t([4, 1])], {}, [4, 1]],
    ['LogisticRegressionOutput', [t([4, 1])], {}, [4, 1]],
    ['MAERegressionOutput', [t([4, 3])], {}, [4, 3]],
    ['SVMOutput', [t([4, 10])], {}, [4, 10]],
    ['where', [t([2, 3]), t([2, 3]), t([2, 3])], {}, [2, 3]],
    ['clip', [t([2, 3])], { a_min: 0, a_max: 1 }, [2, 3]],
    ['arcsinh', [t([2, 3])], {}, [2, 3]],
    ['broadcast_greater', [t([2, 1]), t([1, 3])], {}, [2, 3]],
    ['norm', [t([2, 3])], { axis: 1 }, [2]],
    ['sum_axis', [t([2, 3])], { axis: 1 }, [2]],
    ['argmax_channel', [t([2, 3])], {}, [2]],
    ['batch_take', [t([3, 2]), t([3])], {}, [3]],
    ['gather_nd', [t([2, 3, 4]), t([2, 5])], {}, [5, 4]],
    ['scatter_nd', [t([5]), t([2, 5])], { shape: [2, 3] }, [2, 3]],
    ['diag', [t([3])], {}, [3, 3]],
    ['diag', [t([3])], { k: 1 }, [4, 4]],
    ['diag', [t([3, 4])], {}, [3]],
    ['diag', [t([3, 4])], { k: 2 }, [2]],
    ['diag', [t([3, 4])], { k: -1 }, [2]],
    ['khatri_rao', [t([2, 3]), t([4, 3])], {}, [8, 3]],
    ['moments', [t([2, 3, 4])], { axes: [0, 2] }, [3]],
    ['ravel_multi_index', [t([2, 5])], { shape: [3, 4] }, [5]],
    ['unravel_index', [t([5])], { shape: [3, 4] }, [2, 5]],
    ['im2col', [t([1, 3, 8, 8])], { kernel: [3, 3] }, [1, 27, 36]],
    ['im2col', [t([1, 3, 8, 8])], { kernel: [3, 3], stride: [2, 2], pad: [1, 1] }, [1, 27, 16]],
    ['col2im', [t([1, 27, 36])], { output_size: [8, 8], kernel: [3, 3] }, [1, 3, 8, 8]],
    ['Correlation', [t([2, 16, 32, 32]), t([2, 16, 32, 32])], { kernel_size: 1, max_displacement: 4, stride1: 1, stride2: 1, pad_size: 4 }, [2, 81, 32, 32]],
    ['Correlation', [t([2, 16, 32, 32]), t([2, 16, 32, 32])], { kernel_size: 1, max_displacement: 20, stride1: 1, stride2: 2, pad_size: 20 }, [2, 441, 32, 32]],
    ['Convolution_v1', [t([2, 3, 8, 8])], { kernel: [3, 3], num_filter: 4 }, [2, 4, 6, 6]],
    ['softmax_cross_entropy', [t([4, 10]), t([4])], {}, [1]],
    ['contrib.BilinearResize2D', [t([2, 3, 8, 8])], { height: 16, width: 12 }, [2, 3, 16, 12]],
    ['contrib.BilinearResize2D', [t([2, 3, 8, 8])], { scale_height: 2, scale_width: 0.5 }, [2, 3, 16, 4]],
    ['contrib.AdaptiveAvgPooling2D', [t([2, 3, 9, 9])], { output_size: 1 }, [2, 3, 1, 1]],
    ['contrib.AdaptiveAvgPooling2D', [t([2, 3, 9, 9])], { output_size: [4, 2] }, [2, 3, 4, 2]],
    ['contrib.ROIAlign', [t([1, 256, 32, 32]), t([10, 5])], { pooled_size: [7, 7], spatial_scale: 0.0625 }, [10, 256, 7, 7]],
    ['CTCLoss', [t([20, 4, 30]), t([4, 8])], {}, [4]],
  ];
  for (const prefix of [ND, SYM]) {
    for (const [name, pos, kw, out] of cases) {
      it(`${prefix}${name} ${JSON.stringify(kw)}`, () => {
        const o = callOp(prefix + name, pos, kw);
        assert.equal(o.issue, undefined, o.issue?.message);
        assert.deepEqual(dimsOf(Array.isArray(o.output) ? o.output[0] : o.output), out);
      });
    }
  }
  it('unknown dims stay unknown (slice, tile, pad, RNN)', () => {
    assert.deepEqual(dimsOf(callOp(SYM + 'slice', [t([null, 4])], { begin: [0, 1], end: [2, 4] })), [null, 3]);
    assert.deepEqual(dimsOf(callOp(SYM + 'tile', [t(['N', 2])], { reps: [2, 3] })), [null, 6]);
    assert.deepEqual(dimsOf(callOp(SYM + 'pad', [t([2, 2, null, 3])], { mode: 'constant', pad_width: [0, 0, 0, 0, 1, 1, 1, 1] })), [2, 2, null, 5]);
    assert.deepEqual(dimsOf(callOp(SYM + 'RNN', [t([null, 2, 8])], { state_size: 4, num_layers: 1, mode: 'rnn_tanh' })), [null, 2, 4]);
  });
  it('RNN state_outputs: output, then states (L·D, N, H) (and the cell state for LSTM)', () => {
    const o = callOp(SYM + 'RNN', [t([5, 2, 8])], { state_size: 16, num_layers: 2, bidirectional: true, mode: 'lstm', state_outputs: true });
    assert.deepEqual((o.output as ArgValue[]).map((v) => dimsOf(v)), [[5, 2, 32], [4, 2, 16], [4, 2, 16]]);
  });
});

describe('symbol weight counts', () => {
  it('RNN: the fused parameter vector, layer by layer', () => {
    const o = callOp(SYM + 'RNN', [t([5, 2, 8])], { state_size: 16, num_layers: 2, bidirectional: true, mode: 'lstm' });
    assert.equal(o.params, 2 * gateWeights(4, 16, 8) + 2 * gateWeights(4, 16, 32));
    assert.equal(callOp(SYM + 'RNN', [t([5, 2, 8])], { state_size: 16, num_layers: 1, mode: 'gru' }).params, gateWeights(3, 16, 8));
  });
  it('LeakyReLU learns a slope per channel only as prelu; bilinear UpSampling a (C, 1, k, k) kernel, k = 2s − s % 2', () => {
    assert.equal(callOp(SYM + 'LeakyReLU', [t([2, 6, 4, 4])], { act_type: 'prelu' }).params, 6);
    assert.equal(callOp(SYM + 'LeakyReLU', [t([2, 6, 4, 4])], {}).params, 0);
    assert.equal(callOp(SYM + 'UpSampling', [t([2, 6, 4, 4])], { scale: 2, sample_type: 'bilinear', num_filter: 6 }).params, 6 * 4 * 4);
    assert.equal(callOp(SYM + 'UpSampling', [t([2, 6, 4, 4])], { scale: 3, sample_type: 'bilinear', num_filter: 6 }).params, 6 * 5 * 5);
    assert.equal(callOp(SYM + 'UpSampling', [t([2, 6, 4, 4])], { scale: 2, sample_type: 'nearest' }).params, 0);
  });
  it('LayerNorm, InstanceNorm: gamma and beta over the channel; GroupNorm per group', () => {
    assert.equal(callOp(SYM + 'LayerNorm', [t([2, 8, 5])], {}).params, 10);
    assert.equal(callOp(SYM + 'InstanceNorm', [t([2, 8, 5])], {}).params, 16);
    assert.equal(callOp(SYM + 'GroupNorm', [t([2, 8, 5, 5])], { num_groups: 4 }).params, 8);
  });
});

describe('FullyConnected with a user weight: the whole (num_hidden, in_units) shape', () => {
  it('wrong in_units', () => {
    const o = callOp(SYM + 'FullyConnected', [t([4, 96])], { num_hidden: 10, weight: t([10, 99]) });
    assert.equal(o.issue?.rule, 'features-mismatch');
    assert.equal(o.issue?.message, 'Shape inconsistent, Provided = [10,99], inferred shape=[10,96]');
  });
  it('wrong num_hidden rows', () => {
    const o = callOp(SYM + 'FullyConnected', [t([4, 96])], { num_hidden: 10, weight: t([12, 96]) });
    assert.equal(o.issue?.message, 'Shape inconsistent, Provided = [12,96], inferred shape=[10,96]');
  });
  it('a weight of the wrong rank', () => {
    const o = callOp(SYM + 'FullyConnected', [t([4, 96])], { num_hidden: 10, weight: t([10, 96, 1]) });
    assert.equal(o.issue?.message, 'Shape inconsistent, Provided = [10,96,1], inferred shape=[10,96]');
  });
  it('the right weight, and a weight with an unknown dim, are silent', () => {
    assert.equal(callOp(SYM + 'FullyConnected', [t([4, 96])], { num_hidden: 10, weight: t([10, 96]) }).issue, undefined);
    assert.equal(callOp(SYM + 'FullyConnected', [t([4, 96])], { num_hidden: 10, weight: t([10, null]) }).issue, undefined);
    assert.equal(callOp(SYM + 'FullyConnected', [t([4, null])], { num_hidden: 10, weight: t([10, 96]) }).issue, undefined);
  });
});

describe('concat with an axis out of range: CheckAxis', () => {
  it('dim=2 on rank-2 operands', () => {
    const o = callOp(SYM + 'concat', [t([4, 5]), t([4, 5])], { dim: 2 });
    assert.equal(o.issue?.rule, 'rank-mismatch');
    assert.equal(o.issue?.message, 'Check failed: axis < ndim && axis >= -ndim: axis 2 exceeds the input dimension of 2');
  });
  it('dim=-3 on rank-2 operands', () => {
    assert.equal(callOp(ND + 'Concat', [t([4, 5]), t([4, 5])], { dim: -3 }).issue?.message, 'Check failed: axis < ndim && axis >= -ndim: axis -3 exceeds the input dimension of 2');
  });
  it('dim=-2 and dim=1 are in range', () => {
    assert.deepEqual(dimsOf(callOp(SYM + 'concat', [t([4, 5]), t([4, 5])], { dim: -2 })), [8, 5]);
    assert.deepEqual(dimsOf(callOp(SYM + 'concat', [t([4, 5]), t([4, 5])], { dim: 1 })), [4, 10]);
  });
});

describe('Gluon blocks', () => {
  it('GroupNorm keeps the shape, one gamma and beta per group', () => {
    const o = applyLayer('mxnet.gluon.nn.GroupNorm', [], { num_groups: 4 }, t([2, 8, 5, 5]));
    assert.deepEqual(dimsOf(o), [2, 8, 5, 5]);
    assert.equal(o.params, 8);
  });
  it('PixelShuffle1D/2D/3D move factor² channels into space', () => {
    assert.deepEqual(dimsOf(applyLayer('mxnet.gluon.contrib.nn.PixelShuffle1D', [2], {}, t([1, 8, 5]))), [1, 4, 10]);
    assert.deepEqual(dimsOf(applyLayer('mxnet.gluon.contrib.nn.PixelShuffle2D', [[2, 3]], {}, t([1, 12, 3, 5]))), [1, 2, 6, 15]);
    assert.deepEqual(dimsOf(applyLayer('mxnet.gluon.contrib.nn.PixelShuffle3D', [2], {}, t([1, 16, 2, 3, 4]))), [1, 2, 4, 6, 8]);
  });
  it('SyncBatchNorm: in_channels first, 4·C parameters, 2·C trainable', () => {
    const o = applyLayer('mxnet.gluon.contrib.nn.SyncBatchNorm', [], {}, t([2, 6, 4, 4]));
    assert.deepEqual([o.params, o.trainableParams], [24, 12]);
  });
  it('LSTMCell/GRUCell/RNNCell: one step gives (N, H) and the new states', () => {
    for (const [cls, gates, states] of [['LSTMCell', 4, 2], ['GRUCell', 3, 1], ['RNNCell', 1, 1]] as const) {
      const o = applyLayer(`mxnet.gluon.rnn.${cls}`, [20], {}, [t([4, 10]), t([4, 20])]);
      const [y, st] = o.output as ArgValue[];
      assert.deepEqual(dimsOf(y), [4, 20]);
      assert.equal((st as ArgValue[]).length, states);
      assert.equal(o.params, gateWeights(gates, 20, 10));
    }
  });
});

describe('contrib recurrent cells and deformable convolutions', () => {
  it('Conv2DLSTMCell: state (N, hc, H\', W\') from input_shape; weights G·hc·(C·∏k_i2h + hc·∏k_h2h) + 2·G·hc', () => {
    const o = applyLayer('mxnet.gluon.contrib.rnn.Conv2DLSTMCell', [[3, 16, 16], 8, [3, 3], [3, 3]], { i2h_pad: [1, 1] }, [t([4, 3, 16, 16])]);
    const [y, st] = o.output as ArgValue[];
    assert.deepEqual(dimsOf(y), [4, 8, 16, 16]);
    assert.equal((st as ArgValue[]).length, 2);
    assert.equal(o.params, 4 * 8 * 3 * 9 + 4 * 8 + 4 * 8 * 8 * 9 + 4 * 8);
    const g = applyLayer('mxnet.gluon.contrib.rnn.Conv1DGRUCell', [[2, 10], 5, 3, 3], {}, [t([4, 2, 10])]);
    assert.deepEqual(dimsOf((g.output as ArgValue[])[0]), [4, 5, 8]);
  });
  it('modifier cells run their base cell: Zoneout/VariationalDropout keep its output, Residual has the input\'s shape', () => {
    const base = { kind: 'layer', def: def('mxnet.gluon.rnn.GRUCell'), args: bind(def('mxnet.gluon.rnn.GRUCell'), [10]) } as unknown as ArgValue;
    for (const cls of ['mxnet.gluon.rnn.ZoneoutCell', 'mxnet.gluon.contrib.rnn.VariationalDropoutCell', 'mxnet.gluon.rnn.ResidualCell']) {
      const o = applyLayer(cls, [base], {}, [t([4, 10])]);
      assert.deepEqual(dimsOf((o.output as ArgValue[])[0]), [4, 10], cls);
      assert.equal(o.params, gateWeights(3, 10, 10), cls);
    }
    const z = applyLayer('mxnet.gluon.rnn.ZoneoutCell', [{ kind: 'layer', def: def('mxnet.gluon.rnn.LSTMCell'), args: bind(def('mxnet.gluon.rnn.LSTMCell'), [6]) } as unknown as ArgValue], {}, [t([4, 10])]);
    assert.deepEqual(dimsOf((z.output as ArgValue[])[0]), [4, 6]);
    assert.equal(applyLayer('mxnet.gluon.rnn.ZoneoutCell', [UNKNOWN], {}, [t([4, 10])]).params, null);
  });
  it('LSTMPCell: output (N, P), states r (N, P) and c (N, H)', () => {
    const o = applyLayer('mxnet.gluon.contrib.rnn.LSTMPCell', [16, 8], {}, [t([4, 10])]);
    const [y, st] = o.output as ArgValue[];
    assert.deepEqual(dimsOf(y), [4, 8]);
    assert.deepEqual((st as ArgValue[]).map((v) => dimsOf(v)), [[4, 8], [4, 16]]);
    assert.equal(o.params, 4 * 16 * 10 + 4 * 16 * 8 + 8 * 16 + 2 * 4 * 16);
  });
  it('DeformableConvolution: a Conv2D output plus an offset convolution of 2·kh·kw·ndg channels', () => {
    const o = applyLayer('mxnet.gluon.contrib.cnn.DeformableConvolution', [8], { kernel_size: [3, 3], padding: [1, 1] }, t([2, 4, 10, 10]));
    assert.deepEqual(dimsOf(o), [2, 8, 10, 10]);
    assert.equal(o.params, 8 * 4 * 9 + 8 + 18 * 4 * 9 + 18);
    const m = applyLayer('mxnet.gluon.contrib.cnn.ModulatedDeformableConvolution', [8], { kernel_size: [3, 3], strides: [2, 2] }, t([2, 4, 10, 10]));
    assert.deepEqual(dimsOf(m), [2, 8, 4, 4]);
    assert.equal(m.params, 8 * 4 * 9 + 8 + 27 * 4 * 9 + 27);
  });
});

describe('unknown ops and blocks never cut a model', () => {
  it('an unknown mx.sym op: unknown output and unknown weight count', () => {
    const d = findLayer(SYM + 'SomeFutureOp');
    assert.ok(d);
    const o = callOp(SYM + 'SomeFutureOp', [t([2, 3])]);
    assert.equal(dimsOf(o), null);
    assert.equal(o.params, null);
  });
  it('an unknown mx.nd op: unknown output, no weights of its own', () => {
    const o = callOp(ND + 'contrib.SomeFutureOp', [t([2, 3])]);
    assert.equal(dimsOf(o), null);
    assert.equal(o.params, undefined);
  });
  it('an unknown Gluon block: a layer with unknown output and count', () => {
    const o = applyLayer('mxnet.gluon.nn.SomeFutureBlock', [3], {}, t([2, 3]));
    assert.equal(dimsOf(o), null);
    assert.equal(o.params, null);
  });
  it('submodules, classes, base blocks and file helpers are not ops', () => {
    for (const n of ['mxnet.ndarray.random', 'mxnet.symbol.contrib', 'mxnet.ndarray.NDArray', 'mxnet.symbol.Group', 'mxnet.ndarray.save', 'mxnet.gluon.nn.HybridBlock', 'mxnet.gluon.nn.HybridSequential', 'mxnet.gluon.rnn.HybridRecurrentCell']) {
      assert.equal(findLayer(n), undefined, n);
    }
  });
});
