/**
 * Oracle test for the hand-picked coverage cases (keras-coverage-cases.ts): each case runs in
 * real Keras 3 and through the catalogue (the def applied directly, wrapped layers built as
 * layer objects) and end to end through `analyzeText`. Output shapes (every output of
 * multi-output layers), parameter counts and raised messages must agree.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeText } from '../../server/src/engine/index';
import type { ArgValue, LayerOutcome } from '../../server/src/engine/layers/types';
import { isTensor, tensor } from '../../server/src/engine/layers/types';
import { KERAS_NONE } from '../../server/src/engine/layers/keras/common';
import { loadParser } from '../../server/src/host/parser';
import { BATCH, ranked } from '../../server/src/engine/shapes';
import { bindArgs, kerasDef, kerasEnv } from './keras-chain';
import { type CovArg, type CovCase, type CovLayer, coverageSource, isCovLayer, KERAS_COVERAGE_CASES } from './keras-coverage-cases';
import { kerasVenvMissing, normalizeKerasMessage, type OracleResult, type OracleShape, runKerasOracle } from './keras-oracle-run';

function toArg(v: CovArg): ArgValue {
  if (isCovLayer(v)) {
    const d = kerasDef(v.cls);
    return { kind: 'layer', def: d, args: bind(v) } as unknown as ArgValue;
  }
  return Array.isArray(v) ? v.map(toArg) : v;
}

function bind(l: CovLayer) {
  const kw: Record<string, ArgValue> = {};
  for (const [k, v] of Object.entries(l.kw ?? {})) kw[k] = toArg(v);
  return bindArgs(kerasDef(l.cls), (l.pos ?? []).map(toArg), kw);
}

/** The catalogue's verdict: the constructor check, then the application. */
export function applyCase(c: CovCase): LayerOutcome {
  const d = kerasDef(c.layer.cls);
  const args = bind(c.layer);
  const env = kerasEnv('layer');
  const ctor = d.construct?.(args, env);
  if (ctor) return { output: tensor(null, 'keras'), issue: ctor };
  // A None in a case's input is declared in its source (`keras.Input(shape=(None, 8))`).
  const ts = c.inputs.map((s) => tensor(ranked([BATCH, ...s.map((d) => d ?? KERAS_NONE)]), 'keras'));
  const inputs: ArgValue[] = c.call === 'one' ? [ts[0]] : c.call === 'args' ? ts : [ts];
  return d.apply(args, inputs, env, undefined);
}

/** Output as Keras prints it: dims with the batch as null, nested lists for several outputs. */
function asOracleShape(v: ArgValue): OracleShape | null {
  if (Array.isArray(v)) {
    const items = v.map(asOracleShape);
    return items.some((x) => x === null) ? null : (items as OracleShape[]);
  }
  if (!isTensor(v) || !v.shape || v.shape.open) return null;
  return v.shape.dims.map((d) => (typeof d === 'number' ? d : null));
}

function compareCatalogue(c: CovCase, o: OracleResult): string | null {
  const out = applyCase(c);
  if (o.error !== undefined) {
    if (!out.issue) return `Keras raised "${o.error}"; the catalogue did not`;
    const ours = normalizeKerasMessage(out.issue.message);
    return ours === normalizeKerasMessage(o.error) ? null : `message differs:\n  ours:  ${ours}\n  keras: ${o.error}`;
  }
  if (out.issue) return `the catalogue raised "${out.issue.message}"; Keras built fine`;
  const layer = o.layers?.[0];
  if (!layer || o.layers?.length !== 1) return `expected one layer from Keras, got ${o.layers?.length}`;
  const shape = JSON.stringify(asOracleShape(out.output));
  if (shape !== JSON.stringify(layer.output)) return `shape ${shape} vs Keras ${JSON.stringify(layer.output)}`;
  const p = out.params === undefined ? 0 : out.params;
  return p === layer.params ? null : `params ${p} vs Keras ${layer.params}`;
}

function compareEndToEnd(source: string, fn: boolean, o: OracleResult, parser: Awaited<ReturnType<typeof loadParser>>): string | null {
  const r = analyzeText(parser, source);
  if (r.internalError) return `internal error: ${r.internalError.split('\n')[0]}`;
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (o.error !== undefined) {
    if (errors.length === 0) return `Keras raised (${o.error}); no diagnostic`;
    return normalizeKerasMessage(errors[0].message).includes(normalizeKerasMessage(o.error)) ? null
      : `diagnostic "${errors[0].message}" vs Keras "${o.error}"`;
  }
  if (errors.length > 0) return `diagnostic ${errors[0].message}; Keras built fine`;
  const want = o.layers?.[0];
  if (fn) {
    // A functional form is an op, not a layer of the model: compare the shape bound to `out`.
    const fact = r.tensors.filter((f) => f.name === 'out').pop();
    const got = fact && !fact.shape.open ? fact.shape.dims.map((d) => (typeof d === 'number' ? d : null)) : null;
    return JSON.stringify(got) === JSON.stringify(want?.output) ? null : `out ${JSON.stringify(got)} vs Keras ${JSON.stringify(want?.output)}`;
  }
  const m = r.models[0];
  if (!m) return 'no model';
  const layer = m.layers[m.layers.length - 1];
  if (!layer || !want) return 'no layer';
  // A layer with several outputs shows its first one.
  const first = Array.isArray(want.output[0]) ? want.output[0] : want.output;
  const got = layer.outputShape && !layer.outputShape.open
    ? layer.outputShape.dims.map((d) => (typeof d === 'number' ? d : null)) : null;
  if (JSON.stringify(got) !== JSON.stringify(first)) return `shape ${JSON.stringify(got)} vs Keras ${JSON.stringify(first)}`;
  if (layer.params !== want.params) return `params ${layer.params} vs Keras ${want.params}`;
  return m.totalParams === o.total ? null : `total ${m.totalParams} vs Keras ${o.total}`;
}

test('keras oracle: coverage cases agree with real Keras 3', { timeout: 240_000 }, async (t) => {
  const missing = kerasVenvMissing();
  if (missing) {
    if (process.env.CI) assert.fail(missing);
    t.skip(missing);
    return;
  }
  const cases = KERAS_COVERAGE_CASES;
  const sources = cases.map(coverageSource);
  const oracle = runKerasOracle(cases.map((c, i) => ({ id: c.id, source: sources[i] })));
  assert.equal(oracle.length, cases.length);
  const raising = oracle.filter((o) => o.error !== undefined).length;
  assert.ok(raising >= 10 && raising < cases.length / 2, `${raising} of ${cases.length} cases raise`);
  const parser = await loadParser('wasm');
  const bad: string[] = [];
  cases.forEach((c, i) => {
    const why = compareCatalogue(c, oracle[i]);
    if (why) bad.push(`catalogue, ${c.id}: ${why}\n${sources[i]}`);
    const e2e = compareEndToEnd(sources[i], cases[i].call === 'fn', oracle[i], parser);
    if (e2e) bad.push(`end to end, ${c.id}: ${e2e}\n${sources[i]}`);
  });
  t.diagnostic(`${cases.length} coverage cases, ${raising} raise in Keras; ${bad.length} disagreements`);
  assert.deepEqual(bad, []);
});
