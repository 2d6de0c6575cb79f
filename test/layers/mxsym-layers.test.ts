/**
 * MXNet operators under `mxnet.ndarray.*` and `mxnet.symbol.*`, NDArray factories and methods,
 * plus a formula sweep of Convolution/Deconvolution/Pooling against an independent
 * implementation of the documented formulas (shape-semantics §3.2).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ArgValue } from '../../server/src/engine/layers/types';
import { isTensor, UNKNOWN } from '../../server/src/engine/layers/types';
import type { Dim } from '../../server/src/engine/types';
import { applyLayer, callOp, def, dimsOf, t } from './gluon-helpers';

const ND = 'mxnet.ndarray.';
const SYM = 'mxnet.symbol.';

describe('both prefixes are registered with the same semantics', () => {
  const names = ['relu', 'sigmoid', 'tanh', 'softmax', 'log_softmax', 'Activation', 'LeakyReLU', 'flatten', 'Flatten', 'concat', 'Concat', 'reshape', 'Reshape', 'transpose', 'expand_dims', 'squeeze', 'swapaxes', 'Dropout', 'Pooling', 'Convolution', 'FullyConnected', 'BatchNorm', 'UpSampling', 'broadcast_add', 'elemwise_add', 'add_n', 'mean', 'sum', 'SliceChannel', 'Embedding', 'SoftmaxOutput', 'Deconvolution'];
  for (const n of names) {
    it(n, () => {
      assert.equal(def(ND + n).framework, 'gluon');
      assert.equal(def(SYM + n).framework, 'mxsym');
      assert.equal(def(SYM + n).kind, 'op');
    });
  }
});

describe('operators', () => {
  type Case = [string, ArgValue[], Record<string, ArgValue>, Dim[] | null];
  const x4 = t(['N', 3, 8, 10]);
  const cases: Case[] = [
    ['relu', [x4], {}, ['N', 3, 8, 10]],
    ['softmax', [t(['N', 5])], { axis: -1 }, ['N', 5]],
    ['flatten', [x4], {}, ['N', 240]],
    ['concat', [t(['N', 3, 8]), t(['N', 5, 8])], {}, ['N', 8, 8]],
    ['concat', [t(['N', 3, 8]), t(['N', 3, 2])], { dim: -1 }, ['N', 3, 10]],
    ['reshape', [t([2, 3, 4])], { shape: [-1, 0] }, [8, 3]],
    ['reshape', [t([2, 3, 4])], { shape: [4, 0, 2] }, [4, 3, 2]],
    ['reshape', [t([2, 3, 4])], { shape: [2, -1] }, [2, 12]],
    ['reshape', [t([2, 3, 4])], { shape: [-2] }, [2, 3, 4]],
    ['reshape', [t([2, 3, 4])], { shape: [2, -2] }, [2, 3, 4]],
    ['reshape', [t([2, 3, 4])], { shape: [-2, 1, 1] }, [2, 3, 4, 1, 1]],
    ['reshape', [t([2, 3, 4])], { shape: [-3, 4] }, [6, 4]],
    ['reshape', [t([2, 3, 4, 5])], { shape: [-3, -3] }, [6, 20]],
    ['reshape', [t([2, 3, 4])], { shape: [0, -3] }, [2, 12]],
    ['reshape', [t([2, 3, 4])], { shape: [-3, -2] }, [6, 4]],
    ['reshape', [t([2, 3, 4])], { shape: [-4, 1, 2, -2] }, [1, 2, 3, 4]],
    ['reshape', [t([2, 3, 4])], { shape: [2, -4, -1, 3, -2] }, [2, 1, 3, 4]],
    ['reshape', [t([10, 5, 4])], { shape: [-1, 0], reverse: true }, [50, 4]],
    ['reshape', [t(['N', 3, 4])], { shape: [0, -1] }, ['N', 12]],
    ['transpose', [x4], {}, [10, 8, 3, 'N']],
    ['transpose', [x4], { axes: [0, 2, 3, 1] }, ['N', 8, 10, 3]],
    ['expand_dims', [x4], { axis: 1 }, ['N', 1, 3, 8, 10]],
    ['expand_dims', [x4], { axis: -1 }, ['N', 3, 8, 10, 1]],
    ['squeeze', [t(['N', 1, 8, 1])], { axis: 1 }, ['N', 8, 1]],
    ['squeeze', [t([4, 1, 8, 1])], {}, [4, 8]],
    ['swapaxes', [x4], { dim1: 1, dim2: 3 }, ['N', 10, 8, 3]],
    ['Pooling', [x4], { kernel: [2, 2], stride: [2, 2], pool_type: 'max' }, ['N', 3, 4, 5]],
    ['Pooling', [x4], { kernel: [3, 3], pooling_convention: 'full', stride: [2, 2] }, ['N', 3, 4, 5]],
    ['Pooling', [x4], { global_pool: true }, ['N', 3, 1, 1]],
    ['Pooling', [x4], { kernel: [2, 2] }, ['N', 3, 7, 9]],
    ['Convolution', [x4], { kernel: [3, 3], num_filter: 16 }, ['N', 16, 6, 8]],
    ['Convolution', [x4], { kernel: [3, 3], num_filter: 16, pad: [1, 1], stride: [2, 2] }, ['N', 16, 4, 5]],
    ['Convolution', [t(['N', 8, 10, 3])], { kernel: [3, 3], num_filter: 4, layout: 'NHWC' }, ['N', 6, 8, 4]],
    ['Deconvolution', [x4], { kernel: [4, 4], num_filter: 6, stride: [2, 2], pad: [1, 1] }, ['N', 6, 16, 20]],
    ['FullyConnected', [x4], { num_hidden: 7 }, ['N', 7]],
    ['FullyConnected', [t(['N', 4, 9])], { num_hidden: 7, flatten: false }, ['N', 4, 7]],
    ['BatchNorm', [x4], {}, ['N', 3, 8, 10]],
    ['UpSampling', [x4], { scale: 2, sample_type: 'nearest' }, ['N', 3, 16, 20]],
    ['broadcast_add', [t(['N', 3, 1]), t([1, 4])], {}, ['N', 3, 4]],
    ['elemwise_add', [t([2, 3]), t([2, 3])], {}, [2, 3]],
    ['add_n', [t([2, 3]), t([2, 3]), t([2, 3])], {}, [2, 3]],
    ['mean', [t([2, 3, 4])], { axis: 1 }, [2, 4]],
    ['sum', [t([2, 3, 4])], { axis: [0, 2], keepdims: true }, [1, 3, 1]],
    ['sum', [t([2, 3, 4])], {}, [1]],
    ['mean', [t([2, 3, 4])], { axis: 1, exclude: true }, [3]],
    ['Embedding', [t(['N', 7])], { input_dim: 100, output_dim: 8 }, ['N', 7, 8]],
    ['SoftmaxOutput', [t(['N', 10])], {}, ['N', 10]],
    ['Dropout', [x4], { p: 0.3 }, ['N', 3, 8, 10]],
  ];
  for (const prefix of [ND, SYM]) {
    for (const [name, pos, kw, out] of cases) {
      it(`${prefix}${name} ${JSON.stringify(kw)}`, () => {
        const o = callOp(prefix + name, pos, kw);
        assert.equal(o.issue, undefined, o.issue?.message);
        assert.deepEqual(dimsOf(o), out);
        assert.equal((o.output as { lib: string }).lib, 'mxnet');
      });
    }
  }
  it('SliceChannel returns a list of num_outputs arrays', () => {
    const o = callOp(ND + 'SliceChannel', [t(['N', 6, 4])], { num_outputs: 3 });
    assert.ok(Array.isArray(o.output));
    assert.deepEqual((o.output as ArgValue[]).map((v) => dimsOf(v)), [['N', 2, 4], ['N', 2, 4], ['N', 2, 4]]);
    const sq = callOp(ND + 'split', [t(['N', 3, 4])], { num_outputs: 3, squeeze_axis: true });
    assert.deepEqual(dimsOf((sq.output as ArgValue[])[0]), ['N', 4]);
  });
});

describe('operator errors', () => {
  it('concat: Incompatible input shape, -1 at the concat axis', () => {
    const o = callOp(ND + 'concat', [t([1, 64, 64, 64]), t([1, 256, 60, 60])]);
    assert.equal(o.issue?.rule, 'merge-mismatch');
    assert.equal(o.issue?.message, 'Check failed: shape_assign(&(*in_shape)[i], dshape): Incompatible input shape: expected [1,-1,64,64], got [1,256,60,60]');
  });
  it('reshape: Target shape size is different to source', () => {
    const o = callOp(SYM + 'Reshape', [t([10, 500])], { shape: [-2, 10] });
    assert.equal(o.issue?.rule, 'reshape-mismatch');
    assert.equal(o.issue?.message, 'Check failed: oshape.Size() == dshape.Size() (50000 vs. 5000) : Target shape size is different to source. Target: [10,500,10] Source: [10,500]');
  });
  it('reshape with -1 that does not divide', () => {
    const o = callOp(ND + 'reshape', [t([7, 3])], { shape: [2, -1] });
    assert.equal(o.issue?.message, 'Check failed: oshape.Size() == dshape.Size() (20 vs. 21) : Target shape size is different to source. Target: [2,10] Source: [7,3]');
  });
  it('reshape with two -1: silent (unknown)', () => {
    const o = callOp(ND + 'reshape', [t([7, 3])], { shape: [-1, -1] });
    assert.equal(o.issue, undefined);
    assert.equal(dimsOf(o), null);
  });
  it("Activation(act_type='softmax') names the node when name= is given", () => {
    const o = callOp(SYM + 'Activation', [t(['N', 3])], { act_type: 'softmax', name: 'act1' });
    assert.equal(o.issue?.message, `Invalid Input: 'softmax', valid values are: {'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, in operator Activation(name="act1", act_type="softmax")`);
  });
  it('Pooling kernel larger than W', () => {
    const o = callOp(SYM + 'Pooling', [t(['N', 128, 118, 1])], { kernel: [2, 2], stride: [2, 2] });
    assert.equal(o.issue?.message, 'Check failed: param.kernel[1] <= dshape_nchw[3] + 2 * param.pad[1]: kernel size (2) exceeds input (1 padded to 1)');
  });
  it('Convolution: explicit weight with the wrong channels', () => {
    const o = callOp(ND + 'Convolution', [t(['N', 3, 8, 8]), t([16, 4, 3, 3])], { kernel: [3, 3], num_filter: 16 });
    assert.equal(o.issue?.message, 'Shape inconsistent, Provided = [16,4,3,3], inferred shape=[16,3,3,3]');
  });
  it('FullyConnected: explicit weight with the wrong in-units', () => {
    const o = callOp(ND + 'FullyConnected', [t(['N', 2, 10]), t([5, 10])], { num_hidden: 5 });
    assert.equal(o.issue?.message, 'Shape inconsistent, Provided = [5,10], inferred shape=[5,20]');
  });
  it('broadcast mismatch', () => {
    const o = callOp(ND + 'broadcast_add', [t([2, 3]), t([4, 3])]);
    assert.equal(o.issue?.message, 'Check failed: l == 1 || r == 1: operands could not be broadcast together with shapes [2,3] [4,3]');
  });
  it('elemwise_add requires equal shapes', () => {
    const o = callOp(SYM + 'elemwise_add', [t([2, 3]), t([2, 1])], { name: 'plus0' });
    assert.equal(o.issue?.message, 'Incompatible attr in node plus0 at 1-th input: expected [2,3], got [2,1]');
  });
  it('unknown input: unknown output, no issue', () => {
    for (const name of ['concat', 'reshape', 'Pooling', 'Convolution', 'FullyConnected']) {
      const o = callOp(ND + name, [{ kind: 'tensor', shape: null, lib: 'mxnet' }], { shape: [2, 3], kernel: [2, 2], num_filter: 2, num_hidden: 3 });
      assert.equal(o.issue, undefined, name);
      assert.equal(dimsOf(o), null, name);
    }
  });
});

describe('Symbol API', () => {
  it('Variable without shape is unknown, with shape= it is known', () => {
    assert.equal(dimsOf(callOp(SYM + 'Variable', ['data'])), null);
    assert.deepEqual(dimsOf(callOp(SYM + 'var', ['data'], { shape: [32, 3, 28, 28] })), [32, 3, 28, 28]);
  });
  it('a LeNet-style symbol chain once the data shape is bound', () => {
    let x = t([64, 1, 28, 28]);
    const step = (name: string, kw: Record<string, ArgValue>) => {
      const o = callOp(SYM + name, [x], kw);
      assert.equal(o.issue, undefined, o.issue?.message);
      assert.ok(isTensor(o.output));
      x = o.output;
      return dimsOf(o);
    };
    assert.deepEqual(step('Convolution', { kernel: [5, 5], num_filter: 20 }), [64, 20, 24, 24]);
    assert.deepEqual(step('Activation', { act_type: 'tanh' }), [64, 20, 24, 24]);
    assert.deepEqual(step('Pooling', { pool_type: 'max', kernel: [2, 2], stride: [2, 2] }), [64, 20, 12, 12]);
    assert.deepEqual(step('Convolution', { kernel: [5, 5], num_filter: 50 }), [64, 50, 8, 8]);
    assert.deepEqual(step('Pooling', { pool_type: 'max', kernel: [2, 2], stride: [2, 2] }), [64, 50, 4, 4]);
    assert.deepEqual(step('Flatten', {}), [64, 800]);
    assert.deepEqual(step('FullyConnected', { num_hidden: 500 }), [64, 500]);
    assert.deepEqual(step('FullyConnected', { num_hidden: 10 }), [64, 10]);
    assert.deepEqual(step('SoftmaxOutput', {}), [64, 10]);
  });
});

describe('NDArray factories and methods', () => {
  it('factories', () => {
    assert.deepEqual(dimsOf(callOp(ND + 'random.uniform', [], { shape: [32, 80, 120, 3] })), [32, 80, 120, 3]);
    assert.deepEqual(dimsOf(callOp(ND + 'random.uniform', [0, 1, [2, 3]])), [2, 3]);
    assert.deepEqual(dimsOf(callOp(ND + 'random.normal', [0, 1], { shape: 5 })), [5]);
    assert.deepEqual(dimsOf(callOp(ND + 'random.uniform', [])), [1]);
    assert.deepEqual(dimsOf(callOp(ND + 'zeros', [[2, 3]])), [2, 3]);
    assert.deepEqual(dimsOf(callOp(ND + 'ones', [4])), [4]);
    assert.deepEqual(dimsOf(callOp(ND + 'empty', [[1, 2, 3]])), [1, 2, 3]);
    assert.deepEqual(dimsOf(callOp(ND + 'array', [[[1, 2, 3], [4, 5, 6]]])), [2, 3]);
    assert.equal(dimsOf(callOp(ND + 'array', [[[1, 2, 3], [4, 5]]])), null);
    assert.deepEqual(dimsOf(callOp(ND + 'random.randn', [2, 3, 4])), [2, 3, 4]);
    assert.deepEqual(dimsOf(callOp(ND + 'zeros', [[2, UNKNOWN]])), [2, null]);
  });
  const M = 'mxnet.NDArray.';
  const x = t([8, 80, 120, 3]);
  it('reshape with ints, a tuple, shape= and special values', () => {
    assert.deepEqual(dimsOf(callOp(M + 'reshape', [x, 8, -1])), [8, 28800]);
    assert.deepEqual(dimsOf(callOp(M + 'reshape', [x, [0, -3, 3]])), [8, 9600, 3]);
    assert.deepEqual(dimsOf(callOp(M + 'reshape', [x], { shape: [-1, 3] })), [76800, 3]);
  });
  it('reshape to a larger size fails; a smaller one is a view (no error outside autograd)', () => {
    const o = callOp(M + 'reshape', [t([2, 3]), 4, 4]);
    assert.equal(o.issue?.message, 'Check failed: shape_.Size() >= shape.Size() (6 vs. 16) : NDArray.Reshape: target shape size is larger current shape');
    const v = callOp(M + 'reshape', [t([2, 3]), 5]);
    assert.equal(v.issue, undefined);
    assert.deepEqual(dimsOf(v), [5]);
  });
  it('transpose, expand_dims, flatten, swapaxes, asnumpy', () => {
    assert.deepEqual(dimsOf(callOp(M + 'transpose', [x, [0, 3, 1, 2]])), [8, 3, 80, 120]);
    assert.deepEqual(dimsOf(callOp(M + 'transpose', [x, 0, 3, 1, 2])), [8, 3, 80, 120]);
    assert.deepEqual(dimsOf(callOp(M + 'transpose', [x])), [3, 120, 80, 8]);
    assert.deepEqual(dimsOf(callOp(M + 'expand_dims', [x, 0])), [1, 8, 80, 120, 3]);
    assert.deepEqual(dimsOf(callOp(M + 'flatten', [x])), [8, 28800]);
    assert.deepEqual(dimsOf(callOp(M + 'swapaxes', [x, 1, 3])), [8, 3, 120, 80]);
    const n = callOp(M + 'asnumpy', [x]);
    assert.equal((n.output as { lib: string }).lib, 'numpy');
    assert.deepEqual(dimsOf(n), [8, 80, 120, 3]);
  });
});

// ---------------------------------------------------------------------------------------------
// Formula sweep: an independent, straightforward reading of §3.2.

function refConv(n: number, k: number, s: number, p: number, d: number): number | 'error' {
  const ek = d * (k - 1) + 1;
  if (ek > n + 2 * p) return 'error';
  return Math.trunc((n + 2 * p - ek) / s) + 1;
}
function refPool(n: number, k: number, s: number, p: number, full: boolean): number | 'error' {
  if (k > n + 2 * p) return 'error';
  const q = (n + 2 * p - k) / s;
  return 1 + (full ? Math.ceil(q) : Math.floor(q));
}
function refDeconv(n: number, k: number, s: number, p: number, adj: number): number | 'error' {
  if (adj > s - 1) return 'error';
  return s * (n - 1) + k - 2 * p + adj;
}

describe('formula sweep (n, k, s, p over small ranges)', () => {
  it('Gluon Conv1D and MaxPool1D (valid and ceil) match the documented formulas', () => {
    let checked = 0;
    for (let n = 1; n <= 9; n++)
      for (let k = 1; k <= 5; k++)
        for (let s = 1; s <= 3; s++)
          for (let p = 0; p <= 2; p++) {
            for (const d of [1, 2]) {
              const o = applyLayer('mxnet.gluon.nn.Conv1D', [4, k, s, p, d], {}, t([2, 3, n]));
              const want = refConv(n, k, s, p, d);
              if (want === 'error') assert.equal(o.issue?.rule, 'kernel-exceeds-input', `conv n=${n} k=${k} s=${s} p=${p} d=${d}`);
              else assert.deepEqual(dimsOf(o), [2, 4, want], `conv n=${n} k=${k} s=${s} p=${p} d=${d}`);
              checked++;
            }
            for (const full of [false, true]) {
              const o = applyLayer('mxnet.gluon.nn.MaxPool1D', [k, s, p], { ceil_mode: full }, t([2, 3, n]));
              const want = refPool(n, k, s, p, full);
              if (want === 'error') assert.equal(o.issue?.rule, 'kernel-exceeds-input', `pool n=${n} k=${k} s=${s} p=${p}`);
              else assert.deepEqual(dimsOf(o), [2, 3, want], `pool n=${n} k=${k} s=${s} p=${p} full=${full}`);
              checked++;
            }
          }
    assert.equal(checked, 9 * 5 * 3 * 3 * 4);
  });
  it('Conv2DTranspose matches s·(n−1) + k − 2p + adj, and rejects adj ≥ s', () => {
    for (let n = 1; n <= 6; n++)
      for (let k = 1; k <= 4; k++)
        for (let s = 1; s <= 3; s++)
          for (let p = 0; p <= 1; p++)
            for (let adj = 0; adj <= 2; adj++) {
              const o = applyLayer('mxnet.gluon.nn.Conv2DTranspose', [5, k, s, p, adj], {}, t([1, 2, n, 4]));
              const want = refDeconv(n, k, s, p, adj);
              const tag = `n=${n} k=${k} s=${s} p=${p} adj=${adj}`;
              if (want === 'error') assert.equal(o.issue?.rule, 'invalid-argument', tag);
              else if (want <= 0) assert.equal(dimsOf(o)?.[2], null, tag);
              else assert.equal(dimsOf(o)?.[2], want, tag);
            }
  });
  it('2-D conv and pool agree with the reference on both axes (H checked before W)', () => {
    for (let h = 1; h <= 5; h++)
      for (let w = 1; w <= 5; w++)
        for (let k = 1; k <= 3; k++) {
          const c = applyLayer('mxnet.gluon.nn.Conv2D', [2, k], {}, t([1, 1, h, w]));
          const [rh, rw] = [refConv(h, k, 1, 0, 1), refConv(w, k, 1, 0, 1)];
          if (rh === 'error') assert.match(c.issue?.message ?? '', /dilated_ksize_y/);
          else if (rw === 'error') assert.match(c.issue?.message ?? '', /dilated_ksize_x/);
          else assert.deepEqual(dimsOf(c), [1, 2, rh, rw]);
          const pl = applyLayer('mxnet.gluon.nn.AvgPool2D', [k, 1], {}, t([1, 1, h, w]));
          const [ph, pw] = [refPool(h, k, 1, 0, false), refPool(w, k, 1, 0, false)];
          if (ph === 'error') assert.match(pl.issue?.message ?? '', /kernel\[0\]/);
          else if (pw === 'error') assert.match(pl.issue?.message ?? '', /kernel\[1\]/);
          else assert.deepEqual(dimsOf(pl), [1, 1, ph, pw]);
        }
  });
});
