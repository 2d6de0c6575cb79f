/**
 * `--statistics`: one line per rule with its count, most frequent first (Ruff's layout:
 * count, code and name separated by tabs, `[*]` when every finding of the rule is fixable,
 * `[~]` when some are, `[ ]` when none are, the marks shown only when something is fixable).
 * With `--output-format json`, the same as a JSON array.
 */
import { applicableFix, isProblem, type RunReport } from './report';
import { footer } from './formats/full';

interface RuleCount {
  code: string;
  name: string;
  count: number;
  fixable_count: number;
}

function counts(report: RunReport): RuleCount[] {
  const byCode = new Map<string, RuleCount>();
  for (const file of report.files) {
    for (const f of file.findings.filter(isProblem)) {
      const code = f.code ?? 'syntax-error';
      const c = byCode.get(code) ?? { code, name: f.rule, count: 0, fixable_count: 0 };
      c.count++;
      if (applicableFix(f, report.fixMode)) c.fixable_count++;
      byCode.set(code, c);
    }
  }
  return [...byCode.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
}

export function renderStatistics(report: RunReport, json: boolean): string {
  const rows = counts(report);
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  const countWidth = Math.max(0, ...rows.map((r) => String(r.count).length));
  const codeWidth = Math.max(0, ...rows.map((r) => r.code.length));
  const anyFixable = rows.some((r) => r.fixable_count > 0);
  const mark = (r: RuleCount) => (!anyFixable ? '' : r.fixable_count === r.count ? '[*] ' : r.fixable_count > 0 ? '[~] ' : '[ ] ');
  const lines = rows.map((r) => `${String(r.count).padStart(countWidth)}\t${r.code.padEnd(codeWidth)}\t${mark(r)}${r.name}\n`);
  return lines.join('') + footer(report);
}
