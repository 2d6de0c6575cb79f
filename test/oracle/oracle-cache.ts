/**
 * Runs an oracle script in the real frameworks, remembering its answer per machine.
 *
 * An oracle script is a function of what it is given: its own Python (and the oracles' other
 * Python files, which it may import), its arguments and the files they name, its stdin, the
 * environment variables that steer the frameworks, and the frameworks installed in the venv
 * (the package list setup-venv.sh writes beside it). Its stdout is kept under the hash of all of
 * these in the user's cache, as pytest's cache and Bazel's action cache keep results. A later run
 * on the same inputs, in this clone or a fresh clone, reads the frameworks' answer instead of
 * starting TensorFlow or PyTorch again. shapelint's side of every comparison still runs each time.
 * Any change to a case, to a port shapelint generates, or to an oracle script changes the key,
 * and the frameworks run again.
 *
 * Nothing is kept when the venv has no package list (an interpreter from `ORACLE_PYTHON`, say),
 * or when `SHAPELINT_ORACLE_CACHE=0`, which runs every oracle afresh.
 *
 * A script that does run, runs in a fork of a warm Python that has imported the frameworks once
 * (test/oracle/oracle_host.py): the imports cost about 6 s of a core per run, over forty times in
 * a cold test run. `SHAPELINT_ORACLE_HOST=0` starts a fresh Python for every run instead.
 */
import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { ownPrivateDir } from '../../server/src/host/cache';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The folders whose Python files any oracle script may import. */
const ORACLE_SOURCES = ['test/oracle', 'test/port', 'test/engine'].map((d) => path.join(REPO_ROOT, d));
/** Written by setup-venv.sh: the venv's `pip freeze`. */
export const VERSIONS_FILE = 'shapelint-versions.txt';
/** Environment variables that change what the frameworks compute or print. */
const STEERING_ENV = /^(KERAS_|TF_|TORCH|CUDA_|OMP_|MKL_|ONEDNN_|DNNL_|PYTHONHASHSEED$)/;
/** Kept answers: past this many, the least recently used half goes. */
const MAX_ENTRIES = 4000;

function testCacheDir(): string {
  return process.env.SHAPELINT_TEST_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'shapelint-test');
}

export function oracleCacheDir(): string {
  return path.join(testCacheDir(), 'oracle-answers');
}

/**
 * `spawnSync(python, args, options)`, answered from the cache when the same inputs ran before.
 * `reads`: further texts the script depends on that are neither an argument nor stdin.
 */
export function runOracle(python: string, args: string[], options: SpawnSyncOptionsWithStringEncoding & { reads?: string[] }): SpawnSyncReturns<string> {
  const { reads = [], ...spawnOptions } = options;
  const key = cacheKey(python, args, spawnOptions, reads);
  const file = key && path.join(oracleCacheDir(), `${key}.json`);
  if (file && existsSync(file)) {
    const kept = readKept(file);
    if (kept) return kept;
  }
  const run = spawnSync(...throughHost(python, args, spawnOptions), spawnOptions);
  if (file && run.status === 0 && !run.error) keep(file, run);
  return run;
}

const HOST_SCRIPT = path.join(REPO_ROOT, 'test', 'oracle', 'oracle_host.py');
/** Longest socket path Linux takes (sun_path is 108 bytes with its NUL), with room to spare. */
const MAX_SOCKET_PATH = 100;

/**
 * The command that runs `python script args`: through the warm host of test/oracle/oracle_host.py
 * (one per venv, host script and steering environment, since the host imports the frameworks
 * under that environment once), or as it is where no host applies: a `-c` or `-m` run, an
 * interpreter without the package list, `SHAPELINT_ORACLE_HOST=0`, or a cache folder so deep
 * that a socket path would not fit.
 */
function throughHost(python: string, args: string[], options: SpawnSyncOptionsWithStringEncoding): [string, string[]] {
  const as = (): [string, string[]] => [python, args];
  const versions = versionsFile(python);
  if (process.env.SHAPELINT_ORACLE_HOST === '0' || !args[0]?.endsWith('.py') || !isFile(args[0]) || !existsSync(versions)) return as();
  const hash = createHash('sha256').update(python).update('\0').update(readFileSync(versions)).update('\0').update(readFileSync(HOST_SCRIPT));
  for (const [name, value] of steeringEnv(options.env ?? process.env)) hash.update(`\0${name}=${value}`);
  const dir = path.join(testCacheDir(), 'oracle-hosts');
  const socket = path.join(dir, `${hash.digest('hex').slice(0, 16)}.sock`);
  if (socket.length > MAX_SOCKET_PATH) return as();
  // Only its owner may reach a host, which runs whatever script it is sent: a real folder of this
  // user's (as the lint cache checks its own), closed to everyone else.
  if (!ownPrivateDir(dir, true, true)) return as();
  chmodSync(dir, 0o700);
  return [python, ['-S', HOST_SCRIPT, 'run', socket, socket.replace(/\.sock$/, '.lock'), '--', ...args]];
}

/** The package list setup-venv.sh writes beside the venv's `bin/`. */
function versionsFile(python: string): string {
  return path.join(path.dirname(path.dirname(python)), VERSIONS_FILE);
}

/** The steering variables of `env` and their values, by name. */
function steeringEnv(env: NodeJS.ProcessEnv): [string, string][] {
  return Object.keys(env).filter((n) => STEERING_ENV.test(n)).sort().map((n) => [n, env[n] ?? '']);
}

function cacheKey(python: string, args: string[], options: SpawnSyncOptionsWithStringEncoding, reads: string[]): string | null {
  if (process.env.SHAPELINT_ORACLE_CACHE === '0') return null;
  const versions = versionsFile(python);
  if (!existsSync(versions)) return null;
  const hash = createHash('sha256');
  const part = (label: string, data: string | Buffer) => hash.update(`${label}\0${data.length}\0`).update(data);
  part('versions', readFileSync(versions));
  for (const dir of ORACLE_SOURCES) for (const f of pythonFilesIn(dir)) part(path.relative(REPO_ROOT, f), readFileSync(f));
  for (const arg of args) {
    // A file argument counts by its name and content, and so do the Python files beside it (it
    // may import them); where the clone lies does not count, in the name or in the content (a
    // cases file names the stubs folder).
    if (isFile(arg)) {
      part('file', path.basename(arg));
      part('content', withoutRepoRoot(readFileSync(arg, 'utf8')));
      for (const f of pythonFilesIn(path.dirname(arg))) part(path.basename(f), readFileSync(f));
    } else part('arg', withoutRepoRoot(arg));
  }
  part('stdin', typeof options.input === 'string' ? withoutRepoRoot(options.input) : '');
  for (const [name, value] of steeringEnv(options.env ?? process.env)) part(name, value);
  for (const text of reads) part('reads', text);
  return hash.digest('hex').slice(0, 32);
}

/** Paths into this clone (a stubs folder named in a case, say) as the same paths into any clone. */
export function withoutRepoRoot(text: string): string {
  return text.split(REPO_ROOT).join('<repo>');
}

function pythonFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.py')).sort().map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function readKept(file: string): SpawnSyncReturns<string> | null {
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { stdout: string; stderr: string };
    const now = new Date();
    utimesSync(file, now, now);
    return { pid: 0, output: [null, kept.stdout, kept.stderr], stdout: kept.stdout, stderr: kept.stderr, status: 0, signal: null };
  } catch {
    return null; // unreadable or half-written by another run: run the oracle
  }
}

function keep(file: string, run: SpawnSyncReturns<string>): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  // Written aside and renamed, so a concurrent run never reads half an answer.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ stdout: run.stdout, stderr: run.stderr }));
  renameSync(tmp, file);
  prune(dir);
}

function prune(dir: string): void {
  const names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (names.length <= MAX_ENTRIES) return;
  const byAge = names.map((f) => ({ f, used: statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => a.used - b.used);
  for (const { f } of byAge.slice(0, names.length / 2)) rmSync(path.join(dir, f), { force: true });
}
