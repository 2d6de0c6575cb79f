/**
 * Gluon block catalogue, tested against the documented MXNet 1.9.1 formulas and messages
 * (shape-semantics §2, §3.2, §4.4, §5, §6.2).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ArgValue, LayerOutcome, TensorValue } from '../../server/src/engine/layers/types';
import { isTensor } from '../../server/src/engine/layers/types';
import type { Dim } from '../../server/src/engine/types';
import { applyLayer, bind, def, dimsOf, env, t } from './gluon-helpers';

const NN = 'mxnet.gluon.nn.';

/** Runs a chain of [class, positional, keyword] layers, returning every outcome. */
function chain(layers: [string, ArgValue[], Record<string, ArgValue>][], x: TensorValue): LayerOutcome[] {
  const outs: LayerOutcome[] = [];
  let cur: TensorValue = x;
  for (const [cls, pos, kw] of layers) {
    const o = applyLayer(NN + cls, pos, kw, cur, env(cls.toLowerCase() + '0'));
    outs.push(o);
    if (o.issue) break;
    assert.ok(isTensor(o.output));
    cur = o.output;
  }
  return outs;
}

const KERAS_PORT_NAIVE: [string, ArgValue[], Record<string, ArgValue>][] = [
  ['Conv2D', [128, [3, 3]], { activation: 'relu' }],
  ['MaxPool2D', [[2, 2], [2, 2]], {}],
  ['Conv2D', [256, [3, 3]], {}],
  ['MaxPool2D', [], {}],
  ['Flatten', [], {}],
  ['Dense', [2], {}],
];

describe('§6.2 founding case: the naive Gluon port', () => {
  it('conv gives (B,128,118,1) with 92,288 params, then the pool fails on W with the exact message', () => {
    const outs = chain(KERAS_PORT_NAIVE, t(['N', 80, 120, 3]));
    assert.equal(outs.length, 2);
    assert.deepEqual(dimsOf(outs[0]), ['N', 128, 118, 1]);
    assert.equal(outs[0].params, 92288);
    assert.deepEqual(outs[0].axisNames, ['N', 'C', 'H', 'W']);
    assert.equal(outs[0].layout, 'NCHW');
    assert.equal(outs[0].layoutSource, 'Gluon default');
    assert.deepEqual(outs[0].trace, [
      { axis: 'H', formula: '(120 + 2·0 − 3)/1 + 1 = 118' },
      { axis: 'W', formula: '(3 + 2·0 − 3)/1 + 1 = 1' },
    ]);
    assert.ok(outs[0].notes?.includes('Conv2D (3x3, padding 0): W (3 + 2·0 − 3)/1 + 1 = 1'));
    assert.ok(outs[0].notes?.includes("Gluon has no 'same' padding: padding=(1, 1) keeps H and W for a 3x3 kernel"));
    assert.ok(outs[0].notes?.some((l) => l.includes('in_channels inferred as 80')));
    assert.deepEqual(outs[0].state, { inC: 80 });
    const issue = outs[1].issue;
    assert.ok(issue);
    assert.equal(issue.rule, 'kernel-exceeds-input');
    assert.equal(issue.message, 'Check failed: param.kernel[1] <= dshape_nchw[3] + 2 * param.pad[1]: kernel size (2) exceeds input (1 padded to 1)');
    assert.equal(issue.fixes, undefined);
  });

  it('with padding=(1,1) it still fails, at the second pool (§6.2)', () => {
    const padded = KERAS_PORT_NAIVE.map(([c, p, kw]) => [c, p, c === 'Conv2D' ? { ...kw, padding: [1, 1] } : kw] as [string, ArgValue[], Record<string, ArgValue>]);
    const outs = chain(padded, t(['N', 80, 120, 3]));
    assert.deepEqual(outs.slice(0, 3).map((o) => dimsOf(o)), [
      ['N', 128, 120, 3],
      ['N', 128, 60, 1],
      ['N', 256, 60, 1],
    ]);
    assert.equal(outs[3].issue?.message, 'Check failed: param.kernel[1] <= dshape_nchw[3] + 2 * param.pad[1]: kernel size (2) exceeds input (1 padded to 1)');
  });

  it('hybridized: the message is wrapped by deferred init with the node name', () => {
    const o = applyLayer(NN + 'MaxPool2D', [[2, 2], [2, 2]], {}, t(['N', 128, 118, 1]), env('hybridsequential0_pool0', true));
    assert.equal(
      o.issue?.message,
      'Deferred initialization failed because shape cannot be inferred. Error in operator hybridsequential0_pool0_fwd: Check failed: param.kernel[1] <= dshape_nchw[3] + 2 * param.pad[1]: kernel size (2) exceeds input (1 padded to 1)',
    );
  });

  it('the fixed port: transposed input and padding=(1,1) gives 605,954 params', () => {
    const fixed = KERAS_PORT_NAIVE.map(([c, p, kw]) => [c, p, c === 'Conv2D' ? { ...kw, padding: [1, 1] } : kw] as [string, ArgValue[], Record<string, ArgValue>]);
    const outs = chain(fixed, t(['N', 3, 80, 120]));
    assert.equal(outs.length, 6);
    assert.deepEqual(outs.map((o) => dimsOf(o)), [
      ['N', 128, 80, 120],
      ['N', 128, 40, 60],
      ['N', 256, 40, 60],
      ['N', 256, 20, 30],
      ['N', 153600],
      ['N', 2],
    ]);
    assert.deepEqual(outs.map((o) => o.params ?? 0), [3584, 0, 295168, 0, 0, 307202]);
    assert.equal(outs.reduce((a, o) => a + (o.params ?? 0), 0), 605954);
    assert.ok(outs.every((o) => !o.issue));
    assert.ok(outs[5].notes?.[0].startsWith('in_units inferred as 153600'));
    // A padded conv keeps the axes: no 'same' hint.
    assert.ok(!outs[0].notes?.some((l) => l.includes("no 'same'")));
  });
});

describe('positional-order traps', () => {
  it('MaxPool2D: (pool_size, strides, padding, layout, ceil_mode)', () => {
    const d = def(NN + 'MaxPool2D');
    assert.deepEqual(d.params.map((p) => p.name), ['pool_size', 'strides', 'padding', 'layout', 'ceil_mode']);
    const o = applyLayer(NN + 'MaxPool2D', [2, 2, 0, 'NHWC', true], {}, t(['N', 5, 5, 8]));
    assert.deepEqual(dimsOf(o), ['N', 3, 3, 8]);
    assert.equal(o.layoutSource, 'layout= argument');
  });
  it('AvgPool2D: (pool_size, strides, padding, ceil_mode, layout)', () => {
    const d = def(NN + 'AvgPool2D');
    assert.deepEqual(d.params.map((p) => p.name).slice(0, 5), ['pool_size', 'strides', 'padding', 'ceil_mode', 'layout']);
    const o = applyLayer(NN + 'AvgPool2D', [2, 2, 0, true, 'NHWC'], {}, t(['N', 5, 5, 8]));
    assert.deepEqual(dimsOf(o), ['N', 3, 3, 8]);
  });
  it('MaxPool3D: ceil_mode before layout; MaxPool1D/AvgPool1D: layout before ceil_mode', () => {
    assert.deepEqual(def(NN + 'MaxPool3D').params.map((p) => p.name), ['pool_size', 'strides', 'padding', 'ceil_mode', 'layout']);
    assert.deepEqual(def(NN + 'MaxPool1D').params.map((p) => p.name), ['pool_size', 'strides', 'padding', 'layout', 'ceil_mode']);
    assert.deepEqual(def(NN + 'AvgPool1D').params.map((p) => p.name), ['pool_size', 'strides', 'padding', 'layout', 'ceil_mode', 'count_include_pad']);
  });
  it('Conv2DTranspose has output_padding before dilation; Conv2D has no output_padding', () => {
    assert.deepEqual(def(NN + 'Conv2DTranspose').params.map((p) => p.name).slice(0, 6), ['channels', 'kernel_size', 'strides', 'padding', 'output_padding', 'dilation']);
    assert.ok(!def(NN + 'Conv2D').params.some((p) => p.name === 'output_padding'));
  });
});

describe('ceil mode (§3.2)', () => {
  const cases: [number, number, number, number, boolean, number][] = [
    // n, k, s, p, ceil, expected
    [3, 2, 2, 1, true, 3], // MXNet 'full': 1 + ceil(3/2) = 3 (PyTorch gives 2)
    [3, 2, 2, 1, false, 2],
    [5, 2, 2, 0, true, 3],
    [5, 2, 2, 0, false, 2],
    [118, 2, 2, 0, false, 59],
  ];
  for (const [n, k, s, p, ceil, want] of cases) {
    it(`n=${n} k=${k} s=${s} p=${p} ceil=${ceil} → ${want}`, () => {
      const o = applyLayer(NN + 'MaxPool1D', [k, s, p], { ceil_mode: ceil }, t(['N', 4, n]));
      assert.deepEqual(dimsOf(o), ['N', 4, want]);
    });
  }
  it('ceil_mode does not save a 2-window over W=1', () => {
    const o = applyLayer(NN + 'MaxPool2D', [2, 2], { ceil_mode: true }, t(['N', 4, 6, 1]));
    assert.equal(o.issue?.rule, 'kernel-exceeds-input');
    assert.match(o.issue?.message ?? '', /kernel size \(2\) exceeds input \(1 padded to 1\)$/);
  });
});

describe('check order and messages', () => {
  it('pooling checks H before W', () => {
    const o = applyLayer(NN + 'MaxPool2D', [[3, 3]], {}, t(['N', 4, 2, 1]));
    assert.equal(o.issue?.message, 'Check failed: param.kernel[0] <= dshape_nchw[2] + 2 * param.pad[0]: kernel size (3) exceeds input (2 padded to 2)');
  });
  it('3-D pooling uses CHECK_LE', () => {
    const o = applyLayer(NN + 'MaxPool3D', [], {}, t(['N', 4, 8, 1, 8]));
    assert.equal(o.issue?.message, 'Check failed: param.kernel[1] <= dshape_ncdhw[3] + 2 * param.pad[1] (2 vs. 1) : kernel size exceeds input');
  });
  it('1-D NWC pooling prints dshape[2], the channel count [sic]', () => {
    const o = applyLayer(NN + 'MaxPool1D', [4], { layout: 'NWC' }, t(['N', 3, 16]));
    assert.equal(o.issue?.message, 'Check failed: param.kernel[0] <= dshape_ncw[2] + 2 * param.pad[0]: kernel size (4) exceeds input (16 padded to 3)');
  });
  it('conv kernel on W: kernel size exceed input [sic]', () => {
    const o = applyLayer(NN + 'Conv2D', [8, 3], {}, t(['N', 4, 10, 2]));
    assert.equal(o.issue?.message, 'Check failed: dilated_ksize_x <= AddPad(dshape[3], param_.pad[1]) (3 vs. 2) : kernel size exceed input');
    assert.equal(o.issue?.rule, 'kernel-exceeds-input');
  });
  it('conv dilation is part of the kernel check', () => {
    const o = applyLayer(NN + 'Conv1D', [8, 3], { dilation: 3 }, t(['N', 4, 6]));
    assert.equal(o.issue?.message, 'Check failed: dilated_ksize_x <= AddPad(dshape[2], param_.pad[0]) (7 vs. 6) : kernel size exceed input');
  });
  it('conv rank', () => {
    const o = applyLayer(NN + 'Conv2D', [8, 3], {}, t(['N', 4, 10]));
    assert.equal(o.issue?.rule, 'rank-mismatch');
    assert.equal(o.issue?.message, 'Check failed: dshp.ndim() == 4U (3 vs. 4) : Input data should be 4D in batch-num_filter-y-x');
  });
  it('pool rank', () => {
    const o = applyLayer(NN + 'MaxPool2D', [], {}, t(['N', 4, 10]));
    assert.equal(o.issue?.message, 'Check failed: dshape.ndim() == 4U (3 vs. 4) : Pooling: Input data should be 4D in (batch, channel, y, x)');
  });
  it('groups must divide C', () => {
    const o = applyLayer(NN + 'Conv2D', [8, 3], { groups: 2 }, t(['N', 3, 10, 10]));
    assert.equal(o.issue?.message, 'Check failed: dshape[1] % param_.num_group == 0U (1 vs. 0) : input num_filter must divide group size');
  });
  it('deconv adj must be smaller than stride [sic samller]', () => {
    const o = applyLayer(NN + 'Conv2DTranspose', [8, 3], { strides: 2, output_padding: [1, 2] }, t(['N', 4, 5, 5]));
    assert.equal(o.issue?.message, 'Check failed: param_.stride[1]-1 >= o_adj[1] (1 vs. 2) : adj(x) must be samller than stride[1]');
    const o2 = applyLayer(NN + 'Conv2DTranspose', [8, 3], { output_padding: 1 }, t(['N', 4, 5, 5]));
    assert.equal(o2.issue?.message, 'Check failed: param_.stride[0]-1 >= o_adj[0] (0 vs. 1) : adj(y) must be samller than stride[0]');
  });
});

describe('deferred init and explicit in_channels / in_units', () => {
  it('a second call with a different C raises Shape inconsistent', () => {
    const first = applyLayer(NN + 'Conv2D', [128, [3, 3]], {}, t(['N', 80, 120, 3]));
    const second = applyLayer(NN + 'Conv2D', [128, [3, 3]], {}, t(['N', 64, 120, 3]), env(), first.state);
    assert.equal(second.issue?.rule, 'channel-mismatch');
    assert.equal(second.issue?.message, 'Shape inconsistent, Provided = [128,80,3,3], inferred shape=[128,64,3,3]');
    assert.equal(second.issue?.fixes, undefined, 'no fix when the channels were inferred');
  });
  it('explicit in_channels that differs: message and a safe fix', () => {
    const o = applyLayer(NN + 'Conv2D', [16, 3], { in_channels: 4 }, t(['N', 3, 8, 8]));
    assert.equal(o.issue?.message, 'Shape inconsistent, Provided = [16,4,3,3], inferred shape=[16,3,3,3]');
    assert.deepEqual(o.issue?.fixes?.map((f) => [f.name, f.value, f.applicability]), [['in_channels', '3', 'safe']]);
  });
  it('NHWC weight shape is (O, kh, kw, C) and the explanation says GPU-only', () => {
    const o = applyLayer(NN + 'Conv2D', [16, 3], { in_channels: 4, layout: 'NHWC' }, t(['N', 8, 8, 3]));
    assert.equal(o.issue?.message, 'Shape inconsistent, Provided = [16,3,3,4], inferred shape=[16,3,3,3]');
    const ok = applyLayer(NN + 'Conv2D', [16, 3], { layout: 'NHWC' }, t(['N', 8, 8, 3]));
    assert.deepEqual(dimsOf(ok), ['N', 6, 6, 16]);
    assert.equal(ok.issue, undefined);
    assert.ok(ok.notes?.some((l) => l.includes('only on GPU')));
  });
  it('Dense: explicit in_units mismatch, flatten=True', () => {
    const o = applyLayer(NN + 'Dense', [10], { in_units: 100 }, t(['N', 2, 5, 20]));
    assert.equal(o.issue?.rule, 'features-mismatch');
    assert.equal(o.issue?.message, 'Shape inconsistent, Provided = [10,100], inferred shape=[10,200]');
    assert.deepEqual(o.issue?.fixes?.map((f) => [f.name, f.value, f.applicability]), [['in_units', '200', 'safe']]);
  });
  it('Dense: second call with a different flattened size', () => {
    const a = applyLayer(NN + 'Dense', [10], {}, t(['N', 20]));
    const b = applyLayer(NN + 'Dense', [10], {}, t(['N', 30]), env(), a.state);
    assert.equal(b.issue?.message, 'Shape inconsistent, Provided = [10,20], inferred shape=[10,30]');
    const c = applyLayer(NN + 'Dense', [10], {}, t([7, 20]), env(), a.state);
    assert.equal(c.issue, undefined);
    assert.deepEqual(dimsOf(c), [7, 10]);
  });
  it('BatchNorm: an in_channels mismatch is not caught in 1.9.1 (silent)', () => {
    const o = applyLayer(NN + 'BatchNorm', [], { in_channels: 8 }, t(['N', 16, 4, 4]));
    assert.equal(o.issue, undefined);
    assert.deepEqual(dimsOf(o), ['N', 16, 4, 4]);
  });
});

describe('activation enum', () => {
  const expected = (name: string) =>
    `Invalid Input: 'softmax', valid values are: {'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, in operator Activation(name="${name}", act_type="softmax")`;
  it("Dense(activation='softmax')", () => {
    const o = applyLayer(NN + 'Dense', [2], { activation: 'softmax' }, t(['N', 10]), env('dense0'));
    assert.equal(o.issue?.rule, 'invalid-argument');
    assert.equal(o.issue?.message, expected('dense0_softmax_fwd'));
    assert.equal(o.params, 22);
  });
  it("Conv2D(activation='softmax')", () => {
    const o = applyLayer(NN + 'Conv2D', [2, 1], { activation: 'softmax' }, t(['N', 3, 4, 4]), env('conv0'));
    assert.equal(o.issue?.message, expected('conv0_softmax_fwd'));
  });
  it("Activation('softmax')", () => {
    const o = applyLayer(NN + 'Activation', ['softmax'], {}, t(['N', 3]), env('activation0'));
    assert.equal(o.issue?.message, expected('activation0_fwd'));
  });
  it('valid activations raise nothing', () => {
    for (const a of ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign']) {
      assert.equal(applyLayer(NN + 'Dense', [2], { activation: a }, t(['N', 10])).issue, undefined);
    }
  });
});

describe('shapes and parameter counts (§3.2, §5)', () => {
  type Case = [string, ArgValue[], Record<string, ArgValue>, Dim[], Dim[] | null, number | null];
  const cases: Case[] = [
    ['Conv1D', [8, 3], {}, ['N', 4, 10], ['N', 8, 8], 8 * 4 * 3 + 8],
    ['Conv2D', [32, 3], { groups: 4 }, ['N', 16, 8, 8], ['N', 32, 6, 6], 32 * 4 * 9 + 32],
    ['Conv2D', [32, 3], { use_bias: false }, ['N', 16, 8, 8], ['N', 32, 6, 6], 32 * 16 * 9],
    ['Conv2D', [8, 3, 2, 1], {}, ['N', 4, 7, 8], ['N', 8, 4, 4], 8 * 4 * 9 + 8],
    ['Conv3D', [8, [1, 3, 3]], {}, ['N', 4, 5, 6, 7], ['N', 8, 5, 4, 5], 8 * 4 * 9 + 8],
    ['Conv3D', [8, 3], { layout: 'NDHWC' }, ['N', 5, 6, 7, 4], ['N', 3, 4, 5, 8], 8 * 4 * 27 + 8],
    ['Conv2DTranspose', [8, 3], { strides: 2, padding: 1, output_padding: 1 }, ['N', 4, 5, 5], ['N', 8, 10, 10], 4 * 8 * 9 + 8],
    ['Conv1DTranspose', [6, 4], { strides: 2, groups: 2 }, ['N', 4, 5], ['N', 6, 12], 4 * 3 * 4 + 6],
    ['MaxPool2D', [], {}, ['N', 3, 80, 120], ['N', 3, 40, 60], null],
    ['AvgPool3D', [3, 1, 1], {}, ['N', 3, 4, 4, 4], ['N', 3, 4, 4, 4], null],
    ['GlobalAvgPool2D', [], {}, ['N', 64, 7, 9], ['N', 64, 1, 1], null],
    ['GlobalMaxPool1D', ['NWC'], {}, ['N', 9, 64], ['N', 1, 64], null],
    ['GlobalMaxPool3D', [], {}, ['N', 64, 2, 7, 9], ['N', 64, 1, 1, 1], null],
    ['Flatten', [], {}, ['N', 3, 4, 5], ['N', 60], null],
    ['Dense', [5], { flatten: false }, ['N', 7, 3], ['N', 7, 5], 20],
    ['Dense', [5], {}, ['N', 7, 3], ['N', 5], 110],
    ['Dense', [5], { use_bias: false }, ['N', 4], ['N', 5], 20],
    ['BatchNorm', [], {}, ['N', 16, 4, 4], ['N', 16, 4, 4], 64],
    ['BatchNorm', [-1], {}, ['N', 4, 10], ['N', 4, 10], 40],
    ['LayerNorm', [], {}, ['N', 4, 10], ['N', 4, 10], 20],
    ['InstanceNorm', [], {}, ['N', 4, 10], ['N', 4, 10], 8],
    ['Embedding', [1000, 16], {}, ['N', 12], ['N', 12, 16], 16000],
    ['ReflectionPad2D', [2], {}, ['N', 3, 5, 6], ['N', 3, 9, 10], null],
    ['Dropout', [0.5], {}, ['N', 3], ['N', 3], null],
    ['LeakyReLU', [0.1], {}, ['N', 3], ['N', 3], null],
    ['PReLU', [], {}, ['N', 3], ['N', 3], 1],
    ['Identity', [], {}, ['N', 3], ['N', 3], null],
    ['Lambda', ['f'], {}, ['N', 3], null, null],
  ];
  for (const [cls, pos, kw, inp, out, params] of cases) {
    it(`${cls}(${JSON.stringify(pos)}, ${JSON.stringify(kw)}) on ${JSON.stringify(inp)}`, () => {
      const o = applyLayer(NN + cls, pos, kw, t(inp));
      assert.equal(o.issue, undefined, o.issue?.message);
      assert.deepEqual(dimsOf(o), out);
      assert.equal(o.params ?? null, params);
    });
  }
  it('BatchNorm: 4·C total with 2·C trainable', () => {
    const o = applyLayer(NN + 'BatchNorm', [], {}, t(['N', 16, 4, 4]));
    assert.equal(o.trainableParams, 32);
  });
  it('unknown dims stay unknown, no issue', () => {
    const o = applyLayer(NN + 'Conv2D', [8, 3], {}, t(['N', null, null, 5]));
    assert.deepEqual(dimsOf(o), ['N', 8, null, 3]);
    assert.equal(o.params, null);
    assert.equal(o.issue, undefined);
    const p = applyLayer(NN + 'MaxPool2D', [], {}, t(['N', 3, null, 1]));
    assert.equal(p.issue?.rule, 'kernel-exceeds-input', 'W is known and too small');
  });
  it('unknown arguments give an unknown output, no issue', () => {
    const d = def(NN + 'Conv2D');
    const o = d.apply(bind(d, [8, Symbol.for('x') as unknown as ArgValue]), [t(['N', 3, 8, 8])], env(), undefined);
    assert.equal(dimsOf(o), null);
    assert.equal(o.issue, undefined);
  });
});

describe('construction checks', () => {
  it('Conv1D only supports NCW', () => {
    const d = def(NN + 'Conv1D');
    assert.equal(d.construct?.(bind(d, [8, 3], { layout: 'NWC' }), env())?.message, "Only supports 'NCW' layout for now");
    assert.equal(d.construct?.(bind(d, [8, 3]), env()), null);
  });
  it('rnn layout must be TNC or NTC', () => {
    const d = def('mxnet.gluon.rnn.LSTM');
    assert.equal(d.construct?.(bind(d, [10], { layout: 'NCT' }), env())?.message, "Invalid layout NCT; must be one of ['TNC' or 'NTC']");
  });
});

describe('recurrent layers', () => {
  it('LSTM TNC: (T,N,H), 4H·F + 4H·H + 8H params', () => {
    const o = applyLayer('mxnet.gluon.rnn.LSTM', [16], {}, t([5, 'N', 8]));
    assert.deepEqual(dimsOf(o), [5, 'N', 16]);
    assert.equal(o.params, 4 * 16 * 8 + 4 * 16 * 16 + 8 * 16);
  });
  it('bidirectional 2-layer LSTM: the same as PyTorch, 15040', () => {
    const o = applyLayer('mxnet.gluon.rnn.LSTM', [20, 2], { bidirectional: true }, t([5, 'N', 10]));
    assert.equal(o.params, 15040);
    assert.deepEqual(dimsOf(o), [5, 'N', 40]);
  });
  it('GRU NTC keeps (N,T,…); 1920 params for GRU(20) on F=10', () => {
    const o = applyLayer('mxnet.gluon.rnn.GRU', [20], { layout: 'NTC' }, t(['N', 7, 10]));
    assert.deepEqual(dimsOf(o), ['N', 7, 20]);
    assert.equal(o.params, 1920);
  });
  it('RNN positional order: (hidden_size, num_layers, activation, layout)', () => {
    const o = applyLayer('mxnet.gluon.rnn.RNN', [4, 1, 'tanh', 'NTC'], {}, t(['N', 7, 3]));
    assert.deepEqual(dimsOf(o), ['N', 7, 4]);
    assert.equal(o.params, 4 * 3 + 16 + 8);
  });
  it('with states: returns (output, [h, c])', () => {
    const d = def('mxnet.gluon.rnn.LSTM');
    const o = d.apply(bind(d, [16, 2]), [t([5, 'N', 8]), [t([2, 'N', 16]), t([2, 'N', 16])]], env(), undefined);
    assert.ok(Array.isArray(o.output));
    const [out, st] = o.output as ArgValue[];
    assert.deepEqual(dimsOf(out), [5, 'N', 16]);
    assert.deepEqual((st as ArgValue[]).map((s) => dimsOf(s)), [[2, 'N', 16], [2, 'N', 16]]);
  });
  it('rank-2 input is a rank error', () => {
    const o = applyLayer('mxnet.gluon.rnn.LSTM', [16], {}, t(['N', 8]));
    assert.equal(o.issue?.rule, 'rank-mismatch');
  });
});
