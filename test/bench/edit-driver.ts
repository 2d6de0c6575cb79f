/**
 * The server bench's in-process edit loop alone, for profiling and quick comparisons:
 * `node out/test/bench/edit-driver.js [runs] [typed|line30]` prints the median and p95 of the
 * incremental analysis + lint of each edit of the 2,000-line model zoo (lsp-bench.ts editTimes).
 */
import { modelZooFile } from '../helpers/corpus';
import { editTimes, lineAt30, stats } from './lsp-bench';

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 400);
  const moved = process.argv[3] === 'line30';
  const zoo = modelZooFile(2_000);
  const t = await editTimes(zoo, runs, true, moved ? lineAt30 : undefined);
  const a = stats(t.analysis.slice(Math.floor(runs / 10)));
  console.log(`${moved ? 'line30' : 'typed'}: analysis + lint median ${a.median.toFixed(2)} ms, p95 ${a.p95.toFixed(2)} ms; run ${stats(t.ran).median}, reused ${stats(t.reused).median}`);
}

void main();
