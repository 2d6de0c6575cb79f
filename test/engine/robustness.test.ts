/** Bad input never crashes: odd, broken, huge and adversarial texts all analyse to a result. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyze, lineOf } from '../helpers/engine';
import { generatedModelFile } from '../helpers/corpus';
import { EXAMPLES } from '../helpers/paths';

async function ok(text: string) {
  const r = await analyze(text);
  assert.equal(r.internalError, undefined, r.internalError);
  return r;
}

describe('robustness', () => {
  it('empty and whitespace-only files', async () => {
    assert.deepEqual((await ok('')).diagnostics, []);
    assert.deepEqual((await ok('\n\n   \n')).diagnostics, []);
  });

  it('binary bytes and replacement characters', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    await ok(bytes.toString('latin1'));
    await ok(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28]).toString('utf8'));
    await ok('\0\0\0import torch\0');
  });

  it('a syntax error does not hide the rest of the file', async () => {
    const naive = readFileSync(path.join(EXAMPLES, 'gluon_naive_port.py'), 'utf8');
    const broken = naive.replace('batch_size = 32', 'batch_size = 32\ndef broken(:\n    pass\n');
    const r = await ok(broken);
    assert.ok(r.syntaxErrors.length > 0, 'reports the syntax error');
    assert.equal(r.diagnostics.length, 1, 'still finds the founding error');
    assert.match(r.diagnostics[0].message, /kernel size \(2\) exceeds input \(1 padded to 1\)/);
    assert.equal(lineOf(broken, r.diagnostics[0].range.start), 16);
  });

  it('half-typed code', async () => {
    await ok('import torch.nn as nn\nmodel = nn.Sequential(nn.Conv2d(3, ');
    await ok('class Net(nn.Module):\n    def forward(self, x):\n        return self.');
    await ok('x = (((((');
  });

  it('a 50,000-line file', async () => {
    const text = generatedModelFile(50_000);
    const t0 = performance.now();
    const r = await ok(text);
    const ms = performance.now() - t0;
    assert.ok(r.models.length > 1000, `found ${r.models.length} models`);
    assert.ok(ms < 60_000, `took ${ms} ms`);
  });

  it('a 20,000-layer functional chain (lineage stays linear)', async () => {
    const lines = ['from tensorflow import keras', 'from tensorflow.keras import layers', 'inputs = keras.Input(shape=(64,))', 'x = inputs'];
    for (let i = 0; i < 20_000; i++) lines.push(`x = layers.Dense(${32 + (i % 4) * 16})(x)`);
    lines.push('model = keras.Model(inputs, x)');
    const t0 = performance.now();
    const r = await ok(lines.join('\n'));
    assert.equal(r.models[0]?.layers.length, 20_000);
    assert.ok(performance.now() - t0 < 60_000);
  });

  it('deeply nested expressions', async () => {
    const depth = 3000;
    await ok(`x = ${'('.repeat(depth)}1${')'.repeat(depth)}\n`);
    await ok(`x = ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    await ok(`y = ${Array.from({ length: depth }, () => '1').join(' + ')}\n`);
    await ok(`z = ${'f('.repeat(depth)}${')'.repeat(depth)}\n`);
  });

  it('recursive and mutually recursive helpers', async () => {
    await ok('def f(n):\n    return f(n - 1)\nx = f(3)\n');
    await ok('def a(n):\n    return b(n)\ndef b(n):\n    return a(n)\na(1)\n');
    await ok('import torch.nn as nn\nclass M(nn.Module):\n    def forward(self, x):\n        return self(x)\nm = M()\nm(1)\n');
  });

  it('loops that never end are bounded', async () => {
    const r = await ok('while True:\n    x = 1\nfor i in range(10**12):\n    pass\nl = []\nfor i in range(100000):\n    l.append(i)\n');
    assert.equal(r.internalError, undefined);
  });

  it('a step budget that runs out is reported as truncated, never as a different verdict', async () => {
    // The founding example's verdict is layout-mismatch, decided by a re-run with the channel
    // axis moved. A budget that ends inside that re-run must not leave the first run's rule.
    const naive = readFileSync(path.join(EXAMPLES, 'gluon_naive_port.py'), 'utf8');
    assert.deepEqual((await ok(naive)).diagnostics.map((d) => d.rule), ['layout-mismatch']);
    const outcomes = new Set<string>();
    for (let maxSteps = 20; maxSteps <= 400; maxSteps++) {
      const r = await analyze(naive, { budgets: { steps: maxSteps } });
      assert.equal(r.internalError, undefined, r.internalError);
      // A truncated analysis says so with one analysis-incomplete note; the verdict is the rest.
      const notes = r.diagnostics.filter((d) => d.rule === 'analysis-incomplete').length;
      assert.equal(notes, r.truncated ? 1 : 0, `maxSteps=${maxSteps}: the note goes with truncated`);
      const rules = r.diagnostics.filter((d) => d.rule !== 'analysis-incomplete').map((d) => d.rule).join(',');
      if (!r.truncated) assert.equal(rules, 'layout-mismatch', `maxSteps=${maxSteps}: a complete analysis gives the full verdict`);
      assert.ok(rules === '' || rules === 'layout-mismatch', `maxSteps=${maxSteps}: got ${rules}`);
      outcomes.add(r.truncated ? 'truncated' : 'complete');
    }
    assert.deepEqual([...outcomes].sort(), ['complete', 'truncated'], 'the range covers both sides of the budget');
  });

  it('odd encodings: CRLF, lone CR, BOM, non-ASCII identifiers', async () => {
    const naive = readFileSync(path.join(EXAMPLES, 'gluon_naive_port.py'), 'utf8');
    for (const text of [naive.replace(/\n/g, '\r\n'), '\uFEFF' + naive, naive.replace(/model/g, 'modèle_𝒳')]) {
      const r = await ok(text);
      assert.equal(r.diagnostics.length, 1);
      assert.equal(text.slice(r.diagnostics[0].range.start, r.diagnostics[0].range.start + 17), 'gluon.nn.MaxPool2D'.slice(0, 17));
    }
  });
});
