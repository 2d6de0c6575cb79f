/**
 * The warm oracle host (test/oracle/oracle_host.py) runs a script as a process of its own would:
 * the same stdout, stderr, exit status or killing signal, from the same arguments, stdin,
 * environment and working directory; later runs reuse the host, and a host that is gone is
 * started again. Debian's python3 stands in for the venv's (the host imports no framework it
 * lacks), in a venv-shaped folder with a package list, as runOracle expects.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setEnv } from '../helpers/env';
import { runOracle, VERSIONS_FILE } from './oracle-cache';

const SYSTEM_PYTHON = '/usr/bin/python3';
const skip = existsSync(SYSTEM_PYTHON) ? false : `${SYSTEM_PYTHON} is missing`;

// Reports what it was given and where it runs; its first argument picks how it ends.
const SCRIPT = `
import os, sys
data = sys.stdin.read()
print("args", sys.argv[1:], "stdin", repr(data), "env", os.environ.get("ORACLE_TEST"), "cwd", os.getcwd())
print("group", os.getpgid(0))
print("to stderr", file=sys.stderr)
how = sys.argv[1]
if how == "exit":
    sys.exit(3)
if how == "raise":
    raise ValueError("raised by the script")
if how == "signal":
    sys.stdout.flush()
    os.kill(os.getpid(), 8)
`;

describe('oracle host', { skip }, () => {
  let root: string;
  let python: string;
  let script: string;
  let cwd: string;
  let restoreEnv: () => void;

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'shapelint-oracle-host-'));
    // Every call runs (no kept answers), through the host.
    restoreEnv = setEnv({ SHAPELINT_TEST_CACHE: path.join(root, 'cache'), SHAPELINT_ORACLE_CACHE: '0', SHAPELINT_ORACLE_HOST: undefined });
    mkdirSync(path.join(root, 'venv', 'bin'), { recursive: true });
    python = path.join(root, 'venv', 'bin', 'python');
    symlinkSync(SYSTEM_PYTHON, python);
    writeFileSync(path.join(root, 'venv', VERSIONS_FILE), 'none\n');
    script = path.join(root, 'oracle.py');
    writeFileSync(script, SCRIPT);
    cwd = path.join(root, 'work');
    mkdirSync(cwd);
  });

  after(() => {
    stopHosts(root);
    rmSync(root, { recursive: true, force: true });
    restoreEnv();
  });

  const options = (input: string) => ({ encoding: 'utf8' as const, input, cwd, env: { ...process.env, ORACLE_TEST: 'yes' } });
  const hosted = (how: string, input = 'in') => runOracle(python, [script, how], options(input));
  const alone = (how: string, input = 'in') => spawnSync(python, [script, how], options(input));
  const group = (run: SpawnSyncReturns<string>) => /group (\d+)/.exec(run.stdout)?.[1];

  it('gives what a process of its own gives: output, exit status, a traceback, a signal', () => {
    for (const how of ['ok', 'exit', 'raise', 'signal']) {
      const [a, b] = [hosted(how), alone(how)];
      assert.equal(a.status, b.status, how);
      assert.equal(a.signal, b.signal, how);
      assert.equal(a.stdout.replace(/group \d+/, ''), b.stdout.replace(/group \d+/, ''), how);
      assert.equal(a.stderr.replace(/File "[^"]*"/g, 'File'), b.stderr.replace(/File "[^"]*"/g, 'File'), how);
    }
    assert.match(hosted('ok', 'é\u0000x').stdout, /stdin 'é\\x00x' env yes cwd .*work/);
  });

  it('serves later runs from the same host, and starts a new one when it is gone', () => {
    const first = group(hosted('ok'));
    assert.ok(first);
    assert.notEqual(first, String(process.pid));
    assert.equal(group(hosted('ok')), first, 'the same host');
    assert.notEqual(group(alone('ok')), first, 'a process of its own is not in the host group');
    stopHosts(root);
    const next = group(hosted('ok'));
    assert.ok(next);
    assert.notEqual(next, first, 'a new host');
  });

  it('keeps its socket where only its owner may reach it', () => {
    const dir = path.join(root, 'cache', 'oracle-hosts');
    hosted('ok');
    assert.ok(readdirSync(dir).some((f) => f.endsWith('.sock')));
    assert.equal(spawnSync('stat', ['-c', '%a', dir], { encoding: 'utf8' }).stdout.trim(), '700');
  });
});

/** Ends every host started under `root` (each leads its own process group, named in its socket's log). */
function stopHosts(root: string): void {
  const found = spawnSync('pgrep', ['-f', `oracle_host.py serve ${path.join(root, 'cache')}`], { encoding: 'utf8' }).stdout;
  for (const pid of found.split('\n').filter(Boolean)) {
    try {
      process.kill(-Number(pid), 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
}
