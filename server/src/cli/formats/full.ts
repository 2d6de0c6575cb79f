/**
 * The human formats: `full` (Ruff's layout: header, location, code frame, notes, related
 * locations, help with the fix title and its diff) and `concise` (one line per finding).
 */
import { editPreview, frame } from '../code-frame';
import { palette, type Palette } from '../terminal';
import { applicableFix, firstLine, isProblem, relatedSource, shownFix, whereLabel, type FileReport, type Finding, type RunReport } from '../report';

export function renderFull(report: RunReport): string {
  const blocks: string[] = [];
  const pal = palette(!!report.color);
  for (const file of report.files) for (const f of file.findings) blocks.push(fullFinding(file, f, report, pal).join('\n'));
  return blocks.map((b) => `${b}\n\n`).join('') + footer(report);
}

export function renderConcise(report: RunReport): string {
  const lines: string[] = [];
  const pal = palette(!!report.color);
  for (const file of report.files) {
    for (const f of file.findings) {
      const mark = applicableFix(f, report.fixMode) ? ` ${pal.fixable('[*]')}` : '';
      const head = f.code ? `${pal.code(f.code)}${mark} ` : '';
      lines.push(`${pal.location(whereLabel(file, f.range.start))}: ${head}${firstLine(f.message)}`);
    }
  }
  return lines.map((l) => `${l}\n`).join('') + footer(report);
}

function fullFinding(file: FileReport, f: Finding, report: RunReport, pal: Palette): string[] {
  const mark = applicableFix(f, report.fixMode) ? ` ${pal.fixable('[*]')}` : '';
  const [head, ...rest] = f.message.split(/\r?\n/);
  const out = [f.code ? `${pal.code(f.code)}${mark} ${pal.note(head)}` : pal.note(head)];
  const view = { cells: file.cells, pal };
  out.push(...frame(file.index, f.range, f.code ? f.rule : '', whereLabel(file, f.range.start), view));
  for (const note of [...rest, ...f.explanation]) out.push(`  ${pal.gutter('=')} ${pal.note('note')}: ${note}`);
  for (const r of f.related) {
    const src = relatedSource(file, r);
    out.push(`${pal.note('info')}: ${r.message}`, ...frame(src.index, r.range, '', whereLabel(src, r.range.start), { cells: src.cells, pal }));
  }
  const fix = shownFix(f, report.fixMode);
  if (fix) out.push(...fixHelp(file, fix, applicableFix(f, report.fixMode) !== null, pal));
  return out;
}

function fixHelp(file: FileReport, fix: NonNullable<ReturnType<typeof shownFix>>, applicable: boolean, pal: Palette): string[] {
  const note = fix.applicability === 'unsafe' ? (applicable ? ' (unsafe fix)' : ' (unsafe fix: enable with --unsafe-fixes)') : '';
  const out = [`${pal.help('help')}: ${fix.title}${note}`];
  try {
    out.push(...editPreview(file.index, file.text, fix.edits, { cells: file.cells, pal }).map((l) => `  ${l}`));
  } catch {
    /* overlapping edits: the title alone still helps */
  }
  return out;
}

/** Ruff's footer; machine formats never print it. */
export function footer(report: RunReport): string {
  if (report.quiet) return '';
  const all = report.files.flatMap((f) => f.findings.filter(isProblem));
  const remaining = all.length;
  const notes = report.files.reduce((n, f) => n + f.findings.filter((x) => x.rule === 'analysis-incomplete').length, 0);
  const noted = notes ? `${plural(notes, 'note')}: the analysis was incomplete (see above).\n` : '';
  const fixable = all.filter((f) => applicableFix(f, report.fixMode)).length;
  const hidden = report.fixMode === 'safe' ? all.filter((f) => !applicableFix(f, 'safe') && applicableFix(f, 'unsafe')).length : 0;
  const unwritten = report.unwritten ? `${plural(report.unwritten, 'file')} could not be fixed (see the errors above).\n` : '';
  if (remaining === 0) {
    if (unwritten) return unwritten + noted;
    return (report.fixed > 0 ? `Found ${plural(report.fixed, 'error')} (${report.fixed} fixed, 0 remaining).\n` : 'All checks passed!\n') + noted;
  }
  const total = remaining + report.fixed;
  let out = report.fixed > 0 ? `Found ${plural(total, 'error')} (${report.fixed} fixed, ${remaining} remaining).\n` : `Found ${plural(remaining, 'error')}.\n`;
  if (fixable > 0) out += `[*] ${fixable} fixable with --fix${report.fixMode === 'unsafe' ? ' --unsafe-fixes' : ''}.\n`;
  if (hidden > 0) out += `(${plural(hidden, 'hidden fix', 'hidden fixes')} can be enabled with --unsafe-fixes.)\n`;
  return out + unwritten + noted;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
