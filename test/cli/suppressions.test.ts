/**
 * Suppression comments, data-driven: each case is a source, the lines (1-based) with a
 * diagnostic, and what must be left, suppressed and reported unused, plus the text after
 * applying the unused-suppression fix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/apply-fixes';
import { LineIndex, type Diagnostic, type RuleName } from '../../server/src/engine/index';
import { noqaEdit, parseSuppressions } from '../../server/src/engine/suppressions';
import { lintEngineResult } from '../../server/src/host/lint';

interface Case {
  name: string;
  source: string;
  /** `line:code` of the diagnostics the engine "found". */
  found: string[];
  kept: string[];
  unused?: string[];
  /** Text after applying every unused-suppression fix. */
  fixed?: string;
  ignore?: string[];
}

const CASES: Case[] = [
  { name: 'noqa with the code', source: 'a = 1  # noqa: SL001\n', found: ['1:SL001'], kept: [] },
  { name: 'noqa with a rule name', source: 'a = 1  # noqa: kernel-exceeds-input\n', found: ['1:SL001'], kept: [] },
  { name: 'noqa with another code keeps the diagnostic', source: 'a = 1  # noqa: SL002\n', found: ['1:SL001'], kept: ['1:SL001'], unused: ['1:SL100'], fixed: 'a = 1\n' },
  { name: 'bare noqa suppresses all, never reported unused', source: 'a = 1  # noqa\nb = 2  # noqa\n', found: ['1:SL001', '1:SL003'], kept: [] },
  { name: 'other tools\' codes are left alone', source: 'a = 1  # noqa: E501\n', found: ['1:SL001'], kept: ['1:SL001'] },
  { name: 'case-insensitive keyword', source: 'a = 1  # NOQA:SL001\n', found: ['1:SL001'], kept: [] },
  { name: 'only the line it is on', source: 'a = 1  # noqa: SL001\nb = 2\n', found: ['2:SL001'], kept: ['2:SL001'], unused: ['1:SL100'], fixed: 'a = 1\nb = 2\n' },
  { name: 'shapelint: ignore[name]', source: 'a = 1  # shapelint: ignore[channel-mismatch]\n', found: ['1:SL002'], kept: [] },
  { name: 'shapelint: ignore (all)', source: 'a = 1  # shapelint: ignore\n', found: ['1:SL002', '1:SL004'], kept: [] },
  { name: 'bare shapelint: ignore with nothing is unused', source: 'a = 1  # shapelint: ignore\n', found: [], kept: [], unused: ['1:SL100'], fixed: 'a = 1\n' },
  { name: 'ignore-file everything', source: '# shapelint: ignore-file\na = 1\nb = 2\n', found: ['2:SL001', '3:SL002'], kept: [] },
  { name: 'ignore-file one rule', source: '# shapelint: ignore-file[SL002]\na = 1\nb = 2\n', found: ['2:SL001', '3:SL002'], kept: ['2:SL001'] },
  { name: 'unused ignore-file line is deleted whole', source: 'import x\n# shapelint: ignore-file[SL006]\na = 1\n', found: [], kept: [], unused: ['2:SL100'], fixed: 'import x\na = 1\n' },
  { name: 'partly used list keeps the used code', source: 'a = 1  # noqa: SL001, SL003\n', found: ['1:SL001'], kept: [], unused: ['1:SL100'], fixed: 'a = 1  # noqa: SL001\n' },
  { name: 'shapelint list rewritten in its own style', source: 'a = 1  # shapelint: ignore[SL001, SL003]\n', found: ['1:SL003'], kept: [], unused: ['1:SL100'], fixed: 'a = 1  # shapelint: ignore[SL003]\n' },
  { name: 'other comment text survives', source: 'a = 1  # type: ignore  # noqa: SL004\n', found: [], kept: [], unused: ['1:SL100'], fixed: 'a = 1  # type: ignore\n' },
  { name: 'directive before other text', source: 'a = 1  # noqa: SL004  # why\n', found: [], kept: [], unused: ['1:SL100'], fixed: 'a = 1  # why\n' },
  { name: 'disabled rule is not reported unused', source: 'a = 1  # noqa: SL004\n', found: [], kept: [], ignore: ['SL004'] },
  { name: 'CRLF line endings', source: 'a = 1  # noqa: SL004\r\nb = 2\r\n', found: [], kept: [], unused: ['1:SL100'], fixed: 'a = 1\r\nb = 2\r\n' },
];

const RULE_NAMES: Record<string, RuleName> = { SL001: 'kernel-exceeds-input', SL002: 'channel-mismatch', SL003: 'features-mismatch', SL004: 'rank-mismatch' };

function diag(text: string, spec: string): Diagnostic {
  const [line, code] = spec.split(':');
  const index = new LineIndex(text);
  const start = index.lineStart(Number(line) - 1);
  return { code, rule: RULE_NAMES[code], severity: 'error', message: 'm', explanation: [], range: { start, end: start + 1 }, related: [], fixes: [] };
}

function specs(text: string, ds: Diagnostic[]): string[] {
  const index = new LineIndex(text);
  return ds.map((d) => `${index.toCli(d.range.start).row}:${d.code}`);
}

describe('suppressions', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const engineResult = {
        diagnostics: c.found.map((f) => diag(c.source, f)),
        models: [],
        tensors: [],
        syntaxErrors: [],
        truncated: false,
        comments: commentsOf(c.source),
      };
      const r = lintEngineResult(engineResult, c.source, { ignore: c.ignore });
      const unused = r.diagnostics.filter((d) => d.code === 'SL100');
      assert.deepEqual(specs(c.source, r.diagnostics.filter((d) => d.code !== 'SL100')), c.kept);
      assert.deepEqual(specs(c.source, unused), c.unused ?? []);
      if (c.fixed !== undefined) {
        const fixed = applyEdits(c.source, unused.flatMap((d) => d.fixes[0].edits));
        assert.equal(fixed, c.fixed);
        assert.equal(unused[0].fixes[0].applicability, 'safe');
      }
    });
  }
  it('--add-noqa edits append or merge', () => {
    const text = 'a = 1\nb = 2  # noqa: SL001\n';
    const dirs = parseSuppressions(commentsOf(text), text);
    assert.equal(applyEdits(text, [noqaEdit(text, 0, ['SL002'], dirs)!]), 'a = 1  # noqa: SL002\nb = 2  # noqa: SL001\n');
    assert.equal(applyEdits(text, [noqaEdit(text, 1, ['SL003', 'SL001'], dirs)!]), 'a = 1\nb = 2  # noqa: SL001, SL003\n');
    assert.equal(noqaEdit(text, 1, ['SL001'], dirs), null);
  });
});

/** Comments as the engine reports them: `#` to the end of the line, outside strings (good enough here). */
function commentsOf(text: string): { range: { start: number; end: number }; text: string }[] {
  return [...text.matchAll(/#[^\r\n]*/g)].map((m) => ({ range: { start: m.index!, end: m.index! + m[0].length }, text: m[0] }));
}
