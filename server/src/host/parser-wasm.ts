/**
 * The parser's two WebAssembly modules, found and compiled: web-tree-sitter's runtime and the
 * Python grammar. `loadParser` (parser.ts) builds its parser from them. bin/shapelint.js starts
 * compiling them before it loads the CLI (through dist/lint-process.js, which is small), when a
 * `check` will parse in its own process: V8 validates the modules off the main thread while it
 * loads the CLI's code, which took ~10 ms off a one-file check. Imports nothing but Node's.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { handover } from './handover';

export interface ParserWasm {
  runtime: Promise<WebAssembly.Module>;
  grammar: Promise<WebAssembly.Module>;
}

const precompiled = handover<ParserWasm>('precompiledParserWasm');

/** Finds `grammars/tree-sitter-python.wasm` from the compiled file or a bundle beside it. */
function grammarPath(): string {
  const found = firstFile([
    path.join(__dirname, '..', '..', '..', '..', 'grammars', 'tree-sitter-python.wasm'), // out/server/src/host
    path.join(__dirname, '..', 'grammars', 'tree-sitter-python.wasm'), // bundled dist/
    path.join(__dirname, 'grammars', 'tree-sitter-python.wasm'),
  ]);
  if (!found) throw new Error('grammars/tree-sitter-python.wasm not found next to shapelint');
  return found;
}

/** web-tree-sitter's own module: beside a bundle (scripts/bundle.mjs copies it), else in its package. */
function runtimePath(): string {
  const beside = firstFile([path.join(__dirname, 'web-tree-sitter.wasm')]);
  if (beside) return beside;
  return path.join(path.dirname(require.resolve(RUNTIME_PACKAGE)), 'web-tree-sitter.wasm');
}

/** Named through a constant: bundled, the module is beside the bundle, and esbuild should not resolve it. */
const RUNTIME_PACKAGE = 'web-tree-sitter';

/** Compiles both modules (asynchronously, off the main thread as far as V8 goes). */
export function compileParserWasm(): ParserWasm {
  return { runtime: compile(runtimePath()), grammar: compile(grammarPath()) };
}

/**
 * Starts `compileParserWasm` now, for this process's next `takePrecompiledParserWasm()`. Best
 * effort: a module not found or not compiled is left to `loadParser`, which reports it.
 */
export function precompileParserWasm(): void {
  try {
    const wasm = compileParserWasm();
    // Held until taken, maybe never (the run went to lint processes): a failure must not surface
    // as an unhandled rejection; the taker still sees it.
    wasm.runtime.catch(() => undefined);
    wasm.grammar.catch(() => undefined);
    precompiled.leave(wasm);
  } catch {
    /* loadParser finds and reports it */
  }
}

/** The modules `precompileParserWasm` started, once; undefined when none were. */
export function takePrecompiledParserWasm(): ParserWasm | undefined {
  return precompiled.take();
}

function compile(file: string): Promise<WebAssembly.Module> {
  return WebAssembly.compile(readFileSync(file));
}

function firstFile(candidates: string[]): string | undefined {
  return candidates.find((c) => statSync(c, { throwIfNoEntry: false })?.isFile());
}
