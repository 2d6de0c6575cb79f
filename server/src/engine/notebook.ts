/**
 * Jupyter notebooks as one program. The code cells, in order, become one Python text (the
 * kernel runs them as one namespace); IPython syntax that is not Python (`%magic`, `!shell`,
 * `x = !cmd`, `obj?`) becomes `pass` on its own line, so no other line moves, and cells that
 * are not Python (markdown, raw, `%%bash`, `%%html`, ...) contribute nothing. `CellMap`
 * (positions.ts) turns program offsets into cell, line and column.
 *
 * Writing back edits the notebook's JSON text in place: only the source strings of the lines
 * that changed are replaced, so indentation, key order, metadata, outputs and the final line
 * break stay byte for byte.
 */
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import { CellMap, LineIndex, type CellSpan } from './positions';
import { changedRegion } from './text-region';

export interface Notebook {
  /** The notebook's JSON text, as read. */
  json: string;
  /** The analysed program: every Python code cell's lines, in order. */
  program: string;
  cells: CellMap;
  /** Python code cells, in order, with what writing back needs. */
  codeCells: CodeCell[];
}

export interface CodeCell extends CellSpan {
  /** The cell's source as the notebook holds it. */
  source: string;
  /** The `source` value in the JSON text. */
  node: JsonNode;
}

export type NotebookRead = { ok: true; notebook: Notebook } | { ok: false; error: string };

/** Cell magics whose body is Python run in the kernel's namespace; every other cell magic is another language. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug']);

export function readNotebook(json: string): NotebookRead {
  const shape = notebookShape(json);
  if (typeof shape === 'string') return { ok: false, error: shape };
  const root = parseTree(json);
  const jsonIndex = new LineIndex(json);
  const nodes = shape.cells.map((_, i) => (root && findNodeAtLocation(root, ['cells', i, 'source'])) || undefined);
  const cells = shape.cells.map((cell, i) => ({ source: joinSource(cell.source), python: shape.python && cell.cell_type === 'code' && !!nodes[i] }));
  const built = cellsProgram(cells, (i, lineCount) => fileLines(nodes[i]!, lineCount, jsonIndex));
  const codeCells = built.cells.spans.map((span) => ({ ...span, source: cells[span.cell - 1].source, node: nodes[span.cell - 1]! }));
  return { ok: true, notebook: { json, program: built.program, cells: built.cells, codeCells } };
}

/**
 * The program of a notebook's cells, in order (`python`: a code cell of a Python notebook). A
 * cell of another language (`%%bash`) or kind contributes nothing but still counts in numbering.
 * `fileLinesOf` says where each line of cell `i` (0-based) sits in the file, when there is one.
 */
export function cellsProgram(cells: { source: string; python: boolean }[], fileLinesOf: (i: number, lineCount: number) => number[] = () => []): { program: string; cells: CellMap } {
  const spans: CellSpan[] = [];
  const parts: string[] = [];
  let line = 0;
  cells.forEach((cell, i) => {
    const code = cell.python ? pythonOf(cell.source) : null;
    if (!code) return;
    const text = code.text.endsWith('\n') || code.text.endsWith('\r') || code.text === '' ? code.text : `${code.text}\n`;
    const lineCount = countLines(text);
    spans.push({ cell: i + 1, firstLine: line, lineCount, fileLines: fileLinesOf(i, lineCount), ipython: code.ipython });
    parts.push(text);
    line += lineCount;
  });
  return { program: parts.join(''), cells: new CellMap(spans) };
}

interface NotebookShape {
  cells: { cell_type: string; source: string | string[] }[];
  /** False for a notebook of another kernel language (R, Julia): nothing to analyse. */
  python: boolean;
}

/** The notebook's cells, or why the text is not a notebook shapelint can read. */
function notebookShape(json: string): NotebookShape | string {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    return `invalid notebook: the JSON does not parse (${(e as Error).message})`;
  }
  if (!isObject(data)) return 'invalid notebook: the JSON is not an object';
  if (!Array.isArray(data.cells)) {
    return Array.isArray(data.worksheets) ? 'unsupported notebook: nbformat 3 (convert it with `jupyter nbconvert --to notebook`)' : 'invalid notebook: no `cells` list';
  }
  for (const [i, cell] of data.cells.entries()) {
    if (!isObject(cell) || typeof cell.cell_type !== 'string') return `invalid notebook: cell ${i + 1} has no \`cell_type\``;
    const src = cell.source;
    if (typeof src !== 'string' && !(Array.isArray(src) && src.every((s) => typeof s === 'string'))) {
      return `invalid notebook: cell ${i + 1} has no \`source\` text`;
    }
  }
  const meta = isObject(data.metadata) ? data.metadata : {};
  const language = (isObject(meta.language_info) && meta.language_info.name) ?? (isObject(meta.kernelspec) && meta.kernelspec.language);
  return { cells: data.cells as NotebookShape['cells'], python: typeof language !== 'string' || language.toLowerCase() === 'python' };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function joinSource(source: string | string[]): string {
  return typeof source === 'string' ? source : source.join('');
}

/**
 * The cell's Python, with IPython-only lines replaced, or null for a cell in another language.
 * Only a line that starts a statement (outside brackets, strings and continuations) can be
 * IPython syntax: `(a\n % b)` and `x = (1\n != 2)` stay Python.
 */
function pythonOf(source: string): { text: string; ipython: Record<number, string> } | null {
  const lines = source.split(/(?<=\r\n|\n|\r(?!\n))/);
  const ipython: Record<number, string> = {};
  const first = lines[0]?.trim() ?? '';
  if (first.startsWith('%%')) {
    const name = /^%%(\w+)/.exec(first)?.[1] ?? '';
    if (!PYTHON_CELL_MAGICS.has(name)) return null;
  }
  const scan = new LineScanner();
  let continuesMagic = false;
  const out = lines.map((line, i) => {
    const body = line.replace(/[\r\n]+$/, '');
    const startsStatement = scan.atStatementStart();
    scan.feed(body);
    if (continuesMagic || (startsStatement && isIPythonLine(body))) {
      ipython[i] = body;
      // A magic continued with a trailing backslash takes the next line with it.
      continuesMagic = body.endsWith('\\');
      scan.reset();
      const indent = /^\s*/.exec(body)![0];
      return `${continuesMagic || indent.length < body.length ? `${indent}pass` : ''}${line.slice(body.length)}`;
    }
    return line;
  });
  return { text: out.join(''), ipython };
}

function isIPythonLine(line: string): boolean {
  const s = line.trim();
  if (/^[%!?]/.test(s)) return true;
  // `files = !ls`, `t = %timeit -o f()`: an assignment whose value is a magic or a shell command.
  if (/^[A-Za-z_][\w.,\s[\]()*]*=\s*[%!]/.test(s) && !/^[^=]*==/.test(s)) return true;
  // `obj?`, `obj??`: help (a comment or string would have shown a `#` or a quote first).
  return /^[A-Za-z_][\w.]*\?\??$/.test(s);
}

/** Tracks brackets, strings and backslash continuations across lines, to know where statements start. */
class LineScanner {
  private depth = 0;
  private quote: string | null = null;
  private continued = false;

  atStatementStart(): boolean {
    return this.depth === 0 && this.quote === null && !this.continued;
  }

  reset(): void {
    this.depth = 0;
    this.quote = null;
    this.continued = false;
  }

  feed(line: string): void {
    this.continued = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (this.quote) {
        if (c === '\\') i++;
        else if (line.startsWith(this.quote, i)) {
          i += this.quote.length - 1;
          this.quote = null;
        }
        continue;
      }
      if (c === '#') break;
      if (c === '"' || c === "'") {
        const triple = line.startsWith(c.repeat(3), i);
        this.quote = triple ? c.repeat(3) : c;
        if (triple) i += 2;
      } else if ('([{'.includes(c)) this.depth++;
      else if (')]}'.includes(c)) this.depth = Math.max(0, this.depth - 1);
    }
    // A one-quote string cannot span lines (its line is a syntax error; start afresh).
    if (this.quote && this.quote.length === 1) this.quote = null;
    this.continued = line.endsWith('\\') && this.quote === null;
  }
}

/** Where each cell line sits in the file: a list has one string per line; a single string starts on one line. */
function fileLines(node: JsonNode, lineCount: number, jsonIndex: LineIndex): number[] {
  const items = node.type === 'array' ? (node.children ?? []) : [];
  const fallback = jsonIndex.lineOf(node.offset) + 1;
  return Array.from({ length: lineCount }, (_, i) => (items[i] ? jsonIndex.lineOf(items[i].offset) + 1 : fallback));
}

function countLines(text: string): number {
  return text === '' ? 0 : text.split(/\r\n|\n|\r/).length - 1;
}

export type NotebookWrite = { ok: true; json: string } | { ok: false; reason: string };

/**
 * The notebook's JSON with the program's changes written into its cells. Each line of the
 * program is a line of one cell, so a change that keeps the line count maps line by line;
 * one that adds or removes lines must stay inside one cell. A change to a line that was
 * IPython syntax, or across cells, is refused.
 */
export function notebookWithProgram(nb: Notebook, program: string): NotebookWrite {
  if (program === nb.program) return { ok: true, json: nb.json };
  const newSources = nb.codeCells.map((c) => c.source);
  const oldLines = splitKeep(nb.program);
  const newLines = splitKeep(program);
  if (oldLines.length === newLines.length) {
    for (let l = 0; l < oldLines.length; l++) {
      if (oldLines[l] === newLines[l]) continue;
      const k = nb.codeCells.findIndex((c) => l >= c.firstLine && l < c.firstLine + c.lineCount);
      const cell = nb.codeCells[k];
      if (!cell || (l - cell.firstLine) in cell.ipython) return { ok: false, reason: 'a change falls on IPython syntax' };
      newSources[k] = replaceLine(newSources[k], l - cell.firstLine, newLines[l]);
    }
  } else {
    const region = changedRegion(nb.program, program);
    const k = nb.codeCells.findIndex((c) => region.start >= offsetOfLine(oldLines, c.firstLine) && region.oldEnd <= offsetOfLine(oldLines, c.firstLine + c.lineCount));
    const cell = nb.codeCells[k];
    if (!cell || Object.keys(cell.ipython).length > 0) return { ok: false, reason: 'a change adds or removes lines across cells or around IPython syntax' };
    const start = offsetOfLine(oldLines, cell.firstLine);
    const cellText = program.slice(start, program.length - (nb.program.length - offsetOfLine(oldLines, cell.firstLine + cell.lineCount)));
    // The program ends each cell with a line break the cell itself may not have.
    newSources[k] = cell.source.endsWith('\n') || cell.source.endsWith('\r') ? cellText : cellText.replace(/(\r\n|\n|\r)$/, '');
  }
  return { ok: true, json: writeSources(nb, newSources) };
}

function splitKeep(text: string): string[] {
  const parts = text.split(/(?<=\r\n|\n|\r(?!\n))/);
  return parts[parts.length - 1] === '' ? parts.slice(0, -1) : parts;
}

function offsetOfLine(lines: string[], line: number): number {
  let o = 0;
  for (let l = 0; l < line && l < lines.length; l++) o += lines[l].length;
  return o;
}

/** Replaces line `line` of `source` (its content; the cell's own line break stays). */
function replaceLine(source: string, line: number, programLine: string): string {
  const lines = splitKeep(source);
  const body = programLine.replace(/(\r\n|\n|\r)$/, '');
  const old = lines[line] ?? '';
  lines[line] = body + old.slice(old.replace(/(\r\n|\n|\r)$/, '').length);
  return lines.join('');
}

/** Replaces the JSON source values of the changed cells, from the end so offsets stay valid. */
function writeSources(nb: Notebook, sources: string[]): string {
  let json = nb.json;
  const changed = nb.codeCells.map((c, k) => ({ cell: c, source: sources[k] })).filter((x) => x.source !== x.cell.source);
  for (const { cell, source } of changed.reverse()) {
    for (const edit of sourceEdits(nb.json, cell.node, source).reverse()) json = json.slice(0, edit.start) + edit.text + json.slice(edit.end);
  }
  return json;
}

interface JsonEdit {
  start: number;
  end: number;
  text: string;
}

/** Edits turning the JSON value `node` into `source`: per changed line when it is a list of lines. */
function sourceEdits(json: string, node: JsonNode, source: string): JsonEdit[] {
  if (node.type === 'string' || !node.children?.length) return [{ start: node.offset, end: node.offset + node.length, text: JSON.stringify(node.type === 'string' ? source : splitKeep(source)) }];
  const items = node.children;
  const lines = splitKeep(source);
  if (lines.length === items.length) {
    return items.flatMap((item, i) => (item.value === lines[i] ? [] : [{ start: item.offset, end: item.offset + item.length, text: JSON.stringify(lines[i]) }]));
  }
  // Another line count: rewrite the list's items with the separator the file already uses.
  const separator = items.length > 1 ? json.slice(items[0].offset + items[0].length, items[1].offset) : ', ';
  const text = lines.map((l, i) => (items[i]?.value === l ? json.slice(items[i].offset, items[i].offset + items[i].length) : JSON.stringify(l))).join(separator);
  const first = items[0];
  const last = items[items.length - 1];
  return [{ start: first.offset, end: last.offset + last.length, text }];
}
