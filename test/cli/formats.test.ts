/** Every output format rendered on the shared fixture report, plus format-specific contracts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OUTPUT_FORMATS, render } from '../../server/src/cli/formats/index';
import { escapeData, escapeProperty, renderGithub } from '../../server/src/cli/formats/github';
import { renderGitlab } from '../../server/src/cli/formats/gitlab';
import { fileReport } from '../../server/src/cli/report';
import { formatReport } from './format-report';
import { matchSnapshot } from './helpers';
import { sarifValidator } from '../helpers/sarif-schema';

describe('output formats on the shared fixture', () => {
  for (const format of OUTPUT_FORMATS) {
    it(`${format} matches its snapshot`, () => {
      matchSnapshot(`${format}.txt`, render(format, formatReport(), '0.0.0-test'));
    });
  }
  it('full with --unsafe-fixes marks the unsafe fix applicable', () => {
    const out = render('full', formatReport('unsafe'), '0.0.0-test');
    assert.match(out, /SL001 \[\*\] kernel size/);
    assert.match(out, /\[\*\] 2 fixable with --fix --unsafe-fixes\./);
    matchSnapshot('full-unsafe.txt', out);
  });
  it('machine formats carry no footer', () => {
    for (const f of OUTPUT_FORMATS.filter((x) => x !== 'full' && x !== 'concise')) {
      assert.doesNotMatch(render(f, formatReport(), '0'), /Found \d+ error|fixable with/, f);
    }
  });
  it('json follows Ruff\'s shape and parses', () => {
    const items = JSON.parse(render('json', formatReport(), '0')) as Record<string, unknown>[];
    const sl001 = items.find((i) => i.code === 'SL001')!;
    assert.deepEqual(Object.keys(sl001).sort(), ['cell', 'code', 'end_location', 'explanation', 'filename', 'fix', 'location', 'message', 'name', 'noqa_row', 'related', 'severity', 'url'].sort());
    assert.deepEqual(sl001.location, { row: 6, column: 9 });
    assert.equal((sl001.fix as { applicability: string }).applicability, 'unsafe');
    const syntax = items.find((i) => i.code === null)!;
    assert.equal(syntax.name, 'syntax-error');
    // Columns count code points: `𝒳` (two UTF-16 units) is one column.
    assert.deepEqual([syntax.location, syntax.end_location], [{ row: 7, column: 37 }, { row: 7, column: 38 }]);
    const lines = render('json-lines', formatReport(), '0').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines, items);
  });
});

describe('sarif', () => {
  const validate = sarifValidator();
  it('validates against the SARIF 2.1.0 schema', () => {
    const doc = JSON.parse(render('sarif', formatReport(), '0.1.0'));
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  });
  it('the validator rejects a broken document (the check can fail)', () => {
    const doc = JSON.parse(render('sarif', formatReport(), '0.1.0'));
    doc.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    assert.equal(validate(doc), false);
  });
  it('describes only the rules that fired, with docs and help URIs, and indexes them', () => {
    const run = JSON.parse(render('sarif', formatReport(), '0.1.0')).runs[0];
    assert.deepEqual(run.tool.driver.rules.map((r: { id: string }) => r.id), ['SL001', 'SL005', 'SL008', 'SL100']);
    for (const r of run.tool.driver.rules) {
      assert.ok(r.fullDescription.text.length > 20 && r.help.markdown.includes('## Why is this bad?') && r.helpUri.endsWith(r.name));
    }
    for (const res of run.results) {
      if (res.ruleIndex !== undefined) assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
      assert.ok(res.partialFingerprints['shapelint/v1']);
    }
    const sl001 = run.results.find((r: { ruleId: string }) => r.ruleId === 'SL001');
    assert.equal(sl001.fixes[0].artifactChanges[0].artifactLocation.uri, 'sub%20dir/model%20%C3%A9.py');
    assert.deepEqual(sl001.locations[0].physicalLocation.region, { startLine: 6, startColumn: 9, endLine: 6, endColumn: 35 });
  });
  it('validates an empty run', () => {
    assert.ok(validate(JSON.parse(render('sarif', { files: [], fixMode: 'safe', fixed: 0 }, '0.1.0'))));
  });
});

describe('github', () => {
  it('escapes data and properties exactly as the Actions toolkit', () => {
    assert.equal(escapeData('100% a:b,c\r\nd'), '100%25 a:b,c%0D%0Ad');
    assert.equal(escapeProperty('100% a:b,c\r\nd'), '100%25 a%3Ab%2Cc%0D%0Ad');
  });
  it('renders %, :, , and newlines escaped; drops col/endColumn on multi-line spans', () => {
    const lines = renderGithub(formatReport()).trimEnd().split('\n');
    assert.equal(lines.length, 5, 'one line per finding, newlines escaped');
    const multi = lines.find((l) => l.includes('SL005'))!;
    assert.match(multi, /^::warning title=shapelint \(SL005\),file=sub dir\/model é\.py,line=5,endLine=6::/);
    assert.doesNotMatch(multi, /col=/);
    assert.match(multi, /100%25 sure, axis: C, H, W%0Asecond line$/);
    const single = lines.find((l) => l.includes('(SL001)'))!;
    assert.match(single, /^::error title=shapelint \(SL001\),file=sub dir\/model é\.py,line=6,col=9,endLine=6,endColumn=35::/);
    assert.ok(lines.some((l) => l.startsWith('::notice ')));
  });
  it('escapes `:` and `,` in file names', () => {
    const out = renderGithub({ files: [fileReport('/a/b:c,d.py', 'b:c,d.py', 'x\n', [{ code: 'SL001', rule: 'kernel-exceeds-input', severity: 'error', message: 'm', explanation: [], range: { start: 0, end: 1 }, related: [], fixes: [] }], [])], fixMode: 'safe', fixed: 0 });
    assert.match(out, /file=b%3Ac%2Cd\.py,/);
  });
});

describe('gitlab', () => {
  it('has the Code Quality fields', () => {
    const issues = JSON.parse(renderGitlab(formatReport())) as Record<string, any>[];
    assert.equal(issues.length, 5);
    for (const i of issues) {
      assert.deepEqual(Object.keys(i).sort(), ['check_name', 'description', 'fingerprint', 'location', 'severity']);
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(i.severity));
      assert.equal(i.location.path, 'sub dir/model é.py');
      assert.ok(i.location.positions.begin.line >= 1 && i.location.positions.begin.column >= 1);
    }
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
  });
  it('keeps fingerprints when lines move, changes them when the finding changes', () => {
    const text = 'import x\nnet(a)\nnet(a)\n';
    const diag = (start: number) => ({ code: 'SL003', rule: 'features-mismatch' as const, severity: 'error' as const, message: 'bad', explanation: [], range: { start, end: start + 6 }, related: [], fixes: [] });
    const prints = (t: string, msg = 'bad') => {
      const starts = [...t.matchAll(/net\(a\)/g)].map((m) => m.index!);
      const r = fileReport('/p/f.py', 'f.py', t, starts.map((s) => ({ ...diag(s), message: msg })), []);
      return (JSON.parse(renderGitlab({ files: [r], fixMode: 'safe', fixed: 0 })) as { fingerprint: string }[]).map((i) => i.fingerprint);
    };
    const before = prints(text);
    assert.deepEqual(prints(`# moved\n\n${text}`), before);
    assert.notEqual(before[0], before[1], 'identical findings get distinct fingerprints');
    assert.notDeepEqual(prints(text, 'other'), before);
  });
});
