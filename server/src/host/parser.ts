/**
 * Creates the Python parser for hosts (CLI, server, tests). The engine itself never reads
 * files: this module loads the grammar's .wasm from `grammars/` and hands the bytes over.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createNativeParser } from '../engine/syntax/backend-native';
import { createWasmParser } from '../engine/syntax/backend-wasm';
import type { PythonParser } from '../engine/syntax/tree';

export type BackendChoice = 'wasm' | 'native' | 'auto';

/** Finds `grammars/tree-sitter-python.wasm` from the compiled file or a bundle beside it. */
export function grammarPath(): string {
  const candidates = [
    path.join(__dirname, '..', '..', '..', '..', 'grammars', 'tree-sitter-python.wasm'), // out/server/src/host
    path.join(__dirname, '..', 'grammars', 'tree-sitter-python.wasm'), // bundled dist/
    path.join(__dirname, 'grammars', 'tree-sitter-python.wasm'),
  ];
  for (const c of candidates) {
    try {
      readFileSync(c, { flag: 'r' }).subarray(0, 0);
      return c;
    } catch {
      /* try the next */
    }
  }
  throw new Error('grammars/tree-sitter-python.wasm not found next to shapelint');
}

/**
 * `auto` uses the native module when it loaded (it is optional) and WASM otherwise.
 * See ARCHITECTURE.md for the measurements behind that choice.
 */
export async function loadParser(choice: BackendChoice = 'wasm'): Promise<PythonParser> {
  if (choice !== 'wasm') {
    const native = createNativeParser();
    if (native) return native;
    if (choice === 'native') throw new Error('the native tree-sitter module is not installed');
  }
  return createWasmParser(new Uint8Array(readFileSync(grammarPath())));
}
