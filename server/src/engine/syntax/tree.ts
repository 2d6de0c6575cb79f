/**
 * The engine's view of a tree-sitter tree, as web-tree-sitter exposes it (`backend-wasm.ts`):
 * `startIndex`/`endIndex` count UTF-16 code units when given a JavaScript string.
 */
/**
 * What converting a statement reads of its nodes: a `SyntaxNode`, or the plain copy of its
 * subtree `ParsedTree.copySubtree` makes.
 */
export interface ReadNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isNamed: boolean;
  readonly childCount: number;
  readonly namedChildCount: number;
  child(index: number): ReadNode | null;
  namedChild(index: number): ReadNode | null;
  childForFieldName(name: string): ReadNode | null;
  fieldNameForChild?(index: number): string | null;
}

export interface SyntaxNode extends ReadNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  readonly childCount: number;
  readonly namedChildCount: number;
  child(index: number): SyntaxNode | null;
  readonly nextSibling: SyntaxNode | null;
  namedChild(index: number): SyntaxNode | null;
  childForFieldName(name: string): SyntaxNode | null;
  fieldNameForChild?(index: number): string | null;
  /** Every child in one call (faster than `child(i)` one by one). */
  readonly children?: (SyntaxNode | null)[];
  /** Every descendant of a type in one call (much faster than walking node by node). */
  descendantsOfType?(type: string): (SyntaxNode | null)[];
  /** The smallest descendant spanning `start`..`end`. */
  descendantForIndex?(start: number, end?: number): SyntaxNode | null;
}


export interface Point {
  row: number;
  column: number;
}

/** An edit in tree-sitter terms; indices and columns are in the same units the backends report. */
export interface TreeEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

export interface ParsedTree {
  readonly rootNode: SyntaxNode;
  /**
   * Set when `shouldStop` cut the parse short: the tree covers only `text.slice(0, cutAt)`,
   * which ends at the start of a line.
   */
  readonly cutAt?: number;
  /** Tells apart the trees a parser made (`TreeChanges.from`). */
  readonly id?: number;
  /** Set when this tree was parsed from an earlier one edited once (see `TreeChanges`). */
  readonly changes?: TreeChanges;
  /**
   * The subtree of `node` (a node of this tree) copied out of the parser in one walk, so that
   * reading it costs no call into the parser; null when the backend cannot or the subtree is too
   * large to copy at once. Each node access on a `SyntaxNode` crosses into WebAssembly and
   * allocates a wrapper, which made converting statements a fifth of a check.
   */
  copySubtree?(node: SyntaxNode): ReadNode | null;
  /**
   * Records a text edit so the next `parse(text, tree)` can reuse unchanged subtrees. `text`,
   * the text after the edit, is given when the tree's nodes are still read after it (the
   * pieces of `DocumentTree`): nodes outside the edit then keep their text, shifted.
   */
  edit(edit: TreeEdit, text?: string): void;
  /** Frees the tree (WASM trees are not garbage-collected). */
  dispose(): void;
}

/**
 * How a tree differs from the tree `from` it was re-parsed from: the one edit made to that tree.
 * `ConversionCache` reads from the tree only the top-level statements around it (and checks
 * the statements at both ends of what it read are the old ones, moved).
 */
export interface TreeChanges {
  from: number;
  start: number;
  oldEnd: number;
  newEnd: number;
}

export interface ParseOptions {
  /** Polled while parsing; returning true stops, and only a prefix of the text is parsed. */
  shouldStop?: () => boolean;
  /**
   * Parses only `text.slice(start, end)`, as if it were a whole file, but with its nodes at
   * their offsets in `text`. Both ends are line starts; `startRow`/`endRow` are their lines.
   */
  lines?: LineRange;
}

export interface LineRange {
  start: number;
  end: number;
  startRow: number;
  endRow: number;
}

let trees = 0;

/** A new `ParsedTree.id` (one sequence for every kind of tree). */
export function newTreeId(): number {
  return ++trees;
}

export interface PythonParser {
  readonly backend: 'wasm';
  parse(text: string, previous?: ParsedTree, options?: ParseOptions): ParsedTree;
  dispose(): void;
}

/**
 * Where to cut a text whose parse was stopped after reaching `reached` (in the parser's
 * offsets, which may count bytes): at the start of a top-level line well before it, so the
 * prefix parses in about a third of the time already spent and its last statement is complete.
 */
export function cutPoint(text: string, reached: number): number {
  let at = Math.min(text.length, Math.floor(reached / 3));
  while (at > 0) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const c = text.charCodeAt(lineStart);
    // A line starting in column 0 with a name or keyword begins a top-level statement
    // (or continues a string or bracket, which the parser then reports as an error).
    if (lineStart > 0 && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 64)) return lineStart;
    at = lineStart - 1;
  }
  return 0;
}
