/**
 * Open documents: text, version and line index, kept in step with the client's edits. Syntax
 * trees live in the analysis process (analysis-process.ts), which is handed each text whole.
 */
import { fileURLToPath } from 'node:url';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LineIndex } from '../engine/index';

/** Documents larger than this are tracked but never parsed or analysed (memory and latency bound). */
export const MAX_ANALYSED_CHARS = 4_000_000;

export class OpenDocument {
  private currentText: string;
  private index: LineIndex | null = null;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    text: string,
  ) {
    this.currentText = text;
  }

  get text(): string {
    return this.currentText;
  }

  /** Built on demand, then updated edit by edit (only the lines around each edit are scanned). */
  get lines(): LineIndex {
    this.index ??= new LineIndex(this.currentText);
    return this.index;
  }

  get analysable(): boolean {
    return isPythonDocument(this.uri, this.languageId) && this.currentText.length <= MAX_ANALYSED_CHARS;
  }

  /**
   * Applies LSP content changes in order; each range refers to the text after the previous
   * change. Positions must be non-negative integers (LSP uintegers): a change batch with any
   * other position is rejected whole, leaving text and version as they were, and the reason is
   * returned for the log. (Out-of-range integers are clamped, as LSP asks.)
   */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): string | null {
    const invalid = changes.find((c) => typeof c?.text !== 'string' || ('range' in c && c.range && !validRange(c.range)));
    if (invalid) return `ignored an edit that LSP does not allow (positions must be non-negative integers): ${JSON.stringify(invalid).slice(0, 200)}`;
    for (const change of changes) {
      if ('range' in change && change.range) this.applyRangeChange(change.range, change.text);
      else this.replaceAll(change.text);
    }
    this.version = version;
    return null;
  }

  private replaceAll(text: string): void {
    this.currentText = text;
    this.index = null;
  }

  private applyRangeChange(range: { start: LspPos; end: LspPos }, newText: string): void {
    // fromLsp clamps out-of-range positions, so a bad edit degrades instead of throwing.
    const before = this.lines;
    let start = before.fromLsp(range.start);
    let end = before.fromLsp(range.end);
    if (end < start) [start, end] = [end, start];
    this.currentText = this.currentText.slice(0, start) + newText + this.currentText.slice(end);
    this.index = before.edited(start, end, newText, this.currentText);
  }
}

function validRange(r: { start: LspPos; end: LspPos }): boolean {
  const ok = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  return !!r.start && !!r.end && ok(r.start.line) && ok(r.start.character) && ok(r.end.line) && ok(r.end.character);
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
    const doc = new OpenDocument(uri, languageId, version, text);
    this.docs.set(uri, doc);
    return doc;
  }

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  disposeAll(): void {
    this.docs.clear();
  }
}

/** URIs converted to paths, kept up to this many (then started again). */
const MAX_KNOWN_PATHS = 10_000;
const knownPaths = new Map<string, string | null>();

/**
 * The local path of a `file:` URI (null for another scheme or a malformed URI), converted once
 * per URI: an edit of a module imported by 50 open documents asked for each of their paths
 * several times (which documents read it, the open texts sent, their versions before and after).
 */
export function localPath(uri: string | null | undefined): string | null {
  if (!uri?.startsWith('file:')) return null;
  let known = knownPaths.get(uri);
  if (known === undefined) {
    try {
      known = fileURLToPath(uri);
    } catch {
      known = null;
    }
    if (knownPaths.size >= MAX_KNOWN_PATHS) knownPaths.clear();
    knownPaths.set(uri, known);
  }
  return known;
}
