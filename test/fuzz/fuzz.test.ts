/**
 * Seeded fuzzing in CI: thousands of mutated fixtures and examples, and generated interpreter
 * programs, must analyse without an exception, an internal error or a hang (a single input
 * taking over 10 s counts as a hang). Generated programs are correct by construction, so they
 * must also produce no diagnostic beyond `analysis-incomplete`.
 * `npm run fuzz` runs 100,000 inputs and reports the slowest.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { analyze } from '../helpers/engine';
import { seedTexts } from '../helpers/corpus';
import { fuzzInputs } from './mutate';
import { programInputs } from './programs';

const COUNT = Number(process.env.SHAPELINT_FUZZ_COUNT ?? 3000);
const PROGRAMS = Number(process.env.SHAPELINT_FUZZ_PROGRAMS ?? 250);
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

it(`runs ${PROGRAMS} generated interpreter programs within budgets, silently`, async () => {
  // A smaller step budget than the default keeps the CI run short; the paths are the same.
  const options = { clock: () => performance.now(), budgets: { steps: 200_000 } };
  let n = 0;
  for (const program of programInputs(PROGRAMS)) {
    const t0 = performance.now();
    const r = await analyze(program.text, options);
    const ms = performance.now() - t0;
    const where = `generated program (seed ${program.seed}):\n${program.text}`;
    assert.equal(r.internalError, undefined, `internal error on ${where}\n${r.internalError}`);
    assert.ok(ms < HANG_MS, `${ms.toFixed(0)} ms on ${where}`);
    const unexpected = r.diagnostics.filter((d) => d.rule !== 'analysis-incomplete');
    assert.deepEqual(unexpected.map((d) => d.message), [], `false alarm on ${where}`);
    n++;
  }
  assert.equal(n, PROGRAMS);
});
