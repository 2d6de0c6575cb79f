/** `gitlab`: the Code Quality report (a JSON array of issues). */
import { fileSpan, firstLine, whereLabel, type RunReport } from '../report';
import { fingerprints } from './fingerprint';

const SEVERITY = { error: 'major', warning: 'minor', info: 'info' } as const;

export function renderGitlab(report: RunReport): string {
  const issues = report.files.flatMap((file) => {
    const prints = fingerprints(file);
    return file.findings.map((f) => {
      const span = fileSpan(file, f.range);
      const where = file.cells ? `${whereLabel(file, f.range.start)}: ` : '';
      const positions =
        span.startColumn === undefined
          ? { lines: { begin: span.startLine, end: span.endLine } }
          : { positions: { begin: { line: span.startLine, column: span.startColumn }, end: { line: span.endLine, column: span.endColumn } } };
      return {
        description: `${where}${f.code ? `${f.code} ${firstLine(f.message)}` : firstLine(f.message)}`,
        check_name: f.code ? `${f.code} ${f.rule}` : 'syntax-error',
        fingerprint: prints.get(f),
        severity: SEVERITY[f.severity],
        location: { path: file.display, ...positions },
      };
    });
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
