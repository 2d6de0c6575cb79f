/**
 * Library models used as backbones inside users' models (`test/fixtures/backbones/<framework>/`),
 * written as tutorials write them and analysed as `check` and `summary` do, with the imports of
 * torchvision, keras.applications and the Gluon model zoo resolved to the stubs. Inline
 * expectations (test/helpers/expectations.ts): `# error:` lines must match the diagnostics
 * (a file without any must be clean), `# shape:` a tensor on that line, `# params:` the total of
 * the model assigned there (or built there), and its trainable ones after `trainable:`. A `# backbone: BLOCK LIBRARY (in) -> (out) PARAMS`
 * line is the block row the model holding that backbone shows in `summary` (text and JSON).
 * The totals and the verdicts are the real frameworks' (test/oracle/backbones-oracle.test.ts
 * runs the PyTorch and Keras fixtures); the Gluon totals are the documented per-layer sums.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeText, formatShape, summaryRows, type EngineResult, type PythonParser } from '../../server/src/engine/index';
import { LineIndex } from '../../server/src/engine/positions';
import { loadParser } from '../../server/src/host/parser';
import { fileModuleProvider, projectSpecFor } from '../../server/src/host/project';
import { backboneFixtures, BACKBONES } from '../helpers/backbones';
import { parseExpectations } from '../helpers/expectations';
import { cli, REPO } from './helpers';

/** `# params: N trainable: T`: the model's trainable parameters too (a frozen Keras base counts as non-trainable). */
const TRAINABLE = /#\s*params:.*\btrainable:\s*(\d+)/;
const BACKBONE = /#\s*backbone:\s*(\S+)\s+(\S+)\s+(\([^)]*\))\s*->\s*(\([^)]*\))\s+(\d+)/;

let parser: PythonParser;
before(async () => {
  parser = await loadParser('wasm');
});
after(() => parser.dispose());

function analyse(file: string): { text: string; result: EngineResult } {
  const text = readFileSync(file, 'utf8');
  const spec = projectSpecFor(file);
  return { text, result: analyzeText(parser, text, { modules: fileModuleProvider(spec, parser), moduleName: spec.moduleName }) };
}

describe('library models as backbones', () => {
  for (const file of backboneFixtures()) {
    it(path.relative(BACKBONES, file), async () => {
      const { text, result } = analyse(file);
      assert.equal(result.internalError, undefined, result.internalError);
      const lines = new LineIndex(text);
      const lineOf = (offset: number) => lines.lineOf(offset) + 1;
      const exp = parseExpectations(text);
      const got = result.diagnostics.filter((d) => d.severity !== 'info').map((d) => ({ line: lineOf(d.range.start), rule: d.rule, text: [d.message, ...d.explanation].join('\n') }));
      for (const e of exp.diagnostics) {
        assert.ok(got.some((g) => g.line === e.line && g.rule === e.rule && e.fragments.every((f) => g.text.includes(f))), `expected ${e.rule} on line ${e.line}: ${JSON.stringify(e.fragments)}; got ${JSON.stringify(got, null, 1)}`);
      }
      for (const g of got) assert.ok(exp.diagnostics.some((e) => e.line === g.line && e.rule === g.rule), `unexpected ${g.rule} on line ${g.line}: ${g.text}`);
      for (const s of exp.shapes) {
        const facts = result.tensors.filter((t) => lineOf(t.range.start) === s.line).map((t) => formatShape(t.shape));
        assert.ok(facts.includes(s.shape), `line ${s.line}: expected shape ${s.shape}, got ${JSON.stringify(facts)}`);
      }
      const source = text.split('\n');
      for (const p of exp.params) {
        const variable = /^\s*(\w+)\s*=/.exec(source[p.line - 1])?.[1];
        const model = result.models.find((m) => m.name === variable) ?? result.models.find((m) => lineOf(m.range.start) === p.line);
        assert.ok(model, `no model for line ${p.line}: ${result.models.map((m) => m.name).join(', ')}`);
        assert.equal(model.totalParams, p.count, `total params of ${model.name}`);
        const trainable = TRAINABLE.exec(source[p.line - 1]);
        if (trainable) assert.equal(model.trainableParams, Number(trainable[1]), `trainable params of ${model.name}`);
      }
      source.forEach((l, i) => {
        const b = BACKBONE.exec(l);
        if (!b) return;
        const [, block, library, input, output, params] = b;
        const rows = result.models.flatMap((m) => summaryRows(m).filter((r) => r.backbone && r.name === block));
        assert.equal(rows.length, 1, `line ${i + 1}: one block row ${block}, got ${rows.length}`);
        const r = rows[0];
        assert.deepEqual([r.backbone!.library, formatShape(r.backbone!.inputShape), formatShape(r.outputShape), r.params], [library, input, output, Number(params)]);
      });
    });
  }
});

describe('summary of a model holding a backbone', () => {
  it('prints the backbone as one row with its library, shapes and parameters; --expand lists its layers', async () => {
    const file = path.join(BACKBONES, 'torch', 'identity_head.py');
    const r = await cli(['summary', file], REPO);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nbackbone \(resnet18, 60 layers\) +\(2, 3, 224, 224\) -> \(2, 512\) +11,176,512\nhead \(Linear\) +\(2, 10\) +5,130\n/);
    assert.match(r.stdout, /Total params: 11,181,642\n/);
    const expanded = await cli(['summary', file, '--expand'], REPO);
    const lines = expanded.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('backbone ('));
    assert.match(lines[at + 1], /^ {2}conv1 \(Conv2d\) +\(2, 64, 112, 112\) +9,408$/);
    assert.match(lines[at + 60], /^ {2}fc \(Identity\)/);
    assert.match(lines[at + 61], /^head \(Linear\)/);
  });

  it('JSON: the block carries its library and input shape; the Keras base is one row of the user model', async () => {
    const r = await cli(['summary', path.join(BACKBONES, 'keras', 'functional_head.py'), '--format', 'json'], REPO);
    assert.equal(r.code, 0, r.stderr);
    const models = JSON.parse(r.stdout) as { name: string; blocks?: { name: string; library?: string; inputShape?: string; outputShape: string; params: number; layers: number[] }[]; totalParams: number }[];
    const user = models.find((m) => m.totalParams === 2_270_794)!;
    assert.deepEqual(user.blocks!.map((b) => [b.name, b.library, b.inputShape, b.outputShape, b.params]), [['base', 'MobileNetV2', '(N, 96, 96, 3)', '(N, 3, 3, 1280)', 2_257_984]]);
  });
});
