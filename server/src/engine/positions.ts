import { lastIndexAtMost } from './bisect';
import { changedRegion, type ChangedRegion } from './text-region';
import type { TextRange } from './types';

/**
 * The one place where offsets become lines and columns.
 *
 * The engine reports UTF-16 code-unit offsets (JavaScript string indices, which is also what
 * both tree-sitter backends report for string input). Consumers want:
 *  - LSP: 0-based line and UTF-16 character (the protocol default encoding);
 *  - the CLI and machine formats: 1-based line and 1-based column counted in Unicode code
 *    points (what Ruff prints), so `é` and `𝒳` each count as one column.
 */
export interface LspPosition {
  line: number;
  character: number;
}

export interface CliPosition {
  /** 1-based line. */
  row: number;
  /** 1-based column in code points. */
  column: number;
}

export class LineIndex {
  /** Offsets at which each line starts. Lines end at \n, \r\n or a lone \r (as Python and LSP do). */
  private readonly lineStarts: Uint32Array;

  constructor(
    private readonly text: string,
    /** Only for `edited`, which computes them from the previous index. */
    lineStarts?: Uint32Array,
  ) {
    this.lineStarts = lineStarts ?? Uint32Array.from(scanLineStarts(text, 0, text.length, [0]));
  }

  /**
   * The index of `text`, which is this index's text with [start, end) replaced by `inserted`.
   * Only the lines around the edit are scanned, the other line starts are copied or shifted, so
   * an edit to a large document costs little (the language server applies each keystroke).
   * Equal to `new LineIndex(text)`.
   */
  edited(start: number, end: number, inserted: string, text: string): LineIndex {
    const old = this.lineStarts;
    const delta = inserted.length - (end - start);
    // From the line before the edit (a lone \r there may join an inserted \n) ...
    const first = Math.max(0, this.lineOf(start) - 1);
    // ... to a line start two lines past it, which the edit cannot touch.
    const resume = Math.min(this.lineOf(end) + 2, old.length);
    const stop = resume < old.length ? old[resume] + delta : text.length;
    // Line starts in (old[first], stop); `stop` itself, if not the end, comes from the shifted suffix.
    const middle = scanLineStarts(text, old[first], stop, []).filter((s) => resume === old.length || s < stop);
    const starts = new Uint32Array(first + 1 + middle.length + (old.length - resume));
    starts.set(old.subarray(0, first + 1));
    starts.set(middle, first + 1);
    let k = first + 1 + middle.length;
    for (let j = resume; j < old.length; j++) starts[k++] = old[j] + delta;
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 0-based line containing `offset` (clamped into the text). */
  lineOf(offset: number): number {
    const o = clamp(offset, 0, this.text.length);
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  lineStart(line: number): number {
    return this.lineStarts[clamp(line, 0, this.lineStarts.length - 1)];
  }

  /** Offset just past the line's content (before its line break). */
  lineEnd(line: number): number {
    const l = clamp(line, 0, this.lineStarts.length - 1);
    let end = l + 1 < this.lineStarts.length ? this.lineStarts[l + 1] : this.text.length;
    while (end > this.lineStarts[l] && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  toLsp(offset: number): LspPosition {
    const line = this.lineOf(offset);
    return { line, character: clamp(offset, 0, this.text.length) - this.lineStarts[line] };
  }

  /** LSP position → offset; out-of-range lines/characters are clamped as the LSP spec asks. */
  fromLsp(pos: LspPosition): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[pos.line];
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  toCli(offset: number): CliPosition {
    const line = this.lineOf(offset);
    const start = this.lineStarts[line];
    const end = clamp(offset, 0, this.text.length);
    return { row: line + 1, column: codePointLength(this.text, start, end) + 1 };
  }

  /** 1-based row and code-point column → offset. */
  fromCli(pos: CliPosition): number {
    const start = this.lineStart(pos.row - 1);
    const lineEnd = this.lineEnd(pos.row - 1);
    let o = start;
    for (let col = 1; col < pos.column && o < lineEnd; col++) {
      o += isHighSurrogate(this.text.charCodeAt(o)) ? 2 : 1;
    }
    return o;
  }
}

/**
 * `new LineIndex(text).toLsp(offset)` for one offset, without indexing every line (the
 * language server places each edit of a large document this way).
 */
export function lspPositionAt(text: string, offset: number): LspPosition {
  if (text.includes('\r')) return new LineIndex(text).toLsp(offset);
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, character: at - start };
}

/**
 * The line index of a text that changes a little at a time (a document being edited): each
 * new text's lines are indexed again only around the region changed since the last text.
 */
export class EditedLines {
  private text = '';
  private index = new LineIndex('');
  /** The region the last `of` found changed. */
  region: ChangedRegion = { start: 0, oldEnd: 0, newEnd: 0 };

  of(text: string): LineIndex {
    const r = (this.region = changedRegion(this.text, text));
    if (r.start !== r.oldEnd || r.start !== r.newEnd) this.index = this.index.edited(r.start, r.oldEnd, text.slice(r.start, r.newEnd), text);
    this.text = text;
    return this.index;
  }
}

/** Appends to `starts` the start of every line that begins after a line break in text[from, to). */
function scanLineStarts(text: string, from: number, to: number, starts: number[]): number[] {
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) starts.push(i + 1);
    else if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

function codePointLength(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    n++;
    if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < end) i++;
  }
  return n;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** A notebook cell's lines in the analysed program (see notebook.ts). */
export interface CellSpan {
  /** 1-based, counting every cell of the notebook (markdown and raw included). */
  cell: number;
  /** 0-based program line of the cell's first line. */
  firstLine: number;
  lineCount: number;
  /** 1-based line of the notebook file (its JSON text) where each of the cell's lines is written. */
  fileLines: number[];
  /** The IPython lines the program replaced by `pass`, by 0-based line in the cell: what the cell shows. */
  ipython: Record<number, string>;
}

export interface CellPosition extends CliPosition {
  /** 1-based cell number; `row` counts from the cell's first line. */
  cell: number;
}

/** Program lines to notebook cells: a cell's rows count from 1; columns are the program's. */
export class CellMap {
  constructor(readonly spans: readonly CellSpan[]) {}

  /** The cell holding 0-based program line `line` (the last cell for a line past the end). */
  spanOf(line: number): CellSpan {
    return this.spans[lastIndexAtMost(this.spans.length, (i) => this.spans[i].firstLine, line)] ?? { cell: 1, firstLine: 0, lineCount: 0, fileLines: [], ipython: {} };
  }

  toCell(index: LineIndex, offset: number): CellPosition {
    const at = index.toCli(offset);
    const span = this.spanOf(at.row - 1);
    return { cell: span.cell, row: at.row - span.firstLine, column: at.column };
  }

  /** The text of program line `line` as the cell shows it (IPython lines as written). */
  lineText(index: LineIndex, line: number): string {
    const span = this.spanOf(line);
    return span.ipython[line - span.firstLine] ?? index.lineText(line);
  }

  /** 1-based row inside its cell of 0-based program line `line`. */
  rowInCell(line: number): number {
    return line - this.spanOf(line).firstLine + 1;
  }

  /**
   * The 1-based line of the notebook file holding `offset`'s line: what annotations on the
   * file itself (SARIF, GitHub, GitLab) point at.
   */
  fileLine(index: LineIndex, offset: number): number {
    const line = index.lineOf(offset);
    const span = this.spanOf(line);
    return span.fileLines[Math.min(line - span.firstLine, span.fileLines.length - 1)] ?? 1;
  }
}

/** How an explanation names the line holding `offset`: `line 12`, or `cell 3, line 4` in a notebook. */
export function lineName(index: LineIndex, offset: number, cells?: readonly CellSpan[]): string {
  return lineNumberName(index.lineOf(offset), cells);
}

/** `line 4`, or `cell 2, line 3` for a 0-based program line of a notebook. */
export function lineNumberName(line: number, cells?: readonly CellSpan[]): string {
  if (!cells?.length) return `line ${line + 1}`;
  const span = new CellMap(cells).spanOf(line);
  return `cell ${span.cell}, line ${line - span.firstLine + 1}`;
}

/** `r` moved by `delta` offsets (a result reused after the text above it changed length). */
export function shiftRange(r: TextRange, delta: number): TextRange {
  return delta === 0 ? r : { start: r.start + delta, end: r.end + delta };
}

/**
 * A shown line written relative to a block's first line (engine/incremental.ts): a block run
 * reused after lines were inserted above it renders it where the block stands now
 * (`renderLines`), so its messages read as a fresh analysis's. Private-use characters, which the
 * run only uses when the analysed text holds none.
 */
export function linePlaceholder(relative: number, inCells: boolean): string {
  return `${PLACEHOLDER_OPEN}${relative}${inCells ? 'c' : ''}${PLACEHOLDER_CLOSE}`;
}

export const PLACEHOLDER_OPEN = '\uE000';
const PLACEHOLDER_CLOSE = '\uE001';
const PLACEHOLDER = /\uE000(\d+)(c?)\uE001/g;

/** `text` with its line placeholders named as `lineNumberName` names 0-based line `first` + each. */
export function renderLines(text: string, first: number, cells?: readonly CellSpan[]): string {
  if (!text.includes(PLACEHOLDER_OPEN)) return text;
  return text.replace(PLACEHOLDER, (_, relative: string, inCells: string) => lineNumberName(first + Number(relative), inCells ? cells : undefined));
}
