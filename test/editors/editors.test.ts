/**
 * Real editors driving the server: Neovim's built-in client and Emacs eglot, headless. Each
 * opens a file, waits for the diagnostic, asks for hover and code actions, applies the
 * preferred fix and writes the file. Needs `scripts/setup-test-deps.sh` (neovim, emacs-nox,
 * elpa-eglot); a missing editor fails the test rather than skipping it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLES, REPO_ROOT, SERVER_MAIN } from '../lsp/harness';

const SCRIPTS = path.join(REPO_ROOT, 'test', 'editors');

interface Case {
  name: string;
  setup: (dir: string) => string;
  code: string;
  message: string;
  /** Checks on the written file. */
  written: (before: string, after: string) => void;
  /** Checks on the hover text shown at the diagnostic. */
  hover?: RegExp;
}

const CASES: Case[] = [
  {
    name: 'founding Gluon port',
    setup: (dir) => {
      copyFileSync(path.join(EXAMPLES, 'gluon_naive_port.py'), path.join(dir, 'model.py'));
      chmodSync(path.join(dir, 'model.py'), 0o644); // the examples may be checked out read-only
      return 'model.py';
    },
    code: 'SL005',
    message: 'kernel size (2) exceeds input (1 padded to 1)',
    written: (before, after) => assert.notEqual(after, before, 'the fix was written to disk'),
    hover: /MaxPool2D/,
  },
  {
    name: 'unused suppression (safe fix)',
    setup: (dir) => {
      writeFileSync(path.join(dir, 'clean.py'), 'x = 1  # noqa: SL001\n');
      return 'clean.py';
    },
    code: 'SL100',
    message: 'Unused suppression',
    written: (_before, after) => assert.equal(after, 'x = 1\n'),
  },
];

interface Editor {
  name: string;
  binary: string;
  args: (file: string) => string[];
}

const EDITORS: Editor[] = [
  {
    name: 'neovim',
    binary: 'nvim',
    args: (file) => ['--headless', '-n', '-u', 'NONE', '-i', 'NONE', '-c', `luafile ${path.join(SCRIPTS, 'check.lua')}`, file],
  },
  { name: 'emacs eglot', binary: 'emacs', args: (file) => ['--batch', '-l', path.join(SCRIPTS, 'check.el'), file] },
];

function parseResults(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const [key, ...rest] = line.split('\t');
    out.set(key, [...(out.get(key) ?? []), rest.join('\t')]);
  }
  return out;
}

for (const editor of EDITORS) {
  for (const c of CASES) {
    test(`${editor.name}: ${c.name}: diagnostic, hover, code action, fix written`, { timeout: 60_000 }, () => {
      const found = spawnSync(editor.binary, ['--version'], { encoding: 'utf8' });
      assert.equal(found.status, 0, `${editor.binary} is not installed: run scripts/setup-test-deps.sh`);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'shapelint-editor-'));
      try {
        const file = c.setup(dir);
        const before = readFileSync(path.join(dir, file), 'utf8');
        const home = path.join(dir, '.home');
        mkdirSync(home);
        const results = path.join(home, 'results.txt');
        const run = spawnSync(editor.binary, editor.args(file), {
          cwd: dir,
          encoding: 'utf8',
          timeout: 50_000,
          env: {
            ...process.env,
            HOME: home,
            XDG_CACHE_HOME: path.join(home, 'cache'),
            XDG_STATE_HOME: path.join(home, 'state'),
            XDG_CONFIG_HOME: path.join(home, 'config'),
            SHAPELINT_SERVER: SERVER_MAIN,
            EXPECT_CODE: c.code,
            EXPECT_MESSAGE: c.message,
            RESULT_FILE: results,
          },
        });
        const observed = parseResults(results);
        const detail = `${run.stdout}\n${run.stderr}\n${JSON.stringify([...observed])}`;
        assert.equal(run.status, 0, detail);
        assert.ok(observed.get('message')?.[0].includes(c.message), detail);
        assert.ok((observed.get('action') ?? []).includes(`Disable ${c.code} for this line`), detail);
        assert.ok(observed.get('applied')?.length, detail);
        if (c.hover) assert.match(observed.get('hover')?.[0] ?? '', c.hover, detail);
        c.written(before, readFileSync(path.join(dir, file), 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}
