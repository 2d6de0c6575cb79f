/**
 * Language-server benchmark (reported, not asserted):
 *  - time from a one-character edit to fresh diagnostics (didChange + pull round trip) on
 *    generated 2,000- and 20,000-line model files, median and p95, as a ratio to the
 *    in-process incremental re-parse of the same edit;
 *  - server resident memory after opening every example and 10,000 edits.
 * Run: npx tsc -p . && node out/test/bench/lsp-bench.js; `npm run bench` prints the same
 * measurements against the goals (bench.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { AnalysisCache, analyzeTree, ConversionCache, DocumentTree } from '../../server/src/engine/index';
import { engineOptions, lintEngineResult } from '../../server/src/host/lint';
import { loadParser } from '../../server/src/host/parser';
import { generatedModelFile } from '../helpers/corpus';
import { EXAMPLES, positionAt, TestClient } from '../lsp/harness';

/** Many PyTorch, Keras and Gluon models, each called on a known input (see test/helpers/corpus.ts). */
function generatedModel(lines: number): string {
  return generatedModelFile(lines, 7);
}

export function stats(xs: number[]): { median: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
}

/** An edit of the benchmark: `char` typed at `offset`, or deleted from there. */
export interface BenchEdit {
  offset: number;
  insert: boolean;
  char: string;
}

/** The edit: type a digit in the middle of the file, then delete it, alternately. */
function editAt(text: string, i: number): BenchEdit {
  const at = text.indexOf('Dense(10', Math.floor(text.length / 2));
  // A file without a Dense(10 past its middle (the model zoo): a kernel size instead.
  return { offset: at >= 0 ? at + 6 : text.indexOf('kernel_size=3', Math.floor(text.length / 2)) + 12, insert: i % 2 === 0, char: '1' };
}

/** A blank line inserted at line 30, then deleted, alternately: every block below it moves. */
export function lineAt30(text: string, i: number): BenchEdit {
  return { offset: text.split('\n', 29).join('\n').length + 1, insert: i % 2 === 0, char: '\n' };
}

/**
 * The same edits in this process: the incremental re-parse, and with `analyse` the analysis
 * process's work on it (engine with its per-document caches, then the lint pipeline), with how
 * many blocks each analysis reused and ran (engine/incremental.ts) and how many top-level
 * statements it read from the tree (engine/syntax/convert.ts). `pieces`: the analysis process's
 * parse of the same edits, which re-parses only the top-level statements an edit touches
 * (engine/syntax/pieces.ts).
 */
export async function editTimes(text: string, runs: number, analyse = true, edit = editAt): Promise<{ parse: number[]; pieces: number[]; analysis: number[]; reused: number[]; ran: number[]; read: number[] }> {
  const parser = await loadParser('wasm');
  const caches = { conversionCache: new ConversionCache(), analysisCache: new AnalysisCache() };
  let current = text;
  let tree = parser.parse(current);
  const document = new DocumentTree(parser);
  document.parse(current);
  if (analyse) lintEngineResult(analyzeTree(tree, current, { ...engineOptions({}), ...caches }), current);
  const out = { parse: [] as number[], pieces: [] as number[], analysis: [] as number[], reused: [] as number[], ran: [] as number[], read: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const { offset, insert, char } = edit(text, i);
    const next = insert ? current.slice(0, offset) + char + current.slice(offset) : current.slice(0, offset) + current.slice(offset + 1);
    const p = positionAt(current, offset);
    const after = char === '\n' ? { row: p.line + 1, column: 0 } : { row: p.line, column: p.character + 1 };
    const at = { row: p.line, column: p.character };
    const treeEdit = {
      startIndex: offset,
      oldEndIndex: insert ? offset : offset + 1,
      newEndIndex: insert ? offset + 1 : offset,
      startPosition: at,
      oldEndPosition: insert ? at : after,
      newEndPosition: insert ? after : at,
    };
    tree.edit(treeEdit);
    const t0 = performance.now();
    const fresh = parser.parse(next, tree);
    out.parse.push(performance.now() - t0);
    const t2 = performance.now();
    document.parse(next, treeEdit);
    out.pieces.push(performance.now() - t2);
    document.freeRetired();
    tree.dispose();
    tree = fresh;
    current = next;
    if (!analyse) continue;
    const t1 = performance.now();
    lintEngineResult(analyzeTree(tree, current, { ...engineOptions({}), ...caches }), current);
    out.analysis.push(performance.now() - t1);
    out.reused.push(caches.analysisCache.lastReused);
    out.ran.push(caches.analysisCache.lastRan);
    out.read.push(caches.conversionCache.lastRead);
  }
  tree.dispose();
  document.dispose();
  parser.dispose();
  return out;
}

/** `warmUp` edits come first and are timed apart (`warmUpTimes`): a new process's JIT is still compiling the engine then. */
export async function serverTimes(text: string, runs: number, warmUp = 0): Promise<{ times: number[]; warmUpTimes: number[]; diagnostics: number }> {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const uri = 'untitled:generated.py';
    await client.open(uri, text);
    let diagnostics = (await client.pullDiagnostics(uri)).length;
    let current = text;
    const times: number[] = [];
    const warmUpTimes: number[] = [];
    for (let i = 0; i < warmUp + runs; i++) {
      const { offset, insert } = editAt(text, i);
      const start = positionAt(current, offset);
      const end = insert ? start : { line: start.line, character: start.character + 1 };
      current = insert ? current.slice(0, offset) + '1' + current.slice(offset) : current.slice(0, offset) + current.slice(offset + 1);
      const t0 = process.hrtime.bigint();
      await client.change(uri, [{ range: { start, end }, text: insert ? '1' : '' }]);
      diagnostics = (await client.pullDiagnostics(uri)).length;
      (i < warmUp ? warmUpTimes : times).push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return { times, warmUpTimes, diagnostics };
  } finally {
    await client.stop();
  }
}

function examples(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? examples(p) : f.endsWith('.py') ? [p] : [];
  });
}

/** `documents`: further texts opened first (a project's worth of files). */
export async function memoryAfterEdits(edits: number, documents: string[] = []): Promise<{ rssMb: number; rssAfterOpenMb: number }> {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${client.proc.pid}/status`, 'utf8'))![1]) / 1024;
  try {
    for (const [i, text] of documents.entries()) {
      await client.open(`untitled:project/m${i}.py`, text);
      await client.pullDiagnostics(`untitled:project/m${i}.py`);
    }
    const files = examples(EXAMPLES);
    for (const f of files) {
      await client.open(`untitled:${path.basename(f)}`, readFileSync(f, 'utf8'));
      await client.pullDiagnostics(`untitled:${path.basename(f)}`);
    }
    const rssAfterOpen = rss();
    const uri = `untitled:${path.basename(files[0])}`;
    let text = readFileSync(files[0], 'utf8');
    for (let i = 0; i < edits; i++) {
      const offset = (i * 7919) % (text.length + 1);
      const p = positionAt(text, offset);
      const insert = i % 2 === 0 || text.length === 0;
      const end = insert ? p : positionAt(text, Math.min(text.length, offset + 1));
      const nextEnd = insert ? offset : Math.min(text.length, offset + 1);
      text = text.slice(0, offset) + (insert ? 'x' : '') + text.slice(nextEnd);
      await client.change(uri, [{ range: { start: p, end }, text: insert ? 'x' : '' }]);
      if (i % 100 === 99) await client.pullDiagnostics(uri);
    }
    await client.pullDiagnostics(uri);
    return { rssMb: rss(), rssAfterOpenMb: rssAfterOpen };
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  // `node lsp-bench.js 2000 20000` (defaults) picks the sizes; `--no-memory` skips the memory run.
  const sizes = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
  for (const lines of sizes.length ? sizes : [2_000, 20_000]) {
    const runs = lines > 5_000 ? 30 : 60;
    const text = generatedModel(lines);
    const edits = await editTimes(text, runs);
    const parse = stats(edits.parse);
    const analysis = stats(edits.analysis);
    const server = await serverTimes(text, runs);
    const s = stats(server.times);
    console.log(
      `${lines} lines (${(text.length / 1024).toFixed(0)} KB): edit→diagnostics median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms; ` +
        `incremental parse median ${parse.median.toFixed(2)} ms, p95 ${parse.p95.toFixed(2)} ms; ` +
        `ratio median ${(s.median / parse.median).toFixed(0)}x, p95 ${(s.p95 / parse.p95).toFixed(0)}x; diagnostics ${server.diagnostics}; ` +
        `in one process, incremental analysis + lint median ${analysis.median.toFixed(1)} ms`,
    );
  }
  if (process.argv.includes('--no-memory')) return;
  const mem = await memoryAfterEdits(10_000);
  console.log(`server RSS: ${mem.rssAfterOpenMb.toFixed(0)} MB after opening every example, ${mem.rssMb.toFixed(0)} MB after 10,000 edits`);
}

if (require.main === module) void main();
