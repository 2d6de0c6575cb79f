/**
 * The code-cache loader (scripts/code-cache-loader.js) that starts the CLI and its lint processes
 * from dist/: the bundles as the build writes them (ASCII, already wrapped as a CommonJS module),
 * other texts (UTF-8, unwrapped) as a fallback, and caches that do not match being ignored. Each
 * case loads a module in a fresh Node process, as the launcher does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/paths';

const LOADER = path.join(REPO_ROOT, 'scripts', 'code-cache-loader.js');
const WRAPPED = '(function (exports, require, module, __filename, __dirname) {';

const dir = mkdtempSync(path.join(tmpdir(), 'shapelint-loader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Loads `file` through the loader in a new process and prints what `describe()` of its exports returns. */
function load(file: string, env: Record<string, string> = {}): string {
  const script = `const m = require(${JSON.stringify(LOADER)})(${JSON.stringify(file)}); process.stdout.write(m.describe());`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** A module whose exports show its text, its CommonJS variables and a function compiled lazily. */
const BODY = [
  "'use strict';",
  "const path = require('node:path');",
  "// a comment with non-ASCII: 2·scale − 1 → ü",
  `// ${'abcdefghij'.repeat(7)}`,
  "exports.describe = () => [\"caf\\u00e9 \\u2212\", path.basename(__filename), typeof module.exports, (() => 6 * 7)()].join('|');",
].join('\n');
const EXPECTED = 'café −|{file}|object|42';

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('code-cache loader', () => {
  it('loads a bundle as the build writes it: wrapped, ASCII', () => {
    const ascii = BODY.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const file = write('wrapped.js', `${WRAPPED}${ascii}\n});`);
    assert.equal(load(file), EXPECTED.replace('{file}', 'wrapped.js'));
  });

  it('loads an unwrapped UTF-8 module too', () => {
    const file = write('plain.js', BODY);
    assert.equal(load(file), EXPECTED.replace('{file}', 'plain.js'));
  });

  it('writes a cache on request, reads it, and ignores one made from another text', () => {
    const file = write('cached.js', `${WRAPPED}${BODY.replace(/[^\x00-\x7f]/g, ' ')}\n});`);
    load(file, { SHAPELINT_CODE_CACHE: 'produce' });
    const cache = `${file}.cache`;
    assert.ok(existsSync(cache), 'no cache written');
    assert.equal(load(file), EXPECTED.replace('{file}', 'cached.js'));
    // Another text of the same length: V8 itself would take the cache (it checks only the
    // length) and run the old code. The fingerprint samples every 61st character (against
    // accidents, not attacks), so the change spans 70 characters.
    const other = readFileSync(file, 'utf8').replace('6 * 7', '6 * 8').replace('abcdefghij'.repeat(7), 'ABCDEFGHIJ'.repeat(7));
    writeFileSync(file, other);
    const changed = EXPECTED.replace('{file}', 'cached.js').replace('42', '48');
    assert.equal(load(file), changed);
    // A cache larger than the bundle (read into a buffer of its own) that is not a cache at all.
    writeFileSync(cache, Buffer.alloc(readFileSync(file).length * 2, 7));
    assert.equal(load(file), changed);
  });

  it('the build wrote the CLI and lint-worker bundles wrapped and ASCII', { skip: !existsSync(path.join(REPO_ROOT, 'dist', 'cli.bundle.js')) && 'no dist/ (npm run build)' }, () => {
    for (const name of ['cli', 'lint-worker']) {
      const bytes = readFileSync(path.join(REPO_ROOT, 'dist', `${name}.bundle.js`));
      assert.ok(bytes.every((b) => b < 0x80), `${name}.bundle.js has non-ASCII bytes`);
      assert.ok(bytes.toString('latin1').startsWith(WRAPPED), `${name}.bundle.js is not wrapped`);
    }
  });
});
