/**
 * Data-driven engine tests: every `test/fixtures/engine/**.py` file is analysed and checked
 * against its inline expectations (see `test/helpers/expectations.ts`). Diagnostics are the lint pipeline's (the engine's plus
 * suppression comments), what the CLI and the editor report.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { lintEngineResult } from '../../server/src/host/lint';
import { withPortOf } from '../../server/src/host/port-of';
import { analyze, lineOf, parser } from '../helpers/engine';
import { parseExpectations } from '../helpers/expectations';
import { FIXTURES } from '../helpers/paths';

function listPy(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return listPy(p);
    return f.endsWith('.py') ? [p] : [];
  });
}

const root = path.join(FIXTURES, 'engine');

describe('engine fixtures', () => {
  for (const file of listPy(root)) {
    const name = path.relative(root, file);
    it(name, async () => {
      const text = readFileSync(file, 'utf8');
      const exp = parseExpectations(text);
      const result = await analyze(text, exp.options);
      assert.equal(result.internalError, undefined, result.internalError);
      // The pipeline as the editor and `check` run it, with the file's `port-of` directives compared.
      const withPorts = withPortOf(await parser(), result, text, exp.options, { file });
      const got = lintEngineResult(withPorts, text, exp.options).diagnostics.map((d) => ({
        line: lineOf(text, d.range.start),
        rule: d.rule,
        severity: d.severity,
        text: [d.message, ...d.explanation].join('\n'),
      }));
      for (const e of exp.diagnostics) {
        const match = got.find((g) => g.line === e.line && g.rule === e.rule && g.severity === e.severity && e.fragments.every((f) => g.text.includes(f)));
        assert.ok(match, `expected ${e.severity} ${e.rule} on line ${e.line} containing ${JSON.stringify(e.fragments)}; got:\n${describeAll(got)}`);
      }
      for (const g of got) {
        const expected = exp.diagnostics.some((e) => e.line === g.line && e.rule === g.rule);
        assert.ok(expected, `unexpected ${g.rule} on line ${g.line}:\n${g.text}`);
      }
      const apps = result.models.flatMap((m) => m.layers);
      for (const s of exp.shapes) {
        const shapes = apps.filter((a) => lineOf(text, a.appliedAt.start) === s.line).map((a) => formatShape(a.outputShape));
        const facts = result.tensors.filter((t) => lineOf(text, t.range.start) === s.line).map((t) => formatShape(t.shape));
        assert.ok([...shapes, ...facts].includes(s.shape), `line ${s.line}: expected shape ${s.shape}, got ${JSON.stringify([...shapes, ...facts])}`);
      }
      for (const p of exp.params) {
        const model = result.models.find((m) => lineOf(text, m.range.start) === p.line);
        assert.ok(model, `no model defined on line ${p.line} (models: ${result.models.map((m) => `${m.name}@${lineOf(text, m.range.start)}`).join(', ')})`);
        assert.equal(model.totalParams, p.count, `params of ${model.name}`);
      }
    });
  }
});

function describeAll(got: { line: number; rule: string; text: string }[]): string {
  return got.map((g) => `  line ${g.line} [${g.rule}] ${g.text.split('\n')[0]}`).join('\n') || '  (none)';
}
