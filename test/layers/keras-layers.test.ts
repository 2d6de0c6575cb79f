/**
 * Keras catalogue unit tests. Every expected shape, count and message below was produced by
 * Keras 3.15.1 with the TensorFlow backend (or is quoted in the spec with a ✔).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ArgValue, LayerOutcome } from '../../server/src/engine/layers/types';
import { isTensor, tensor } from '../../server/src/engine/layers/types';
import { openShape, ranked } from '../../server/src/engine/shapes';
import { analyzeText } from '../../server/src/engine/index';
import { findLayer } from '../../server/src/engine/layers/index';
import { loadParser } from '../../server/src/host/parser';
import { bindArgs, kerasDef, kerasEnv, kerasInput, keraslike, runChain, type LayerCall } from '../oracle/keras-chain';

function apply(cls: string, input: ArgValue, pos: ArgValue[] = [], kw: Record<string, ArgValue> = {},
  state?: Record<string, number | string | null>, name = 'layer'): LayerOutcome {
  const d = kerasDef(cls);
  return d.apply(bindArgs(d, pos, kw), [input], kerasEnv(name), state);
}

function construct(cls: string, pos: ArgValue[] = [], kw: Record<string, ArgValue> = {}): string | null {
  const d = kerasDef(cls);
  return d.construct?.(bindArgs(d, pos, kw), kerasEnv())?.message ?? null;
}

const t = (dims: (number | null)[]) => tensor(kerasInput(dims), 'keras');

describe('spec §6.1 worked example', () => {
  test('shapes, params and total 605,954', () => {
    const layers: LayerCall[] = [
      { cls: 'Conv2D', pos: [128, [3, 3]], kw: { padding: 'same', activation: 'relu' } },
      { cls: 'MaxPooling2D', pos: [[2, 2]], kw: { strides: [2, 2] } },
      { cls: 'Conv2D', pos: [256, [3, 3]], kw: { padding: 'same' } },
      { cls: 'MaxPooling2D' },
      { cls: 'Flatten' },
      { cls: 'Dense', pos: [2], kw: { activation: 'softmax' } },
    ];
    const r = runChain(kerasInput([80, 120, 3]), layers);
    assert.equal(r.errorAt, -1);
    assert.deepEqual(r.steps.map((s) => keraslike(s.outcome)), [
      [null, 80, 120, 128], [null, 40, 60, 128], [null, 40, 60, 256], [null, 20, 30, 256], [null, 153600], [null, 2],
    ]);
    const params = r.steps.map((s) => s.outcome?.params ?? 0);
    assert.deepEqual(params, [3584, 0, 295168, 0, 0, 307202]);
    assert.equal(params.reduce((a, b) => a + b, 0), 605954);
    assert.deepEqual(r.steps[1].outcome?.trace, [
      { axis: 'H', formula: 'floor((80 − 2) / 2) + 1 = 40' }, { axis: 'W', formula: 'floor((120 − 2) / 2) + 1 = 60' },
    ]);
  });

  test('channels-first data into a channels_last valid model fails at the pool', () => {
    const r = runChain(kerasInput([3, 80, 120]), [{ cls: 'Conv2D', pos: [128, [3, 3]] }, { cls: 'MaxPooling2D', pos: [[2, 2]], kw: { strides: [2, 2] } }]);
    assert.equal(r.errorAt, 1);
    assert.equal(r.issue?.rule, 'kernel-exceeds-input');
    assert.equal(r.issue?.message,
      'Computed output size would be zero or negative. Received: `inputs.shape=[None 1 78 128]`, `pool_size=[2 2]`, `strides=(2, 2)`, `padding=valid`.');
  });
});

describe('kernel-exceeds-input messages', () => {
  test('conv', () => {
    const o = apply('Conv2D', t([1, 1, 4]), [8, 3]);
    assert.equal(o.issue?.message,
      'Computed output size would be zero or negative. Received `inputs shape=(None, 1, 1, 4)`, `kernel shape=(3, 3, 4, 8)`, `dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.');
    assert.equal(o.issue?.fixes?.[0].applicability, 'unsafe');
  });
  test('depthwise prints (k, C, C*dm); conv1d strides as a 1-tuple', () => {
    assert.match(apply('DepthwiseConv2D', t([1, 1, 3]), [3], { depth_multiplier: 2 }).issue?.message ?? '', /kernel shape=\(3, 3, 3, 6\)/);
    assert.equal(apply('Conv1D', t([2, 4]), [8, 3], { strides: 2 }).issue?.message,
      'Computed output size would be zero or negative. Received `inputs shape=(None, 2, 4)`, `kernel shape=(3, 4, 8)`, `dilation_rate=[1]`, `strides=(2,)`, `padding=valid`.');
  });
  test('pool with a known batch prints an aligned int array; unknown spatial dims print -1', () => {
    const o = apply('MaxPooling2D', tensor(ranked([8, 1, 12, 4]), 'keras'), [[2, 10]]);
    assert.equal(o.issue?.message,
      'Computed output size would be zero or negative. Received: `inputs.shape=[ 8  1 12  4]`, `pool_size=[ 2 10]`, `strides=(2, 10)`, `padding=valid`.');
    const cf = apply('MaxPooling2D', t([4, null, 1]), [], { data_format: 'channels_first' });
    assert.match(cf.issue?.message ?? '', /inputs\.shape=\[None 4 -1 1\]/);
  });
  test('same padding, unknown dims and open shapes never fail', () => {
    assert.equal(apply('MaxPooling2D', t([1, 1, 3]), [], { padding: 'same' }).issue, undefined);
    assert.deepEqual(keraslike(apply('MaxPooling2D', t([null, 8, 4]))), [null, null, 4, 4]);
    const open = apply('Conv2D', tensor(openShape([1, 1, 4]), 'keras'), [8, 3]);
    assert.equal(open.issue, undefined);
  });
  test('transposed conv lengths (spec ✔)', () => {
    assert.deepEqual(keraslike(apply('Conv2DTranspose', t([5, 5, 2]), [8, 3], { strides: 2, padding: 'same' })), [null, 10, 10, 8]);
    assert.deepEqual(keraslike(apply('Conv2DTranspose', t([5, 5, 2]), [8, 3], { strides: 2 })), [null, 11, 11, 8]);
    const op = apply('Conv2DTranspose', t([5, 5, 2]), [2, 3], { strides: 2, padding: 'same', output_padding: 1 });
    assert.deepEqual(keraslike(op), [null, 10, 10, 2]);
    assert.equal(op.params, 38);
  });
});

describe('InputSpec: rank and built axes', () => {
  test('rank messages', () => {
    assert.equal(apply('MaxPooling2D', t([5, 5, 3, 2]), [], {}, undefined, 'max_pooling2d').issue?.message,
      "Input 0 with name 'None' of layer 'max_pooling2d' is incompatible with the layer: expected ndim=4, found ndim=5. Full shape received: (None, 5, 5, 3, 2)");
    assert.equal(apply('Conv2D', t([5, 5]), [4, 3], {}, undefined, 'conv2d').issue?.message,
      "Input 0 with name 'None' of layer 'conv2d' is incompatible with the layer: expected min_ndim=4, found ndim=3. Full shape received: (None, 5, 5)");
    assert.equal(apply('LSTM', t([5]), [3], {}, undefined, 'lstm').issue?.rule, 'rank-mismatch');
    assert.equal(apply('Permute', t([7, 3]), [[3, 1, 2]]).issue?.rule, 'rank-mismatch');
  });
  test('reused Dense with another last axis', () => {
    const first = apply('Dense', t([100]), [3], {}, undefined, 'dense_1');
    assert.deepEqual(first.state, { features: 100 });
    const again = apply('Dense', t([200]), [3], {}, first.state as Record<string, number>, 'dense_1');
    assert.equal(again.issue?.rule, 'features-mismatch');
    assert.equal(again.issue?.message,
      "Input 0 with name 'None' of layer 'dense_1' is incompatible with the layer: expected axis -1 of input shape to have value 100, but received input with shape (None, 200)");
    // A higher rank with the same last axis is fine.
    assert.equal(apply('Dense', t([4, 100]), [3], {}, { features: 100 }).issue, undefined);
  });
  test('reused conv and BatchNormalization with other channels', () => {
    const conv = apply('Conv2D', t([5, 4, 3]), [3, 1], { data_format: 'channels_first' }, { channels: 4 }, 'conv2d_2');
    assert.equal(conv.issue?.message,
      "Input 0 with name 'None' of layer 'conv2d_2' is incompatible with the layer: expected axis 1 of input shape to have value 4, but received input with shape (None, 5, 4, 3)");
    const bn = apply('BatchNormalization', t([4, 4, 5]), [], {}, { ndim: 4, channels: 3 }, 'batch_normalization');
    assert.equal(bn.issue?.rule, 'channel-mismatch');
    assert.match(bn.issue?.message ?? '', /expected axis -1 of input shape to have value 3/);
    const bnRank = apply('BatchNormalization', t([4, 3]), [], {}, { ndim: 4, channels: 3 }, 'bn');
    assert.match(bnRank.issue?.message ?? '', /expected ndim=4, found ndim=3/);
  });
});

describe('constructor checks', () => {
  test('causal padding outside Conv1D', () => {
    const msg = "The `padding` argument must be a list/tuple or one of {'same', 'valid'}. Received: causal";
    assert.equal(construct('Conv2D', [3, 3], { padding: 'causal' }), msg);
    assert.equal(construct('SeparableConv1D', [3, 3], { padding: 'causal' }), msg);
    assert.equal(construct('Conv1D', [3, 3], { padding: 'causal' }), null);
  });
  // Read as Keras 3 (the catalogue's own reading); engine/versions.ts turns it into a warning when
  // Keras 2, which defaulted pool_size to 2, may run the code (fixtures/engine/keras-versions).
  test('AveragePooling without pool_size; MaxPooling has a default', () => {
    assert.equal(construct('AveragePooling2D'), "AveragePooling2D.__init__() missing 1 required positional argument: 'pool_size'");
    assert.equal(construct('MaxPooling2D'), null);
  });
  test('strides with dilation, groups, output_padding, Reshape and Permute', () => {
    assert.equal(construct('Conv2D', [3, 3], { strides: 2, dilation_rate: 2 }),
      '`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2, 2) and dilation_rate=(2, 2)');
    assert.equal(construct('Conv2D', [5, 3], { groups: 2 }),
      'The number of filters must be evenly divisible by the number of groups. Received: groups=2, filters=5.');
    assert.equal(construct('Conv2DTranspose', [2, 3], { strides: 2, output_padding: 2 }),
      '`output_padding` must be strictly less than `strides` for all dimensions. At dimension 0, `output_padding` is 2 but `strides` is 2. Received: output_padding=(2, 2), strides=(2, 2)');
    assert.equal(construct('Reshape', [[-1, -1]]),
      'There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape=(-1, -1).');
    assert.equal(construct('Permute', [[1, 3]]),
      'Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive and start from 1. Received dims=(1, 3)');
  });
  test('input-shape keywords are accepted', () => {
    const d = kerasDef('Dense');
    for (const k of ['input_shape', 'batch_input_shape', 'input_dim', 'batch_size']) {
      assert.ok(d.params.some((p) => p.name === k), k);
    }
  });
  test('grouped conv on indivisible channels', () => {
    assert.equal(apply('Conv2D', t([9, 9, 3]), [4, 3], { groups: 2 }).issue?.message,
      'The number of input channels must be evenly divisible by the number of groups. Received groups=2, but the input has 3 channels (full input shape is (None, 9, 9, 3)).');
  });
});

describe('parameter counts (Keras summary)', () => {
  test('conv family, normalization, recurrent', () => {
    assert.equal(apply('Conv2D', t([5, 5, 4]), [8, 3], { groups: 2, use_bias: false }).params, 144);
    assert.equal(apply('SeparableConv1D', t([8, 3]), [4, 3], { depth_multiplier: 2 }).params, 46);
    assert.equal(apply('DepthwiseConv1D', t([8, 3]), [3], { depth_multiplier: 2 }).params, 24);
    assert.equal(apply('Conv3DTranspose', t([4, 4, 4, 3]), [2, 3, 2, 'same']).params, 164);
    const bn = apply('BatchNormalization', t([5, 3, 2]), [], { center: false });
    assert.deepEqual([bn.params, bn.trainableParams], [6, 2]);
    assert.equal(apply('LayerNormalization', t([5, 3]), [], { axis: [1, 2] }).params, 30);
    assert.equal(apply('PReLU', t([5, 4, 3]), [], { shared_axes: [1, 2] }).params, 3);
    assert.equal(apply('GRU', t([5, 8]), [16], { return_sequences: true }).params, 1248);
    assert.equal(apply('GRU', t([5, 8]), [16], { reset_after: false }).params, 1200);
    assert.equal(apply('LSTM', t([5, 3]), [4], { use_bias: false }).params, 112);
    assert.equal(apply('Embedding', t([5]), [100, 8]).params, 800);
  });
});

describe('reshaping and merging', () => {
  test('Reshape messages', () => {
    assert.equal(apply('Reshape', t([4, 3]), [[5, -1]]).issue?.message,
      'The total size of the tensor must be unchanged, however, the input size cannot by divided by the specified dimensions in target_shape. Received: input_shape=(4, 3), target_shape=(5, -1)');
    assert.equal(apply('Reshape', t([4, 3]), [[5, 2]]).issue?.message,
      'The total size of the tensor must be unchanged. Received: input_shape=(4, 3), target_shape=(5, 2)');
    assert.deepEqual(keraslike(apply('Reshape', t([null, 3]), [[5, 2]])), [null, 5, 2]);
  });
  test('Cropping messages', () => {
    assert.equal(apply('Cropping1D', t([3, 3]), [[1, 2]]).issue?.message,
      '`cropping` parameter of `Cropping1D` layer must be smaller than the input length. Received: input_shape=(None, 3, 3), cropping=(1, 2)');
    assert.equal(apply('Cropping2D', t([4, 4, 3]), [2]).issue?.message,
      'Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=(None, 4, 4, 3), cropping=((2, 2), (2, 2))');
    assert.deepEqual(keraslike(apply('Cropping2D', t([null, 4, 3]), [[[5, 5], [0, 0]]])), [null, null, 4, 3]);
  });
  test('padding, upsampling, permute, repeat, flatten, global pooling', () => {
    assert.deepEqual(keraslike(apply('ZeroPadding2D', t([5, 3, 2]), [[[1, 2], [3, 4]]], { data_format: 'channels_first' })), [null, 5, 6, 9]);
    assert.deepEqual(keraslike(apply('UpSampling3D', t([5, 3, 2, 1]), [[1, 2, 3]])), [null, 5, 6, 6, 1]);
    assert.deepEqual(keraslike(apply('Permute', t([7, 3, 2]), [[3, 1, 2]])), [null, 2, 7, 3]);
    assert.deepEqual(keraslike(apply('RepeatVector', t([5]), [3])), [null, 3, 5]);
    assert.deepEqual(keraslike(apply('Flatten', tensor(ranked(['N']), 'keras'))), [null, 1]);
    assert.deepEqual(keraslike(apply('GlobalAveragePooling2D', t([4, 5, 3]), [], { data_format: 'channels_first', keepdims: true })), [null, 4, 1, 1]);
    assert.deepEqual(keraslike(apply('AdaptiveAveragePooling2D', t([5, 6, 3]), [[2, 3]])), [null, 2, 3, 3]);
  });
  test('Concatenate and element-wise merges', () => {
    const a = t([4, 3]);
    assert.equal(apply('Concatenate', [a, t([5, 3])]).issue?.message,
      'A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=[(None, 4, 3), (None, 5, 3)]');
    assert.deepEqual(keraslike(apply('Concatenate', [a, t([5, 3])], [], { axis: 1 })), [null, 9, 3]);
    assert.deepEqual(keraslike(apply('Concatenate', [t([null, 3]), t([5, 4])])), [null, null, 7]);
    assert.equal(apply('Add', [a, t([5, 3])]).issue?.message, 'Inputs have incompatible shapes. Received shapes (4, 3) and (5, 3)');
    assert.deepEqual(keraslike(apply('Add', [a, t([1, 3])])), [null, 4, 3]);
    assert.deepEqual(keraslike(apply('Add', [a, t([3])])), [null, 4, 3]);
    assert.equal(apply('Maximum', [a, a, t([2])]).issue?.message, 'Inputs have incompatible shapes. Received shapes (4, 3) and (2,)');
    assert.match(apply('Subtract', [a, a, a]).issue?.message ?? '', /^A `Subtract` layer should be called on exactly 2 inputs/);
    const d = kerasDef('keras.layers.concatenate');
    const fn = d.apply(bindArgs(d, [[a, t([5, 3])]]), [], kerasEnv(), undefined);
    assert.equal(fn.issue?.rule, 'merge-mismatch');
  });
});

describe('inputs, recurrent outputs and wrappers', () => {
  test('keras.Input honours shape, batch_size and batch_shape', () => {
    const d = kerasDef('keras.Input');
    const run = (pos: ArgValue[], kw: Record<string, ArgValue> = {}) => {
      const o = d.apply(bindArgs(d, pos, kw), [], kerasEnv(), undefined).output;
      return isTensor(o) ? o.shape?.dims : undefined;
    };
    assert.deepEqual(run([[4, 3]]), ['N', 4, 3]);
    assert.deepEqual(run([[4, 3]], { batch_size: 8 }), [8, 4, 3]);
    assert.deepEqual(run([], { batch_shape: [8, 4, 3] }), [8, 4, 3]);
    // A declared None is Keras' own unknown, kept apart from what shapelint cannot see.
    assert.deepEqual(run([], { batch_input_shape: [null, 4, null] }), ['N', 4, 'None']);
    assert.deepEqual(run([[null, 3]]), ['N', 'None', 3]);
  });
  test('LSTM return_state gives three tensors', () => {
    const o = apply('LSTM', t([5, 8]), [16], { return_state: true });
    assert.ok(Array.isArray(o.output));
    assert.equal((o.output as ArgValue[]).length, 3);
  });
  test('Bidirectional: a layer object doubles units and params; anything else is unknown', () => {
    const lstm = kerasDef('LSTM');
    const inner = { kind: 'layer', def: lstm, args: bindArgs(lstm, [4], { return_sequences: true }) } as unknown as ArgValue;
    const o = apply('Bidirectional', t([5, 3]), [inner]);
    assert.deepEqual([keraslike(o), o.params], [[null, 5, 8], 256]);
    const gru = kerasDef('GRU');
    const sum = apply('Bidirectional', t([5, 3]), [{ kind: 'layer', def: gru, args: bindArgs(gru, [4]) } as unknown as ArgValue], { merge_mode: 'sum' });
    assert.deepEqual([keraslike(sum), sum.params], [[null, 4], 216]);
    const unknown = apply('Bidirectional', t([5, 3]), [Symbol.for('x') as unknown as ArgValue]);
    assert.equal(isTensor(unknown.output) && unknown.output.shape, null);
    assert.equal(unknown.issue, undefined);
  });
  test('TimeDistributed(Dense)', () => {
    const dense = kerasDef('Dense');
    const o = apply('TimeDistributed', t([5, 3]), [{ kind: 'layer', def: dense, args: bindArgs(dense, [4]) } as unknown as ArgValue]);
    assert.deepEqual([keraslike(o), o.params], [[null, 5, 4], 16]);
  });
  test('Lambda is unknown and silent', () => {
    const o = apply('Lambda', t([5, 3]), ['f']);
    assert.equal(o.issue, undefined);
    assert.ok(isTensor(o.output) && o.output.shape === null);
  });
});

const layerObject = (cls: string, pos: ArgValue[] = [], kw: Record<string, ArgValue> = {}): ArgValue =>
  ({ kind: 'layer', def: kerasDef(cls), args: bindArgs(kerasDef(cls), pos, kw) }) as unknown as ArgValue;

describe('coverage: wrappers, legacy layers and silence', () => {
  test('Bidirectional with a narrower backward layer: the concatenated width is unknown, never a guess', () => {
    const o = apply('Bidirectional', t([5, 6]), [layerObject('LSTM', [4], { return_sequences: true })],
      { backward_layer: layerObject('LSTM', [3], { return_sequences: true, go_backwards: true }) });
    assert.deepEqual(keraslike(o), [null, 5, null]);
    assert.equal(o.issue, undefined);
    // LSTM(4) on 6 features: 4·4·(6+4) + 16 = 176; LSTM(3): 4·3·(6+3) + 12 = 120.
    assert.equal(o.params, 296);
  });
  test('Dot on an unknown axis size or an out-of-range axis stays silent', () => {
    const a = t([3, null]);
    assert.equal(apply('Dot', [a, t([4, 5])] as unknown as ArgValue, [], { axes: -1 }).issue, undefined);
    const far = apply('Dot', [t([3, 5]), t([4, 5])] as unknown as ArgValue, [], { axes: 3 });
    assert.equal(far.issue, undefined);
    assert.ok(isTensor(far.output) && far.output.shape === null);
  });
  test('Keras 2 layers: cuDNN counts two biases per gate; RandomHeight/RandomWidth make one axis unknown', () => {
    // Keras 2 CuDNNLSTM: 4·u·(f+u) weights + 8·u biases; CuDNNGRU: 3·u·(f+u) + 6·u.
    assert.equal(apply('CuDNNLSTM', t([7, 5]), [10]).params, 4 * 10 * 15 + 80);
    assert.equal(apply('CuDNNGRU', t([7, 5]), [10]).params, 3 * 10 * 15 + 60);
    assert.deepEqual(keraslike(apply('RandomHeight', t([32, 32, 3]), [0.2])), [null, null, 32, 3]);
    assert.deepEqual(keraslike(apply('RandomWidth', t([32, 32, 3]), [0.2])), [null, 32, null, 3]);
    // tf.keras docs: LocallyConnected1D(64, 3) on 10 steps → (None, 8, 64), 8·(3·f·64) + 8·64 weights.
    const lc = apply('LocallyConnected1D', t([10, 32]), [64, 3]);
    assert.deepEqual([keraslike(lc), lc.params], [[null, 8, 64], 8 * 3 * 32 * 64 + 8 * 64]);
  });
  test('uncatalogued keras.layers classes get a def that keeps the model; base classes do not', () => {
    const unknown = findLayer('keras.layers.SomeFutureLayer');
    assert.ok(unknown && unknown.kind === 'layer');
    const o = unknown.apply(bindArgs(unknown, [1, 2], { units: 3 }), [t([4, 5])], kerasEnv(), undefined);
    assert.ok(isTensor(o.output) && o.output.shape === null);
    assert.equal(o.params, null);
    const aug = findLayer('keras.layers.RandomSomething');
    const same = aug!.apply(bindArgs(aug!, [0.1]), [t([8, 8, 3])], kerasEnv(), undefined);
    assert.deepEqual([keraslike(same), same.params], [[null, 8, 8, 3], undefined]);
    for (const base of ['Layer', 'Wrapper', 'InputSpec']) assert.equal(findLayer(`keras.layers.${base}`), undefined, base);
    assert.equal(findLayer('keras.layers.experimental'), undefined);
  });
});

describe('coverage: models in the interpreter', () => {
  const parserP = loadParser('wasm');
  test('a model with an uncatalogued layer stays in the summary, with an unknown total', async () => {
    const r = analyzeText(await parserP, [
      'import keras', 'from keras import layers',
      'model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4), layers.SomeFutureLayer(2), layers.Dense(2)])', '',
    ].join('\n'));
    const m = r.models[0];
    assert.deepEqual(m.layers.map((l) => l.type), ['Dense', 'SomeFutureLayer', 'Dense']);
    assert.deepEqual(m.layers.map((l) => l.params), [36, null, null]);
    assert.equal(m.totalParams, null);
    assert.deepEqual(r.diagnostics, []);
  });
  test('default layer names are Keras 3 to_snake_case names', async () => {
    // Printed by Keras 3.15.1 for each class's first instance (`layer.name`).
    const image = '(8, 8, 3)';
    const expected: [string, string, string][] = [
      ['Conv2DTranspose(2, 3)', image, 'conv2d_transpose'], ['ConvLSTM2D(2, 3)', '(4, 8, 8, 3)', 'conv_lstm2d'],
      ['PReLU()', image, 'p_re_lu'], ['MaxPooling2D()', image, 'max_pooling2d'],
      ['BatchNormalization()', image, 'batch_normalization'], ['LeakyReLU()', image, 'leaky_re_lu'],
      ['UpSampling2D()', image, 'up_sampling2d'], ['ZeroPadding2D()', image, 'zero_padding2d'],
      ['SeparableConv2D(2, 3)', image, 'separable_conv2d'], ['DepthwiseConv2D(3)', image, 'depthwise_conv2d'],
      ['Convolution2D(2, 3)', image, 'conv2d'], ['GlobalAveragePooling1D()', '(4, 3)', 'global_average_pooling1d'],
    ];
    const source = ['import keras', 'from keras import layers',
      ...expected.map(([ctor, shape], i) => `m${i} = keras.Sequential([keras.Input(shape=${shape}), layers.${ctor}])`), ''];
    const r = analyzeText(await parserP, source.join('\n'));
    assert.deepEqual(r.models.map((m) => m.layers[0]?.name), expected.map(([, , n]) => n));
  });
});

describe('coverage: Bidirectional checks need known layers', () => {
  test('a backward layer the catalogue does not know is never judged', () => {
    const d = kerasDef('Bidirectional');
    const future = findLayer('keras.layers.FutureRecurrentLayer')!;
    const backward = { kind: 'layer', def: future, args: bindArgs(future, [4], { go_backwards: true }) } as unknown as ArgValue;
    const args = bindArgs(d, [layerObject('LSTM', [4])], { backward_layer: backward });
    assert.equal(d.construct?.(args, kerasEnv()) ?? null, null);
    const same = bindArgs(d, [layerObject('LSTM', [4])], { backward_layer: layerObject('LSTM', [4]) });
    assert.match(d.construct?.(same, kerasEnv())?.message ?? '', /should have different `go_backwards` value/);
  });
});
