/**
 * `--fix` and `--add-noqa` write only what they mean to, where the user means it: through
 * symlinks to their targets, keeping hard links, owner and mode, never over a read-only file or
 * an edit saved during the run, and a write that fails is an error in the summary and the exit
 * code. Suppression edits keep other tools' codes, and a noqa is never written into a string.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/apply-fixes';
import type { Diagnostic } from '../../server/src/engine/index';
import { applySuppressions, noqaEdit, parseSuppressions } from '../../server/src/engine/suppressions';
import { runCli } from '../../server/src/cli/main';
import { writeSourceSafely } from '../../server/src/host/source-file';
import { cli } from '../cli/helpers';
import { cleanUp, NAIVE, runChild, tempDir, writeFiles } from './host-safety-helpers';

after(cleanUp);

/** One safe fix: the unused `# noqa: SL003` goes. */
const FIXABLE = 'import os\nx = 1  # noqa: SL003\n';
const FIXED = 'import os\nx = 1\n';

function projectWith(files: Record<string, string | Buffer>): string {
  const root = path.join(tempDir(), 'proj');
  mkdirSync(root);
  writeFiles(root, files);
  return root;
}

const fix = (root: string, ...more: string[]) => cli(['check', '--no-cache', '--fix', ...more], root);

describe('adversarial: fixes land on the right file, as it was', () => {
  it('a symlink: the target is fixed, the link stays a link', async () => {
    const root = projectWith({});
    const target = path.join(path.dirname(root), 'outside', 'target.py');
    writeFiles(path.dirname(target), { 'target.py': FIXABLE });
    symlinkSync(target, path.join(root, 'link.py'));
    const r = await fix(root);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(path.join(root, 'link.py')).isSymbolicLink());
    assert.equal(readFileSync(target, 'utf8'), FIXED);
    assert.deepEqual(readdirSync(path.dirname(target)), ['target.py'], 'no temporary file left');
  });

  it('a hard link: the inode is kept, so every name sees the fix', async () => {
    const root = projectWith({ 'a.py': FIXABLE });
    const other = path.join(path.dirname(root), 'a-other-name.py');
    linkSync(path.join(root, 'a.py'), other);
    const before = statSync(other).ino;
    const r = await fix(root);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(path.join(root, 'a.py')).ino, before);
    assert.equal(statSync(other).nlink, 2);
    assert.equal(readFileSync(other, 'utf8'), FIXED);
  });

  it('owner, group and mode are kept (run as root, the file stays the user\'s)', { skip: process.getuid?.() !== 0 && 'needs root to hand the file to another uid' }, async () => {
    const root = projectWith({ 'a.py': FIXABLE });
    const file = path.join(root, 'a.py');
    chownSync(file, 4242, 4343);
    chmodSync(file, 0o640);
    const r = await fix(root);
    assert.equal(r.code, 0, r.stderr);
    const st = statSync(file);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [4242, 4343, 0o640]);
    assert.equal(readFileSync(file, 'utf8'), FIXED);
  });

  it('a read-only file is left alone, with an error in the summary and exit 2', async () => {
    const root = projectWith({ 'a.py': FIXABLE, 'b.py': FIXABLE });
    chmodSync(path.join(root, 'a.py'), 0o444);
    const r = await fix(root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: cannot fix a\.py: the file is read-only/);
    assert.equal(readFileSync(path.join(root, 'a.py'), 'utf8'), FIXABLE);
    assert.equal(readFileSync(path.join(root, 'b.py'), 'utf8'), FIXED, 'the other file is still fixed');
    assert.doesNotMatch(r.stdout, /All checks passed!/);
    assert.match(r.stdout, /a\.py:2:8/, 'the unfixed file is reported as it is on disk');
    assert.match(r.stdout, /Found 2 errors \(1 fixed, 1 remaining\)\.\n\[\*\] 1 fixable with --fix\.\n1 file could not be fixed \(see the errors above\)\.\n$/);
  });

  it('an edit saved during the run is not overwritten, and the run says so', async () => {
    const root = projectWith({ 'a.py': FIXABLE, 'z.py': Buffer.from([0, 1, 2]) });
    const saved = 'import os\nx = 2  # noqa: SL003  (the user typed this)\n';
    let stdout = '';
    let stderr = '';
    const code = await runCli(['check', '--no-cache', '--fix'], {
      cwd: root,
      env: { HOME: path.join(root, '.no-home') },
      stdout: (t) => (stdout += t),
      stderr: (t) => {
        stderr += t;
        // a.py was read already (files are read in order); the user saves it now.
        if (t.includes('z.py: binary file')) writeFileSync(path.join(root, 'a.py'), saved);
      },
    });
    assert.equal(code, 2);
    assert.match(stderr, /error: cannot fix a\.py: it changed since it was read/);
    assert.equal(readFileSync(path.join(root, 'a.py'), 'utf8'), saved);
    assert.doesNotMatch(stdout, /All checks passed!/);
  });

  it('a file named twice (itself and a symlink to it) is fixed once, without an error', async () => {
    const root = projectWith({ 'a.py': FIXABLE });
    symlinkSync('a.py', path.join(root, 'b.py'));
    const r = await fix(root, 'a.py', 'b.py');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(root, 'a.py'), 'utf8'), FIXED);
    assert.ok(lstatSync(path.join(root, 'b.py')).isSymbolicLink());
  });

  it('writeSourceSafely refuses a file whose content differs from what was read', () => {
    const root = projectWith({ 'a.py': 'import os\nx = 3\n' });
    const outcome = writeSourceSafely(path.join(root, 'a.py'), { text: FIXABLE, bom: false }, FIXED);
    assert.equal(outcome.ok, false);
    assert.equal(readFileSync(path.join(root, 'a.py'), 'utf8'), 'import os\nx = 3\n');
  });

  it('a write that fails (file size limit) is an error in the summary and the exit code, the file intact', () => {
    const big = `${FIXABLE}${'y = 1\n'.repeat(15000)}`;
    const root = projectWith({ 'a.py': big });
    const r = runChild(['check', '--no-cache', '--fix'], root, { HOME: path.join(root, '.no-home') }, 'ulimit -f 64');
    assert.equal(r.signal, null, r.stderr);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error: cannot fix a\.py: file too large to write \(EFBIG/);
    assert.doesNotMatch(r.stdout, /All checks passed!/);
    assert.match(r.stdout, /1 file could not be fixed/);
    assert.equal(readFileSync(path.join(root, 'a.py'), 'utf8'), big);
    assert.deepEqual(readdirSync(root).filter((f) => f.endsWith('.tmp')), []);
  });
});

describe('adversarial: suppression comments', () => {
  /** Runs the suppression pass over made-up findings (`line:code`) and returns what is left. */
  function suppress(source: string, found: string[]) {
    const comments = [...source.matchAll(/#[^\n]*/g)].map((m) => ({ range: { start: m.index!, end: m.index! + m[0].length }, text: m[0] }));
    const lineStarts = [0, ...[...source.matchAll(/\n/g)].map((m) => m.index! + 1)];
    const diagnostics: Diagnostic[] = found.map((f) => {
      const [line, code] = f.split(':');
      const start = lineStarts[Number(line) - 1];
      return { code, rule: code as Diagnostic['rule'], severity: 'error', message: code, explanation: [], range: { start, end: start + 1 }, related: [], fixes: [] };
    });
    const directives = parseSuppressions(comments, source);
    return { directives, ...applySuppressions(diagnostics, directives, source) };
  }

  it('the unused-suppression fix keeps another tool\'s code', () => {
    const source = 'a = 1  # noqa: SL002, E501\n';
    const { unused } = suppress(source, []);
    assert.equal(unused.length, 1);
    assert.equal(applyEdits(source, unused[0].fixes[0].edits), 'a = 1  # noqa: E501\n');
  });

  it('other tools\' codes around a used code survive the rewrite, in their order', () => {
    const source = 'a = 1  # noqa: E501, SL002, SL003 W291\n';
    const { unused, kept } = suppress(source, ['1:SL003']);
    assert.deepEqual(kept, []);
    assert.equal(applyEdits(source, unused[0].fixes[0].edits), 'a = 1  # noqa: E501, SL003, W291\n');
  });

  it('`# noqa: ,,,` is not a blanket noqa: it suppresses nothing', () => {
    for (const source of ['a = 1  # noqa: ,,,\n', 'a = 1  # noqa:\n', 'a = 1  # noqa[SL001]\n']) {
      const { kept } = suppress(source, ['1:SL001']);
      assert.equal(kept.length, 1, source);
    }
  });

  it('`# noqa: E501 SL003` (space-separated, as Ruff reads it) suppresses SL003', () => {
    const { kept, suppressed } = suppress('a = 1  # noqa: E501 SL003\n', ['1:SL003', '1:SL001']);
    assert.deepEqual(suppressed.map((d) => d.code), ['SL003']);
    assert.deepEqual(kept.map((d) => d.code), ['SL001']);
  });

  it('an explanation after the codes ends the list', () => {
    const { kept } = suppress('a = 1  # noqa: SL003 because the shape is checked at run time\n', ['1:SL003']);
    assert.deepEqual(kept, []);
  });

  it('--add-noqa merges into a noqa that names only other tools, keeping their codes', () => {
    const source = 'a = 1  # noqa: E501\n';
    const { directives } = suppress(source, []);
    const edit = noqaEdit(source, 0, ['SL005'], directives);
    assert.ok(edit);
    assert.equal(applyEdits(source, [edit]), 'a = 1  # noqa: E501, SL005\n');
  });
});

describe('adversarial: --add-noqa never writes inside a string', () => {
  it('a flagged line that ends inside a triple-quoted string is skipped with a message', async () => {
    const lines = NAIVE.split('\n');
    lines[12] = `${lines[12]}; note = """the first pool`;
    lines.splice(13, 0, '    halves H and W"""');
    const source = lines.join('\n');
    const root = projectWith({ 'naive.py': source });
    const before = await cli(['check', '--no-cache', '--output-format', 'concise'], root);
    assert.match(before.stdout, /naive\.py:13:15: SL005/, 'the diagnostic is on the line the string starts on');
    const r = await cli(['check', '--no-cache', '--add-noqa'], root);
    assert.match(r.stderr, /warning: naive\.py:13: no `# noqa` added: the line ends inside a multi-line string/);
    assert.equal(readFileSync(path.join(root, 'naive.py'), 'utf8'), source);
  });

  it('other lines of the same file still get theirs', async () => {
    const source = `${NAIVE}\ndoc = """a string\nover two lines"""\n`;
    const root = projectWith({ 'naive.py': source });
    const r = await cli(['check', '--no-cache', '--add-noqa'], root);
    assert.match(r.stderr, /Added 1 noqa directive\./);
    assert.match(readFileSync(path.join(root, 'naive.py'), 'utf8'), /strides=\(2, 2\)\)\)  # noqa: SL005\n/);
  });
});
