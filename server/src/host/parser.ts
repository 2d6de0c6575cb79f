/**
 * Creates the Python parser for hosts (CLI, server, tests). The engine itself never reads
 * files: this module hands it the compiled WebAssembly modules (parser-wasm.ts finds them).
 */
import { createWasmParser } from '../engine/syntax/backend-wasm';
import type { PythonParser } from '../engine/syntax/tree';
import { compileParserWasm, takePrecompiledParserWasm } from './parser-wasm';

/**
 * The WASM parser: the only backend (ARCHITECTURE.md says why the native one was retired).
 * Tests may still name it: `loadParser('wasm')`.
 */
export async function loadParser(_backend: 'wasm' = 'wasm'): Promise<PythonParser> {
  const wasm = takePrecompiledParserWasm() ?? compileParserWasm();
  const [runtime, grammar] = await Promise.all([wasm.runtime, wasm.grammar]);
  return createWasmParser(grammar, runtime);
}
