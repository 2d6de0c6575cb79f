/**
 * Oracle test: 1000 generated Keras stacks run through real Keras 3 (TensorFlow backend) in one
 * Python process, and through shapelint: the catalogue chained directly, and end to end through
 * `analyzeText` when the interpreter builds Keras Sequential models. Compares per-layer output
 * shapes, parameter counts, and whether and where the build raises (with the message).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeText } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';
import { generateKerasCases, type KerasCase } from './generate-keras';
import { keraslike, runChain } from './keras-chain';
import { kerasInput } from './keras-chain';
import type { Shape } from '../../server/src/engine/types';
import { kerasVenvMissing, normalizeKerasMessage as normalize, runKerasOracle, type OracleResult } from './keras-oracle-run';

const CASES = 1000;
const SEED = 1;

function sameShape(a: (number | null)[] | null, b: unknown): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}

interface Verdict { ok: boolean; why: string }

function compareChain(c: KerasCase, o: OracleResult): Verdict {
  const chain = runChain(kerasInput(c.input), c.layers);
  if (o.error !== undefined) {
    if (chain.errorAt < 0) return { ok: false, why: `Keras raised at layer ${o.errorLayer}: ${o.error}; shapelint did not` };
    if (o.errorLayer !== null && o.errorLayer !== undefined && o.errorLayer !== chain.errorAt) {
      return { ok: false, why: `raised at layer ${chain.errorAt}, Keras at ${o.errorLayer}` };
    }
    const ours = normalize(chain.issue?.message ?? '');
    if (ours !== normalize(o.error)) return { ok: false, why: `message differs:\n  ours:  ${ours}\n  keras: ${normalize(o.error)}` };
    return { ok: true, why: '' };
  }
  if (chain.errorAt >= 0) return { ok: false, why: `shapelint raised at layer ${chain.errorAt} (${chain.issue?.message}); Keras built fine` };
  const layers = o.layers ?? [];
  for (let i = 0; i < layers.length; i++) {
    const step = chain.steps[i];
    if (!sameShape(keraslike(step.outcome), layers[i].output)) {
      return { ok: false, why: `layer ${i} ${layers[i].cls}: shape ${JSON.stringify(keraslike(step.outcome))} vs Keras ${JSON.stringify(layers[i].output)}` };
    }
    const p = step.outcome?.params ?? 0;
    if (p !== layers[i].params) return { ok: false, why: `layer ${i} ${layers[i].cls}: params ${p} vs Keras ${layers[i].params}` };
  }
  return { ok: true, why: '' };
}

/** Python line of the first generated layer (after imports, `model = …` and the Input line). */
const FIRST_LAYER_LINE = 4;

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length - 1;
}

function dimsOf(s: Shape | null): (number | null)[] | null {
  if (!s || s.open) return null;
  return s.dims.map((d) => (typeof d === 'number' ? d : null));
}

function compareEndToEnd(c: KerasCase, o: OracleResult, parser: Awaited<ReturnType<typeof loadParser>>): Verdict | null {
  const r = analyzeText(parser, c.source);
  if (r.internalError) return { ok: false, why: `internal error: ${r.internalError.split('\n')[0]}` };
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (o.error !== undefined) {
    if (errors.length === 0) return r.models.length === 0 ? null : { ok: false, why: `Keras raised (${o.error}); no diagnostic` };
    const at = lineOf(c.source, errors[0].range.start) - FIRST_LAYER_LINE;
    if (o.errorLayer !== null && o.errorLayer !== undefined && at !== o.errorLayer) {
      return { ok: false, why: `diagnostic on layer ${at}, Keras raised at ${o.errorLayer}` };
    }
    return { ok: true, why: '' };
  }
  if (r.models.length === 0) return null;
  if (errors.length > 0) return { ok: false, why: `diagnostic ${errors[0].message}; Keras built fine` };
  const m = r.models[0];
  const layers = o.layers ?? [];
  if (m.layers.length !== layers.length) return { ok: false, why: `${m.layers.length} layers vs Keras ${layers.length}` };
  for (let i = 0; i < layers.length; i++) {
    if (!sameShape(dimsOf(m.layers[i].outputShape), layers[i].output)) {
      return { ok: false, why: `layer ${i}: ${JSON.stringify(dimsOf(m.layers[i].outputShape))} vs Keras ${JSON.stringify(layers[i].output)}` };
    }
    if ((m.layers[i].params ?? 0) !== layers[i].params) return { ok: false, why: `layer ${i}: params ${m.layers[i].params} vs ${layers[i].params}` };
  }
  if (m.totalParams !== o.total) return { ok: false, why: `total ${m.totalParams} vs Keras ${o.total}` };
  return { ok: true, why: '' };
}

function report(label: string, verdicts: { c: KerasCase; v: Verdict }[]): string {
  const bad = verdicts.filter((x) => !x.v.ok);
  const lines = bad.slice(0, 8).map((x) => `case ${x.c.id}: ${x.v.why}\n${x.c.source}`);
  return `${label}: ${verdicts.length - bad.length}/${verdicts.length} agree\n${lines.join('\n')}`;
}

test('keras oracle: generated stacks agree with real Keras 3', { timeout: 240_000 }, async (t) => {
  const msg = kerasVenvMissing();
  if (msg) {
    if (process.env.CI) assert.fail(msg);
    t.skip(msg);
    return;
  }
  const cases = generateKerasCases(CASES, SEED);
  const oracle = runKerasOracle(cases.map((c) => ({ id: c.id, source: c.source })));
  assert.equal(oracle.length, cases.length);
  const failing = oracle.filter((o) => o.error !== undefined).length;
  // The generator must exercise both outcomes, or the comparison proves little.
  assert.ok(failing > CASES / 10 && failing < CASES / 2, `${failing} failing cases of ${CASES}`);

  const chain = cases.map((c, i) => ({ c, v: compareChain(c, oracle[i]) }));
  const parser = await loadParser('wasm');
  const e2e: { c: KerasCase; v: Verdict }[] = [];
  for (let i = 0; i < cases.length; i++) {
    const v = compareEndToEnd(cases[i], oracle[i], parser);
    if (v) e2e.push({ c: cases[i], v });
  }
  const chainReport = report('catalogue (chained defs)', chain);
  t.diagnostic(`${CASES} cases, ${failing} raise in Keras. ${chainReport.split('\n')[0]}; ` +
    `end to end: ${e2e.filter((x) => x.v.ok).length}/${e2e.length} agree`);
  assert.ok(chain.every((x) => x.v.ok), chainReport);
  if (e2e.length === 0) {
    t.diagnostic('end to end skipped: the interpreter built no Keras models for these sources');
    return;
  }
  assert.ok(e2e.every((x) => x.v.ok), report('end to end', e2e));
});
