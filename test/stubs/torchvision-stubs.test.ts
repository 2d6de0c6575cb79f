/**
 * Every torchvision stub constructor in docs/library-models.md, analysed by the engine with a
 * clean input: its parameter count must equal the published one, the output must be
 * (2, 1000) with no diagnostic, and the analysis must stay within the default budgets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BUDGETS } from '../../server/src/engine/budget';
import { analyzeStub, torchvisionRows, usage } from './torchvision-table';

const rows = torchvisionRows();
const timings: string[] = [];

describe('torchvision stubs: published parameter counts', () => {
  it('the table lists every classification family', () => {
    assert.ok(rows.length >= 84, `${rows.length} rows`);
    assert.equal(new Set(rows.map((r) => r.file)).size, 17);
  });

  for (const row of rows) {
    it(row.call, async () => {
      const a = await analyzeStub(row.file, usage(row.call, row.size));
      assert.equal(a.result.internalError, undefined, a.result.internalError);
      assert.equal(a.result.truncated, false, 'analysis stopped by a budget');
      assert.deepEqual(a.result.diagnostics.map((d) => d.message), []);
      assert.equal(a.params, row.params, `parameters of ${row.call}`);
      assert.equal(a.output, '(2, 1000)');
      assert.ok(a.ms < DEFAULT_BUDGETS.timeMs, `${Math.round(a.ms)} ms`);
      timings.push(`${row.call} ${Math.round(a.ms)} ms`);
    });
  }

  it('reports the analysis time per model', () => {
    console.log(`torchvision stubs, analysis time per model:\n  ${timings.join('\n  ')}`);
  });
});
