/**
 * Usage fixtures for the torchvision stubs (`test/fixtures/stubs/torchvision/*.py`): each file
 * names its stub family on its first line (`# stub: resnet.py`) and holds a snippet with the
 * inline expectations of the engine fixtures (`# error:`, `# shape:`, `# params:`). The stub
 * and the snippet are analysed as one program. Until the project resolver reports errors raised
 * inside library code at the user's call site, this runner does that mapping: a diagnostic on a
 * stub line counts on the snippet line where the failing model's input was made (the fixtures
 * make it on the call line). `# params:` checks the model assigned on that line.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { EngineResult, TextRange } from '../../server/src/engine/index';
import { formatShape } from '../../server/src/engine/index';
import { analyze, lineOf } from '../helpers/engine';
import { parseExpectations } from '../helpers/expectations';
import { FIXTURES } from '../helpers/paths';
import { stubProgram } from './torchvision-table';

const dir = path.join(FIXTURES, 'stubs', 'torchvision');

describe('torchvision stub fixtures', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.py'))) {
    it(file, async () => {
      const snippet = readFileSync(path.join(dir, file), 'utf8');
      const stubFile = /^# stub: (\S+)/.exec(snippet)?.[1];
      assert.ok(stubFile, 'the first line must name the stub file: # stub: resnet.py');
      const { text, offset } = stubProgram(stubFile, snippet);
      // The stub part is stub code: its raises and what it finds on paths the user's call does not decide are placed (or kept silent) as for a loaded stub.
      const result = await analyze(text, { stubCodeEnd: text.length - snippet.length });
      assert.equal(result.internalError, undefined, result.internalError);
      assert.equal(result.truncated, false);
      const toSnippet = (r: TextRange) => lineOf(text, r.start) - offset;
      const got = result.diagnostics.map((d) => ({ line: reportLine(result, d.range, toSnippet), rule: d.rule, text: [d.message, ...d.explanation].join('\n') }));
      const exp = parseExpectations(snippet);
      for (const e of exp.diagnostics) {
        const match = got.find((g) => g.line === e.line && g.rule === e.rule && e.fragments.every((f) => g.text.includes(f)));
        assert.ok(match, `expected ${e.rule} on line ${e.line} containing ${JSON.stringify(e.fragments)}; got:\n${got.map((g) => `  line ${g.line} [${g.rule}] ${g.text.split('\n')[0]}`).join('\n') || '  (none)'}`);
      }
      for (const g of got) assert.ok(exp.diagnostics.some((e) => e.line === g.line && e.rule === g.rule), `unexpected ${g.rule} on line ${g.line}:\n${g.text}`);
      for (const s of exp.shapes) {
        const facts = result.tensors.filter((t) => toSnippet(t.range) === s.line).map((t) => formatShape(t.shape));
        assert.ok(facts.includes(s.shape), `line ${s.line}: expected shape ${s.shape}, got ${JSON.stringify(facts)}`);
      }
      const lines = snippet.split('\n');
      for (const p of exp.params) {
        const name = /^(\w+)\s*=/.exec(lines[p.line - 1])?.[1];
        const model = result.models.find((m) => m.name === name);
        assert.ok(model, `no model named ${name} (models: ${result.models.map((m) => m.name).join(', ')})`);
        assert.equal(model.totalParams, p.count, `params of ${name}`);
      }
    });
  }
});

/** The snippet line a diagnostic is reported on: its own, or for one inside the stub, where the model's input was made. */
function reportLine(result: EngineResult, range: TextRange, toSnippet: (r: TextRange) => number): number {
  const own = toSnippet(range);
  if (own > 0) return own;
  const source = result.models.map((m) => m.inputSource).find((r) => r && toSnippet(r) > 0);
  return source ? toSnippet(source) : own;
}
