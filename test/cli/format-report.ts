/**
 * The shared fixture report for format snapshots: hand-built diagnostics on
 * test/fixtures/cli/formats/model.py, covering fixes (safe and unsafe), related locations,
 * multi-line spans, explanation lines, a syntax error and messages that need escaping.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, SyntaxProblem } from '../../server/src/engine/index';
import { fileReport, type RunReport } from '../../server/src/cli/report';
import { FIXTURES } from './helpers';

export const FORMAT_FILE = path.join(FIXTURES, 'formats', 'model.py');

function at(text: string, needle: string, occurrence = 0): { start: number; end: number } {
  let i = -1;
  for (let k = 0; k <= occurrence; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`fixture lacks ${needle}`);
  return { start: i, end: i + needle.length };
}

export function formatDiagnostics(text: string): { diagnostics: Diagnostic[]; syntax: SyntaxProblem[] } {
  const pool = at(text, 'gluon.nn.MaxPool2D((2, 2))');
  const conv = at(text, 'gluon.nn.Conv2D(128, (3, 3))');
  const netx = at(text, 'net(x)');
  const noqa = at(text, '# noqa: SL003');
  const lineEnd = text.indexOf('\n', noqa.start);
  const diagnostics: Diagnostic[] = [
    {
      code: 'SL001',
      rule: 'kernel-exceeds-input',
      severity: 'error',
      message: 'kernel size (2) exceeds input (1 padded to 1)\nMXNet checks H first, then W.',
      explanation: ['Conv2D: (32, 80, 120, 3) → (32, 128, 118, 1)', 'MaxPool2D: W=1 < 2'],
      range: pool,
      related: [{ range: conv, message: 'W shrinks from 3 to 1 here' }],
      fixes: [
        { title: 'Pad the convolution: padding=(1, 1)', applicability: 'unsafe', edits: [{ range: { start: conv.end - 1, end: conv.end - 1 }, newText: ', padding=(1, 1)' }] },
      ],
      framework: 'gluon',
    },
    {
      code: 'SL005',
      rule: 'layout-mismatch',
      severity: 'warning',
      message: 'input looks channels-last: 100% sure, axis: C, H, W\r\nsecond line',
      explanation: [],
      range: { start: conv.start, end: pool.end },
      related: [],
      fixes: [],
    },
    {
      code: 'SL008',
      rule: 'invalid-argument',
      severity: 'info',
      message: 'called with x (N, 80, 120, 3)',
      explanation: [],
      range: { start: netx.start + 4, end: netx.start + 5 },
      related: [],
      fixes: [],
    },
    {
      code: 'SL100',
      rule: 'unused-suppression',
      severity: 'warning',
      message: 'Unused suppression (unused: SL003)',
      explanation: [],
      range: noqa,
      related: [],
      fixes: [{ title: 'Remove unused suppression', applicability: 'safe', edits: [{ range: { start: noqa.start - 2, end: lineEnd }, newText: '' }] }],
    },
  ];
  const nonAscii = at(text, 'é 𝒳');
  return { diagnostics, syntax: [{ range: { start: nonAscii.start + 2, end: nonAscii.end }, message: 'invalid syntax' }] };
}

/** The report every format snapshot renders; paths are relative to the repository root. */
export function formatReport(mode: 'safe' | 'unsafe' = 'safe'): RunReport {
  const text = readFileSync(FORMAT_FILE, 'utf8');
  const { diagnostics, syntax } = formatDiagnostics(text);
  const clean = fileReport('/project/clean.py', 'clean.py', 'x = 1\n', [], []);
  const file = fileReport('/project/sub dir/model é.py', 'sub dir/model é.py', text, diagnostics, syntax);
  return { files: [clean, file], fixMode: mode, fixed: 0 };
}
