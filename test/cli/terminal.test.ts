/** Terminal habits: --color, --statistics, --stdin-filename, --quiet/--silent, progress, --watch. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../server/src/cli/main';
import type { CliIo } from '../../server/src/cli/io';
import { Progress, useColor } from '../../server/src/cli/terminal';
import { cli, matchSnapshot, NAIVE_PORT, projectsRemovedAfter, REPO } from './helpers';

const LATER = readFileSync(path.join(REPO, 'test', 'fixtures', 'notebooks', 'later-cell.ipynb'), 'utf8');
const NAIVE = readFileSync(NAIVE_PORT, 'utf8');
const project = projectsRemovedAfter();

/** Runs the CLI in-process with stdin text and terminal flags. */
async function run(args: string[], cwd: string, extra: Partial<CliIo> & { stdin?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const { stdin, ...rest } = extra;
  const code = await runCli(args, {
    cwd,
    env: { HOME: path.join(cwd, '.no-home') },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => stdin ?? '',
    ...rest,
  });
  return { code, stdout, stderr };
}

const ANSI = /\x1b\[/;

describe('--color', () => {
  it('auto follows NO_COLOR, then FORCE_COLOR, then the terminal; always and never win', () => {
    const cases: [Parameters<typeof useColor>[0], NodeJS.ProcessEnv, boolean, boolean][] = [
      ['auto', {}, true, true],
      ['auto', {}, false, false],
      ['auto', { NO_COLOR: '1' }, true, false],
      ['auto', { NO_COLOR: '1', FORCE_COLOR: '1' }, false, false],
      ['auto', { FORCE_COLOR: '1' }, false, true],
      ['auto', { FORCE_COLOR: '0' }, true, false],
      ['always', { NO_COLOR: '1' }, false, true],
      ['never', { FORCE_COLOR: '1' }, true, false],
    ];
    for (const [choice, env, tty, expected] of cases) assert.equal(useColor(choice, { env, stdoutIsTTY: tty }), expected, JSON.stringify([choice, env, tty]));
  });

  it('colours the full format like Ruff (code, location, gutter, carets, help) and nothing when piped', async () => {
    const root = project({ 'later-cell.ipynb': LATER });
    const coloured = await run(['check', '--no-cache', '--color', 'always'], root);
    matchSnapshot('terminal-color-full.txt', coloured.stdout);
    assert.match(coloured.stdout, /\x1b\[1;31mSL003\x1b\[0m \x1b\[36m\[\*\]\x1b\[0m/);
    assert.doesNotMatch((await run(['check', '--no-cache'], root, { stdoutIsTTY: false })).stdout, ANSI);
    assert.match((await run(['check', '--no-cache'], root, { stdoutIsTTY: true })).stdout, ANSI);
  });
});

describe('--statistics', () => {
  it('counts per rule in Ruff\'s layout, and as JSON', async () => {
    const root = project({ 'later-cell.ipynb': LATER, 'naive.py': NAIVE, 'again.py': NAIVE });
    const text = await run(['check', '--no-cache', '--statistics'], root);
    assert.equal(text.code, 1);
    matchSnapshot('terminal-statistics.txt', text.stdout);
    assert.ok(text.stdout.startsWith('2\tSL005\t[ ] layout-mismatch\n1\tSL003\t[*] features-mismatch\n'), text.stdout);
    const json = JSON.parse((await run(['check', '--no-cache', '--statistics', '--output-format', 'json'], root)).stdout);
    assert.deepEqual(json, [
      { code: 'SL005', name: 'layout-mismatch', count: 2, fixable_count: 0 },
      { code: 'SL003', name: 'features-mismatch', count: 1, fixable_count: 1 },
    ]);
  });
});

describe('--stdin-filename', () => {
  it('checks stdin as the named file (`-` or no path)', async () => {
    const root = project({});
    for (const args of [['--stdin-filename', 'models/naive.py'], ['-', '--stdin-filename', 'models/naive.py']]) {
      const r = await run(['check', '--no-cache', '--output-format', 'concise', ...args], root, { stdin: NAIVE });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^models\/naive\.py:13:15: SL005 Check failed/);
    }
    const dash = await run(['check', '--no-cache', '--output-format', 'concise', '-'], root, { stdin: NAIVE });
    assert.match(dash.stdout, /^-:13:15: SL005/);
  });

  it('--fix writes the fixed text to stdout and the report to stderr; a notebook stays a notebook', async () => {
    const root = project({});
    const r = await run(['check', '--no-cache', '--fix', '--stdin-filename', 'nb.ipynb'], root, { stdin: LATER });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, LATER.replace('nn.Linear(10, 5)', 'nn.Linear(20, 5)'));
    assert.match(r.stderr, /Found 1 error \(1 fixed, 0 remaining\)\./);
    const clean = await run(['check', '--no-cache', '--fix', '--stdin-filename', 'ok.py'], root, { stdin: 'x = 1\n' });
    assert.equal(clean.stdout, 'x = 1\n', 'unchanged text is printed too');
  });
});

describe('--quiet and --silent', () => {
  it('--quiet prints the findings only; --silent prints nothing; both keep the exit code', async () => {
    const root = project({ 'naive.py': NAIVE });
    const quiet = await cli(['check', '--no-cache', '--quiet', '--output-format', 'concise'], root);
    assert.equal(quiet.code, 1);
    assert.equal(quiet.stdout, 'naive.py:13:15: SL005 Check failed: param.kernel[1] <= dshape_nchw[3] + 2 * param.pad[1]: kernel size (2) exceeds input (1 padded to 1)\n');
    const silent = await cli(['check', '--no-cache', '--silent'], root);
    assert.deepEqual([silent.code, silent.stdout, silent.stderr], [1, '', '']);
  });
});

describe('progress', () => {
  it('draws on a terminal stderr only, never in CI or when piped, and erases itself', () => {
    let err = '';
    const io: CliIo = { cwd: '.', env: {}, stdout: () => undefined, stderr: (t) => (err += t), stderrIsTTY: true };
    let now = 0;
    const p = new Progress(io, Progress.wanted(io, false), () => now);
    p.update(1, 400);
    now += 50;
    p.update(2, 400); // throttled
    now += 200;
    p.update(400, 400);
    p.clear();
    assert.equal(err, '\r\x1b[2KChecking 1/400 files\r\x1b[2KChecking 400/400 files\r\x1b[2K');
    assert.equal(Progress.wanted({ ...io, env: { CI: 'true' } }, false), false);
    assert.equal(Progress.wanted({ ...io, stderrIsTTY: false }, false), false);
    assert.equal(Progress.wanted(io, true), false, 'not with --quiet');
  });

  it('a piped run prints no progress', async () => {
    const root = project({ 'a.py': NAIVE, 'b.py': NAIVE, 'c.py': 'x = 1\n' });
    assert.doesNotMatch((await run(['check', '--no-cache'], root, { stderrIsTTY: false })).stderr, /Checking/);
    assert.match((await run(['check', '--no-cache'], root, { stderrIsTTY: true })).stderr, /Checking \d\/3 files/);
  });
});

describe('--watch', () => {
  it('checks, then clears the screen and checks again when a file changes', { timeout: 60_000 }, async () => {
    const root = project({ 'naive.py': NAIVE });
    const stop = new AbortController();
    let stdout = '';
    const runs = () => stdout.split('\x1b[2J\x1b[3J\x1b[H').length - 1;
    const done = runCli(['check', '--no-cache', '--watch', '--output-format', 'concise'], {
      cwd: root,
      env: { HOME: path.join(root, '.no-home') },
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
      signal: stop.signal,
    });
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(ok(), stdout);
    };
    await until(() => /Found 1 error/.test(stdout));
    assert.equal(runs(), 1);
    writeFileSync(path.join(root, 'naive.py'), 'x = 1\n');
    await until(() => runs() === 2 && /All checks passed!/.test(stdout));
    stop.abort();
    assert.equal(await done, 0, 'the exit code of the last run');
  });
});
