/**
 * A cloned repository must not be able to hang, bloat or steer shapelint through the files it
 * reads besides the code: config files, `extend` targets, keras.json and .gitignore committed as
 * symlinks to /dev/zero or to a FIFO, configs in folders above the project or in world-writable
 * folders, hostile file names; and rendering must stay linear in the number of findings.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Diagnostic } from '../../server/src/engine/index';
import { renderConcise, renderFull } from '../../server/src/cli/formats/full';
import { fileReport } from '../../server/src/cli/report';
import { cli } from '../cli/helpers';
import { BUDGET, cleanUp, NAIVE, REPO, runChild, tempDir, writeFiles } from './host-safety-helpers';

after(cleanUp);

const CHANNELS_FIRST_MODEL = readFileSync(path.join(REPO, 'examples', 'keras_mxnet_channels_first', 'model.py'), 'utf8');
const CHANNELS_FIRST = '{"image_data_format": "channels_first"}';

/** A repository (it has `.git`) holding the naive port, where `rel` is a committed symlink to `target`. */
function plantedRepo(rel: string, target: string, extra: Record<string, string> = {}): string {
  const base = tempDir();
  const repo = path.join(base, 'repo');
  writeFiles(repo, { '.git/HEAD': 'ref: refs/heads/main\n', 'model.py': NAIVE, ...extra });
  symlinkSync(target, path.join(repo, rel));
  return repo;
}

function fifoIn(dir: string): string {
  const fifo = path.join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  return fifo;
}

/** The run finished within budget, still found the model's error, and warned about `what`. */
function assertSurvived(r: ReturnType<typeof runChild>, what: RegExp): void {
  assert.equal(r.signal, null, `killed after ${r.seconds} s (a hang): ${r.stderr}`);
  assert.ok(r.seconds < BUDGET.seconds && r.peakMb < BUDGET.peakMb, `${r.seconds} s, ${r.peakMb} MB`);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /SL\d{3}/);
  assert.match(r.stderr, what);
}

const PLANTS: { name: string; rel: string; extra?: Record<string, string>; warning: RegExp }[] = [
  { name: 'pyproject.toml', rel: 'pyproject.toml', warning: /warning: skipping config file pyproject\.toml: not a regular file/ },
  { name: 'shapelint.toml', rel: 'shapelint.toml', warning: /warning: skipping config file shapelint\.toml: not a regular file/ },
  {
    name: 'an `extend` target',
    rel: 'base.toml',
    extra: { '.shapelint.toml': 'extend = "base.toml"\n' },
    warning: /warning: \.shapelint\.toml: ignoring `extend` target base\.toml: not a regular file/,
  },
  { name: 'keras.json', rel: 'keras.json', warning: /warning: skipping keras\.json: not a regular file/ },
  { name: '.gitignore', rel: '.gitignore', warning: /warning: skipping `\.gitignore`: not a regular file/ },
];

describe('adversarial: committed symlinks to /dev/zero and FIFOs', () => {
  for (const plant of PLANTS) {
    it(`${plant.name} -> /dev/zero is skipped with a warning, in bounded time and memory`, () => {
      const repo = plantedRepo(plant.rel, '/dev/zero', plant.extra);
      assertSurvived(runChild(['check', '--no-cache', '.'], repo, { HOME: path.join(repo, '.no-home') }), plant.warning);
    });
    it(`${plant.name} -> a FIFO nobody writes is skipped with a warning, without blocking`, () => {
      const base = tempDir();
      const repo = plantedRepo(plant.rel, fifoIn(base), plant.extra);
      assertSurvived(runChild(['check', '--no-cache', '.'], repo, { HOME: path.join(repo, '.no-home') }), plant.warning);
    });
  }

  it('$KERAS_HOME/keras.json as a FIFO is skipped too', () => {
    const base = tempDir();
    const kerasHome = path.join(base, 'kh');
    mkdirSync(kerasHome);
    symlinkSync(fifoIn(base), path.join(kerasHome, 'keras.json'));
    const repo = path.join(base, 'repo');
    writeFiles(repo, { '.git/HEAD': 'x\n', 'model.py': NAIVE });
    assertSurvived(runChild(['check', '--no-cache', '.'], repo, { HOME: path.join(base, 'home'), KERAS_HOME: kerasHome }), /warning: skipping .*keras\.json: not a regular file \(a FIFO\)/);
  });

  it('a source file that is a symlink to /dev/zero, named on the command line: an error, no hang', () => {
    const base = tempDir();
    symlinkSync('/dev/zero', path.join(base, 'zero.py'));
    writeFiles(base, { 'model.py': NAIVE });
    const r = runChild(['check', '--no-cache', 'zero.py', 'model.py'], base, { HOME: path.join(base, '.no-home') });
    assert.equal(r.signal, null, 'a hang');
    assert.ok(r.peakMb < BUDGET.peakMb, `${r.peakMb} MB`);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: cannot read zero\.py: not a regular file/);
    assert.match(r.stdout, /model\.py:13:15/, 'the other file is still checked');
  });
});

describe('adversarial: where config and keras.json are looked for', () => {
  // A config that would hide the naive port's error, and a keras.json that would flag the Keras model.
  const HIDE_ALL = '[tool.shapelint]\nselect = ["SL100"]\n';

  it('never above the repository root', async () => {
    const base = tempDir();
    writeFiles(base, { 'pyproject.toml': HIDE_ALL, 'keras.json': CHANNELS_FIRST, 'repo/.git/HEAD': 'x\n', 'repo/src/naive.py': NAIVE, 'repo/src/keras_model.py': CHANNELS_FIRST_MODEL });
    const r = await cli(['check', '--no-cache', '--output-format', 'concise'], path.join(base, 'repo'));
    assert.match(r.stdout, /src\/naive\.py:13:15: SL005/);
    assert.doesNotMatch(r.stdout, /keras_model\.py/);
  });

  it('never above the home folder', async () => {
    const base = tempDir();
    writeFiles(base, { 'pyproject.toml': HIDE_ALL, 'keras.json': CHANNELS_FIRST, 'home/proj/naive.py': NAIVE, 'home/proj/keras_model.py': CHANNELS_FIRST_MODEL });
    const r = await cli(['check', '--no-cache', '--output-format', 'concise'], path.join(base, 'home', 'proj'), { HOME: path.join(base, 'home') });
    assert.match(r.stdout, /naive\.py:13:15: SL005/);
    assert.doesNotMatch(r.stdout, /keras_model\.py/);
  });

  it('never in a world-writable folder (sticky or not), even below the root', async () => {
    for (const mode of [0o777, 0o1777]) {
      const base = tempDir();
      writeFiles(base, { 'shared/pyproject.toml': HIDE_ALL, 'shared/keras.json': CHANNELS_FIRST, 'shared/proj/naive.py': NAIVE, 'shared/proj/keras_model.py': CHANNELS_FIRST_MODEL });
      chmodSync(path.join(base, 'shared'), mode);
      const r = await cli(['check', '--no-cache', '--output-format', 'concise'], path.join(base, 'shared', 'proj'));
      assert.match(r.stdout, /naive\.py:13:15: SL005/, `mode ${mode.toString(8)}`);
      assert.doesNotMatch(r.stdout, /keras_model\.py/, `mode ${mode.toString(8)}`);
      assert.match(r.stderr, /warning: ignoring config file .*shared\/pyproject\.toml: its folder is writable by every user/);
      assert.match(r.stderr, /warning: ignoring .*shared\/keras\.json: its folder is writable by every user/);
    }
  });

  it('still in the project and its repository root (the control case)', async () => {
    const base = tempDir();
    writeFiles(base, { 'repo/.git/HEAD': 'x\n', 'repo/keras.json': CHANNELS_FIRST, 'repo/src/naive.py': NAIVE, 'repo/src/keras_model.py': CHANNELS_FIRST_MODEL });
    const r = await cli(['check', '--no-cache', '--output-format', 'concise'], path.join(base, 'repo'));
    assert.match(r.stdout, /naive\.py/);
    assert.match(r.stdout, /keras_model\.py/);
    writeFiles(base, { 'repo/pyproject.toml': HIDE_ALL });
    const hidden = await cli(['check', '--no-cache', '--output-format', 'concise'], path.join(base, 'repo'));
    assert.equal(hidden.stdout, 'All checks passed!\n');
  });
});

describe('adversarial: file names cannot forge output', () => {
  // A newline and colours that would print a fake clean result line after the real one.
  const EVIL = 'model\n\u001b[32mAll checks passed!\u001b[0m\u202e.py';

  for (const format of ['full', 'concise', 'github', 'junit']) {
    it(`${format}: control characters in a name are escaped`, async () => {
      const base = tempDir();
      writeFiles(base, { [EVIL]: NAIVE });
      const r = await cli(['check', '--no-cache', '--output-format', format], base);
      assert.equal(r.code, 1);
      assert.ok(!/[\u001b\u202e]/.test(r.stdout), 'no raw escape or bidi override');
      assert.ok(!r.stdout.split('\n').some((l) => l.startsWith('\u001b') || l.startsWith('All checks passed!') || l.startsWith('[32m')), 'no forged line');
      assert.match(r.stdout, /model\\n\\x1b\[32mAll checks passed!\\x1b\[0m\\u202e\.py/);
    });
  }

  it('json, json-lines, gitlab and sarif carry the exact name, escaped by JSON', async () => {
    const base = tempDir();
    writeFiles(base, { [EVIL]: NAIVE });
    for (const format of ['json', 'json-lines', 'gitlab', 'sarif']) {
      const r = await cli(['check', '--no-cache', '--output-format', format], base);
      // JSON escapes every control character; a bidi override is ordinary text in a JSON string.
      assert.ok(!/[\u0000-\u001f]/.test(r.stdout.replace(/\n/g, '')), `${format}: no raw control character`);
      const docs = format === 'json-lines' ? r.stdout.trim().split('\n').map((l) => JSON.parse(l)) : [JSON.parse(r.stdout)];
      const text = JSON.stringify(docs);
      const names = format === 'sarif' ? [decodeURIComponent(docs[0].runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri)] : [];
      if (format === 'json') names.push(path.basename(docs[0][0].filename));
      if (format === 'json-lines') names.push(path.basename(docs[0].filename));
      if (format === 'gitlab') names.push(docs[0][0].location.path);
      assert.deepEqual(names, [EVIL], `${format}: ${text.slice(0, 200)}`);
    }
  });

  it('warnings on stderr escape names too', async () => {
    const base = tempDir();
    writeFiles(base, { [`bin\n\u001b[0mary.py`]: Buffer.from([0, 1, 2]) });
    const r = await cli(['check', '--no-cache'], base);
    assert.match(r.stderr, /warning: skipping bin\\n\\x1b\[0mary\.py: binary file/);
  });
});

describe('adversarial: rendering is linear in the number of findings', () => {
  /** One finding per line, each with a one-line fix (the shape that made `full` quadratic). */
  function report(n: number) {
    const text = Array.from({ length: n }, (_, i) => `x${i} = ${i}  # noqa: SL003\n`).join('');
    const diagnostics: Diagnostic[] = [];
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const line = `x${i} = ${i}  # noqa: SL003\n`;
      const at = offset + line.indexOf('  #');
      diagnostics.push({
        code: 'SL100',
        rule: 'unused-suppression',
        severity: 'warning',
        message: 'Unused suppression (unused: SL003)',
        explanation: [],
        range: { start: at + 2, end: offset + line.length - 1 },
        related: [],
        fixes: [{ title: 'Remove unused suppression', applicability: 'safe', edits: [{ range: { start: at, end: offset + line.length - 1 }, newText: '' }] }],
      });
      offset += line.length;
    }
    return { files: [fileReport('/p/m.py', 'm.py', text, diagnostics, [])], fixMode: 'safe' as const, fixed: 0 };
  }

  it('20,000 findings with fix previews render within budget, and the output grows linearly', () => {
    // Quadratic rendering (the whole text edited per finding) took minutes at this size.
    const small = report(5000);
    const big = report(20000);
    const started = Date.now();
    const out = renderFull(big);
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 20, `${seconds} s`);
    assert.equal(out.match(/^help: Remove unused suppression$/gm)?.length, 20000);
    const ratio = renderFull(big).length / renderFull(small).length;
    assert.ok(ratio > 3.5 && ratio < 4.5, `output ratio ${ratio}`);
    assert.equal(renderConcise(big).split('\n').length - 1, 20000 + 2);
  });
});
