/**
 * A project's findings per file. Each checked file is analysed as an entry; a diagnostic it
 * finds in a module it imports (`Diagnostic.file`) is reported in that module's file, once
 * however many entries reach it, and its related places name their own files. A module that was
 * not among the checked files still gets its findings: they come from a checked file's code.
 */
import type { CellMap, Diagnostic } from '../engine/index';
import { display } from '../host/config';
import type { LintJobResult } from '../host/lint-job';
import { readSource } from '../host/source-file';
import type { CheckItem } from './check';
import { fileReport, sourceRef, type FileReport, type SourceRef } from './report';

interface Collected {
  display: string;
  text: string;
  diagnostics: Diagnostic[];
  keys: Set<string>;
  syntaxErrors: LintJobResult['syntaxErrors'];
}

/**
 * `importers` are unchecked files analysed because they import a checked one: only their
 * findings located in a checked file are reported.
 */
export function projectReports(
  items: CheckItem[],
  results: LintJobResult[],
  texts: string[],
  cwd: string,
  importers?: { items: CheckItem[]; results: LintJobResult[] },
  /** Per checked item: its notebook's cells, for cell locations. */
  cells: (CellMap | undefined)[] = [],
): FileReport[] {
  const cellsOf = new Map(items.map((item, i) => [item.abs, cells[i]]));
  const files = new Map<string, Collected>();
  items.forEach((item, i) => files.set(item.abs, { display: item.display, text: texts[i], diagnostics: [], keys: new Set(), syntaxErrors: results[i].syntaxErrors }));
  const target = (abs: string): Collected | null => {
    let c = files.get(abs);
    if (c === undefined) {
      const src = readSource(abs);
      if (src.kind !== 'text') return null;
      c = { display: display(abs, cwd), text: src.text, diagnostics: [], keys: new Set(), syntaxErrors: [] };
      files.set(abs, c);
    }
    return c;
  };
  const checked = new Set(items.map((i) => i.abs));
  const runs = [...items.map((item, i) => ({ item, result: results[i], checked: true })), ...(importers?.items ?? []).map((item, i) => ({ item, result: importers!.results[i], checked: false }))];
  for (const { item, result, checked: isChecked } of runs) {
    for (const d of result.diagnostics) {
      const where = d.file ?? item.abs;
      if (!isChecked && !checked.has(where)) continue;
      const c = target(where);
      if (!c) continue;
      const key = `${d.code}:${d.range.start}:${d.range.end}:${d.message}`;
      if (c.keys.has(key)) continue;
      c.keys.add(key);
      c.diagnostics.push(inFile(d, where, item.abs));
      // Related places in further files need those files' text for their positions.
      for (const r of d.related) target(r.file ?? item.abs);
    }
  }
  const sources = new Map<string, SourceRef>();
  for (const [abs, c] of files) {
    const cellsHere = cellsOf.get(abs);
    sources.set(abs, sourceRef(abs, c.display, c.text, cellsHere));
  }
  const imported = [...files.keys()].filter((abs) => !checked.has(abs) && files.get(abs)!.diagnostics.length > 0);
  const reports = [...items.map((item) => item.abs), ...imported].map((abs) => {
    const c = files.get(abs)!;
    const report = fileReport(abs, c.display, c.text, c.diagnostics, c.syntaxErrors, cellsOf.get(abs));
    report.sources = sources;
    return report;
  });
  return reports;
}

/** `d` as seen from file `where`: every related place names its file when it is another one. */
function inFile(d: Diagnostic, where: string, entry: string): Diagnostic {
  const related = d.related.map((r) => {
    const file = r.file ?? entry;
    const { file: _drop, ...rest } = r;
    return file === where ? rest : { ...rest, file };
  });
  const { file: _file, ...rest } = d;
  // A fix edits the file whose analysis found it; one found from another file's run is not applied.
  return where === entry ? { ...rest, related } : { ...rest, related, fixes: [] };
}
