/**
 * MXNet's reshape codes (0 copy, -1 infer, -2 copy the rest, -3 merge two, -4 split one) against
 * results worked by hand through `InferReshapeShape` (src/operator/tensor/matrix_op-inl.h), as
 * GluonCV's channel shuffle uses them. MXNet stores the size a -1 infers at the -1's index in the
 * shape argument, not at its place in the output: where a -2 or -4 before it makes the two differ,
 * MXNet's result is not the intended shape, so the engine leaves it unknown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferReshape } from '../../server/src/engine/layers/mxnet/reshape';
import type { Dim } from '../../server/src/engine/types';

const CASES: [number[], Dim[], boolean, Dim[] | null][] = [
  // Channel shuffle in 3 groups: split, (swap axes 1 and 2), merge back.
  [[0, -4, 3, -1, -2], [2, 60, 7, 5], false, [2, 3, 20, 7, 5]],
  [[0, -3, -2], [2, 20, 3, 7, 5], false, [2, 60, 7, 5]],
  // A batch the code does not show stays symbolic.
  [[0, -4, 2, -1, -2], ['N', 116, 28, 28], false, ['N', 2, 58, 28, 28]],
  [[0, -3, -1], [2, 6, 4, 5], false, [2, 24, 5]],
  [[-1, 0], [2, 6, 4, 5], true, [48, 5]],
  // An unknown channel count cannot be split by a -1.
  [[0, -4, 3, -1, -2], [2, null, 7, 5], false, null],
  // The -1's spec index (4, 1) is not its output index (3, 4): MXNet writes elsewhere.
  [[0, -4, 2, 3, -1], [2, 6, 4, 5], false, null],
  [[-2, -1], [2, 6, 4, 5], false, null],
];

describe('MXNet reshape codes', () => {
  for (const [spec, source, reverse, expected] of CASES) {
    it(`(${spec.join(', ')})${reverse ? ' reversed' : ''} on (${source.join(', ')})`, () => {
      const r = inferReshape(spec, source, reverse);
      assert.deepEqual(r && 'dims' in r ? r.dims : null, expected);
    });
  }
});
