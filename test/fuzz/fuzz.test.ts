/**
 * Seeded fuzzing in CI: thousands of mutated fixtures and examples must analyse without an
 * exception, an internal error or a hang (a single input taking over 10 s counts as a hang).
 * `npm run fuzz` runs 100,000 inputs and reports the slowest.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { analyze } from '../helpers/engine';
import { seedTexts } from '../helpers/corpus';
import { fuzzInputs } from './mutate';

const COUNT = Number(process.env.SHAPELINT_FUZZ_COUNT ?? 3000);
const HANG_MS = 10_000;

it(`survives ${COUNT} mutated inputs`, async () => {
  let n = 0;
  for (const input of fuzzInputs(seedTexts(), COUNT)) {
    const t0 = performance.now();
    const r = await analyze(input.text);
    const ms = performance.now() - t0;
    assert.equal(r.internalError, undefined, `internal error on input #${n} (${input.mutations.join(', ')}):\n${r.internalError}\n---\n${input.text.slice(0, 2000)}`);
    assert.ok(ms < HANG_MS, `input #${n} took ${ms.toFixed(0)} ms`);
    n++;
  }
  assert.equal(n, COUNT);
});
