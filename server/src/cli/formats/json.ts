/** `json` and `json-lines`: Ruff's JSON shape, plus the rule `name` and `severity`. */
import { ruleUrl, findRule } from '../../engine/index';
import { locate, relatedSource, shownFix, type FileReport, type Finding, type RunReport, type SourceRef } from '../report';

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
  // In a notebook, rows count from the first line of the cell `cell` (Ruff's layout).
  const at = (offset: number, src: SourceRef = file): JsonLocation => {
    const { row, column } = locate(src, offset);
    return { row, column };
  };
  return {
    cell: locate(file, f.range.start).cell,
    code: f.code,
    name: f.rule,
    severity: f.severity,
    message: f.message,
    explanation: f.explanation,
    filename: file.path,
    location: at(f.range.start),
    end_location: at(f.range.end),
    related: f.related.map((r) => {
      const src = relatedSource(file, r);
      const where = (offset: number) => at(offset, src);
      return { message: r.message, filename: src.path, ...(src.cells ? { cell: locate(src, r.range.start).cell } : {}), location: where(r.range.start), end_location: where(r.range.end) };
    }),
    fix: fix && {
      applicability: fix.applicability,
      message: fix.title,
      edits: fix.edits.map((e) => ({ content: e.newText, location: at(e.range.start), end_location: at(e.range.end) })),
    },
    noqa_row: f.code ? at(f.range.start).row : null,
    url: rule ? ruleUrl(rule) : null,
  };
}
