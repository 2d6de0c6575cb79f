/** Shared engine access for tests: one parser, loaded once. */
import { analyzeText, type AnalyzeOptions, type EngineResult, type PythonParser } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';

let loaded: Promise<PythonParser> | undefined;

/** The argument is what callers named when there were two backends. */
export function parser(_backend: 'wasm' = 'wasm'): Promise<PythonParser> {
  return (loaded ??= loadParser());
}

export async function analyze(text: string, options: AnalyzeOptions = {}, _backend: 'wasm' = 'wasm'): Promise<EngineResult> {
  return analyzeText(await parser(), text, options);
}

/** 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
