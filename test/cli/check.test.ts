/** `shapelint check` end to end (in-process): exit codes, bad input, fixes, cache and workers. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, FIXED_PORT, NAIVE_PORT, projectsRemovedAfter, read } from './helpers';

const naive = readFileSync(NAIVE_PORT, 'utf8');
const fixedPort = readFileSync(FIXED_PORT, 'utf8');
const tmp = projectsRemovedAfter();

describe('check: the founding example', () => {
  it('flags the first MaxPool2D of the naive port, exit 1', async () => {
    const root = tmp({ 'naive.py': naive, 'fixed.py': fixedPort });
    const r = await cli(['check', '--no-cache', 'naive.py', 'fixed.py', '--output-format', 'concise'], root);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^naive\.py:13:15: SL\d{3} .*kernel size \(2\) exceeds input \(1 padded to 1\)/m);
    assert.doesNotMatch(r.stdout, /fixed\.py/);
    assert.match(r.stdout, /Found 1 error\.\n/);
  });
  it('passes on the fixed port, exit 0', async () => {
    const root = tmp({ 'fixed.py': fixedPort });
    const r = await cli(['check', '--no-cache'], root);
    assert.deepEqual([r.code, r.stdout], [0, 'All checks passed!\n']);
  });
  it('full output has the code frame, notes, related location and fix preview', async () => {
    const root = tmp({ 'naive.py': naive });
    const r = await cli(['check', '--no-cache'], root);
    assert.match(r.stdout, /--> naive\.py:13:15\n/);
    assert.match(r.stdout, /13 \|     model\.add\(gluon\.nn\.MaxPool2D/);
    assert.match(r.stdout, /\n\s+\|\s+\^{10,}/);
    assert.match(r.stdout, /= note: /);
    assert.match(r.stdout, /info: .*\n\s*--> naive\.py:22:/);
    assert.match(r.stdout, /help: .*\(unsafe fix: enable with --unsafe-fixes\)\n\s+23 - y_pred = model\(X\)\n\s+23 \+ y_pred = model\(X\.transpose/);
  });
});

describe('check: fixes', () => {
  it('--unsafe-fixes --fix removes the error, leaves parseable code, and a second run changes nothing', async () => {
    const root = tmp({ 'naive.py': naive });
    const first = await cli(['check', '--no-cache', '--fix', '--unsafe-fixes', '--show-fixes'], root);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /Fixed:\nnaive\.py:\n\s+1 × SL\d{3}/);
    const once = read(root, 'naive.py');
    assert.notEqual(once, naive);
    const recheck = await cli(['check', '--no-cache', '--output-format', 'json'], root);
    assert.deepEqual(JSON.parse(recheck.stdout), []);
    const second = await cli(['check', '--no-cache', '--fix', '--unsafe-fixes'], root);
    assert.equal(second.code, 0);
    assert.equal(read(root, 'naive.py'), once);
  });
  it('--fix alone does not apply unsafe fixes', async () => {
    const root = tmp({ 'naive.py': naive });
    const r = await cli(['check', '--no-cache', '--fix'], root);
    assert.equal(r.code, 1);
    assert.equal(read(root, 'naive.py'), naive);
  });
  it('safe fixes: unused suppressions go, with BOM, CRLF and permissions kept', async () => {
    const src = '\ufeffimport os\r\nx = 1  # noqa: SL003\r\ny = 2  # shapelint: ignore[rank-mismatch]  # keep me\r\n';
    const root = tmp({ 'a.py': src });
    chmodSync(path.join(root, 'a.py'), 0o751);
    const r = await cli(['check', '--no-cache', '--fix', '--exit-non-zero-on-fix'], root);
    assert.equal(r.code, 1, 'exit 1 because fixes were applied');
    assert.match(r.stdout, /Found 2 errors \(2 fixed, 0 remaining\)\./);
    assert.equal(readFileSync(path.join(root, 'a.py'), 'latin1').slice(0, 3), '\xef\xbb\xbf');
    assert.equal(read(root, 'a.py'), '\ufeffimport os\r\nx = 1\r\ny = 2  # keep me\r\n');
    assert.equal(statSync(path.join(root, 'a.py')).mode & 0o777, 0o751);
    assert.deepEqual(readdirSync(root).filter((f) => f.endsWith('.tmp')), []);
  });
  it('--diff prints a unified diff, writes nothing, exits 1', async () => {
    const root = tmp({ 'a.py': 'x = 1  # noqa: SL003\n' });
    const r = await cli(['check', '--no-cache', '--diff'], root);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '--- a.py\n+++ a.py\n@@ -1,1 +1,1 @@\n-x = 1  # noqa: SL003\n+x = 1\n');
    assert.match(r.stderr, /Would fix 1 error\./);
    assert.equal(read(root, 'a.py'), 'x = 1  # noqa: SL003\n');
  });
  it('--exit-zero exits 0 with problems left', async () => {
    const root = tmp({ 'naive.py': naive });
    assert.equal((await cli(['check', '--no-cache', '--exit-zero'], root)).code, 0);
  });
  it('--add-noqa suppresses current diagnostics, then the check passes', async () => {
    const root = tmp({ 'naive.py': naive });
    const r = await cli(['check', '--no-cache', '--add-noqa'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Added 1 noqa directive\./);
    assert.match(read(root, 'naive.py'), /strides=\(2, 2\)\)\)  # noqa: SL\d{3}\n/);
    assert.equal((await cli(['check', '--no-cache'], root)).code, 0);
  });
  it('never writes a file that is not valid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('x = 1  # noqa: SL003  \xff'.replace('\xff', ''), 'utf8'), Buffer.from([0xff, 0x0a])]);
    const root = tmp({ 'bad.py': bytes });
    const r = await cli(['check', '--no-cache', '--fix'], root);
    assert.match(r.stderr, /bad\.py is not valid UTF-8/);
    assert.equal(r.code, 1, 'the unused suppression is still reported');
    assert.deepEqual(readFileSync(path.join(root, 'bad.py')), bytes);
  });
});

describe('check: bad input', () => {
  it('unknown option: exit 2, message on stderr, nothing on stdout', async () => {
    const r = await cli(['check', '--frobnicate'], tmp({}));
    assert.deepEqual([r.code, r.stdout], [2, '']);
    assert.match(r.stderr, /unknown option '--frobnicate'/);
  });
  it('unknown output format: exit 2', async () => {
    const r = await cli(['check', '--output-format', 'xml'], tmp({}));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Allowed choices are full, concise/);
  });
  it('missing path: exit 2, other paths still checked', async () => {
    const root = tmp({ 'naive.py': naive });
    const r = await cli(['check', '--no-cache', 'nope.py', 'naive.py', '--output-format', 'concise'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: `nope\.py`: no such file or directory/);
    assert.match(r.stdout, /naive\.py:13:15/);
  });
  it('a folder without Python: warning, exit 0', async () => {
    const r = await cli(['check', 'docs'], tmp({ 'docs/readme.md': '# hi\n' }));
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: no Python files found under `docs`/);
  });
  it('a path given twice is checked once', async () => {
    const root = tmp({ 'naive.py': naive });
    const r = await cli(['check', '--no-cache', 'naive.py', './naive.py', '--output-format', 'concise'], root);
    assert.equal(r.stdout.match(/naive\.py:13:15/g)?.length, 1);
    assert.match(r.stderr, /given more than once/);
  });
  it('names with spaces and non-ASCII characters', async () => {
    const root = tmp({ 'my models/réseau ü.py': naive });
    const r = await cli(['check', '--no-cache', '--output-format', 'concise'], root);
    assert.match(r.stdout, /^my models\/réseau ü\.py:13:15: /m);
  });
  it('binary files are skipped with a warning', async () => {
    const root = tmp({ 'blob.py': Buffer.from([0x78, 0x00, 0x01]) });
    const r = await cli(['check', '--no-cache'], root);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /skipping blob\.py: binary file/);
  });
  it('symlink loops are reported and skipped', async () => {
    const root = tmp({ 'pkg/a.py': 'x = 1\n' });
    symlinkSync('..', path.join(root, 'pkg', 'loop'));
    const r = await cli(['check', '--no-cache'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /symbolic link loop/);
  });
  it('unreadable files: exit 2 with the reason', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, async () => {
    const root = tmp({ 'secret.py': 'x = 1\n' });
    chmodSync(path.join(root, 'secret.py'), 0);
    const r = await cli(['check', '--no-cache'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read secret\.py: permission denied/);
  });
  it('a syntax error is reported, and the rest of the file still checked', async () => {
    const root = tmp({ 'broken.py': naive.replace('batch_size = 32', 'batch_size = = 32\ndef (:\n    pass\nbatch_size = 32') });
    const r = await cli(['check', '--no-cache', '--output-format', 'concise'], root);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /broken\.py:\d+:\d+: SyntaxError: /);
    assert.match(r.stdout, /kernel size \(2\) exceeds input/);
  });
});

describe('check: output format selection', () => {
  it('GITHUB_ACTIONS=true defaults to github; SHAPELINT_OUTPUT_FORMAT and the flag win', async () => {
    const root = tmp({ 'naive.py': naive });
    assert.match((await cli(['check', '--no-cache'], root, { GITHUB_ACTIONS: 'true' })).stdout, /^::error title=shapelint/);
    assert.match((await cli(['check', '--no-cache'], root, { GITHUB_ACTIONS: 'true', SHAPELINT_OUTPUT_FORMAT: 'concise' })).stdout, /^naive\.py:13:15/);
    assert.match((await cli(['check', '--no-cache', '--output-format', 'json-lines'], root, { SHAPELINT_OUTPUT_FORMAT: 'concise' })).stdout, /^\{"cell"/);
    assert.equal((await cli(['check'], root, { SHAPELINT_OUTPUT_FORMAT: 'yaml' })).code, 2);
  });
  it('machine formats keep warnings off stdout', async () => {
    const root = tmp({ 'naive.py': naive, 'blob.py': Buffer.from([0, 1]) });
    const r = await cli(['check', '--no-cache', '--output-format', 'sarif'], root);
    assert.doesNotThrow(() => JSON.parse(r.stdout));
    assert.match(r.stderr, /binary/);
  });
});

describe('check: cache and workers', () => {
  const corpus: Record<string, string> = {};
  for (let i = 0; i < 12; i++) corpus[`m${String(i).padStart(2, '0')}.py`] = i % 3 === 0 ? naive : fixedPort;
  it('worker threads give the same output, in the same order, as one thread', async () => {
    const root = tmp(corpus);
    const one = await cli(['check', '--no-cache', '--threads', '1', '--output-format', 'concise'], root);
    const two = await cli(['check', '--no-cache', '--threads', '2', '--output-format', 'concise'], root);
    assert.equal(two.stdout, one.stdout);
    assert.equal(one.stdout.match(/SL\d{3}/g)?.length, 4);
  });
  it('the cache is written, reused and keyed by content', async () => {
    const root = tmp(corpus);
    const cold = await cli(['check', '--output-format', 'concise'], root);
    // The cache lives in the user's cache folder (the test's HOME), never in the project.
    assert.ok(!existsSync(path.join(root, '.shapelint_cache')));
    const cacheDir = path.join(root, '.no-home', '.cache', 'shapelint');
    const entries = () => readdirSync(cacheDir).flatMap((d) => readdirSync(path.join(cacheDir, d)));
    assert.equal(entries().length, 2, 'two distinct contents, two entries');
    const warm = await cli(['check', '--output-format', 'concise'], root);
    assert.equal(warm.stdout, cold.stdout);
    writeFileSync(path.join(root, 'm01.py'), naive);
    const changed = await cli(['check', '--output-format', 'concise'], root);
    assert.equal(changed.stdout.match(/SL\d{3}/g)?.length, 5);
    const keras = await cli(['check', '--output-format', 'concise', '--config', 'keras-data-format = "channels_first"'], root);
    assert.equal(keras.code, 1);
    assert.equal(entries().length, 4, 'other settings, other keys');
  });
});
