/** The founding-case output pasted in README.md is what `shapelint check examples/` prints today. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from '../helpers/paths';

it('README shows real output of shapelint check examples/', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('```\nSL005');
  assert.ok(start >= 0, 'README has the pasted output');
  const block = readme.slice(start + 4, readme.indexOf('```', start + 4));
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'shapelint.js'), 'check', 'examples/', '--no-cache'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', SHAPELINT_OUTPUT_FORMAT: '' },
  });
  assert.equal(run.status, 1, run.stderr);
  assert.ok(run.stdout.includes(block), `README block not found in:\n${run.stdout}`);
});
