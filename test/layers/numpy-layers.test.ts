/** NumPy factories, shape functions and ndarray methods. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ArgValue } from '../../server/src/engine/layers/types';
import { UNKNOWN } from '../../server/src/engine/layers/types';
import type { Dim } from '../../server/src/engine/types';
import { callOp, dimsOf, t } from './gluon-helpers';

const NP = 'numpy.';

describe('NumPy factories', () => {
  type Case = [string, ArgValue[], Record<string, ArgValue>, Dim[] | null];
  const cases: Case[] = [
    ['zeros', [[2, 3]], {}, [2, 3]],
    ['ones', [5], {}, [5]],
    ['empty', [[1, 2, 3]], {}, [1, 2, 3]],
    ['full', [[2, 2], 7], {}, [2, 2]],
    ['random.rand', [3, 4], {}, [3, 4]],
    ['random.randn', [32, 80, 120, 3], {}, [32, 80, 120, 3]],
    ['random.uniform', [0, 1], { size: [2, 5] }, [2, 5]],
    ['random.uniform', [0, 1, 4], {}, [4]],
    ['random.normal', [], { size: [3] }, [3]],
    ['random.random', [[2, 2]], {}, [2, 2]],
    ['random.randint', [0, 10], { size: [6, 1] }, [6, 1]],
    ['array', [[[1, 2], [3, 4], [5, 6]]], {}, [3, 2]],
    ['array', [[1, 2, 3]], {}, [3]],
  ];
  for (const [name, pos, kw, out] of cases) {
    it(`${name}(${JSON.stringify(pos)}, ${JSON.stringify(kw)})`, () => {
      const o = callOp(NP + name, pos, kw);
      assert.deepEqual(dimsOf(o), out);
      assert.equal((o.output as { lib: string }).lib, 'numpy');
    });
  }
  it('samplers without size give a scalar (not a tensor)', () => {
    assert.equal(callOp(NP + 'random.uniform', []).output, UNKNOWN);
    assert.equal(callOp(NP + 'random.rand', []).output, UNKNOWN);
    assert.equal(callOp(NP + 'random.randint', [0, 5]).output, UNKNOWN);
  });
  it('ragged list literal: unknown', () => {
    assert.equal(dimsOf(callOp(NP + 'array', [[[1, 2], [3]]])), null);
  });
});

describe('NumPy shape functions', () => {
  const x = t([8, 80, 120, 3], 'numpy');
  it('expand_dims, including a tuple of axes and negative axes', () => {
    assert.deepEqual(dimsOf(callOp(NP + 'expand_dims', [x, 0])), [1, 8, 80, 120, 3]);
    assert.deepEqual(dimsOf(callOp(NP + 'expand_dims', [x, -1])), [8, 80, 120, 3, 1]);
    assert.deepEqual(dimsOf(callOp(NP + 'expand_dims', [t([2, 3], 'numpy'), [0, 2]])), [1, 2, 1, 3]);
  });
  it('transpose', () => {
    assert.deepEqual(dimsOf(callOp(NP + 'transpose', [x, [0, 3, 1, 2]])), [8, 3, 80, 120]);
    assert.deepEqual(dimsOf(callOp(NP + 'transpose', [x])), [3, 120, 80, 8]);
    assert.equal(dimsOf(callOp(NP + 'transpose', [x, [0, 1]])), null);
  });
  it('reshape with -1 and its error', () => {
    assert.deepEqual(dimsOf(callOp(NP + 'reshape', [x, [8, -1]])), [8, 28800]);
    const bad = callOp(NP + 'reshape', [t([6], 'numpy'), [4, 2]]);
    assert.equal(bad.issue?.rule, 'reshape-mismatch');
    assert.equal(bad.issue?.message, 'cannot reshape array of size 6 into shape (4,2)');
    const bad1 = callOp(NP + 'reshape', [t([6], 'numpy'), 5]);
    assert.equal(bad1.issue?.message, 'cannot reshape array of size 6 into shape (5,)');
  });
  it('concatenate and its error', () => {
    assert.deepEqual(dimsOf(callOp(NP + 'concatenate', [[t([2, 3], 'numpy'), t([4, 3], 'numpy')]])), [6, 3]);
    const bad = callOp(NP + 'concatenate', [[t([2, 3], 'numpy'), t([2, 4], 'numpy')]]);
    assert.equal(bad.issue?.message, 'all the input array dimensions except for the concatenation axis must match exactly, but along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 4');
  });
});

describe('numpy.ndarray methods', () => {
  const M = 'numpy.ndarray.';
  const x = t([8, 80, 120, 3], 'numpy');
  it('reshape with ints or a tuple', () => {
    assert.deepEqual(dimsOf(callOp(M + 'reshape', [x, 8, 3, 80, 120])), [8, 3, 80, 120]);
    assert.deepEqual(dimsOf(callOp(M + 'reshape', [x, [-1, 3]])), [76800, 3]);
    assert.equal(callOp(M + 'reshape', [x, 7, -1]).issue?.message, 'cannot reshape array of size 230400 into shape (7,newaxis)');
  });
  it('transpose with ints, a tuple or nothing', () => {
    assert.deepEqual(dimsOf(callOp(M + 'transpose', [x, 0, 3, 1, 2])), [8, 3, 80, 120]);
    assert.deepEqual(dimsOf(callOp(M + 'transpose', [x, [0, 3, 1, 2]])), [8, 3, 80, 120]);
    assert.deepEqual(dimsOf(callOp(M + 'transpose', [x])), [3, 120, 80, 8]);
  });
  it('astype, flatten, squeeze, swapaxes', () => {
    assert.deepEqual(dimsOf(callOp(M + 'astype', [x, 'float32'])), [8, 80, 120, 3]);
    assert.deepEqual(dimsOf(callOp(M + 'flatten', [x])), [230400]);
    assert.deepEqual(dimsOf(callOp(M + 'squeeze', [t([2, 1, 3], 'numpy')])), [2, 3]);
    assert.deepEqual(dimsOf(callOp(M + 'swapaxes', [x, 1, 3])), [8, 3, 120, 80]);
  });
  it('unknown receiver: reshape keeps the written dims, -1 stays unknown; other methods unknown', () => {
    const unknown = { kind: 'tensor', shape: null, lib: 'numpy' } as const;
    assert.deepEqual(dimsOf(callOp(M + 'reshape', [unknown, 2, 3])), [2, 3]);
    assert.deepEqual(dimsOf(callOp(M + 'reshape', [unknown, -1, 28, 28, 1])), [null, 28, 28, 1]);
    assert.equal(dimsOf(callOp(M + 'transpose', [unknown, 1, 0])), null);
  });
});
