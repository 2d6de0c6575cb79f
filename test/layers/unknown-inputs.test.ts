/**
 * Every def of every catalogue, given a tensor it knows nothing about (no shape, or an unknown
 * rank with or without known trailing dims) and unknown values for its required arguments,
 * raises nothing: an unknown never produces a diagnostic (ARCHITECTURE.md, Invariants).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_LAYERS } from '../../server/src/engine/layers/index';
import { tensor, UNKNOWN, type ArgValue, type LayerDef, type LayerEnv, type TensorValue } from '../../server/src/engine/layers/types';
import { broadcastShapes, formatShape, openShape, ranked } from '../../server/src/engine/shapes';
import { bindArgs } from '../helpers/bind-args';

const ENV: LayerEnv = { kerasDataFormat: 'channels_last', kerasDataFormatSource: 'default', layerName: 'layer', hybridized: false };

const UNKNOWN_INPUTS: [string, TensorValue][] = [
  ['no shape', tensor(null, 'unknown')],
  ['unknown rank', tensor(openShape(), 'unknown')],
  ['unknown rank, last dim unknown', tensor(openShape([null]), 'unknown')],
  ['unknown rank, last two dims unknown', tensor(openShape([null, null]), 'unknown')],
];

/** Required arguments unknown; an op's first parameter is the tensor itself. */
function callWith(def: LayerDef, x: TensorValue): { issue?: string; rule?: string } {
  const kw: Record<string, ArgValue> = {};
  def.params.forEach((p, i) => {
    if (def.kind === 'op' && i === 0) kw[p.name] = p.variadic ? [x] : x;
    else if (p.default === undefined && !p.variadic) kw[p.name] = UNKNOWN;
  });
  const args = bindArgs(def, [], kw);
  if (def.construct) {
    const c = def.construct(args, ENV);
    if (c) return { issue: `construct: ${c.message}`, rule: c.rule };
  }
  const out = def.apply(args, [x], ENV, undefined);
  return out.issue ? { issue: out.issue.message, rule: out.issue.rule } : {};
}

describe('with a known rank and unknown dims only the rank can be wrong', () => {
  for (const rank of [0, 1, 2, 3, 4, 5]) {
    it(`rank ${rank}`, () => {
      const x = tensor({ dims: new Array(rank).fill(null), open: false }, 'unknown');
      const raised = ALL_LAYERS.flatMap((def) => {
        const r = callWith(def, x);
        return r.issue && r.rule !== 'rank-mismatch' ? [`${def.names[0]}: [${r.rule}] ${r.issue}`] : [];
      });
      assert.deepEqual(raised, []);
    });
  }
});

describe('with unknown required arguments only the rank of a known input can be wrong', () => {
  for (const rank of [1, 2, 3, 4, 5]) {
    it(`rank ${rank}`, () => {
      // 64 is above every default a def falls back on (GroupNormalization's 32 groups), so only
      // the unknown arguments or the rank can decide.
      const x = tensor({ dims: new Array(rank).fill(64), open: false }, 'unknown');
      const raised = ALL_LAYERS.flatMap((def) => {
        const r = callWith(def, x);
        return r.issue && r.rule !== 'rank-mismatch' ? [`${def.names[0]}: [${r.rule}] ${r.issue}`] : [];
      });
      assert.deepEqual(raised, []);
    });
  }
});

describe('a def given only unknowns raises nothing', () => {
  for (const [label, x] of UNKNOWN_INPUTS) {
    it(label, () => {
      const raised = ALL_LAYERS.flatMap((def) => {
        const r = callWith(def, x);
        return r.issue ? [`${def.names[0]}: ${r.issue}`] : [];
      });
      assert.deepEqual(raised, []);
    });
  }
});

describe('broadcasting keeps unknowns unknown', () => {
  const show = (s: ReturnType<typeof broadcastShapes>) => formatShape(s);
  it('an unknown dim against 1 stays unknown; a known size other than 1 wins', () => {
    assert.equal(show(broadcastShapes(ranked([null, 8]), ranked([1, 8]))), '(?, 8)');
    assert.equal(show(broadcastShapes(ranked([null, 1]), ranked([4, 8]))), '(4, 8)');
    assert.equal(show(broadcastShapes(ranked(['N', 3]), ranked([3]))), '(N, 3)');
  });
  it('an open shape keeps its rank unknown and its missing axes unknown, never 1', () => {
    assert.equal(show(broadcastShapes(openShape([64]), ranked([64]))), '(…, 64)');
    assert.equal(show(broadcastShapes(openShape([64]), ranked([1, 1, 64]))), '(…, ?, ?, 64)');
    assert.equal(show(broadcastShapes(openShape([64]), ranked([2, 10, 64]))), '(…, 2, 10, 64)');
  });
});
