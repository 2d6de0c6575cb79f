/**
 * Native `tree-sitter` backend: an optional dependency the CLI may use. It is loaded lazily
 * and only where installed; callers fall back to the WASM backend when it is missing.
 */
import { cutPoint, type ParsedTree, type PythonParser, type SyntaxNode, type TreeEdit } from './tree';

interface NativeTree {
  rootNode: SyntaxNode;
  edit(edit: TreeEdit): void;
}
interface NativeParser {
  setLanguage(lang: unknown): void;
  parse(input: string, old?: NativeTree | null, options?: { bufferSize?: number; progressCallback?: (index: number) => boolean }): NativeTree;
  reset?(): void;
}

/** Returns null when the native module (or its compiled binding) is not available. */
export function createNativeParser(): PythonParser | null {
  let ParserCtor: new () => NativeParser;
  let python: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional native module, loaded only when asked for
    ParserCtor = require('tree-sitter');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- its binding is native too
    python = require('tree-sitter-python');
  } catch {
    return null;
  }
  const parser = new ParserCtor();
  parser.setLanguage(python);
  return {
    backend: 'native',
    parse(text, previous, options) {
      // The native binding reads the input in chunks; a buffer as large as the text avoids
      // its default 32 KiB limit on very long inputs.
      const old = previous ? (previous as NativeTreeWrapper).tree : null;
      const bufferSize = (t: string) => Math.max(32 * 1024, t.length * 2 + 16);
      const stop = options?.shouldStop;
      let reached = 0;
      let stopped = false;
      const progressCallback = stop ? (index: number) => ((reached = index), (stopped = stop())) : undefined;
      try {
        const tree = parser.parse(text, old, { bufferSize: bufferSize(text), progressCallback });
        if (!stopped) return new NativeTreeWrapper(tree);
      } catch (e) {
        // The binding throws when the callback halts the parse.
        if (!stopped) throw e;
      }
      parser.reset?.();
      const cutAt = cutPoint(text, reached);
      const prefix = text.slice(0, cutAt);
      return new NativeTreeWrapper(parser.parse(prefix, null, { bufferSize: bufferSize(prefix) }), cutAt);
    },
    dispose() {},
  };
}

class NativeTreeWrapper implements ParsedTree {
  constructor(
    readonly tree: NativeTree,
    readonly cutAt?: number,
  ) {}
  get rootNode(): SyntaxNode {
    return this.tree.rootNode;
  }
  edit(edit: TreeEdit): void {
    this.tree.edit(edit);
  }
  dispose(): void {}
}
