/**
 * The Keras coverage report stays current: docs/coverage-keras.md is what the generator makes of
 * the committed layer list (no Python needed), coverage stays at or above 95%, every listed name
 * resolves to a def, and (with the oracle venv) the committed list is what the installed Keras has.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findLayer } from '../../server/src/engine/layers/index';
import { count, DOC_PATH, readLayerList, renderKerasCoverage, REPO_ROOT } from './keras-coverage';
import { KERAS_PYTHON, kerasVenvMissing } from './keras-oracle-run';
import { runOracle } from './oracle-cache';

test('docs/coverage-keras.md is generated from test/oracle/keras-layers.json', () => {
  const want = renderKerasCoverage(readLayerList());
  assert.equal(readFileSync(DOC_PATH, 'utf8'), want, 'regenerate: npx tsc -p tsconfig.json && node out/test/oracle/keras-coverage.js');
});

test('at least 95% of the shape-relevant keras.layers names are catalogued', () => {
  const list = readLayerList();
  const c = count([...list.layers, ...list.functions]);
  const share = c.covered.length / (c.covered.length + c.missing.length);
  assert.ok(share >= 0.95, `${(100 * share).toFixed(1)}%; missing: ${c.missing.join(', ')}`);
});

test('every keras.layers class resolves to a def, uncatalogued ones included', () => {
  for (const name of readLayerList().layers) {
    const def = findLayer(`keras.layers.${name}`);
    assert.ok(def && def.kind === 'layer', name);
  }
});

test('the committed layer list matches the installed Keras', (t) => {
  const missing = kerasVenvMissing();
  if (missing) {
    if (process.env.CI) assert.fail(missing);
    t.skip(missing);
    return;
  }
  const script = path.join(REPO_ROOT, 'test', 'oracle', 'keras_layers_list.py');
  const r = runOracle(KERAS_PYTHON, [script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.deepEqual(JSON.parse(r.stdout), readLayerList(),
    `regenerate: python test/oracle/keras_layers_list.py > test/oracle/keras-layers.json, then node out/test/oracle/keras-coverage.js`);
});
