/**
 * `github`: workflow commands that become annotations. Escaping follows GitHub's toolkit
 * (`@actions/core`): data escapes `%`, CR and LF; properties additionally `:` and `,`.
 */
import { fileSpan, firstLine, printable, relatedLines, whereLabel, type RunReport } from '../report';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const LEVEL = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function renderGithub(report: RunReport): string {
  let out = '';
  for (const file of report.files) {
    // GitHub's escaping covers line breaks only; an ANSI escape in a name would still colour the log.
    const name = printable(file.display);
    for (const f of file.findings) {
      // A notebook's annotation points at the notebook's line; its body names the cell.
      const span = fileSpan(file, f.range);
      const oneLine = span.startLine === span.endLine && span.startColumn !== undefined;
      const props: [string, string | number][] = [
        ['title', f.code ? `shapelint (${f.code})` : 'shapelint (syntax error)'],
        ['file', name],
        ['line', span.startLine],
      ];
      // GitHub rejects col/endColumn on annotations spanning several lines.
      if (oneLine) props.push(['col', span.startColumn!]);
      props.push(['endLine', span.endLine]);
      if (oneLine) props.push(['endColumn', span.endColumn!]);
      const body = [`${whereLabel(file, f.range.start)}: ${f.code ? `${f.code} ` : ''}${firstLine(f.message)}`, ...f.message.split(/\r?\n/).slice(1), ...f.explanation, ...relatedLines(file, f)].join('\n');
      out += `::${LEVEL[f.severity]} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(body)}\n`;
    }
  }
  return out;
}
