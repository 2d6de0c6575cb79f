/**
 * LSP 3.17 notebook documents. A notebook's cells are kept as text documents; their program
 * (engine/notebook.ts: Python code cells in order, IPython lines as `pass`) is an open
 * document under the notebook's URI, analysed like a file. Results are moved between program
 * and cell coordinates here, and only here: a cell's line L is program line firstLine + L, and
 * characters are the same.
 */
import {
  NotebookCellKind,
  type DidChangeNotebookDocumentParams,
  type DidOpenNotebookDocumentParams,
  type Diagnostic,
  type Location,
  type NotebookCell,
  type Position,
  type Range,
  type TextDocumentItem,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { cellsProgram, type CellMap, type CellSpan } from '../engine/index';
import { OpenDocument, type DocumentStore } from './documents';

interface Cell {
  uri: string;
  kind: NotebookCellKind;
  doc: OpenDocument;
}

interface Book {
  uri: string;
  cells: Cell[];
  /** Program line ranges of the cells, for the current program text. */
  map: CellMap;
  /** Bumped on every change of any cell: the program document's version. */
  version: number;
}

/** What the server syncs: every cell of every notebook (markdown and raw cells count in cell numbers). */
export const NOTEBOOK_SYNC = { notebookSelector: [{ notebook: '*', cells: [{ language: 'python' }, { language: 'markdown' }, { language: 'raw' }] }] };

export class Notebooks {
  private readonly books = new Map<string, Book>();
  private readonly owner = new Map<string, Book>();

  constructor(private readonly docs: DocumentStore) {}

  isNotebook(uri: string): boolean {
    return this.books.has(uri);
  }

  /** The notebook a cell belongs to. */
  notebookOf(cellUri: string): string | undefined {
    return this.owner.get(cellUri)?.uri;
  }

  /** The cells of a notebook's current program (undefined for any other document). */
  cellSpans(notebookUri: string): CellSpan[] | undefined {
    const book = this.books.get(notebookUri);
    return book ? [...book.map.spans] : undefined;
  }

  /** Python code cells' URIs, in order (those that get diagnostics). */
  codeCells(notebookUri: string): string[] {
    return (this.books.get(notebookUri)?.cells ?? []).filter(isPythonCell).map((c) => c.uri);
  }

  open(p: DidOpenNotebookDocumentParams): string {
    const texts = new Map(p.cellTextDocuments.map((t) => [t.uri, t]));
    const book: Book = { uri: p.notebookDocument.uri, cells: [], map: cellsProgram([]).cells, version: 0 };
    book.cells = p.notebookDocument.cells.map((c) => newCell(c, texts.get(c.document)));
    this.books.set(book.uri, book);
    for (const c of book.cells) this.owner.set(c.uri, book);
    this.docs.open(book.uri, 'python', 0, '');
    this.rebuild(book);
    return book.uri;
  }

  /** Applies a change; returns the reason when an edit was rejected (the rest still applies). */
  change(p: DidChangeNotebookDocumentParams): string | null {
    const book = this.books.get(p.notebookDocument.uri);
    if (!book) return null;
    let rejected: string | null = null;
    const structure = p.change.cells?.structure;
    if (structure) {
      const opened = new Map((structure.didOpen ?? []).map((t) => [t.uri, t]));
      const added = (structure.array.cells ?? []).map((c) => newCell(c, opened.get(c.document)));
      const removed = book.cells.splice(structure.array.start, structure.array.deleteCount, ...added);
      for (const c of removed) this.owner.delete(c.uri);
      for (const c of added) this.owner.set(c.uri, book);
    }
    for (const data of p.change.cells?.data ?? []) {
      const cell = book.cells.find((c) => c.uri === data.document);
      if (cell) cell.kind = data.kind;
    }
    for (const t of p.change.cells?.textContent ?? []) {
      const cell = book.cells.find((c) => c.uri === t.document.uri);
      rejected = (cell?.doc.applyChanges(t.changes, t.document.version) ?? null) || rejected;
    }
    this.rebuild(book);
    return rejected;
  }

  close(notebookUri: string): void {
    const book = this.books.get(notebookUri);
    if (!book) return;
    for (const c of book.cells) this.owner.delete(c.uri);
    this.books.delete(notebookUri);
    this.docs.close(notebookUri);
  }

  /** The program position of a cell position (undefined for a cell not in a notebook). */
  toProgram(cellUri: string, pos: Position): { uri: string; position: Position } | undefined {
    const book = this.owner.get(cellUri);
    const span = book && this.spanOfCell(book, cellUri);
    return span ? { uri: book.uri, position: { line: span.firstLine + pos.line, character: pos.character } } : undefined;
  }

  rangeToProgram(cellUri: string, r: Range): Range | undefined {
    const start = this.toProgram(cellUri, r.start);
    const end = this.toProgram(cellUri, r.end);
    return start && end ? { start: start.position, end: end.position } : undefined;
  }

  /** A program range as a cell and a range in it (a range running into the next cell is cut at its cell's end). */
  toCell(notebookUri: string, r: Range): Location | undefined {
    const book = this.books.get(notebookUri);
    if (!book) return undefined;
    const span = book.map.spanOf(r.start.line);
    const cell = book.cells[span.cell - 1];
    if (!cell) return undefined;
    const last = Math.max(0, span.lineCount - 1);
    const endLine = r.end.line - span.firstLine;
    const end = endLine > last ? { line: last, character: cell.doc.lines.lineEnd(last) - cell.doc.lines.lineStart(last) } : { line: endLine, character: r.end.character };
    return { uri: cell.uri, range: { start: { line: r.start.line - span.firstLine, character: r.start.character }, end } };
  }

  /** The program diagnostics of one cell, in its coordinates (fixes are looked up again by code actions). */
  cellDiagnostics(notebookUri: string, cellUri: string, diagnostics: Diagnostic[]): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const d of diagnostics) {
      const at = this.toCell(notebookUri, d.range);
      if (!at || at.uri !== cellUri) continue;
      const related = (d.relatedInformation ?? []).flatMap((r) => {
        const loc = this.toCell(notebookUri, r.location.range);
        return loc ? [{ ...r, location: loc }] : [];
      });
      out.push({ ...d, range: at.range, relatedInformation: related, data: undefined });
    }
    return out;
  }

  /** A workspace edit on the program as edits on the cells. */
  editToCells(notebookUri: string, edit: WorkspaceEdit | undefined): WorkspaceEdit | undefined {
    const edits = edit?.changes?.[notebookUri];
    if (!edits) return edit;
    const changes: Record<string, TextEdit[]> = {};
    for (const e of edits) {
      const at = this.toCell(notebookUri, e.range);
      if (at) (changes[at.uri] ??= []).push({ range: at.range, newText: e.newText });
    }
    return { changes };
  }

  private spanOfCell(book: Book, cellUri: string): { firstLine: number; lineCount: number } | undefined {
    const index = book.cells.findIndex((c) => c.uri === cellUri);
    if (index < 0 || !isPythonCell(book.cells[index])) return undefined;
    return book.map.spans.find((s) => s.cell === index + 1);
  }

  /** Rebuilds the program document from the cells. */
  private rebuild(book: Book): void {
    const built = cellsProgram(book.cells.map((c) => ({ source: c.doc.text, python: isPythonCell(c) })));
    book.map = built.cells;
    book.version++;
    this.docs.get(book.uri)?.applyChanges([{ text: built.program }], book.version);
  }
}

function newCell(c: NotebookCell, text: TextDocumentItem | undefined): Cell {
  return { uri: c.document, kind: c.kind, doc: new OpenDocument(c.document, text?.languageId ?? 'python', text?.version ?? 0, text?.text ?? '') };
}

function isPythonCell(c: Cell): boolean {
  return c.kind === NotebookCellKind.Code && c.doc.languageId === 'python';
}
