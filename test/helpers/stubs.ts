/**
 * Library-model stubs analysed before the project resolver loads them: a stub module's text
 * followed by a usage snippet, as one program, with the stub part marked as stub code
 * (`AnalyzeOptions.stubCodeEnd`) so that its raises are reported at the snippet's calls.
 * A stub's relative imports (`from ._input_shape import ...`) are satisfied by putting the
 * imported stub module's text first.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AnalyzeOptions, EngineResult } from '../../server/src/engine/index';
import { analyze } from './engine';
import { REPO_ROOT } from './paths';

export const STUBS = path.join(REPO_ROOT, 'server', 'stubs');

const RELATIVE_IMPORT = /^from \.([A-Za-z_0-9]+) import .*$/gm;

/** The text of stub module `dotted` (e.g. `keras.applications.resnet`) with its relative imports inlined. */
export function stubText(dotted: string, seen = new Set<string>()): string {
  if (seen.has(dotted)) return '';
  seen.add(dotted);
  const parts = dotted.split('.');
  // A package is its __init__.py, and its relative imports are its own submodules.
  const isPackage = existsSync(path.join(STUBS, ...parts, '__init__.py'));
  const own = readFileSync(isPackage ? path.join(STUBS, ...parts, '__init__.py') : path.join(STUBS, ...parts) + '.py', 'utf8');
  const pkg = isPackage ? dotted : parts.slice(0, -1).join('.');
  const before: string[] = [];
  const body = own.replace(RELATIVE_IMPORT, (_line, sibling: string) => {
    before.push(stubText(`${pkg}.${sibling}`, seen));
    return '';
  });
  return before.join('\n') + body;
}

export interface StubProgram {
  text: string;
  /** Offset where the user's snippet starts. */
  snippetStart: number;
}

export function stubProgram(dotted: string, snippet: string): StubProgram {
  const stub = stubText(dotted) + '\n';
  return { text: stub + snippet, snippetStart: stub.length };
}

export async function analyzeWithStub(dotted: string, snippet: string, options: AnalyzeOptions = {}): Promise<{ program: StubProgram; result: EngineResult }> {
  const program = stubProgram(dotted, snippet);
  const result = await analyze(program.text, { ...options, stubCodeEnd: program.snippetStart });
  return { program, result };
}
