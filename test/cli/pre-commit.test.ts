/**
 * The pre-commit hooks, driven by Debian's real `pre-commit` (installed by
 * scripts/setup-test-deps.sh): `try-repo` against a temporary clone of this repository, on a
 * temporary git repository holding the founding examples. pre-commit runs `npm install` and
 * `npm pack`, then installs the tarball globally, so this also proves the package ships its
 * compiled JavaScript. It needs the npm registry and takes a minute or two on a cold cache.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXED_PORT, NAIVE_PORT, project, REPO, removeProject } from './helpers';

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600_000 });
}

const hasPreCommit = run('pre-commit', ['--version'], REPO).status === 0;

describe('pre-commit hooks', { skip: process.env.SHAPELINT_SKIP_PRE_COMMIT ? 'SHAPELINT_SKIP_PRE_COMMIT is set' : false, timeout: 900_000 }, () => {
  let scratch: string;
  let hookRepo: string;
  let work: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    assert.ok(hasPreCommit, 'pre-commit is not installed: run scripts/setup-test-deps.sh');
    scratch = project({});
    hookRepo = path.join(scratch, 'hook-repo');
    work = path.join(scratch, 'work');
    env = { PRE_COMMIT_HOME: path.join(scratch, 'pre-commit-home'), GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    const clone = run('git', ['clone', '--quiet', '--no-hardlinks', REPO, hookRepo], scratch);
    assert.equal(clone.status, 0, clone.stderr);
    mkdirSync(work);
    copyFileSync(NAIVE_PORT, path.join(work, 'gluon_naive_port.py'));
    copyFileSync(FIXED_PORT, path.join(work, 'gluon_fixed_create_model.py'));
    writeFileSync(path.join(work, 'stale.py'), 'x = 1  # noqa: SL003\n');
    for (const args of [['init', '--quiet'], ['add', '.'], ['commit', '--quiet', '-m', 'examples']]) {
      const r = run('git', args, work, env);
      assert.equal(r.status, 0, r.stderr);
    }
  });
  after(() => scratch && removeProject(scratch));

  const tryRepo = (hook: string, file: string) => run('pre-commit', ['try-repo', hookRepo, hook, '--files', file], work, env);

  it('shapelint fails on the naive port with the MXNet message', () => {
    const r = tryRepo('shapelint', 'gluon_naive_port.py');
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /kernel size \(2\) exceeds input \(1 padded to 1\)/);
    assert.match(r.stdout, /gluon_naive_port\.py:13:15/);
  });
  it('shapelint passes on the fixed port', () => {
    const r = tryRepo('shapelint', 'gluon_fixed_create_model.py');
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  it('shapelint-fix rewrites a stale suppression and fails once, then passes', () => {
    const first = tryRepo('shapelint-fix', 'stale.py');
    assert.equal(first.status, 1, first.stdout + first.stderr);
    assert.equal(readFileSync(path.join(work, 'stale.py'), 'utf8'), 'x = 1\n');
    const second = tryRepo('shapelint-fix', 'stale.py');
    assert.equal(second.status, 0, second.stdout + second.stderr);
  });
});
