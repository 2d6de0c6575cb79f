/**
 * The file-system module provider (`host/project.ts`): project roots, `src/` layouts and the `src`
 * setting, namespace packages, stubs after the project's own modules, and the hostile-input
 * guarantees (no symlink out of the root, size limit, no namespace package named like a framework).
 */
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/index';
import { runJob, type LintJob } from '../../server/src/host/lint-job';
import { fileModuleProvider, moduleFinder, passReads, projectRoot, projectSpecFor, RunLookups, stubsDir } from '../../server/src/host/project';
import { parser } from '../helpers/engine';
import { FIXTURES } from '../helpers/paths';
import { projectsRemovedAfter } from './helpers';

const tmp = projectsRemovedAfter();
const STUBS = path.join(FIXTURES, 'stubs');

describe('project roots and module names', () => {
  it('the nearest marker folder is the root; src/ layouts and scripts resolve', () => {
    const root = tmp({ 'pyproject.toml': '', 'src/pkg/__init__.py': '', 'src/pkg/mod.py': '', 'scripts/run.py': '', 'pkg2/sub/__init__.py': '' });
    assert.equal(projectRoot(path.join(root, 'src/pkg/mod.py')), root);
    assert.deepEqual(projectSpecFor(path.join(root, 'src/pkg/mod.py')), { roots: [path.join(root, 'src/pkg'), root, path.join(root, 'src')].filter((r) => r !== path.join(root, 'src/pkg')), moduleName: 'pkg.mod', isPackage: false });
    const pkgInit = projectSpecFor(path.join(root, 'pkg2/sub/__init__.py'));
    assert.equal(pkgInit.moduleName, 'pkg2.sub');
    assert.equal(pkgInit.isPackage, true);
    const script = projectSpecFor(path.join(root, 'scripts/run.py'));
    assert.equal(script.roots[0], path.join(root, 'scripts'), 'a script sees its own folder first');
  });

  it('the src setting replaces the default roots', () => {
    const root = tmp({ 'pyproject.toml': '', 'lib/a.py': '' });
    assert.deepEqual(projectSpecFor(path.join(root, 'lib/a.py'), [path.join(root, 'lib')]), { roots: [path.join(root, 'lib')], moduleName: 'a', isPackage: false });
  });
});

describe('the file-system module provider', () => {
  it('regular modules beat namespace packages; framework names never become namespace packages', async () => {
    const root = tmp({ 'pyproject.toml': '', 'a/x.py': 'X = 1\n', 'src/a.py': 'A = 1\n', 'torch/readme.txt': '' });
    const p = fileModuleProvider(projectSpecFor(path.join(root, 'main.py')), await parser(), null);
    assert.equal(p.find('a')?.path, path.join(root, 'src', 'a.py'));
    assert.equal(p.find('a.x'), undefined, 'a is the module src/a.py, not the folder');
    assert.equal(p.find('torch'), undefined);
    const ns = tmp({ 'pyproject.toml': '', 'models/vision/net.py': '' });
    const q = fileModuleProvider(projectSpecFor(path.join(ns, 'run.py')), await parser(), null);
    assert.deepEqual({ ...q.find('models.vision'), path: '' }, { path: '', text: '', isPackage: true, stub: false });
  });

  it('a symlink out of the project and an oversized module are not read', async () => {
    const outside = tmp({ 'secret.py': 'S = 1\n' });
    const root = tmp({ 'pyproject.toml': '', 'big.py': `x = 1\n${'#'.repeat(3 << 20)}\n` });
    symlinkSync(path.join(outside, 'secret.py'), path.join(root, 'leak.py'));
    const p = fileModuleProvider(projectSpecFor(path.join(root, 'main.py')), await parser(), null);
    assert.equal(p.find('leak'), undefined);
    assert.equal(p.find('big'), undefined);
  });

  it('stubs come after the project: exact stub modules, a project module of the same name wins', async () => {
    const root = tmp({ 'pyproject.toml': '' });
    const p = fileModuleProvider(projectSpecFor(path.join(root, 'main.py')), await parser(), STUBS);
    assert.equal(p.find('tinylib.models')?.stub, true);
    assert.equal(p.find('tinylib'), undefined, 'a stub folder is no namespace package');
    writeFileSync(path.join(root, 'tinylib.py'), 'x = 1\n');
    const mine = fileModuleProvider(projectSpecFor(path.join(root, 'main.py')), await parser(), STUBS);
    assert.equal(mine.find('tinylib')?.stub, false);
  });

  it('an error inside a stub is reported at the user call site', async () => {
    const root = tmp({ 'pyproject.toml': '' });
    const p = await parser();
    const modules = fileModuleProvider(projectSpecFor(path.join(root, 'main.py')), p, STUBS);
    const text = 'import torch\nfrom tinylib.models import tinynet\nnet = tinynet()\nnet(torch.randn(2, 1, 16, 16))\n';
    const r = analyzeText(p, text, { modules });
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].file, undefined);
    assert.equal(text.slice(r.diagnostics[0].range.start, r.diagnostics[0].range.end), 'net(torch.randn(2, 1, 16, 16))');
    assert.deepEqual(analyzeText(p, text.replace('2, 1, 16', '2, 3, 16'), { modules }).diagnostics, []);
  });

  it('the stubs folder is found beside the compiled code (where the package ships it)', () => {
    const dir = stubsDir();
    // The folder ships in the package once stubs exist; until then there is none to find.
    if (dir) assert.equal(path.basename(dir), 'stubs');
  });
});

describe('one pass over many files (the server\'s workspace pass, a batch of dependents)', () => {
  it('import roots found once per folder give every file the spec it has on its own', () => {
    const root = tmp({ 'pyproject.toml': '', 'src/pkg/__init__.py': '', 'src/pkg/a.py': '', 'src/pkg/b.py': '', 'src/pkg/sub/__init__.py': '', 'scripts/run.py': '', 'scripts/other.py': '' });
    const files = ['src/pkg/a.py', 'src/pkg/b.py', 'src/pkg/__init__.py', 'src/pkg/sub/__init__.py', 'scripts/run.py', 'scripts/other.py'].map((f) => path.join(root, f));
    const byFolder = new Map<string, string[]>();
    for (const f of files) assert.deepEqual(projectSpecFor(f, undefined, byFolder), projectSpecFor(f), f);
    for (const f of files) assert.deepEqual(projectSpecFor(f, [path.join(root, 'src')], byFolder), projectSpecFor(f, [path.join(root, 'src')]), `${f} with src`);
    // One entry per folder and src setting: the file system was asked once per folder.
    assert.equal(byFolder.size, 6);
  });

  it('a pass reads each file once, whichever reader asks first, and keeps texts up to its bound', () => {
    const root = tmp({ 'pyproject.toml': '', 'models.py': 'WIDTH = 8\n', 'big.py': 'X = 1\n' });
    const models = path.join(root, 'models.py');
    const read = passReads();
    assert.equal(read(models), 'WIDTH = 8\n');
    // Changed on disk during the pass: the pass keeps the text it read (the next pass sees the change).
    writeFileSync(models, 'WIDTH = 16\n');
    const find = moduleFinder(projectSpecFor(models), null, undefined, read);
    assert.equal(find('models')?.text, 'WIDTH = 8\n', 'the module lookup shares the read');
    assert.equal(moduleFinder(projectSpecFor(models), null)?.('models')?.text, 'WIDTH = 16\n', 'outside the pass, read afresh');
    assert.equal(read(path.join(root, 'missing.py')), undefined);
    const bounded = passReads(3);
    const big = path.join(root, 'big.py');
    assert.equal(bounded(big), 'X = 1\n');
    writeFileSync(big, 'X = 2\n');
    assert.equal(bounded(big), 'X = 2\n', 'past the bound a text is not kept');
  });

  it("a run's files share each module lookup, per import roots and within its bound", () => {
    const root = tmp({ 'pyproject.toml': '', 'models.py': 'WIDTH = 8\n', 'scripts/run.py': '' });
    const models = path.join(root, 'models.py');
    const run = new RunLookups('r');
    const first = moduleFinder(projectSpecFor(path.join(root, 'a.py')), null, undefined, undefined, run)('models');
    writeFileSync(models, 'WIDTH = 16\n');
    const again = moduleFinder(projectSpecFor(path.join(root, 'b.py')), null, undefined, undefined, run)('models');
    assert.equal(again, first, 'the same roots: the module found, read and hashed once in the run');
    // A script in scripts/ sees its own folder first: other roots, so its own lookup.
    assert.equal(moduleFinder(projectSpecFor(path.join(root, 'scripts/run.py')), null, undefined, undefined, run)('models')?.text, 'WIDTH = 16\n');
    const bounded = new RunLookups('s', 3);
    moduleFinder(projectSpecFor(path.join(root, 'a.py')), null, undefined, undefined, bounded)('models');
    writeFileSync(models, 'WIDTH = 32\n');
    assert.equal(moduleFinder(projectSpecFor(path.join(root, 'b.py')), null, undefined, undefined, bounded)('models')?.text, 'WIDTH = 32\n', 'past the bound a lookup is not kept');
  });

  it("a lint process shares lookups among one run's jobs, not across runs nor in fix runs", async () => {
    const root = tmp({ 'pyproject.toml': '', 'models.py': 'WIDTH = 8\n' });
    const models = path.join(root, 'models.py');
    const script = 'import torch\nimport torch.nn as nn\nfrom models import WIDTH\n\nout = nn.Linear(WIDTH, 4)(torch.randn(2, 8))\n';
    const job = (id: number, run: string, fix: LintJob['fix'] = null): LintJob => {
      const file = path.join(root, `s${id}.py`);
      return { id, text: script, settings: {}, fix, project: projectSpecFor(file), file, run };
    };
    const p = await parser();
    const findings = (j: LintJob) => runJob(p, j).diagnostics.map((d) => d.code);
    assert.deepEqual(findings(job(1, 'one')), []);
    writeFileSync(models, 'WIDTH = 16\n');
    assert.deepEqual(findings(job(2, 'one')), [], 'the run sees the module as it first read it');
    assert.equal(findings(job(3, 'two')).length, 1, 'the next run reads it again: (2x8) against (16x4)');
    writeFileSync(models, 'WIDTH = 8\n');
    // Read from the first lookup, WIDTH would still be 16 and the fix would rewrite the layer.
    assert.equal(runJob(p, job(4, 'two', 'safe')).fixedText, script, 'a fix run reads afresh: nothing to fix');
  });
});
