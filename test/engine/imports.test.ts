/**
 * Multi-file analysis in the engine, with an in-memory module provider (the host's file-system
 * provider is tested through the CLI): imports of every form, lazy per-module evaluation,
 * cycles, and errors placed in the file of the failing layer with the cross-file chain.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeText, type AnalyzeOptions, type ModuleSource } from '../../server/src/engine/index';
import { parser } from '../helpers/engine';

const LENET = `import torch.nn as nn

class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 5)
        self.fc = nn.Linear(6 * 24 * 24, 10)

    def forward(self, x):
        x = self.conv(x)
        return self.fc(x.flatten(1))
`;

type Files = Record<string, { text: string; isPackage?: boolean; stub?: boolean }>;

async function analyseProject(entry: string, files: Files, extra: AnalyzeOptions = {}) {
  const p = await parser();
  const asked: string[] = [];
  const find = (name: string): ModuleSource | undefined => {
    asked.push(name);
    const f = files[name];
    return f && { path: `${name.replace(/\./g, '/')}${f.isPackage ? '/__init__' : ''}.py`, text: f.text, isPackage: !!f.isPackage, stub: !!f.stub };
  };
  return { result: analyzeText(p, entry, { modules: { parser: p, find }, ...extra }), asked };
}

function lineOfOffset(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

test('an error in an imported model module is reported there, with the call site as related place', async () => {
  const entry = 'import torch\nfrom nets.lenet import LeNet\nnet = LeNet()\nnet(torch.randn(8, 3, 28, 28))\n';
  const { result } = await analyseProject(entry, { nets: { text: '', isPackage: true }, 'nets.lenet': { text: LENET } });
  assert.equal(result.diagnostics.length, 1, JSON.stringify(result.diagnostics, null, 1));
  const d = result.diagnostics[0];
  assert.equal(d.file, 'nets/lenet.py');
  assert.equal(lineOfOffset(LENET, d.range.start), 10);
  assert.match(d.message, /expected input\[8, 3, 28, 28\] to have 1 channels/);
  const origin = d.related.find((r) => /comes from/.test(r.message));
  assert.ok(origin && origin.file === undefined, 'the input shape comes from the analysed file');
  assert.equal(entry.slice(origin!.range.start, origin!.range.end), 'torch.randn(8, 3, 28, 28)');
});

test('a matching input is silent; the imported layers show the shapes the entry gave them', async () => {
  const entry = 'import torch\nfrom nets.lenet import LeNet\nnet = LeNet()\nnet(torch.randn(8, 1, 28, 28))\n';
  const { result } = await analyseProject(entry, { nets: { text: '', isPackage: true }, 'nets.lenet': { text: LENET } });
  assert.deepEqual(result.diagnostics, []);
  const there = result.elsewhere?.find((e) => e.file === 'nets/lenet.py');
  assert.ok(there && there.models.length === 1);
  assert.deepEqual(there.models[0].layers.map((l) => l.outputShape?.dims), [[8, 6, 24, 24], [8, 10]]);
  assert.deepEqual(result.imports?.map((m) => m.name), ['nets', 'nets.lenet']);
});

test('import a.b as c, package re-exports, relative imports and from-import-star', async () => {
  const files: Files = {
    pkg: { text: 'from .models import *\n', isPackage: true },
    'pkg.models': { text: 'from .lenet import LeNet\n__all__ = ["LeNet"]\n', isPackage: true },
    'pkg.models.lenet': { text: LENET },
  };
  for (const entry of [
    'import torch\nimport pkg.models.lenet as m\nm.LeNet()(torch.randn(2, 3, 28, 28))\n',
    'import torch\nfrom pkg import LeNet\nLeNet()(torch.randn(2, 3, 28, 28))\n',
    'import torch\nimport pkg\npkg.models.LeNet()(torch.randn(2, 3, 28, 28))\n',
    'import torch\nfrom pkg.models import *\nLeNet()(torch.randn(2, 3, 28, 28))\n',
  ]) {
    const { result } = await analyseProject(entry, files);
    assert.equal(result.diagnostics.length, 1, entry);
    assert.equal(result.diagnostics[0].file, 'pkg/models/lenet.py', entry);
  }
});

test('a relative import in the analysed file resolves from its own module name', async () => {
  const entry = 'import torch\nfrom .lenet import LeNet\nLeNet()(torch.randn(2, 3, 28, 28))\n';
  const { result } = await analyseProject(entry, { 'app.lenet': { text: LENET } }, { moduleName: 'app.train' });
  assert.equal(result.diagnostics[0]?.file, 'app/lenet.py');
  const beyond = await analyseProject('from ...x import y\n', {}, { moduleName: 'train' });
  assert.deepEqual(beyond.result.diagnostics, []);
});

test('import cycles end: a module imported while it runs is the partial module', async () => {
  const files: Files = {
    a: { text: 'import torch.nn as nn\nfrom b import make\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = make()\n    def forward(self, x):\n        return self.fc(x)\n' },
    b: { text: 'import torch.nn as nn\nfrom a import Net\ndef make():\n    return nn.Linear(4, 2)\n' },
  };
  const { result } = await analyseProject('import torch\nfrom a import Net\nNet()(torch.randn(3, 5))\n', files);
  assert.equal(result.diagnostics.length, 1);
  assert.equal(result.diagnostics[0].file, 'a.py');
  assert.match(result.diagnostics[0].message, /mat1 and mat2 shapes cannot be multiplied \(3x5 and 4x2\)/);
  // The entry itself in a cycle: its own partial scope is handed out.
  const self = await analyseProject('import torch\nimport me\nx = 1\n', { me: { text: 'import train\n' } }, { moduleName: 'train' });
  assert.deepEqual(self.result.diagnostics, []);
});

test('modules are loaded lazily and once', async () => {
  const files: Files = { util: { text: 'import torch.nn as nn\nlayer = nn.Linear(4, 2)\n' }, unused: { text: 'x = 1\n' } };
  const { asked } = await analyseProject('import util\nimport util\nfrom util import layer\n', files);
  assert.deepEqual(asked.filter((n) => !n.startsWith('torch')), ['util']);
});

test('an error raised inside a stub is shown at the user call site, never in the stub', async () => {
  const stub = 'import torch.nn as nn\n\nclass TinyNet(nn.Module):\n    def __init__(self, num_classes=10):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n\n    def forward(self, x):\n        return self.conv(x)\n\ndef tinynet(**kwargs):\n    return TinyNet(**kwargs)\n';
  const files: Files = { 'tinylib.models': { text: stub, stub: true, isPackage: true } };
  const entry = 'import torch\nimport tinylib\nnet = tinylib.models.tinynet()\nout = net(torch.randn(1, 1, 32, 32))\n';
  const { result } = await analyseProject(entry, files);
  assert.equal(result.diagnostics.length, 1, JSON.stringify(result.diagnostics));
  const d = result.diagnostics[0];
  assert.equal(d.file, undefined);
  assert.equal(entry.slice(d.range.start, d.range.end), 'net(torch.randn(1, 1, 32, 32))');
  assert.ok(d.explanation.some((l) => /library model/.test(l)));
  assert.ok(d.related.every((r) => r.file === undefined));
  const ok = await analyseProject(entry.replace('1, 1, 32', '1, 3, 32'), files);
  assert.deepEqual(ok.result.diagnostics, []);
  // The library model is the user's model, placed at their call (its layers stay in the stub).
  const model = ok.result.models.find((m) => entry.slice(m.range.start, m.range.end) === 'tinylib.models.tinynet()');
  assert.ok(model, JSON.stringify(ok.result.models.map((m) => m.range)));
  assert.equal(model.totalParams, 3 * 8 * 9 + 8);
});

test('a project module of the same name wins over the framework catalogue', async () => {
  const { result } = await analyseProject('import torch\nfrom layers import Dense\nDense()(torch.randn(2, 3))\n', {
    layers: { text: 'import torch.nn as nn\ndef Dense():\n    return nn.Linear(4, 2)\n' },
  });
  // The layer is applied in the analysed file (where PyTorch raises), defined in layers.py.
  const d = result.diagnostics[0];
  assert.equal(d?.file, undefined);
  assert.ok(d.related.some((r) => r.file === 'layers.py' && /defined here/.test(r.message)));
});
