/** The fix pipeline's guards: edits, fix choice, verification and per-file internal errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, applyFixes, chooseFix } from '../../server/src/engine/apply-fixes';
import type { Diagnostic, PythonParser } from '../../server/src/engine/index';
import { acceptable } from '../../server/src/host/fix-loop';
import type { LintResult } from '../../server/src/host/lint';
import { runJob } from '../../server/src/host/lint-job';

const d = (start: number, fixes: Diagnostic['fixes'], code = 'SL001', message = 'm'): Diagnostic => ({
  code, rule: 'kernel-exceeds-input', severity: 'error', message, explanation: [], range: { start, end: start + 1 }, related: [], fixes,
});
const edit = (start: number, end: number, newText: string) => ({ range: { start, end }, newText });

describe('apply-fixes', () => {
  it('applies edits in position order and rejects overlaps', () => {
    assert.equal(applyEdits('abcdef', [edit(4, 5, 'E'), edit(0, 1, 'A')]), 'AbcdEf');
    assert.throws(() => applyEdits('abcdef', [edit(0, 3, 'x'), edit(2, 4, 'y')]), /overlapping/);
  });
  it('chooses the best fix the mode allows', () => {
    const diag = d(0, [{ title: 'unsafe', applicability: 'unsafe', edits: [edit(0, 1, 'u')] }, { title: 'safe', applicability: 'safe', edits: [edit(0, 1, 's')] }]);
    assert.equal(chooseFix(diag, 'safe')?.title, 'safe');
    assert.equal(chooseFix(diag, 'unsafe')?.title, 'unsafe');
  });
  it('defers a fix that overlaps an earlier one (and two insertions at one point)', () => {
    const a = d(0, [{ title: 'a', applicability: 'safe', edits: [edit(0, 2, 'A')] }]);
    const b = d(1, [{ title: 'b', applicability: 'safe', edits: [edit(1, 3, 'B')] }]);
    const c = d(5, [{ title: 'c', applicability: 'safe', edits: [edit(5, 5, 'C')] }]);
    const c2 = d(5, [{ title: 'c2', applicability: 'safe', edits: [edit(5, 5, 'D')] }]);
    const r = applyFixes('abcdefg', [b, a, c, c2], 'safe');
    assert.equal(r.text, 'AcdeCfg');
    assert.deepEqual(r.deferred.map((x) => x.fixes[0].title), ['b', 'c2']);
  });
});

describe('fix verification', () => {
  const result = (diagnostics: Diagnostic[], syntaxErrors = 0, internalError?: string): LintResult => ({
    diagnostics,
    suppressed: [],
    directives: [],
    engine: { diagnostics, models: [], tensors: [], comments: [], truncated: false, syntaxErrors: Array.from({ length: syntaxErrors }, () => ({ range: { start: 0, end: 1 }, message: 'x' })), internalError },
  });
  it('accepts fewer errors, rejects a new syntax error, a new shape error or an internal failure', () => {
    const before = result([d(0, []), d(5, [], 'SL003')]);
    assert.ok(acceptable(before, result([d(9, [])])));
    assert.ok(acceptable(before, result([d(0, []), d(3, [], 'SL100')])), 'a newly unused suppression is fine');
    assert.equal(acceptable(before, result([d(0, [])], 1)), false);
    assert.equal(acceptable(before, result([d(0, []), d(7, [], 'SL002')])), false);
    assert.equal(acceptable(before, result([d(0, []), d(1, []), d(2, [], 'SL003')])), false, 'one more of the same');
    assert.equal(acceptable(before, result([], 0, 'boom')), false);
  });
});

describe('internal errors', () => {
  it('a parser that throws gives a per-file internalError, not an exception', () => {
    const parser: PythonParser = { backend: 'wasm', parse: () => { throw new Error('parser exploded'); }, dispose: () => undefined };
    const r = runJob(parser, { id: 3, text: 'x = 1\n', settings: {}, fix: null });
    assert.equal(r.id, 3);
    assert.match(r.internalError ?? '', /parser exploded/);
    const fixing = runJob(parser, { id: 4, text: 'x = 1\n', settings: {}, fix: 'safe' });
    assert.match(fixing.internalError ?? '', /parser exploded/);
  });
});
