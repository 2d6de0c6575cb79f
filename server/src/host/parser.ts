/**
 * Creates the Python parser for hosts (CLI, server, tests). The engine itself never reads
 * files: this module loads the grammar's .wasm from `grammars/` and hands the bytes over.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createWasmParser } from '../engine/syntax/backend-wasm';
import type { PythonParser } from '../engine/syntax/tree';


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
 * The WASM parser: the only backend (ARCHITECTURE.md says why the native one was retired).
 * Tests may still name it: `loadParser('wasm')`.
 */
export async function loadParser(_backend: 'wasm' = 'wasm'): Promise<PythonParser> {
  return createWasmParser(new Uint8Array(readFileSync(grammarPath())));
}
