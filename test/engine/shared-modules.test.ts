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

test('a module whose body makes model values is not shared; one whose scope holds lists is, and a mutation stays in its analysis', async () => {
  const shared = new SharedModules();
  const files = { layers: 'import torch.nn as nn\nfc = nn.Linear(4, 5)\n', config: 'SIZES = [4, 5]\n' };
  const entry = 'import torch\nfrom layers import fc\nfrom config import SIZES\nSIZES.append(6)\nfc(torch.randn(2, 3))\n';
  for (let i = 0; i < 2; i++) {
    const fresh = await analyse(entry, files);
    const reused = await analyse(entry, files, shared);
    assert.deepEqual(canonical(reused), canonical(fresh));
  }
  assert.equal(shared.size, 1, 'config is shared, layers is not');
});

/**
 * A module whose scope holds lists, dicts and tuples of them, a registry its function writes, a
 * closure over a factory's local list, and a class whose attribute is a list (read through
 * `findClassAttr`, which gives each analysis its own copy).
 */
const ZOO = `import torch.nn as nn

__all__ = ['SIZES', 'SPEC', 'ALIAS', 'PAIR', 'first', 'make', 'register', 'build', 'grow']
SIZES = [4, 5]
SPEC = {'small': [4, 5], 'big': [8, 9]}
ALIAS = SPEC['small']
PAIR = (SIZES, 3)
_MODELS = {}


def register(name, n):
    _MODELS[name] = n
    SIZES.insert(0, n)


def first():
    return nn.Linear(SIZES[0], 5)


def make(name='small'):
    spec = SPEC[name]
    return nn.Linear(spec[0], spec[1])


def factory():
    sizes = [4]

    def build():
        return nn.Linear(sizes[0], 5)

    def grow(n):
        sizes[0] = n

    return build, grow


build, grow = factory()
`;

const CLASSY = 'import torch.nn as nn\n\n\nclass Sizes:\n    ITEMS = [4]\n\n    def first(self):\n        return self.ITEMS[0]\n\n\ndef make():\n    return nn.Linear(Sizes.ITEMS[0], 5)\n';

/** Importers of `zoo`, each changing its containers one way (the expected number of errors of a fresh analysis). */
const MUTATORS: { name: string; code: string; errors: number }[] = [
  { name: 'reads only', code: 'import zoo\nzoo.first()(x)\nzoo.make()(x)\nzoo.build()(x)\n', errors: 0 },
  { name: 'item assignment through from-import', code: 'from zoo import SPEC, make\nSPEC["small"] = [6, 5]\nmake()(x)\n', errors: 1 },
  { name: 'item assignment through the module attribute', code: 'import zoo\nzoo.SIZES[0] = 6\nzoo.first()(x)\n', errors: 1 },
  { name: 'insert', code: 'from zoo import SIZES, first\nSIZES.insert(0, 6)\nfirst()(x)\n', errors: 1 },
  { name: 'append then read', code: 'import zoo\nzoo.SIZES.append(7)\nimport torch.nn as nn\nnn.Linear(zoo.SIZES[-1], 5)(x)\n', errors: 1 },
  { name: 'augmented item assignment', code: 'import zoo\nzoo.SIZES[0] += 2\nzoo.first()(x)\n', errors: 1 },
  { name: 'del of a dict key', code: 'import zoo\ndel zoo.SPEC["small"]\nzoo.make()(x)\n', errors: 0 },
  { name: 'dict update', code: 'import zoo\nzoo.SPEC.update({"small": [6, 5]})\nzoo.make()(x)\n', errors: 1 },
  { name: 'clear', code: 'import zoo\nzoo.SIZES.clear()\nzoo.first()(x)\n', errors: 0 },
  { name: 'a stub function writing module globals', code: 'import zoo\nzoo.register("x", 6)\nzoo.first()(x)\n', errors: 1 },
  { name: 'a closure over a factory local', code: 'import zoo\nzoo.grow(6)\nzoo.build()(x)\n', errors: 1 },
  { name: 'an alias of a nested list', code: 'import zoo\nzoo.ALIAS[0] = 6\nzoo.make()(x)\n', errors: 1 },
  { name: 'a list inside a tuple', code: 'import zoo\nzoo.PAIR[0][0] = 6\nzoo.first()(x)\n', errors: 1 },
  { name: 'getattr', code: 'import zoo\ngetattr(zoo, "SIZES")[0] = 6\nzoo.first()(x)\n', errors: 0 },
  { name: 'star import', code: 'from zoo import *\nSIZES[0] = 6\nfirst()(x)\n', errors: 1 },
  { name: 'a module that mutates at import', code: 'import mutator\nimport zoo\nzoo.first()(x)\n', errors: 1 },
  { name: 'a class attribute list', code: 'import classy\nclassy.Sizes.ITEMS[0] = 6\nclassy.make()(x)\n', errors: 1 },
  { name: 'reads only, class', code: 'import classy\nclassy.make()(x)\n', errors: 0 },
  { name: 'a class attribute list through an instance', code: 'import classy\nclassy.Sizes().ITEMS[0] = 6\nclassy.make()(x)\n', errors: 1 },
  { name: 'a class attribute list read by a method', code: 'import classy\nimport torch.nn as nn\nclassy.Sizes.ITEMS[0] = 6\nnn.Linear(classy.Sizes().first(), 5)(x)\n', errors: 1 },
  { name: 'a class attribute list through a subclass', code: 'import classy\n\n\nclass Big(classy.Sizes):\n    pass\n\n\nBig.ITEMS[0] = 6\nclassy.make()(x)\n', errors: 1 },
];

test("an importer's changes to a shared module's lists and dicts are its own: every order gives the fresh results", async () => {
  const files = { zoo: ZOO, classy: CLASSY, mutator: 'import zoo\nzoo.SIZES[0] = 6\n' };
  const entries = MUTATORS.map((m) => ({ ...m, text: `import torch\nx = torch.randn(2, 4)\n${m.code}` }));
  const fresh = new Map<string, unknown>();
  for (const e of entries) {
    const result = await analyse(e.text, files);
    assert.equal(result.diagnostics.length, e.errors, `${e.name}: ${JSON.stringify(result.diagnostics.map((d) => d.message))}`);
    fresh.set(e.name, canonical(result));
  }
  for (const order of [entries, [...entries].reverse()]) {
    const shared = new SharedModules();
    // Twice over: the second round takes every module from the store.
    for (const e of [...order, ...order]) assert.deepEqual(canonical(await analyse(e.text, files, shared)), fresh.get(e.name), e.name);
    assert.ok(shared.size >= 1 && shared.reuses > entries.length, `shared ${shared.size}, reused ${shared.reuses}`);
  }
  // The modules holding lists and dicts are shared, in their scopes and in a class's attributes.
  const alone = new SharedModules();
  for (const m of ['zoo', 'classy']) await analyse(`import ${m}\n`, files, alone);
  assert.equal(alone.size, 2);
});

/**
 * A package re-exporting its submodules (`from .a import *`), whose submodules import their
 * siblings (`from .a import make`), as the Keras applications and GluonCV model zoo stubs do: the
 * submodules pass through the package while it is still running and read none of its names, so
 * all of them are shared. A submodule that reads the running package's names (`from . import
 * SIZE`, or `import pkg.a`, which binds `pkg`) sees it half-made, and neither is shared.
 */
test('a package whose submodules import their siblings is shared; one whose submodule reads the half-made package is not', async () => {
  const use = (name: string) => `import torch\nfrom ${name} import make2\nmake2()(torch.randn(2, 4))\n`;
  const cases: { files: Record<string, string>; shared: number; errors: number }[] = [
    { files: { 'pkg/__init__': 'from .a import *\nfrom .b import *\n', 'pkg.a': MAKE, 'pkg.b': 'from .a import make\n\n\ndef make2():\n    return make()\n' }, shared: 3, errors: 0 },
    { files: { 'pkg/__init__': 'SIZE = 6\nfrom .b import *\n', 'pkg.b': 'from . import SIZE\nimport torch.nn as nn\n\n\ndef make2():\n    return nn.Linear(SIZE, 5)\n' }, shared: 0, errors: 1 },
    { files: { 'pkg/__init__': 'from .a import *\nfrom .b import *\n', 'pkg.a': MAKE, 'pkg.b': 'import pkg.a\n\n\ndef make2():\n    return pkg.a.make()\n' }, shared: 1, errors: 0 },
  ];
  for (const c of cases) {
    const fresh = canonical(await analyse(use('pkg'), c.files));
    assert.equal((fresh as { diagnostics: unknown[] }).diagnostics.length, c.errors, JSON.stringify(fresh));
    const shared = new SharedModules();
    for (let round = 0; round < 2; round++) assert.deepEqual(canonical(await analyse(use('pkg'), c.files, shared)), fresh);
    assert.equal(shared.size, c.shared, Object.keys(c.files).join(' '));
  }
});
