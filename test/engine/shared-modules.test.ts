/**
 * Imported modules evaluated once and shared between analyses (`interp/shared-modules.ts`):
 * every analysis that takes a shared evaluation must give exactly what a fresh one gives, on
 * every file of every fixture project and on a generated project; an analysis's writes into a
 * shared module never reach another; a module that now resolves to another file (a new module
 * shadowing an import) is never answered with the old evaluation.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeText, ConversionCache, SharedModules, type AnalyzeOptions, type ModuleProvider, type ModuleSource } from '../../server/src/engine/index';
import { fileModuleProvider, projectSpecFor } from '../../server/src/host/project';
import { readFileSync } from 'node:fs';
import { parser } from '../helpers/engine';
import { REPO_ROOT } from '../helpers/paths';

const PROJECTS = path.join(REPO_ROOT, 'test', 'fixtures', 'projects');

function pythonFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return pythonFiles(p);
    return n.endsWith('.py') ? [p] : [];
  });
}

/** A result with its lists in a canonical order (a shared module's offsets sort after the entry's). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).map((x) => JSON.stringify(x)).sort().map((s) => JSON.parse(s) as unknown);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'internalError').map(([k, x]) => [k, canonical(x)]));
  return v;
}

function analyseFile(p: Awaited<ReturnType<typeof parser>>, file: string, shared: SharedModules | undefined) {
  const spec = projectSpecFor(file);
  const modules = { ...fileModuleProvider(spec, p), shared };
  return analyzeText(p, readFileSync(file, 'utf8'), { modules, moduleName: spec.moduleName, isPackage: spec.isPackage });
}

test('every fixture project file gives the same result with shared module evaluations as fresh', async () => {
  const p = await parser();
  const shared = new SharedModules();
  let files = 0;
  // Twice over: the second round takes every shareable module from the first.
  for (let round = 0; round < 2; round++) {
    for (const project of readdirSync(PROJECTS).sort()) {
      for (const file of pythonFiles(path.join(PROJECTS, project))) {
        const fresh = analyseFile(p, file, undefined);
        const reused = analyseFile(p, file, shared);
        assert.deepEqual(canonical(reused), canonical(fresh), `${project}/${path.relative(path.join(PROJECTS, project), file)}`);
        files++;
      }
    }
  }
  assert.ok(files > 40, `${files} files`);
  assert.ok(shared.size > 5 && shared.reuses > 20, `shared ${shared.size}, reused ${shared.reuses}`);
});

/** An in-memory project whose provider shares evaluations through `shared`. */
async function memoryProject(files: Record<string, string>, shared: SharedModules): Promise<ModuleProvider> {
  const p = await parser();
  const find = (name: string): ModuleSource | undefined => {
    const pkg = files[`${name}/__init__`];
    const text = pkg ?? files[name];
    return text === undefined ? undefined : { path: `${name}${pkg !== undefined ? '/__init__' : ''}.py`, text, isPackage: pkg !== undefined, stub: false };
  };
  return { parser: p, find, parsed: (s) => ({ tree: p.parse(s.text), conversions: new ConversionCache() }), shared };
}

async function analyse(entry: string, files: Record<string, string>, shared?: SharedModules, extra: AnalyzeOptions = {}) {
  const modules = await memoryProject(files, shared ?? new SharedModules());
  return analyzeText(await parser(), entry, { ...(shared ? { modules } : { modules: { ...modules, shared: undefined } }), ...extra });
}

const MAKE = 'import torch.nn as nn\n\n\ndef make():\n    return nn.Linear(4, 5)\n';

test("one analysis's writes into a shared package never reach another analysis", async () => {
  const files = { 'pkg/__init__': 'SIZE = 4\n', 'pkg.a': MAKE };
  const shared = new SharedModules();
  // Binds `a` into the (shared) package's scope, as `import pkg.a` does in Python.
  await analyse('import pkg.a\nimport torch\nl = pkg.a.make()\nl(torch.randn(2, 3))\n', files, shared);
  const star = 'from pkg import *\nimport torch\nl = a.make()\nl(torch.randn(2, 3))\n';
  const fresh = await analyse(star, files);
  const reused = await analyse(star, files, shared);
  assert.ok(shared.reuses > 0, 'the package was shared');
  assert.deepEqual(fresh.diagnostics, [], 'without `import pkg.a`, `a` is not in the package');
  assert.deepEqual(canonical(reused), canonical(fresh));
});

test('a module that now resolves to another file is never answered with the old evaluation', async () => {
  const shared = new SharedModules();
  const model = 'from helpers import make\n';
  const entry = 'import torch\nfrom model import make\nl = make()\nl(torch.randn(2, 3))\n';
  // First `helpers` is no project module (unknown), then a new helpers.py shadows it.
  const before = await analyse(entry, { model }, shared);
  assert.deepEqual(before.diagnostics, []);
  const after = await analyse(entry, { model, helpers: MAKE }, shared);
  assert.equal(after.diagnostics.length, 1, 'the new module is followed');
  assert.match(after.diagnostics[0].message, /2x3 and 4x5/);
  // And the other way: the file goes away again.
  const gone = await analyse(entry, { model }, shared);
  assert.deepEqual(gone.diagnostics, []);
});

test('an edited module is evaluated again; its importers see the edit', async () => {
  const shared = new SharedModules();
  const entry = 'import torch\nfrom blocks import make\nl = make()\nl(torch.randn(2, 4))\n';
  assert.deepEqual((await analyse(entry, { blocks: MAKE }, shared)).diagnostics, []);
  const edited = await analyse(entry, { blocks: MAKE.replace('Linear(4', 'Linear(6') }, shared);
  assert.match(edited.diagnostics[0]?.message ?? '', /2x4 and 6x5/);
});

test('a module whose body makes model values or mutable values is not shared', async () => {
  const shared = new SharedModules();
  const files = { layers: 'import torch.nn as nn\nfc = nn.Linear(4, 5)\n', config: 'SIZES = [4, 5]\n' };
  const entry = 'import torch\nfrom layers import fc\nfrom config import SIZES\nSIZES.append(6)\nfc(torch.randn(2, 3))\n';
  for (let i = 0; i < 2; i++) {
    const fresh = await analyse(entry, files);
    const reused = await analyse(entry, files, shared);
    assert.deepEqual(canonical(reused), canonical(fresh));
  }
  assert.equal(shared.size, 0);
});
