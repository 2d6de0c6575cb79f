/**
 * The oracle answer cache runs a script again whenever anything it reads changed, and only then.
 * A stand-in interpreter (a shell script in a venv-shaped folder) counts its runs.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setEnv } from '../helpers/env';
import { runOracle, VERSIONS_FILE } from './oracle-cache';

describe('oracle answer cache', () => {
  let root: string;
  let python: string;
  let runs: string;
  let script: string;
  let restoreEnv: () => void;

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'shapelint-oracle-cache-'));
    // The stand-in is a shell script: no warm host (oracle-host.test.ts).
    restoreEnv = setEnv({ SHAPELINT_TEST_CACHE: path.join(root, 'cache'), SHAPELINT_ORACLE_CACHE: undefined, SHAPELINT_ORACLE_HOST: '0' });
    mkdirSync(path.join(root, 'venv', 'bin'), { recursive: true });
    runs = path.join(root, 'runs');
    python = path.join(root, 'venv', 'bin', 'python');
    // Prints its arguments, its stdin and KERAS_BACKEND, and counts its runs.
    writeFileSync(python, `#!/bin/sh\necho run >> '${runs}'\necho "$@"; cat; echo "$KERAS_BACKEND"\n`);
    chmodSync(python, 0o755);
    writeFileSync(path.join(root, 'venv', VERSIONS_FILE), 'keras==3.0\n');
    script = path.join(root, 'oracle.py');
    writeFileSync(script, 'print(1)\n');
  });

  after(() => {
    rmSync(root, { recursive: true, force: true });
    restoreEnv();
  });

  const count = () => readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
  const run = (input: string, env: Record<string, string> = {}) => runOracle(python, [script], { encoding: 'utf8', input, env: { ...process.env, ...env } });

  it('answers the same inputs from the cache, with the output of the run that was kept', () => {
    const first = run('a');
    assert.equal(first.status, 0);
    const again = run('a');
    assert.equal(count(), 1);
    assert.equal(again.stdout, first.stdout);
    assert.equal(again.status, 0);
  });

  it('runs again when stdin, a steering variable, the script, or the venv changed', () => {
    const before = count();
    run('b');
    assert.equal(count(), before + 1, 'stdin');
    run('b', { KERAS_BACKEND: 'torch' });
    assert.equal(count(), before + 2, 'KERAS_BACKEND');
    assert.match(run('b', { KERAS_BACKEND: 'torch' }).stdout, /torch/);
    assert.equal(count(), before + 2, 'same again: kept');
    writeFileSync(script, 'print(2)\n');
    run('b');
    assert.equal(count(), before + 3, 'script');
    writeFileSync(path.join(root, 'venv', VERSIONS_FILE), 'keras==3.1\n');
    run('b');
    assert.equal(count(), before + 4, 'venv packages');
  });

  it('keeps nothing for a failed run, for a venv without a package list, or when turned off', () => {
    const failing = path.join(root, 'fails.py');
    writeFileSync(failing, '');
    const before = count();
    writeFileSync(python, `#!/bin/sh\necho run >> '${runs}'\nexit 3\n`);
    assert.equal(runOracle(python, [failing], { encoding: 'utf8' }).status, 3);
    assert.equal(runOracle(python, [failing], { encoding: 'utf8' }).status, 3);
    assert.equal(count(), before + 2);
    writeFileSync(python, `#!/bin/sh\necho run >> '${runs}'\necho ok\n`);
    process.env.SHAPELINT_ORACLE_CACHE = '0';
    run('c');
    run('c');
    assert.equal(count(), before + 4);
    delete process.env.SHAPELINT_ORACLE_CACHE;
    rmSync(path.join(root, 'venv', VERSIONS_FILE));
    run('d');
    run('d');
    assert.equal(count(), before + 6);
  });
});
