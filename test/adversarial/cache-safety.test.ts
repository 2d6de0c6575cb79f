/**
 * The result cache cannot be turned against the user: a repository that commits a cache (or
 * symlinks inside one) changes nothing, entries that were tampered with, forged, malformed or
 * that carry a source rewrite are misses, and the cache folder itself is used only when it is a
 * private folder of the user's.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { shapelintVersion } from '../../server/src/host/version';
import { buildId, ResultCache, userCacheDir, validResult } from '../../server/src/host/cache';
import { cli } from '../cli/helpers';
import { cleanUp, NAIVE, REPO, tempDir, writeFiles } from './host-safety-helpers';

after(cleanUp);

const BUILD = buildId(shapelintVersion(), [path.join(REPO, 'out', 'server', 'src', 'engine'), path.join(REPO, 'out', 'server', 'src', 'host')]);

/** A project with the naive port (one SL005), and the HOME its runs use. */
function projectWithHome(): { root: string; home: string; cacheRoot: string } {
  const root = tempDir();
  writeFiles(root, { 'naive.py': NAIVE });
  const home = path.join(tempDir(), 'home');
  mkdirSync(home);
  return { root, home, cacheRoot: path.join(home, '.cache', 'shapelint') };
}

async function check(root: string, home: string, args: string[] = []) {
  return cli(['check', '--output-format', 'concise', ...args], root, { HOME: home });
}

/** The only cache entry (one file checked once). */
function onlyEntry(cacheRoot: string): string {
  const builds = readdirSync(cacheRoot);
  assert.equal(builds.length, 1);
  const entries = readdirSync(path.join(cacheRoot, builds[0]));
  assert.equal(entries.length, 1);
  return path.join(cacheRoot, builds[0], entries[0]);
}

/** An entry signed the way docs/ci.md describes, as only shapelint itself (or the user) could write it. */
function signedEntry(key: string, result: unknown): string {
  const body = JSON.stringify(result);
  const mac = createHmac('sha256', BUILD).update(`shapelint-cache\0${1}\0${key}\0`).update(body).digest('hex');
  return JSON.stringify({ format: 'shapelint-cache', version: 1, key, mac, result: body });
}

const SL005 = /naive\.py:13:15: SL005/;

describe('adversarial: the cache lives outside the project', () => {
  it('is written in the user cache folder with private permissions, nothing in the project', async () => {
    const { root, home, cacheRoot } = projectWithHome();
    const r = await check(root, home);
    assert.match(r.stdout, SL005);
    assert.equal(userCacheDir({ HOME: home }, 'linux'), cacheRoot);
    assert.deepEqual(readdirSync(root), ['naive.py']);
    assert.equal(lstatSync(cacheRoot).mode & 0o777, 0o700);
    assert.equal(lstatSync(onlyEntry(cacheRoot)).mode & 0o777, 0o600);
  });

  it('a committed .shapelint_cache with a symlinked .gitignore never writes through the link', async () => {
    const { root, home } = projectWithHome();
    const profile = path.join(home, '.profile');
    writeFileSync(profile, 'export PATH=$HOME/bin:$PATH\n');
    mkdirSync(path.join(root, '.shapelint_cache'));
    symlinkSync(profile, path.join(root, '.shapelint_cache', '.gitignore'));
    await check(root, home);
    await check(root, home);
    assert.equal(readFileSync(profile, 'utf8'), 'export PATH=$HOME/bin:$PATH\n');
    assert.ok(lstatSync(path.join(root, '.shapelint_cache', '.gitignore')).isSymbolicLink());
  });

  it('a committed cache entry claiming "no problems" for a broken file is not read', async () => {
    const { root, home, cacheRoot } = projectWithHome();
    await check(root, home);
    const entry = onlyEntry(cacheRoot);
    const key = path.basename(entry, '.json');
    // Even a correctly signed entry is ignored when it sits in the project.
    const clean = { id: 0, diagnostics: [], syntaxErrors: [], truncated: false, applied: [] };
    for (const dir of [path.join(root, '.shapelint_cache'), path.join(root, '.shapelint_cache', BUILD.slice(0, 16))]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${key}.json`), signedEntry(key, clean));
    }
    rmSync(cacheRoot, { recursive: true });
    assert.match((await check(root, home)).stdout, SL005);
  });
});

describe('adversarial: poisoned entries in the user cache are misses', () => {
  async function poisoned(write: (entry: string, key: string) => void) {
    const { root, home, cacheRoot } = projectWithHome();
    const cold = await check(root, home);
    const entry = onlyEntry(cacheRoot);
    write(entry, path.basename(entry, '.json'));
    const warm = await check(root, home);
    return { root, cold, warm, entry };
  }

  it('an edited entry (no diagnostics, old signature) is a miss: the error is still reported', async () => {
    const { cold, warm } = await poisoned((entry) => {
      const e = JSON.parse(readFileSync(entry, 'utf8'));
      e.result = JSON.stringify({ ...JSON.parse(e.result), diagnostics: [] });
      writeFileSync(entry, JSON.stringify(e));
    });
    assert.match(warm.stdout, SL005);
    assert.equal(warm.stdout, cold.stdout);
  });

  it('an entry carrying fixedText never rewrites the source, even correctly signed', async () => {
    const { root, warm } = await poisoned((entry, key) => {
      const e = JSON.parse(readFileSync(entry, 'utf8'));
      writeFileSync(entry, signedEntry(key, { ...JSON.parse(e.result), fixedText: 'import os\nos.system("echo owned")\n', applied: [{ code: 'SL005', rule: 'x', title: 'x' }] }));
    });
    assert.equal(readFileSync(path.join(root, 'naive.py'), 'utf8'), NAIVE);
    assert.match(warm.stdout, SL005);
    assert.equal(warm.code, 1);
  });

  for (const [name, content] of [
    ['not JSON at all', '\u0000\u0001garbage'],
    ['a JSON array', '[1, 2, 3]'],
    ['an envelope of the wrong version', JSON.stringify({ format: 'shapelint-cache', version: 99 })],
  ] as const) {
    it(`${name}: a miss, never an error`, async () => {
      const { cold, warm } = await poisoned((entry) => writeFileSync(entry, content));
      assert.equal(warm.code, 1, warm.stderr);
      assert.equal(warm.stdout, cold.stdout);
      assert.doesNotMatch(warm.stderr, /internal error/);
    });
  }

  it('a signed but malformed result (wrong types, ranges past the text): a miss, never an error', async () => {
    for (const bad of [
      { diagnostics: 5, syntaxErrors: [], truncated: false },
      { diagnostics: [{ code: 'SL005' }], syntaxErrors: [], truncated: false },
      { diagnostics: [], syntaxErrors: [{ message: 'x', range: { start: 0, end: 1e9 } }], truncated: false },
    ]) {
      const { cold, warm } = await poisoned((entry, key) => writeFileSync(entry, signedEntry(key, bad)));
      assert.equal(warm.code, 1, warm.stderr);
      assert.equal(warm.stdout, cold.stdout);
    }
  });

  it('an entry replaced by a symlink to a user file: not followed on read, and the file is untouched', async () => {
    const victim = path.join(tempDir(), 'notes.txt');
    writeFileSync(victim, 'my notes\n');
    const { warm, entry } = await poisoned((entry) => {
      rmSync(entry);
      symlinkSync(victim, entry);
    });
    assert.match(warm.stdout, SL005);
    assert.equal(readFileSync(victim, 'utf8'), 'my notes\n');
    assert.ok(lstatSync(entry).isFile(), 'the link was replaced by a fresh entry');
  });
});

describe('adversarial: the cache folder must be private', () => {
  it('a symlinked cache folder is not used', async () => {
    const { root, home, cacheRoot } = projectWithHome();
    const elsewhere = tempDir();
    mkdirSync(path.dirname(cacheRoot), { recursive: true });
    symlinkSync(elsewhere, cacheRoot);
    assert.match((await check(root, home)).stdout, SL005);
    assert.deepEqual(readdirSync(elsewhere), []);
  });

  it('a world-writable cache folder is not used', async () => {
    const { root, home, cacheRoot } = projectWithHome();
    mkdirSync(cacheRoot, { recursive: true });
    chmodSync(cacheRoot, 0o777);
    assert.match((await check(root, home)).stdout, SL005);
    assert.deepEqual(readdirSync(cacheRoot), []);
  });

  it('--no-cache neither reads nor writes', async () => {
    const { root, home, cacheRoot } = projectWithHome();
    await check(root, home, ['--no-cache']);
    assert.ok(!existsSync(cacheRoot));
  });
});

describe('cache entries, unit level', () => {
  it('set() never stores a rewrite; get() of a valid entry gives the diagnostics back', () => {
    const root = path.join(tempDir(), 'c');
    const cache = new ResultCache(root, BUILD);
    const key = cache.key('x = 1\n', {});
    cache.set(key, { id: 3, diagnostics: [], syntaxErrors: [], truncated: false, applied: [{ code: 'SL100', rule: 'unused-suppression', title: 't' }], fixedText: 'EVIL' });
    assert.doesNotMatch(readFileSync(path.join(root, BUILD.slice(0, 16), `${key}.json`), 'utf8'), /EVIL/);
    const hit = cache.get(key, 'x = 1\n');
    assert.ok(hit);
    assert.equal(hit.fixedText, undefined);
    assert.deepEqual(hit.applied, []);
    assert.equal(cache.get(cache.key('x = 2\n', {}), 'x = 2\n'), null);
  });

  it('validResult drops fixedText and rejects ranges outside the text', () => {
    const ok = { diagnostics: [], syntaxErrors: [], truncated: false, fixedText: 'x' };
    assert.equal(validResult(ok, 10)?.fixedText, undefined);
    assert.equal(validResult({ ...ok, syntaxErrors: [{ message: 'm', range: { start: 5, end: 11 } }] }, 10), null);
    assert.equal(validResult({ ...ok, syntaxErrors: [{ message: 'm', range: { start: -1, end: 2 } }] }, 10), null);
    assert.equal(validResult(null, 10), null);
  });
});
