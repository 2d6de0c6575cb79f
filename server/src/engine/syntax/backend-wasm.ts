/**
 * web-tree-sitter backend: what the VS Code extension and language server ship, since native
 * modules break inside VS Code's Electron. The host passes in the compiled WebAssembly modules
 * (host/parser-wasm.ts) so the engine never touches the file system.
 */
import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';
import { CopiedNode, keptInCopy, type CopySource } from './copied-node';
import { cutPoint, newTreeId, type LineRange, type ParsedTree, type PythonParser, type ReadNode, type SyntaxNode, type TreeChanges, type TreeEdit } from './tree';

let initialised: Promise<void> | null = null;
/**
 * The options object given to `Parser.init`: Emscripten fills it in as the module, exports
 * included. Nothing else may call `Parser.init` (a second call would start another module, whose
 * trees these exports do not know).
 */
const moduleObject: Partial<CursorExports> & { instantiateWasm?: InstantiateWasm } = {};
/** The module's tree-cursor exports, when this version of web-tree-sitter has them all. */
let cursorExports: CursorExports | null = null;

/** Emscripten's hook for a module object that instantiates the runtime itself. */
type InstantiateWasm = (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => object;

/**
 * A parser from the compiled grammar and web-tree-sitter's compiled runtime (`web-tree-sitter.wasm`;
 * used by the first call only). The host compiles both, so the engine reads no files.
 */
export async function createWasmParser(grammar: WebAssembly.Module, runtime: WebAssembly.Module): Promise<PythonParser> {
  if (!initialised) {
    // Instantiated at once, so an error rejects `Parser.init` instead of leaving it waiting.
    moduleObject.instantiateWasm = (imports, receive) => {
      receive(new WebAssembly.Instance(runtime, imports), runtime);
      return {};
    };
    initialised = Parser.init(moduleObject).then(() => {
      cursorExports = checkedCursorExports(moduleObject);
    });
  }
  await initialised;
  const language = Language.loadSync(grammar);
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    backend: 'wasm',
    parse(text, previous, options) {
      if (options?.lines) return parseLines(parser, text, options.lines);
      const old = previous ? (previous as WasmTree).tree : null;
      let reached = 0;
      const stop = options?.shouldStop;
      // The callback's result cancels the parse (its declared type says void).
      const progressCallback = stop ? ((state: { currentOffset: number }) => ((reached = state.currentOffset), stop())) as unknown as () => void : undefined;
      const tree = parser.parse(text, old, progressCallback ? { progressCallback } : undefined);
      if (tree) return new WasmTree(tree, text, undefined, previous ? changesFrom(previous as WasmTree) : undefined);
      if (!stop) throw new Error('web-tree-sitter returned no tree');
      // Stopped: parse a prefix instead, from scratch.
      parser.reset();
      const cutAt = cutPoint(text, reached);
      const parsed = text.slice(0, cutAt);
      const prefix = parser.parse(parsed);
      if (!prefix) throw new Error('web-tree-sitter returned no tree');
      return new WasmTree(prefix, parsed, cutAt);
    },
    dispose() {
      parser.delete();
    },
  };
}

/** `text.slice(range.start, range.end)` parsed alone, its nodes placed at their offsets in `text`. */
function parseLines(parser: Parser, text: string, range: LineRange): WasmTree {
  const includedRanges = [{ startIndex: range.start, endIndex: range.end, startPosition: { row: range.startRow, column: 0 }, endPosition: { row: range.endRow, column: 0 } }];
  const tree = parser.parse(text, null, { includedRanges });
  if (!tree) throw new Error('web-tree-sitter returned no tree');
  return new WasmTree(tree, text);
}

class WasmTree implements ParsedTree {
  readonly id = newTreeId();
  /** How many edits were made to this tree since it was parsed, and the first one. */
  edits = 0;
  firstEdit: TreeEdit | undefined;
  constructor(
    readonly tree: Tree,
    /** The text parsed (or, once edited with its text, the text after the edits). */
    private text: string,
    readonly cutAt?: number,
    readonly changes?: TreeChanges,
  ) {}
  get rootNode(): SyntaxNode {
    return this.tree.rootNode as unknown as SyntaxNode;
  }
  copySubtree(node: SyntaxNode): ReadNode | null {
    if (!cursorExports || node.endIndex - node.startIndex > MAX_COPY_CHARS) return null;
    const grammar = grammarTables(this.tree.language);
    return copyWithCursor(cursorExports, this.tree, grammar, { text: this.text, fields: this.tree.language.fields, fieldIds: grammar.fieldIds }, node as unknown as WasmNode);
  }
  edit(edit: TreeEdit, text?: string): void {
    this.tree.edit(new Edit(edit));
    if (this.edits++ === 0) this.firstEdit = edit;
    if (text === undefined) return;
    this.text = text;
    // What a node's `text` reads (web-tree-sitter keeps the parsed text's callback on the tree).
    (this.tree as unknown as { textCallback: (index: number) => string }).textCallback = (index) => text.slice(index);
  }
  dispose(): void {
    this.tree.delete();
  }
}

/** What changed from `old` (edited once, whole) to the tree parsed from it; undefined when that cannot be said. */
function changesFrom(old: WasmTree): TreeChanges | undefined {
  const e = old.firstEdit;
  if (old.edits !== 1 || !e || old.cutAt !== undefined) return undefined;
  return { from: old.id, start: e.startIndex, oldEnd: e.oldEndIndex, newEnd: e.newEndIndex };
}

/**
 * Subtrees larger than this are read through the parser's node wrappers: a copy is made whole,
 * while the conversion it is for is charged to the budget node by node.
 */
const MAX_COPY_CHARS = 256 * 1024;

/**
 * The exports of web-tree-sitter's WebAssembly module behind its `TreeCursor`. Each works on the
 * cursor kept in the module's transfer buffer (moves write it back there), so a walk that calls
 * nothing else in between needs none of the wrapper's copying of the cursor in and out of
 * WebAssembly memory per call, nor a node object per node. The wrapper (web-tree-sitter 0.27,
 * pinned) calls them the same way; `checkedCursorExports` makes sure they are there.
 */
interface CursorExports {
  HEAP32: Int32Array;
  /** The transfer buffer's address (it also writes the library's version into the buffer). */
  _ts_init(): number;
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const CURSOR_FUNCTIONS = [
  '_ts_init',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
] as const;

function checkedCursorExports(m: Partial<CursorExports>): CursorExports | null {
  const ok = m.HEAP32 instanceof Int32Array && CURSOR_FUNCTIONS.every((f) => typeof m[f] === 'function');
  return ok ? (m as CursorExports) : null;
}

/** What a copy looks up by type and field, once per language. */
interface GrammarTables {
  /**
   * Whether a node of each type id is named (a node's own type id is its alias when it has one,
   * and tree-sitter answers `isNamed` from that type's metadata). An id beyond the table is the
   * error symbol (65535), whose nodes are named.
   */
  named: boolean[];
  fieldIds: Map<string, number>;
}

const tablesByLanguage = new WeakMap<Language, GrammarTables>();

function grammarTables(language: Language): GrammarTables {
  let tables = tablesByLanguage.get(language);
  if (!tables) {
    const fieldIds = new Map<string, number>();
    language.fields.forEach((name, id) => {
      if (name !== null && id > 0 && !fieldIds.has(name)) fieldIds.set(name, id);
    });
    tables = { named: language.types.map((_, id) => language.nodeTypeIsNamed(id)), fieldIds };
    tablesByLanguage.set(language, tables);
  }
  return tables;
}

/** A web-tree-sitter node as the transfer buffer holds it: id, start (index, row, column) and its tree's context. */
interface WasmNode {
  id: number;
  startIndex: number;
  startPosition: { row: number; column: number };
  0: number;
}

/**
 * Copies the subtree of `node` in one preorder walk of a cursor kept in the transfer buffer,
 * without the tokens the conversion never reads (`keptInCopy`): most leaves are punctuation
 * and keywords, and their copies were a third of what the copy allocated.
 */
function copyWithCursor(m: CursorExports, tree: Tree, grammar: GrammarTables, source: CopySource, node: WasmNode): CopiedNode {
  const t = (tree as unknown as { 0: number })[0];
  const at = m._ts_init() >> 2;
  const heap = m.HEAP32;
  heap[at] = node.id;
  heap[at + 1] = node.startIndex;
  heap[at + 2] = node.startPosition.row;
  heap[at + 3] = node.startPosition.column;
  heap[at + 4] = node[0];
  m._ts_tree_cursor_new_wasm(t);
  const types = tree.language.types;
  const named = grammar.named;
  const read = (type: number, isNamed: boolean, field: number) =>
    new CopiedNode(source, types[type] || 'ERROR', m._ts_tree_cursor_start_index_wasm(t), m._ts_tree_cursor_end_index_wasm(t), isNamed, field);
  try {
    const rootType = m._ts_tree_cursor_current_node_type_id_wasm(t);
    const root = read(rootType, named[rootType] ?? true, m._ts_tree_cursor_current_field_id_wasm(t));
    // The nodes whose children are being copied, and where each one's children start in
    // `copied`: a node's children become one array of their exact size when it is done (pushing
    // onto an array one by one left most of each array's room unused).
    const parents: CopiedNode[] = [];
    const starts: number[] = [];
    // A stack of copies up to `top` (entries above it are stale): setting an array's length to
    // shrink it is a runtime call, and it ran once per node with children.
    const copied: CopiedNode[] = [];
    let top = 0;
    // Null after a token left out (a leaf: there is nothing below it to copy).
    let current: CopiedNode | null = root;
    for (;;) {
      if (current && m._ts_tree_cursor_goto_first_child_wasm(t)) {
        parents.push(current);
        starts.push(top);
      } else {
        while (!m._ts_tree_cursor_goto_next_sibling_wasm(t)) {
          // Back at the subtree's root: the cursor never leaves it.
          if (parents.length === 0) return root;
          m._ts_tree_cursor_goto_parent_wasm(t);
          const done = parents.pop()!;
          const start = starts.pop()!;
          if (top > start) done.children = copied.slice(start, top);
          top = start;
        }
      }
      const parent = parents[parents.length - 1];
      const type = m._ts_tree_cursor_current_node_type_id_wasm(t);
      const isNamed = named[type] ?? true;
      const field = m._ts_tree_cursor_current_field_id_wasm(t);
      if (!keptInCopy(isNamed, field, parent.type)) {
        if (!m._ts_tree_cursor_goto_first_child_wasm(t)) {
          current = null;
          continue;
        }
        // Not a leaf after all: copied, with what is below it.
        m._ts_tree_cursor_goto_parent_wasm(t);
      }
      current = read(type, isNamed, field);
      copied[top++] = current;
    }
  } finally {
    m._ts_tree_cursor_delete_wasm(t);
  }
}
