/**
 * A checked file's text on the way in and out: a Python file is its own program; a notebook
 * (`.ipynb`) is read as the program of its code cells (engine/notebook.ts), and a changed
 * program is written back into the notebook's JSON, through the same safe write.
 */
import { notebookWithProgram, readNotebook, type Notebook } from '../engine/index';
import { writeSourceSafely, type WriteOutcome } from '../host/source-file';
import { unifiedDiff } from './text-diff';
import { printable } from './report';

export function isNotebookPath(file: string): boolean {
  return /\.ipynb$/i.test(file);
}

/** The program to analyse in a file's text, or why a notebook cannot be read. */
export function programOf(file: string, text: string): { program: string; notebook?: Notebook } | { error: string } {
  if (!isNotebookPath(file)) return { program: text };
  const read = readNotebook(text);
  return read.ok ? { program: read.notebook.program, notebook: read.notebook } : { error: read.error };
}

export interface TextItem {
  abs: string;
  display: string;
  /** The analysed program (a notebook's code cells). */
  text: string;
  bom: boolean;
  notebook?: Notebook;
}

/** Writes `program` (the item's text, changed) back to its file. */
export function writeProgram(item: TextItem, program: string): WriteOutcome {
  if (!item.notebook) return writeSourceSafely(item.abs, item, program);
  const out = notebookWithProgram(item.notebook, program);
  if (!out.ok) return { ok: false, reason: out.reason };
  return writeSourceSafely(item.abs, { text: item.notebook.json, bom: item.bom }, out.json);
}

/** `--diff` for one file: a notebook shows one diff per changed cell, named `path:cell N`. */
export function programDiff(item: TextItem, program: string): string {
  const name = printable(item.display);
  if (!item.notebook) return unifiedDiff(item.text, program, name, name);
  const out = notebookWithProgram(item.notebook, program);
  if (!out.ok) return '';
  const after = readNotebook(out.json);
  if (!after.ok) return '';
  return item.notebook.codeCells
    .map((cell, k) => unifiedDiff(cell.source, after.notebook.codeCells[k]?.source ?? '', `${name}:cell ${cell.cell}`, `${name}:cell ${cell.cell}`))
    .join('');
}
