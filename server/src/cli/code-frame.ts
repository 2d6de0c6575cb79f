/**
 * Source excerpts for the `full` format: numbered lines around a range with carets under
 * it, and the lines a fix changes as a small diff. Tabs are shown as four spaces and
 * carets count code points, matching the columns printed in locations.
 */
import { applyEdits } from '../engine/apply-fixes';
import { LineIndex, type CellMap, type TextEdit, type TextRange } from '../engine/index';
import { palette, type Palette } from './terminal';

/** How a frame is shown: numbered inside its notebook cell, and in colour. */
export interface FrameView {
  cells?: CellMap;
  pal?: Palette;
}

const TAB = '    ';
const CONTEXT = 1;
const MAX_SPAN_LINES = 6;

export function visual(line: string): string {
  return line.replace(/\t/g, TAB);
}

/** Visual width of `line.slice(0, upTo)` in code points, tabs expanded. */
function width(line: string, upTo: number): number {
  let w = 0;
  for (const ch of line.slice(0, upTo)) w += ch === '\t' ? TAB.length : 1;
  return w;
}

/** 1-based line numbers as shown: in a notebook they count inside the cell. */
function numberer(cells: CellMap | undefined): (line: number) => number {
  return cells ? (l) => cells.rowInCell(l) : (l) => l + 1;
}

/**
 * `--> location`, then the numbered lines with carets under `range`. In a notebook the
 * context stays inside the cell and lines are numbered from the cell's first line.
 */
export function frame(index: LineIndex, range: TextRange, label: string, location: string, { cells, pal = palette(false) }: FrameView = {}): string[] {
  const first = index.lineOf(range.start);
  const last = Math.max(first, index.lineOf(Math.max(range.start, range.end - 1)));
  const cell = cells?.spanOf(first);
  const from = Math.max(cell ? cell.firstLine : 0, first - CONTEXT);
  let to = Math.min(index.lineCount - 1, last + CONTEXT, cell ? cell.firstLine + cell.lineCount - 1 : Infinity);
  // The "line" after a final line break is not worth showing as context.
  if (to > last && to === index.lineCount - 1 && index.lineText(to) === '') to--;
  const number = numberer(cells);
  const gutter = String(number(to)).length;
  const pad = ' '.repeat(gutter);
  const bar = pal.gutter('|');
  const out = [`${pad}${pal.gutter('-->')} ${location}`, `${pad} ${bar}`];
  for (let l = from; l <= to; l++) {
    if (last - first >= MAX_SPAN_LINES && l === first + 3) {
      out.push(`${pad} ${bar} ...`);
      l = last - 2;
      continue;
    }
    const text = cells ? cells.lineText(index, l) : index.lineText(l);
    out.push(`${pal.gutter(`${String(number(l)).padStart(gutter)} |`)} ${visual(text)}`.trimEnd());
    if (l < first || l > last) continue;
    const startCol = l === first ? range.start - index.lineStart(l) : leadingSpace(text);
    const endCol = l === last ? Math.max(range.end - index.lineStart(l), startCol + 1) : text.length;
    const a = width(text, startCol);
    const b = Math.max(a + 1, width(text, Math.min(endCol, Math.max(text.length, startCol + 1))));
    const tag = l === last && label ? ` ${label}` : '';
    out.push(`${pad} ${bar} ${' '.repeat(a)}${pal.caret(`${'^'.repeat(b - a)}${tag}`)}`);
  }
  out.push(`${pad} ${bar}`);
  return out;
}

function leadingSpace(text: string): number {
  return text.length - text.trimStart().length;
}

/**
 * The lines `edits` change, before and after, as a small diff. Only those lines are sliced
 * and edited (never the whole text), so a report with a preview per finding stays linear.
 */
export function editPreview(index: LineIndex, text: string, edits: readonly TextEdit[], { cells, pal = palette(false) }: FrameView = {}): string[] {
  const firstLine = index.lineOf(Math.min(...edits.map((e) => e.range.start)));
  const lastLine = index.lineOf(Math.max(...edits.map((e) => e.range.end)));
  const head = index.lineStart(firstLine);
  // Whole lines, line break included, so deleting a line shows no empty "+" line.
  const tail = lastLine + 1 < index.lineCount ? index.lineStart(lastLine + 1) : text.length;
  const before = text.slice(head, tail);
  const after = applyEdits(before, edits.map((e) => ({ newText: e.newText, range: { start: e.range.start - head, end: e.range.end - head } })));
  const oldLines = splitLines(before);
  const newLines = splitLines(after);
  const number = (i: number) => numberer(cells)(firstLine) + i;
  const gutter = String(number(Math.max(oldLines.length, newLines.length) - 1)).length;
  const out: string[] = [];
  oldLines.forEach((t, i) => out.push(pal.removed(`${String(number(i)).padStart(gutter)} - ${visual(t)}`.trimEnd())));
  newLines.forEach((t, i) => out.push(pal.added(`${String(number(i)).padStart(gutter)} + ${visual(t)}`.trimEnd())));
  return out;
}

function splitLines(s: string): string[] {
  if (s === '') return [];
  return s.replace(/(\r\n|\r|\n)$/, '').split(/\r\n|\r|\n/);
}
