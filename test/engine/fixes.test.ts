/**
 * Every fix the engine offers on the fixtures and examples, applied on its own: the result
 * re-parses without new syntax errors, the diagnostic it fixes is gone, no new error appears,
 * and applying fixes again converges (a second pass changes nothing).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/apply-fixes';
import { isSafeLiteral } from '../../server/src/engine/interp/fixes';
import { fixText } from '../../server/src/host/fix-loop';
import { analyze, lineOf, parser } from '../helpers/engine';
import { parseExpectations } from '../helpers/expectations';
import { pythonFiles } from '../helpers/corpus';
import { EXAMPLES, FIXTURES } from '../helpers/paths';

const files = [...pythonFiles(EXAMPLES), ...pythonFiles(path.join(FIXTURES, 'engine'))];

describe('every offered fix', () => {
  let checked = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const options = file.includes('channels_first') ? { kerasDataFormat: 'channels_first' as const } : parseExpectations(text).options;
    it(path.relative(path.dirname(EXAMPLES), file), async () => {
      const before = await analyze(text, options);
      for (const d of before.diagnostics) {
        for (const fix of d.fixes) {
          const fixed = applyEdits(text, fix.edits);
          const after = await analyze(fixed, options);
          const where = `${fix.title} (line ${lineOf(text, d.range.start)})`;
          assert.ok(after.syntaxErrors.length <= before.syntaxErrors.length, `${where} introduces a syntax error`);
          assert.ok(!after.diagnostics.some((a) => a.rule === d.rule && a.message === d.message), `${where} leaves the diagnostic`);
          assert.ok(after.diagnostics.length < before.diagnostics.length, `${where} does not reduce the errors`);
          checked++;
        }
      }
      const once = fixText(await parser(), text, options, 'unsafe');
      const twice = fixText(await parser(), once.text, options, 'unsafe');
      assert.equal(twice.text, once.text, 'a second fix pass changes nothing');
    });
  }
  it('checked some fixes', () => assert.ok(checked > 0, 'no fix was exercised'));
});

describe('fix values', () => {
  it('are finite sizes or short quoted names, never values a framework rejects', () => {
    for (const ok of ['10', '(1, 1)', '(3,)', "'same'", "'channels_first'"]) assert.ok(isSafeLiteral(ok), ok);
    for (const bad of ['Infinity', 'NaN', '-1', '(1, -1)', '2.5', '(Infinity, 3)', 'null', "'a b'"]) assert.ok(!isSafeLiteral(bad), bad);
  });
});
