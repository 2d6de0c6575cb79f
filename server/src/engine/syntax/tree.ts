/**
 * The engine's view of a tree-sitter tree. Both backends (web-tree-sitter and the native
 * `tree-sitter` module) expose these members with the same meaning, and both count
 * `startIndex`/`endIndex` in UTF-16 code units when given a JavaScript string.
 */
export interface SyntaxNode {
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
  namedChild(index: number): SyntaxNode | null;
  childForFieldName(name: string): SyntaxNode | null;
  fieldNameForChild?(index: number): string | null;
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
  /** Records a text edit so the next `parse(text, tree)` can reuse unchanged subtrees. */
  edit(edit: TreeEdit): void;
  /** Frees the tree (WASM trees are not garbage-collected). */
  dispose(): void;
}

export interface PythonParser {
  readonly backend: 'wasm' | 'native';
  parse(text: string, previous?: ParsedTree): ParsedTree;
  dispose(): void;
}
