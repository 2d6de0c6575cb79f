/** `gitlab`: the Code Quality report (a JSON array of issues). */
import { firstLine, type RunReport } from '../report';
import { fingerprints } from './fingerprint';

const SEVERITY = { error: 'major', warning: 'minor', info: 'info' } as const;

export function renderGitlab(report: RunReport): string {
  const issues = report.files.flatMap((file) => {
    const prints = fingerprints(file);
    return file.findings.map((f) => {
      const start = file.index.toCli(f.range.start);
      const end = file.index.toCli(f.range.end);
      return {
        description: f.code ? `${f.code} ${firstLine(f.message)}` : firstLine(f.message),
        check_name: f.code ? `${f.code} ${f.rule}` : 'syntax-error',
        fingerprint: prints.get(f),
        severity: SEVERITY[f.severity],
        location: {
          path: file.display,
          positions: { begin: { line: start.row, column: start.column }, end: { line: end.row, column: end.column } },
        },
      };
    });
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
