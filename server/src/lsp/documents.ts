/**
 * Open documents: text, line index and a syntax tree kept across edits so that re-parsing
 * after a keystroke reuses the unchanged subtrees (tree.edit + parse(text, oldTree)).
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { ConversionCache, LineIndex, type ParsedTree, type PythonParser, type TreeEdit } from '../engine/index';

/** Documents larger than this are tracked but never parsed or analysed (memory and latency bound). */
export const MAX_ANALYSED_CHARS = 4_000_000;

export class OpenDocument {
  private currentText: string;
  private index: LineIndex;
  private tree: ParsedTree | null = null;
  /** True when edits were recorded on `tree` since it was last parsed. */
  private treeStale = false;
  /** Converted top-level statements kept across edits (see ConversionCache). */
  readonly conversionCache = new ConversionCache();

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    text: string,
  ) {
    this.currentText = text;
    this.index = new LineIndex(text);
  }

  get text(): string {
    return this.currentText;
  }

  get lines(): LineIndex {
    return this.index;
  }

  get analysable(): boolean {
    return isPythonDocument(this.uri, this.languageId) && this.currentText.length <= MAX_ANALYSED_CHARS;
  }

  /** Applies LSP content changes in order; each range refers to the text after the previous change. */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change && change.range) this.applyRangeChange(change.range, change.text);
      else this.replaceAll(change.text);
    }
    this.version = version;
  }

  /** The up-to-date tree, re-parsed incrementally when edits are pending; null if not analysable. */
  syntaxTree(parser: PythonParser): ParsedTree | null {
    if (!this.analysable) {
      this.disposeTree();
      return null;
    }
    if (this.tree && !this.treeStale) return this.tree;
    const next = parser.parse(this.currentText, this.tree ?? undefined);
    this.tree?.dispose();
    this.tree = next;
    this.treeStale = false;
    return next;
  }

  /** Frees the tree; WASM trees are not garbage-collected. */
  disposeTree(): void {
    this.tree?.dispose();
    this.tree = null;
    this.treeStale = false;
  }

  private replaceAll(text: string): void {
    // A whole-document change shares nothing worth reusing: start a fresh tree.
    this.disposeTree();
    this.currentText = text;
    this.index = new LineIndex(text);
  }

  private applyRangeChange(range: { start: LspPos; end: LspPos }, newText: string): void {
    // fromLsp clamps out-of-range positions, so a bad edit degrades instead of throwing.
    let start = this.index.fromLsp(range.start);
    let end = this.index.fromLsp(range.end);
    if (end < start) [start, end] = [end, start];
    const oldEndPosition = this.point(end);
    const startPosition = this.point(start);
    this.currentText = this.currentText.slice(0, start) + newText + this.currentText.slice(end);
    this.index = new LineIndex(this.currentText);
    if (!this.tree) return;
    const edit: TreeEdit = {
      startIndex: start,
      oldEndIndex: end,
      newEndIndex: start + newText.length,
      startPosition,
      oldEndPosition,
      newEndPosition: this.point(start + newText.length),
    };
    this.tree.edit(edit);
    this.treeStale = true;
  }

  /**
   * Tree-sitter points for string input count columns in UTF-16 units, like LSP. (Rows differ
   * only on lone CRs; the engine reads indices, never rows, so that cannot change results.)
   */
  private point(offset: number): { row: number; column: number } {
    const p = this.index.toLsp(offset);
    return { row: p.line, column: p.character };
  }
}

interface LspPos {
  line: number;
  character: number;
}

export function isPythonDocument(uri: string, languageId: string): boolean {
  if (languageId === 'python') return true;
  return /\.pyi?$/i.test(uri.split(/[?#]/)[0]);
}

/** The open documents by URI. */
export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.docs.get(uri)?.disposeTree();
    const doc = new OpenDocument(uri, languageId, version, text);
    this.docs.set(uri, doc);
    return doc;
  }

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  close(uri: string): void {
    this.docs.get(uri)?.disposeTree();
    this.docs.delete(uri);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  disposeAll(): void {
    for (const d of this.docs.values()) d.disposeTree();
    this.docs.clear();
  }
}
