/**
 * web-tree-sitter backend: what the VS Code extension and language server ship, since native
 * modules break inside VS Code's Electron. The grammar bytes are passed in by the host so the
 * engine never touches the file system.
 */
import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';
import { cutPoint, type ParsedTree, type PythonParser, type SyntaxNode, type TreeChanges, type TreeEdit } from './tree';

let initialised: Promise<void> | null = null;

/** `locateFile` lets bundles point at their copy of `web-tree-sitter.wasm`. */
export async function createWasmParser(
  grammarWasm: Uint8Array,
  locateFile?: (name: string) => string,
): Promise<PythonParser> {
  initialised ??= Parser.init(locateFile ? { locateFile } : undefined);
  await initialised;
  const language = await Language.load(grammarWasm);
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    backend: 'wasm',
    parse(text, previous, options) {
      const old = previous ? (previous as WasmTree).tree : null;
      let reached = 0;
      const stop = options?.shouldStop;
      // The callback's result cancels the parse (its declared type says void).
      const progressCallback = stop ? ((state: { currentOffset: number }) => ((reached = state.currentOffset), stop())) as unknown as () => void : undefined;
      const tree = parser.parse(text, old, progressCallback ? { progressCallback } : undefined);
      if (tree) return new WasmTree(tree, undefined, previous ? changesFrom(previous as WasmTree) : undefined);
      if (!stop) throw new Error('web-tree-sitter returned no tree');
      // Stopped: parse a prefix instead, from scratch.
      parser.reset();
      const cutAt = cutPoint(text, reached);
      const prefix = parser.parse(text.slice(0, cutAt));
      if (!prefix) throw new Error('web-tree-sitter returned no tree');
      return new WasmTree(prefix, cutAt);
    },
    dispose() {
      parser.delete();
    },
  };
}

let trees = 0;

class WasmTree implements ParsedTree {
  readonly id = ++trees;
  /** The edits made to this tree since it was parsed. */
  readonly edits: TreeEdit[] = [];
  constructor(
    readonly tree: Tree,
    readonly cutAt?: number,
    readonly changes?: TreeChanges,
  ) {}
  get rootNode(): SyntaxNode {
    return this.tree.rootNode as unknown as SyntaxNode;
  }
  edit(edit: TreeEdit): void {
    this.tree.edit(new Edit(edit));
    this.edits.push(edit);
  }
  dispose(): void {
    this.tree.delete();
  }
}

/** What changed from `old` (edited once, whole) to the tree parsed from it; undefined when that cannot be said. */
function changesFrom(old: WasmTree): TreeChanges | undefined {
  if (old.edits.length !== 1 || old.cutAt !== undefined) return undefined;
  const [e] = old.edits;
  return { from: old.id, start: e.startIndex, oldEnd: e.oldEndIndex, newEnd: e.newEndIndex };
}
