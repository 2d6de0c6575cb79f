/** Shared engine access for tests: one parser per backend, loaded once. */
import { analyzeText, type AnalyzeOptions, type EngineResult, type PythonParser } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';

const parsers = new Map<string, Promise<PythonParser>>();

export function parser(backend: 'wasm' | 'native' = 'wasm'): Promise<PythonParser> {
  let p = parsers.get(backend);
  if (!p) {
    p = loadParser(backend);
    parsers.set(backend, p);
  }
  return p;
}

export async function analyze(text: string, options: AnalyzeOptions = {}, backend: 'wasm' | 'native' = 'wasm'): Promise<EngineResult> {
  return analyzeText(await parser(backend), text, options);
}

/** 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
