/** `json` and `json-lines`: Ruff's JSON shape, plus the rule `name` and `severity`. */
import { ruleUrl, findRule } from '../../engine/index';
import { relatedSource, shownFix, type FileReport, type Finding, type RunReport } from '../report';

export interface JsonLocation {
  row: number;
  column: number;
}

export function jsonMessages(report: RunReport): object[] {
  return report.files.flatMap((file) => file.findings.map((f) => jsonMessage(file, f, report)));
}

export function renderJson(report: RunReport): string {
  return `${JSON.stringify(jsonMessages(report), null, 2)}\n`;
}

export function renderJsonLines(report: RunReport): string {
  return jsonMessages(report).map((m) => `${JSON.stringify(m)}\n`).join('');
}

function jsonMessage(file: FileReport, f: Finding, report: RunReport): object {
  const fix = shownFix(f, report.fixMode);
  const rule = f.code ? findRule(f.code) : undefined;
  return {
    cell: null,
    code: f.code,
    name: f.rule,
    severity: f.severity,
    message: f.message,
    explanation: f.explanation,
    filename: file.path,
    location: file.index.toCli(f.range.start),
    end_location: file.index.toCli(f.range.end),
    related: f.related.map((r) => {
      const at = relatedSource(file, r);
      return { message: r.message, filename: at.path, location: at.index.toCli(r.range.start), end_location: at.index.toCli(r.range.end) };
    }),
    fix: fix && {
      applicability: fix.applicability,
      message: fix.title,
      edits: fix.edits.map((e) => ({ content: e.newText, location: file.index.toCli(e.range.start), end_location: file.index.toCli(e.range.end) })),
    },
    noqa_row: f.code ? file.index.toCli(f.range.start).row : null,
    url: rule ? ruleUrl(rule) : null,
  };
}
