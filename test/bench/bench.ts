/**
 * `npm run bench`: engine speed as ratios against a baseline measured in the same run.
 * For each parser backend and corpus: bare parse time, full analysis time, their ratio,
 * files per second and peak memory; then the reach on the reach corpus (`reach.ts`). Printed as
 * tables; nothing is asserted.
 */
import { readFileSync } from 'node:fs';
import { analyzeText, type PythonParser } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';
import { generatedModelFile, pythonFiles } from '../helpers/corpus';
import { EXAMPLES } from '../helpers/paths';
import { measureReach, printReach } from './reach';

interface Row {
  backend: string;
  corpus: string;
  files: number;
  lines: number;
  parseMs: number;
  lintMs: number;
  peakRssMb: number;
}

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(parser: PythonParser, corpus: string, texts: string[], repeats: number): Row {
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const parseRuns: number[] = [];
  const lintRuns: number[] = [];
  for (let r = 0; r < repeats; r++) {
    parseRuns.push(time(() => texts.forEach((t) => parser.parse(t).dispose())));
    sample();
    lintRuns.push(time(() => texts.forEach((t) => analyzeText(parser, t))));
    sample();
  }
  return {
    backend: parser.backend,
    corpus,
    files: texts.length,
    lines: texts.reduce((n, t) => n + t.split('\n').length, 0),
    parseMs: median(parseRuns),
    lintMs: median(lintRuns),
    peakRssMb: peak / 1024 / 1024,
  };
}

async function main(): Promise<void> {
  const corpora: [string, string[], number][] = [
    ['examples', pythonFiles(EXAMPLES).map((f) => readFileSync(f, 'utf8')), 20],
    ['generated 400 × 250 lines', Array.from({ length: 400 }, (_, i) => generatedModelFile(250, i + 1)), 3],
    ['one 20,000-line file', [generatedModelFile(20_000, 7)], 3],
  ];
  const rows: Row[] = [];
  for (const backend of ['wasm', 'native'] as const) {
    let parser: PythonParser;
    try {
      parser = await loadParser(backend);
    } catch {
      console.log(`(${backend} backend not available)`);
      continue;
    }
    for (const [name, texts, repeats] of corpora) {
      // Warm up so the JIT and the WASM module are compiled before timing.
      texts.slice(0, 5).forEach((t) => analyzeText(parser, t));
      rows.push(measure(parser, name, texts, repeats));
    }
  }
  console.log('| backend | corpus | files | lines | parse ms | lint ms | lint / parse | files/s | lines/s | peak RSS MB |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const fps = (r.files / r.lintMs) * 1000;
    const lps = (r.lines / r.lintMs) * 1000;
    console.log(
      `| ${r.backend} | ${r.corpus} | ${r.files} | ${r.lines} | ${r.parseMs.toFixed(1)} | ${r.lintMs.toFixed(1)} | ${(r.lintMs / r.parseMs).toFixed(2)} | ${fps.toFixed(0)} | ${lps.toFixed(0)} | ${r.peakRssMb.toFixed(0)} |`,
    );
  }
  printReach(measureReach(await loadParser('wasm')));
}

void main();
