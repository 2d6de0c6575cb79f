/**
 * A document's syntax tree kept across edits by parsing again only the top-level statements an
 * edit touches (the language server's analysis process keeps one per open document).
 * tree-sitter's own incremental re-parse of a 2,000-line file re-read about a fifth of it for a
 * one-character edit: the nodes chaining the module's statements come from the grammar's
 * conflicts, and tree-sitter never reuses such nodes.
 *
 * The tree is a sequence of runs of top-level statements, each run a slice of the root's
 * children of one tree-sitter tree: the tree of the whole text parsed last, and pieces, each the
 * statements around one edit parsed alone (`ParseOptions.lines`). A piece parsed alone is what
 * a parse of the whole text gives for it when:
 *  - the text before it is unchanged and the document had no syntax error, so the parser
 *    reaches the piece's start after a complete statement, at column 0, with no block open;
 *  - the piece's first line that is not blank starts in column 0, and so does its first
 *    statement (an indented comment or statement would join a block before it), and no
 *    backslash continues a line into it;
 *  - it parses alone without ERROR or MISSING nodes: it does not continue the statement before
 *    it (`else:`, `except:`, ... alone are errors) and leaves no bracket, string or block
 *    header open;
 *  - the text after it starts in column 0 with one of the last tree's top-level statements (not
 *    a comment: the dedent before a comment is decided by the line after it), and no backslash
 *    continues the piece's last line into it: the parser leaves the piece in the state it
 *    enters it, and the rest parses as before (`ConversionCache` relies on the same).
 * Otherwise, when pieces grow many, and for a long piece, the whole text is re-parsed by
 * tree-sitter's incremental re-parse from a tree of the whole text that every edit is recorded in.
 * test/engine/document-tree.test.ts compares the result with fresh parses on random edits.
 */
import { firstIndexWhere, lastIndexAtMost } from '../bisect';
import { newTreeId, type ParsedTree, type PythonParser, type ReadNode, type SyntaxNode, type TreeChanges, type TreeEdit } from './tree';

/**
 * A tree-sitter tree of the document, and its root's children as they were when it was parsed:
 * read when first asked, which must be before the tree is edited (a whole parse of a text with
 * errors is never asked: reading the zoo's 994 children took 0.7-0.9 ms under load).
 */
class Piece {
  private read: Top[] | null = null;

  constructor(readonly tree: ParsedTree) {}

  get tops(): Top[] {
    return (this.read ??= topsOf(this.tree.rootNode));
  }
}

interface Top {
  start: number;
  end: number;
  type: string;
}

/** The children [from, to) of a piece's root, moved by `shift` since the piece was parsed. */
interface Run {
  piece: Piece;
  from: number;
  to: number;
  shift: number;
}

/** Pieces kept before the whole text is parsed again (each edit is recorded in every piece). */
const MAX_PIECES = 12;
/**
 * A longer piece (a long class, a script's `if __name__ == '__main__':` block) is left to the
 * incremental re-parse, which reuses its inside: parsed from scratch, 8,000 characters take
 * about a fifth of what that re-parse takes for a one-character edit in the 2,000-line model zoo.
 */
const MAX_PIECE_CHARS = 8_192;

export class DocumentTree {
  /** The tree of the whole text parsed last, with every edit since recorded in it. */
  private whole: ParsedTree | null = null;
  private runs: Run[] = [];
  private last: PiecedTree | null = null;
  /** Whether the whole text parsed last had no syntax error (pieces have none). */
  private clean = false;
  /** Trees no run reads any more, to be freed (`freeRetired`). */
  private retired: ParsedTree[] = [];
  /** How the last `parse` went (for tests and the benchmark). */
  lastParse: 'whole' | 'piece' = 'whole';

  constructor(private readonly parser: PythonParser) {}

  /** The tree of `text`; `edit` is how it differs from the text of the last call. */
  parse(text: string, edit?: TreeEdit): ParsedTree {
    const last = this.last;
    if (!last || !edit) return this.parseWhole(text, undefined);
    const tryPiece = this.clean && this.pieceCount() < MAX_PIECES;
    // The children's places before the edit moves them.
    if (tryPiece) for (const r of this.runs) void r.piece.tops;
    for (const tree of this.trees()) tree.edit(edit, text);
    const pieced = tryPiece ? this.parsePiece(text, edit, last) : null;
    return pieced ?? this.parseWhole(text, { from: last.id, start: edit.startIndex, oldEnd: edit.oldEndIndex, newEnd: edit.newEndIndex });
  }

  /** Frees the trees the last parses left behind (a large one takes a while: the caller picks when). */
  freeRetired(): void {
    for (const tree of this.retired.splice(0)) tree.dispose();
  }

  dispose(): void {
    this.freeRetired();
    for (const tree of this.trees()) tree.dispose();
    this.whole = null;
    this.runs = [];
    this.last = null;
  }

  /** Every tree the runs read, and the whole one. */
  private trees(): Set<ParsedTree> {
    const trees = new Set(this.runs.map((r) => r.piece.tree));
    if (this.whole) trees.add(this.whole);
    return trees;
  }

  private pieceCount(): number {
    return new Set(this.runs.map((r) => r.piece)).size;
  }

  private parseWhole(text: string, changes: TreeChanges | undefined): ParsedTree {
    const tree = this.parser.parse(text, changes ? this.whole ?? undefined : undefined);
    this.retired.push(...this.trees());
    this.whole = tree;
    this.runs = [{ piece: new Piece(tree), from: 0, to: tree.rootNode.childCount, shift: 0 }];
    this.clean = !tree.rootNode.hasError;
    this.lastParse = 'whole';
    return (this.last = new PiecedTree(this.runs, text, changes, tree.rootNode));
  }

  /** The tree with the statements `edit` touches parsed alone; null when the piece may parse otherwise in the whole text. */
  private parsePiece(text: string, edit: TreeEdit, last: PiecedTree): PiecedTree | null {
    const tops = new Tops(this.runs);
    const delta = edit.newEndIndex - edit.oldEndIndex;
    // Children [a, b) are replaced: from the first ending at or after the edit's start to the last starting at or before its end.
    let a = tops.firstWhere((t) => t.end >= edit.startIndex);
    let b = tops.firstWhere((t) => t.start > edit.oldEndIndex);
    let start = 0;
    for (; a > 0; a--) {
      start = lineStart(text, a < tops.count ? Math.min(edit.startIndex, tops.at(a).start) : edit.startIndex);
      const before = tops.at(a - 1);
      if (start > before.end && before.type !== 'line_continuation' && !text.slice(before.end, start).includes('\\')) break;
    }
    if (a === 0) start = 0;
    // The statement after the piece starts in column 0 (a comment would leave the dedent to the line after it).
    for (; b < tops.count; b++) {
      const next = tops.at(b);
      if (next.type !== 'line_continuation' && next.type !== 'comment' && text.charCodeAt(next.start + delta - 1) === NEWLINE) break;
    }
    const end = b < tops.count ? tops.at(b).start + delta : text.length;
    if (end - start > MAX_PIECE_CHARS) return null;
    const startRow = rowOf(text, 0, start);
    const tree = this.parser.parse(text, undefined, { lines: { start, end, startRow, endRow: startRow + rowOf(text, start, end) } });
    const piece = new Piece(tree);
    if (tree.rootNode.hasError || !standsAlone(piece.tops, text, start, end)) {
      tree.dispose();
      return null;
    }
    const runs = [...tops.runsBefore(a), { piece, from: 0, to: piece.tops.length, shift: 0 }, ...tops.runsFrom(b, delta)];
    const kept = new Set(runs.map((r) => r.piece.tree));
    for (const t of this.trees()) if (!kept.has(t) && t !== this.whole) this.retired.push(t);
    this.runs = runs;
    this.lastParse = 'piece';
    return (this.last = new PiecedTree(runs, text, { from: last.id, start: edit.startIndex, oldEnd: edit.oldEndIndex, newEnd: edit.newEndIndex }));
  }
}

const NEWLINE = 10;
const BACKSLASH = '\\';

/** Whether a piece's statements begin and end where the whole text's parse would end and begin statements (see the module's comment). */
function standsAlone(tops: Top[], text: string, start: number, end: number): boolean {
  if (tops.length === 0) return !text.slice(start, end).includes(BACKSLASH);
  const first = tops[0];
  const statement = tops.find((t) => t.type !== 'comment');
  const atLineStart = (t: Top | undefined) => !t || t.start === 0 || text.charCodeAt(t.start - 1) === NEWLINE;
  const lastTop = tops[tops.length - 1];
  return atLineStart(first) && atLineStart(statement) && first.type !== 'line_continuation' && lastTop.type !== 'line_continuation'
    && !text.slice(start, first.start).includes(BACKSLASH) && !text.slice(lastTop.end, end).includes(BACKSLASH);
}

function topsOf(root: SyntaxNode): Top[] {
  const children = root.children ?? Array.from({ length: root.childCount }, (_, i) => root.child(i));
  const tops: Top[] = [];
  for (const c of children) if (c) tops.push({ start: c.startIndex, end: c.endIndex, type: c.type });
  return tops;
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** The number of line breaks in `text.slice(from, to)`. */
function rowOf(text: string, from: number, to: number): number {
  let rows = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) rows++;
  return rows;
}

/** The top-level children of runs, by index, at their current places. */
class Tops {
  readonly count: number;
  /** The index of each run's first child. */
  private readonly firsts: number[] = [];

  constructor(private readonly runs: Run[]) {
    let n = 0;
    for (const r of runs) {
      this.firsts.push(n);
      n += r.to - r.from;
    }
    this.count = n;
  }

  at(i: number): Top {
    const [r, k] = this.locate(i);
    const t = r.piece.tops[r.from + k];
    return r.shift === 0 ? t : { start: t.start + r.shift, end: t.end + r.shift, type: t.type };
  }

  /** The first index whose child satisfies `test` (which holds from some index on), or `count`. */
  firstWhere(test: (t: Top) => boolean): number {
    return firstIndexWhere(0, this.count, (i) => test(this.at(i)));
  }

  /** Runs of children [0, i). */
  runsBefore(i: number): Run[] {
    const out: Run[] = [];
    this.runs.forEach((r, j) => {
      const to = Math.min(r.to, r.from + i - this.firsts[j]);
      if (to > r.from) out.push({ ...r, to });
    });
    return out;
  }

  /** Runs of children [i, count), moved by `delta`. */
  runsFrom(i: number, delta: number): Run[] {
    const out: Run[] = [];
    this.runs.forEach((r, j) => {
      const from = Math.max(r.from, r.from + i - this.firsts[j]);
      if (from < r.to) out.push({ ...r, from, shift: r.shift + delta });
    });
    return out;
  }

  /** The run holding child `i` and its index in the run. */
  locate(i: number): [Run, number] {
    // The last run starting at or before `i` (an empty run starts where the next one does).
    const r = lastIndexAtMost(this.runs.length, (j) => this.firsts[j], i);
    return [this.runs[r], i - this.firsts[r]];
  }
}

/** The document's tree after one parse: its root's children are the runs' children, in order. */
class PiecedTree implements ParsedTree {
  readonly id = newTreeId();
  readonly rootNode: SyntaxNode;
  private readonly tops: Tops;
  /** Each piece's root, read once this tree is made (after the edit moved it). */
  private readonly roots = new Map<Piece, SyntaxNode>();

  constructor(
    private readonly runs: Run[],
    readonly text: string,
    readonly changes: TreeChanges | undefined,
    /** The root of the one tree of the whole text, when it is that. */
    whole?: SyntaxNode,
  ) {
    this.tops = new Tops(runs);
    this.rootNode = whole ?? new PiecedRoot(this);
  }

  get childCount(): number {
    return this.tops.count;
  }

  child(i: number): SyntaxNode | null {
    if (i < 0 || i >= this.tops.count) return null;
    const [r, k] = this.tops.locate(i);
    return this.rootOf(r.piece).child(r.from + k);
  }

  children(): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (const r of this.runs) {
      const root = this.rootOf(r.piece);
      const all = root.children ?? Array.from({ length: root.childCount }, (_, i) => root.child(i));
      for (let i = r.from; i < r.to; i++) if (all[i]) out.push(all[i]!);
    }
    return out;
  }

  /** Where tree-sitter's module node starts: at its first child (leading blank lines are not part of it), else at the end. */
  get startIndex(): number {
    return this.tops.count ? this.tops.at(0).start : this.text.length;
  }

  /** The module node ends with the text. */
  get endIndex(): number {
    return this.text.length;
  }

  /** `node`: one of the root's children. */
  copySubtree(node: SyntaxNode): ReadNode | null {
    if (this.runs.length === 1) return this.runs[0].piece.tree.copySubtree?.(node) ?? null;
    const i = this.tops.firstWhere((t) => t.start >= node.startIndex);
    if (i >= this.tops.count) return null;
    return this.tops.locate(i)[0].piece.tree.copySubtree?.(node) ?? null;
  }

  edit(): void {
    throw new Error('a pieced tree is edited through its DocumentTree');
  }

  /** Its trees belong to the `DocumentTree`. */
  dispose(): void {}

  private rootOf(piece: Piece): SyntaxNode {
    let root = this.roots.get(piece);
    if (!root) this.roots.set(piece, (root = piece.tree.rootNode));
    return root;
  }
}

/** The root of a `PiecedTree`: a module node whose children come from several trees. */
class PiecedRoot implements SyntaxNode {
  readonly type = 'module';
  readonly isNamed = true;
  readonly isMissing = false;
  readonly nextSibling = null;

  constructor(private readonly tree: PiecedTree) {}

  get startIndex(): number {
    return this.tree.startIndex;
  }
  get endIndex(): number {
    return this.tree.endIndex;
  }
  get text(): string {
    return this.tree.text.slice(this.startIndex, this.endIndex);
  }
  get childCount(): number {
    return this.tree.childCount;
  }
  get children(): SyntaxNode[] {
    return this.tree.children();
  }
  get namedChildCount(): number {
    return this.children.filter((c) => c.isNamed).length;
  }
  /** Only texts without syntax errors are parsed in pieces. */
  get hasError(): boolean {
    return false;
  }
  child(i: number): SyntaxNode | null {
    return this.tree.child(i);
  }
  namedChild(i: number): SyntaxNode | null {
    return this.children.filter((c) => c.isNamed)[i] ?? null;
  }
  childForFieldName(): SyntaxNode | null {
    return null;
  }
  fieldNameForChild(): string | null {
    return null;
  }
  descendantsOfType(type: string): (SyntaxNode | null)[] {
    return this.children.flatMap((c) => (c.type === type ? [c] : c.descendantsOfType?.(type) ?? []));
  }
  descendantForIndex(start: number, end = start): SyntaxNode | null {
    const child = this.children.find((c) => c.startIndex <= start && end <= c.endIndex);
    return child ? child.descendantForIndex?.(start, end) ?? child : this;
  }
}
