/**
 * The engine's cold throughput as `shapelint check` sees it, in one process (no lint processes,
 * no IPC): every file of a tree read and configured as `check` does (`readItems`), then linted as
 * a lint process lints its jobs (`runJob`, with the file's project), against a bare parse of the
 * same texts. Prints seconds per folder and the ratio to the bare parse, round by round, and the
 * CPU time of the lint loop (steadier than the clock on a loaded machine).
 *
 * node out/test/bench/engine-throughput.js DIR [--rounds N] [--only SUBSTRING] [--profile FILE]
 * DIR: a tree such as the CLI benchmark's (bench.ts `writeCorpus`).
 * `--profile FILE` writes a CPU profile of the last round's lint work (not the parse) for
 * Chrome's profiler or a script; `--heap-profile FILE` a sampling profile of what that round
 * allocates (collected objects included: what the garbage collector had to clean up).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';
import { readItems } from '../../server/src/cli/check';
import { ConfigResolver } from '../../server/src/host/config';
import { discoverFiles } from '../../server/src/host/discover';
import { runJob } from '../../server/src/host/lint-job';
import { loadParser } from '../../server/src/host/parser';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

function post(session: Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
}

/** The first folder of a file below `root` (`pkg3` counts as `pkg`): the bench tree's groups. */
function groupOf(root: string, file: string): string {
  const top = path.relative(root, file).split(path.sep)[0];
  return top.replace(/\d+$/, '');
}

async function main(): Promise<void> {
  const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  if (!positional[0]) throw new Error('usage: engine-throughput.js DIR [--rounds N] [--only SUBSTRING] [--profile FILE]');
  const root = path.resolve(positional[0]);
  {
    const rounds = Number(option('--rounds') ?? 3);
    const only = option('--only');
    const profile = option('--profile');
    const heapProfile = option('--heap-profile');
    const io = { cwd: root, env: process.env, stdout: () => {}, stderr: (t: string) => process.stderr.write(t) };
    const resolver = new ConfigResolver({ cwd: root, home: process.env.HOME });
    const files = discoverFiles([root], { cwd: root, resolver }).files.filter((f) => !only || f.includes(only));
    const { items } = readItems(files, resolver, io, { fix: false, diff: false, addNoqa: false });
    const parser = await loadParser();
    for (let r = 0; r < rounds; r++) {
      const groups = new Map<string, [number, number]>();
      let parse = 0;
      let lint = 0;
      for (const item of items) {
        const t0 = performance.now();
        parser.parse(item.text).dispose();
        const t1 = performance.now();
        parse += t1 - t0;
        const g = groups.get(groupOf(root, item.abs)) ?? [0, 0];
        g[0] += t1 - t0;
        groups.set(groupOf(root, item.abs), g);
      }
      const session = (profile || heapProfile) && r === rounds - 1 ? new Session() : null;
      session?.connect();
      if (session && profile) {
        await post(session, 'Profiler.enable');
        await post(session, 'Profiler.start');
      }
      if (session && heapProfile) {
        await post(session, 'HeapProfiler.enable');
        await post(session, 'HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      }
      const cpu0 = process.cpuUsage();
      items.forEach((item, id) => {
        const t0 = performance.now();
        runJob(parser, { id, text: item.text, settings: item.settings, fix: null, project: item.project, file: item.abs });
        const dt = performance.now() - t0;
        lint += dt;
        groups.get(groupOf(root, item.abs))![1] += dt;
      });
      const cpu = process.cpuUsage(cpu0);
      if (session && profile) {
        const { profile: p } = (await post(session, 'Profiler.stop')) as { profile: unknown };
        writeFileSync(profile, JSON.stringify(p));
      }
      if (session && heapProfile) {
        const { profile: p } = (await post(session, 'HeapProfiler.stopSampling')) as { profile: unknown };
        writeFileSync(heapProfile, JSON.stringify(p));
      }
      session?.disconnect();
      const per = [...groups].map(([k, [p, l]]) => `${k} ${(p / 1000).toFixed(2)}/${(l / 1000).toFixed(2)}`).join(', ');
      console.log(`round ${r + 1}: ${items.length} files, parse ${(parse / 1000).toFixed(2)} s, parse+lint (runJob) ${(lint / 1000).toFixed(2)} s = ${(lint / parse).toFixed(2)}x parse, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s  [${per}]`);
    }
  }
}

void main();
