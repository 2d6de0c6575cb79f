/**
 * web-tree-sitter backend: what the VS Code extension and language server ship, since native
 * modules break inside VS Code's Electron. The grammar bytes are passed in by the host so the
 * engine never touches the file system.
 */
import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';
import type { ParsedTree, PythonParser, SyntaxNode, TreeEdit } from './tree';

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
    parse(text, previous) {
      const old = previous ? (previous as WasmTree).tree : null;
      const tree = parser.parse(text, old);
      if (!tree) throw new Error('web-tree-sitter returned no tree');
      return new WasmTree(tree);
    },
    dispose() {
      parser.delete();
    },
  };
}

class WasmTree implements ParsedTree {
  constructor(readonly tree: Tree) {}
  get rootNode(): SyntaxNode {
    return this.tree.rootNode as unknown as SyntaxNode;
  }
  edit(edit: TreeEdit): void {
    this.tree.edit(new Edit(edit));
  }
  dispose(): void {
    this.tree.delete();
  }
}
