/**
 * `node out/test/cli/bench-corpus.js [files]`: times `shapelint check` on a generated corpus
 * (cold cache, warm cache, one thread vs all cores). Prints the numbers; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { project, removeProject, REPO, NAIVE_PORT, FIXED_PORT } from './helpers';

const n = Number(process.argv[2] ?? 400);
const sources = [readFileSync(NAIVE_PORT, 'utf8'), readFileSync(FIXED_PORT, 'utf8'), readFileSync(path.join(REPO, 'examples', 'keras_original.py'), 'utf8'), readFileSync(path.join(REPO, 'examples', 'gluon_hybridblock_yournet.py'), 'utf8')];
const files: Record<string, string> = {};
// Each file differs (a comment with its index) so the content-hash cache cannot share entries.
for (let i = 0; i < n; i++) files[`pkg${i % 10}/m${i}.py`] = `# corpus file ${i}\n${sources[i % sources.length]}`;
const root = project(files);
const bin = path.join(REPO, 'bin', 'shapelint.js');
function time(args: string[]): number {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, [bin, 'check', '--output-format', 'concise', ...args], { cwd: root, encoding: 'utf8' });
  return Number(process.hrtime.bigint() - t) / 1e9;
}
const one = time(['--no-cache', '--threads', '1']);
const all = time(['--no-cache']);
const cold = time([]);
const warm = time([]);
const rate = (s: number) => `${(n / s).toFixed(0)} files/s (${s.toFixed(2)} s)`;
process.stdout.write(`${n} files\n1 thread, no cache: ${rate(one)}\nall cores, no cache: ${rate(all)} (speedup ${(one / all).toFixed(2)}x)\ncold cache: ${rate(cold)}\nwarm cache: ${rate(warm)}\n`);
removeProject(root);
