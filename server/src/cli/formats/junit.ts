/** `junit`: one test suite per file, one failing test case per finding (Ruff's layout). */
import { fileSpan, firstLine, locate, printable, relatedLines, type RunReport } from '../report';

export function escapeXml(s: string): string {
  // XML 1.0 cannot carry most control characters at all, even escaped.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function renderJunit(report: RunReport): string {
  const total = report.files.reduce((n, f) => n + f.findings.length, 0);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="shapelint" tests="${total || 1}" failures="${total}" errors="0">`];
  if (total === 0) {
    lines.push('  <testsuite name="shapelint" tests="1" failures="0" errors="0">', '    <testcase name="No errors found" classname="shapelint"/>', '  </testsuite>');
  }
  for (const file of report.files) {
    if (file.findings.length === 0) continue;
    const name = escapeXml(printable(file.display));
    lines.push(`  <testsuite name="${name}" tests="${file.findings.length}" failures="${file.findings.length}" errors="0">`);
    for (const f of file.findings) {
      const at = locate(file, f.range.start);
      const caseName = escapeXml(`org.shapelint.${f.code ?? 'SyntaxError'}`);
      const cell = at.cell === null ? '' : `cell ${at.cell}, `;
      const body = escapeXml([`${cell}line ${at.row}, col ${at.column}, ${f.message}`, ...f.explanation, ...relatedLines(file, f)].join('\n'));
      const span = fileSpan(file, f.range);
      const column = span.startColumn === undefined ? '' : ` column="${span.startColumn}"`;
      lines.push(
        `    <testcase name="${caseName}" classname="${name}" file="${name}" line="${span.startLine}"${column}>`,
        `      <failure message="${escapeXml(firstLine(f.message))}">${body}</failure>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
