/**
 * The pre-commit hooks, driven by Debian's real `pre-commit` (installed by
 * scripts/setup-test-deps.sh) as users meet them: a `.pre-commit-config.yaml` that pins this
 * repository at its current commit, in a temporary git repository holding the founding
 * examples. The hooks are installed once (`pre-commit install-hooks`: npm install, npm pack,
 * then a global install of the tarball, which proves the package ships its bundles), and every
 * case reuses that install. It needs the npm registry; the install's time is printed (goal and
 * measurements in docs/ci.md).
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

function pinnedConfig(rev: string): string {
  const hook = (id: string) => `      - id: ${id}\n`;
  return `repos:\n  - repo: ${JSON.stringify(REPO)}\n    rev: ${rev}\n    hooks:\n${hook('shapelint')}${hook('shapelint-fix')}`;
}

describe('pre-commit hooks', { skip: process.env.SHAPELINT_SKIP_PRE_COMMIT ? 'SHAPELINT_SKIP_PRE_COMMIT is set' : false, timeout: 900_000 }, () => {
  let scratch: string;
  let work: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    assert.ok(hasPreCommit, 'pre-commit is not installed: run scripts/setup-test-deps.sh');
    scratch = project({});
    work = path.join(scratch, 'work');
    env = { PRE_COMMIT_HOME: path.join(scratch, 'pre-commit-home'), GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    const rev = run('git', ['rev-parse', 'HEAD'], REPO);
    assert.equal(rev.status, 0, rev.stderr);
    mkdirSync(work);
    copyFileSync(NAIVE_PORT, path.join(work, 'gluon_naive_port.py'));
    copyFileSync(FIXED_PORT, path.join(work, 'gluon_fixed_create_model.py'));
    writeFileSync(path.join(work, 'stale.py'), 'x = 1  # noqa: SL003\n');
    writeFileSync(path.join(work, '.pre-commit-config.yaml'), pinnedConfig(rev.stdout.trim()));
    for (const args of [['init', '--quiet'], ['add', '.'], ['commit', '--quiet', '-m', 'examples']]) {
      const r = run('git', args, work, env);
      assert.equal(r.status, 0, r.stderr);
    }
    // The one install every case reuses; pre-commit's own progress lines go to the terminal.
    process.stderr.write('pre-commit: installing the hooks (npm install, npm pack, global install)...\n');
    const started = Date.now();
    const install = spawnSync('pre-commit', ['install-hooks'], { cwd: work, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
    assert.equal(install.status, 0, 'pre-commit install-hooks failed (output above)');
    process.stderr.write(`pre-commit: hooks installed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });
  after(() => scratch && removeProject(scratch));

  const runHook = (hook: string, file: string) => run('pre-commit', ['run', hook, '--files', file], work, env);

  it('shapelint fails on the naive port with the MXNet message', () => {
    const r = runHook('shapelint', 'gluon_naive_port.py');
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /kernel size \(2\) exceeds input \(1 padded to 1\)/);
    assert.match(r.stdout, /gluon_naive_port\.py:13:15/);
  });
  it('shapelint passes on the fixed port', () => {
    const r = runHook('shapelint', 'gluon_fixed_create_model.py');
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  it('shapelint-fix rewrites a stale suppression and fails once, then passes', () => {
    const first = runHook('shapelint-fix', 'stale.py');
    assert.equal(first.status, 1, first.stdout + first.stderr);
    assert.equal(readFileSync(path.join(work, 'stale.py'), 'utf8'), 'x = 1\n');
    const second = runHook('shapelint-fix', 'stale.py');
    assert.equal(second.status, 0, second.stdout + second.stderr);
  });
  it('the installed hook is the bundle alone: no node_modules were installed with it', () => {
    const r = run('find', [env.PRE_COMMIT_HOME!, '-maxdepth', '8', '-path', '*/lib/node_modules/shapelint/node_modules'], work);
    assert.equal(r.stdout.trim(), '', `the global install pulled dependencies:\n${r.stdout}`);
  });
});
