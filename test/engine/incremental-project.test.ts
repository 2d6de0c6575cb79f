/**
 * Incremental analysis across project files (engine/incremental.ts with interp/shared-modules.ts):
 * a block that loads project modules is kept with every module lookup its run made (the file and
 * its content, its imports' included), so an edit of an imported module re-runs only the blocks
 * that use it, and the result stays what a fresh analysis gives after edits in any file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalysisCache, analyzeText, analyzeTree, ConversionCache, SharedModules, type EngineResult, type ModuleProvider, type ModuleSource, type ParsedTree, type PythonParser } from '../../server/src/engine/index';
import { rng } from '../helpers/corpus';
import { parser } from '../helpers/engine';

const PROJECT: Record<string, string> = {
  layers: 'WIDTH = 8\nHIDDEN = 4\n',
  models: [
    'import torch.nn as nn',
    'from layers import HIDDEN, WIDTH',
    '',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(WIDTH, HIDDEN)',
    '        self.out = nn.Linear(4, 2)',
    '',
    '    def forward(self, x):',
    '        return self.out(self.fc(x))',
    '',
    '',
    'def make(n):',
    '    return nn.Linear(n, 3)',
    '',
  ].join('\n'),
  'pkg/__init__': 'SCALE = 2\n',
  'pkg.sub': 'import torch.nn as nn\n\n\ndef head():\n    return nn.Linear(3, 1)\n',
};

const MAIN = [
  'import torch',
  'import torch.nn as nn',
  'import pkg',
  'import pkg.sub',
  'from models import Net, make',
  '',
  'net = Net()',
  'y = net(torch.randn(2, 8))',
  '',
  'a = nn.Linear(5, 6)',
  'b = a(torch.randn(3, 5))',
  '',
  'layer = make(8)',
  'z = layer(torch.randn(4, 8))',
  '',
  'h = pkg.sub.head()',
  'w = h(torch.randn(1, 3))',
  '',
  'c = nn.Conv2d(3, 4, 3)',
  'd = c(torch.randn(1, 3, 8, 8))',
  '',
].join('\n');

/** An in-memory project (the files of `files`, read when asked) sharing evaluations through `shared`, trees kept per text. */
function memoryProject(p: PythonParser, files: Record<string, string>, shared: SharedModules, trees: Map<string, ParsedTree>): ModuleProvider {
  const find = (name: string): ModuleSource | undefined => {
    const pkg = files[`${name}/__init__`];
    const text = pkg ?? files[name];
    return text === undefined ? undefined : { path: `${name}${pkg !== undefined ? '/__init__' : ''}.py`, text, isPackage: pkg !== undefined, stub: false };
  };
  const parsed = (s: ModuleSource) => {
    const key = `${s.path}\0${s.text}`;
    let tree = trees.get(key);
    if (!tree) trees.set(key, (tree = p.parse(s.text)));
    return { tree, conversions: new ConversionCache() };
  };
  return { parser: p, find, parsed, shared };
}

/** What an analysis computes; diagnostics in other files (their order between files is the modules' load order) by file. */
function facts(r: EngineResult) {
  const byFile = (ds: EngineResult['diagnostics']) => [...ds].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
  const elsewhere = [...(r.elsewhere ?? [])].sort((a, b) => a.file.localeCompare(b.file));
  const imports = [...(r.imports ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return { diagnostics: byFile(r.diagnostics), models: r.models, tensors: r.tensors, truncated: r.truncated, internalError: r.internalError, elsewhere, imports };
}

class Session {
  readonly conversions = new ConversionCache();
  readonly cache = new AnalysisCache();
  readonly shared = new SharedModules();
  readonly trees = new Map<string, ParsedTree>();
  constructor(private readonly p: PythonParser) {}

  analyse(text: string, files: Record<string, string>): EngineResult {
    const tree = this.p.parse(text);
    try {
      const modules = memoryProject(this.p, files, this.shared, this.trees);
      return analyzeTree(tree, text, { modules, moduleName: 'main', conversionCache: this.conversions, analysisCache: this.cache });
    } finally {
      tree.dispose();
    }
  }
}

function fresh(p: PythonParser, text: string, files: Record<string, string>): EngineResult {
  const trees = new Map<string, ParsedTree>();
  try {
    return analyzeText(p, text, { modules: memoryProject(p, files, new SharedModules(), trees), moduleName: 'main' });
  } finally {
    for (const t of trees.values()) t.dispose();
  }
}

/** A digit of `text` changed (a width, a size, a batch). */
function digitEdit(text: string, r: () => number): string {
  const digits = [...text.matchAll(/\d/g)].map((m) => m.index);
  if (!digits.length) return text;
  const at = digits[Math.floor(r() * digits.length)];
  return text.slice(0, at) + String(1 + Math.floor(r() * 9)) + text.slice(at + 1);
}

describe('incremental analysis across project files equals a fresh one', () => {
  it('after seeded random edits of the entry and of the modules it imports, directly and transitively', async () => {
    const p = await parser();
    const session = new Session(p);
    const r = rng(9);
    let files = { ...PROJECT };
    let main = MAIN;
    let reusedAfterModuleEdit = 0;
    let errors = 0;
    for (let i = 0; i < 150; i++) {
      const which = Math.floor(r() * 5);
      const name = ['layers', 'models', 'pkg/__init__', 'pkg.sub'][which];
      if (name) files = { ...files, [name]: digitEdit(files[name], r) };
      else main = digitEdit(main, r);
      const incremental = session.analyse(main, files);
      assert.deepEqual(facts(incremental), facts(fresh(p, main, files)), `edit ${i} (${name ?? 'main'})`);
      if (name) reusedAfterModuleEdit += session.cache.lastReused;
      errors += incremental.diagnostics.length;
    }
    // Blocks that do not use an edited module were kept, and the edits made errors (in the entry and in the modules).
    assert.ok(reusedAfterModuleEdit > 100, `${reusedAfterModuleEdit} block runs reused after module edits`);
    assert.ok(errors > 50, `${errors} diagnostics`);
  });

  it('an edit of an imported module re-runs the blocks that use it (and the first block), no other', async () => {
    const p = await parser();
    const session = new Session(p);
    const files = { ...PROJECT };
    session.analyse(MAIN, files);
    const ran = (edit: Record<string, string>) => {
      const result = session.analyse(MAIN, { ...files, ...edit });
      assert.deepEqual(facts(result), facts(fresh(p, MAIN, { ...files, ...edit })));
      const counts = { ran: session.cache.lastRan, reused: session.cache.lastReused };
      session.analyse(MAIN, files);
      return counts;
    };
    // Blocks: Net (first), nn.Linear, make, pkg.sub.head, nn.Conv2d.
    assert.deepEqual(ran({ models: PROJECT.models.replace('nn.Linear(n, 3)', 'nn.Linear(n, 7)') }), { ran: 2, reused: 3 });
    // `layers` is imported by `models`: the blocks using `models` depend on it too.
    assert.deepEqual(ran({ layers: 'WIDTH = 9\nHIDDEN = 4\n' }), { ran: 2, reused: 3 });
    assert.deepEqual(ran({ 'pkg.sub': PROJECT['pkg.sub'].replace('Linear(3', 'Linear(5') }), { ran: 2, reused: 3 });
    // A new module that shadows nothing the blocks import changes nothing.
    assert.deepEqual(ran({ other: 'X = 1\n' }), { ran: 0, reused: 5 });
  });

  it('a project module that appears under a prelude import (shadowing the framework) runs every block again', async () => {
    const p = await parser();
    const session = new Session(p);
    session.analyse(MAIN, PROJECT);
    const files = { ...PROJECT, torch: 'import numpy\n\n\ndef randn(*shape):\n    return None\n' };
    assert.deepEqual(facts(session.analyse(MAIN, files)), facts(fresh(p, MAIN, files)));
    assert.equal(session.cache.lastReused, 0);
    assert.deepEqual(facts(session.analyse(MAIN, PROJECT)), facts(fresh(p, MAIN, PROJECT)));
  });

  it('the blocks before one that loads a module with effects are kept across its whole runs', async () => {
    const p = await parser();
    const session = new Session(p);
    const files = { ...PROJECT, effects: 'import torch.nn as nn\nnet = nn.Linear(2, 3)\n' };
    const late = (n: number) => `${MAIN}\ndef late():\n    from effects import net\n    return net\n\n\nq = late()(torch.randn(${n}, 2))\n`;
    for (const n of [4, 5, 6]) {
      const main = late(n);
      assert.deepEqual(facts(session.analyse(main, files)), facts(fresh(p, main, files)));
    }
    // The last block cannot run alone (one whole run decides); the five before it were run once.
    assert.deepEqual({ ran: session.cache.lastRan, reused: session.cache.lastReused }, { ran: 0, reused: 5 });
  });

  it('a module that now has effects (it makes a model) gives the whole run', async () => {
    const p = await parser();
    const session = new Session(p);
    session.analyse(MAIN, PROJECT);
    const files = { ...PROJECT, models: `${PROJECT.models}\nnet = make(4)\n` };
    assert.deepEqual(facts(session.analyse(MAIN, files)), facts(fresh(p, MAIN, files)));
    assert.deepEqual(facts(session.analyse(MAIN, PROJECT)), facts(fresh(p, MAIN, PROJECT)));
  });
  it('a package whose submodules import their siblings (the model zoo stubs) is shared, so an edit re-runs one block', async () => {
    const p = await parser();
    const session = new Session(p);
    const files = {
      'zoo/__init__': 'from .a import *\nfrom .b import *\n',
      'zoo.a': 'import torch.nn as nn\n\n\ndef make(n):\n    return nn.Linear(n, 3)\n',
      'zoo.b': 'from .a import make\n\n\ndef make2():\n    return make(4)\n',
    };
    const main = (n: number) => `import torch\nimport torch.nn as nn\nfrom zoo import make2\n\nx = nn.Linear(5, 6)(torch.randn(3, ${n}))\n\nm = make2()(torch.randn(2, 4))\n`;
    for (const n of [5, 7, 5]) assert.deepEqual(facts(session.analyse(main(n), files)), facts(fresh(p, main(n), files)));
    assert.equal(session.cache.lastRan, 1, `ran ${session.cache.lastRan}, reused ${session.cache.lastReused}`);
    assert.ok(session.cache.lastReused >= 1);
  });
});
