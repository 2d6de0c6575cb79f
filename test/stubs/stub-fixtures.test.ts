/**
 * Library-model stub fixtures: each `test/fixtures/stubs/**.py` names the stub module it uses on
 * its first line (`# stub: keras.applications.resnet`; after an `# options:` line, its second) and is analysed after that stub's text
 * as one program (test/helpers/stubs.ts). Its inline expectations (`# error:`, `# shape:`,
 * `# params:`, see test/helpers/expectations.ts) are checked on the fixture's own lines, and no
 * diagnostic may land inside the stub.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { lintEngineResult } from '../../server/src/host/lint';
import { lineOf } from '../helpers/engine';
import { parseExpectations } from '../helpers/expectations';
import { FIXTURES } from '../helpers/paths';
import { analyzeWithStub } from '../helpers/stubs';

const root = path.join(FIXTURES, 'stubs');
/** The fixture folders in this format (torchvision's have their own runner; tinylib is a project fixture). */
const FOLDERS = ['keras', 'gluon', 'gluoncv'];

function listPy(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return listPy(p);
    return f.endsWith('.py') ? [p] : [];
  });
}

describe('library stub fixtures', () => {
  for (const file of FOLDERS.flatMap((f) => listPy(path.join(root, f)))) {
    it(path.relative(root, file), async () => {
      const snippet = readFileSync(file, 'utf8');
      const stub = /^#\s*stub:\s*([\w.]+)/m.exec(snippet)?.[1];
      assert.ok(stub, 'the first line must name the stub module: # stub: keras.applications.resnet');
      const exp = parseExpectations(snippet);
      const { program, result } = await analyzeWithStub(stub, snippet, exp.options);
      assert.equal(result.internalError, undefined, result.internalError);
      const offset = lineOf(program.text, program.snippetStart) - 1;
      const lineIn = (start: number) => lineOf(program.text, start) - offset;
      const got = lintEngineResult(result, program.text, exp.options).diagnostics.map((d) => {
        assert.ok(d.range.start >= program.snippetStart, `diagnostic inside the stub: ${d.message}`);
        return { line: lineIn(d.range.start), rule: d.rule, severity: d.severity, text: [d.message, ...d.explanation].join('\n') };
      });
      for (const e of exp.diagnostics) {
        const match = got.find((g) => g.line === e.line && g.rule === e.rule && g.severity === e.severity && e.fragments.every((f) => g.text.includes(f)));
        assert.ok(match, `expected ${e.severity} ${e.rule} on line ${e.line} containing ${JSON.stringify(e.fragments)}; got:\n${JSON.stringify(got, null, 1)}`);
      }
      for (const g of got) assert.ok(exp.diagnostics.some((e) => e.line === g.line && e.rule === g.rule), `unexpected ${g.rule} on line ${g.line}:\n${g.text}`);
      for (const s of exp.shapes) {
        const facts = result.tensors.filter((t) => t.range.start >= program.snippetStart && lineIn(t.range.start) === s.line).map((t) => formatShape(t.shape));
        assert.ok(facts.includes(s.shape), `line ${s.line}: expected shape ${s.shape}, got ${JSON.stringify(facts)}`);
      }
      // A model a stub builds is placed at the user's call that built it: the model of a
      // `# params:` line is the one named after the variable that line assigns (Gluon blocks),
      // else the n-th model built from the snippet (Keras functional models keep their
      // container's name).
      const built = result.models.filter((m) => m.range.start >= program.snippetStart);
      const lines = snippet.split(/\r?\n/);
      exp.params.forEach((p, i) => {
        const variable = /^\s*(\w+)\s*=/.exec(lines[p.line - 1] ?? '')?.[1];
        const model = built.find((m) => m.name === variable) ?? built[i];
        assert.ok(model, `no model built for line ${p.line}`);
        assert.equal(model.totalParams, p.count, `params of the model built on line ${p.line}`);
      });
    });
  }
});
