/**
 * Multi-file fixture projects (`test/fixtures/projects/<name>/`), checked through the CLI.
 * Inline expectations (`# error: [rule] "fragment"`) sit on the failing layer's line in whatever
 * file of the project it is; a project without any (the `_ok` near-misses) must be clean.
 * Every flagged project has its input in another file, so each error must also carry a related
 * place in another file (the cross-file chain).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseExpectations } from '../helpers/expectations';
import { FIXTURES } from '../helpers/paths';
import { cli, project } from './helpers';

const PROJECTS = path.join(FIXTURES, 'projects');

interface JsonDiagnostic {
  name: string;
  message: string;
  explanation: string[];
  filename: string;
  location: { row: number };
  related: { filename: string; message: string }[];
}

function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return pythonFiles(p);
    return n.endsWith('.py') ? [p] : [];
  });
}

async function checkJson(root: string, args: string[] = ['.']): Promise<JsonDiagnostic[]> {
  const r = await cli(['check', '--no-cache', '--output-format', 'json', ...args], root);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return JSON.parse(r.stdout) as JsonDiagnostic[];
}

const projects = readdirSync(PROJECTS).filter((n) => statSync(path.join(PROJECTS, n)).isDirectory()).sort();

describe('multi-file fixture projects through the CLI', () => {
  it('there are at least 12, each flagged one with a clean near-miss', () => {
    assert.ok(projects.length >= 12);
    for (const p of projects.filter((n) => !n.endsWith('_ok'))) assert.ok(projects.includes(`${p}_ok`), `${p} has no near-miss`);
  });

  for (const name of projects) {
    it(name, async () => {
      const root = path.join(PROJECTS, name);
      const expected = pythonFiles(root).flatMap((file) => parseExpectations(readFileSync(file, 'utf8')).diagnostics.map((d) => ({ ...d, file })));
      const found = await checkJson(root);
      const show = JSON.stringify(found.map((d) => `${path.relative(root, d.filename)}:${d.location.row} [${d.name}] ${d.message}`));
      assert.equal(found.length, expected.length, show);
      for (const e of expected) {
        const d = found.find((f) => f.filename === e.file && f.location.row === e.line && f.name === e.rule);
        assert.ok(d, `expected [${e.rule}] at ${path.relative(root, e.file)}:${e.line}; found ${show}`);
        for (const frag of e.fragments) assert.ok([d.message, ...d.explanation].some((t) => t.includes(frag)), `"${frag}" in ${d.message}`);
        assert.ok(d.related.some((r) => r.filename !== d.filename), `a related place in another file: ${JSON.stringify(d.related)}`);
      }
    });
  }
});

describe('checking part of a project', () => {
  const root = path.join(PROJECTS, 'torch_script');
  const model = path.join(root, 'nets', 'lenet.py');

  it('the training script alone reports the error where it is, in the model module', async () => {
    const found = await checkJson(root, ['train.py']);
    assert.deepEqual(found.map((d) => [d.filename, d.location.row]), [[model, 12]]);
  });

  it('the model module alone reports the error its unchecked importer causes', async () => {
    const found = await checkJson(root, ['nets/lenet.py']);
    assert.deepEqual(found.map((d) => [d.filename, d.location.row]), [[model, 12]]);
    assert.ok(found[0].related.some((r) => r.filename === path.join(root, 'train.py')));
  });

  it('an importer that reaches the module only through packages is found, a round per package', async () => {
    // lenet.py <- nets/__init__.py (`from .lenet`) <- app/__init__.py (`from nets import`) <- run.py (`import app`).
    const lenet = 'import torch.nn as nn\n\n\nclass LeNet(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(400, 10)\n\n    def forward(self, x):\n        return self.fc(x.flatten(1))\n';
    const root = project({
      'pyproject.toml': '',
      'nets/__init__.py': 'from .lenet import LeNet\n',
      'nets/lenet.py': lenet,
      'app/__init__.py': 'from nets import LeNet\n',
      'run.py': 'import torch\n\nimport app\n\nmodel = app.LeNet()\nmodel(torch.randn(2, 3, 8, 8))\n',
      // Names `nets`'s first part only as a word of another import: not an importer, and clean either way.
      'other.py': 'from torchvision.models import resnet18\n',
    });
    try {
      const found = await checkJson(root, ['nets/lenet.py']);
      assert.deepEqual(found.map((d) => [path.relative(root, d.filename), d.location.row]), [['nets/lenet.py', 10]]);
      assert.ok(found[0].related.some((r) => r.filename === path.join(root, 'run.py')), JSON.stringify(found[0].related));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('past 32 importers the run analyses the direct ones first and says so', async () => {
    const lenet = 'import torch.nn as nn\n\n\nclass LeNet(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(400, 10)\n\n    def forward(self, x):\n        return self.fc(x.flatten(1))\n';
    const files: Record<string, string> = { 'pyproject.toml': '', 'lenet.py': lenet, 'pkg/__init__.py': 'from lenet import LeNet\n' };
    // 32 direct importers whose names sort first, then the one feeding a wrong input (the 33rd,
    // past the limit), then pkg/__init__.py (a direct importer too).
    for (let i = 0; i < 32; i++) files[`a${String(i).padStart(2, '0')}.py`] = 'from lenet import LeNet\n';
    files['b_train.py'] = 'import torch\n\nfrom lenet import LeNet\n\nLeNet()(torch.randn(2, 3, 8, 8))\n';
    const root = project(files);
    try {
      const r = await cli(['check', '--no-cache', '--output-format', 'json', 'lenet.py'], root);
      assert.deepEqual(JSON.parse(r.stdout), []);
      assert.match(r.stderr, /^note: more than 32 files of the project import the checked files; the first 32 \(direct importers first\)/m);
      // With two importers fewer in front, 32 in all: every one is analysed, the feeding one's error reported.
      rmSync(path.join(root, 'a00.py'));
      rmSync(path.join(root, 'a01.py'));
      const again = await cli(['check', '--no-cache', '--output-format', 'json', 'lenet.py'], root);
      assert.deepEqual((JSON.parse(again.stdout) as JsonDiagnostic[]).map((d) => [path.relative(root, d.filename), d.location.row]), [['lenet.py', 10]]);
      assert.doesNotMatch(again.stderr, /note: more than/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('an unchecked importer reports nothing in its own files', async () => {
    const found = await checkJson(path.join(PROJECTS, 'cycle'), ['layers_factory.py']);
    assert.deepEqual(found, []);
  });
});

describe('every output format names the right files', () => {
  const root = path.join(PROJECTS, 'torch_script');
  const run = async (format: string) => (await cli(['check', '--no-cache', '--output-format', format, '.'], root)).stdout;

  it('sarif: the result in the model module, the related input in the script', async () => {
    const sarif = JSON.parse(await run('sarif'));
    const result = sarif.runs[0].results[0];
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'nets/lenet.py');
    const uris = result.relatedLocations.map((r: { physicalLocation: { artifactLocation: { uri: string } } }) => r.physicalLocation.artifactLocation.uri);
    assert.deepEqual(uris.sort(), ['nets/lenet.py', 'train.py']);
  });

  it('github, gitlab and junit', async () => {
    const github = await run('github');
    assert.match(github, /^::error [^:]*file=nets\/lenet\.py,line=12,/);
    assert.match(github, /train\.py:5:10: input shape \(16, 3, 28, 28\) comes from here/);
    const gitlab = JSON.parse(await run('gitlab'));
    assert.deepEqual(gitlab.map((i: { location: { path: string; positions: { begin: { line: number } } } }) => [i.location.path, i.location.positions.begin.line]), [['nets/lenet.py', 12]]);
    const junit = await run('junit');
    assert.match(junit, /<testcase name="org\.shapelint\.SL002" classname="nets\/lenet\.py" file="nets\/lenet\.py" line="12"/);
    assert.match(junit, /train\.py:5:10: input shape/);
  });

  it('full: the code frames of the related places show their own files', async () => {
    const full = await run('full');
    assert.match(full, /--> nets\/lenet\.py:12:23/);
    assert.match(full, /--> train\.py:5:10\n/);
  });
});

describe('the cache and new modules', () => {
  const MAKE = (n: number) => `import torch.nn as nn\n\n\ndef make():\n    return nn.Linear(${n}, 5)\n`;
  const MAIN = 'import torch\n\nfrom pkg.utils import make\n\nlayer = make()\nlayer(torch.randn(2, 4))\n';

  it('a cached result is not used once a new module changes how an import resolves', async () => {
    const root = project({ 'pyproject.toml': '', 'pkg/__init__.py': '', 'pkg/utils.py': MAKE(4), 'main.py': MAIN });
    const env = { XDG_CACHE_HOME: path.join(root, '.cache-home') };
    const check = async () => (await cli(['check', '--output-format', 'concise', 'main.py'], root, env)).stdout;
    try {
      assert.doesNotMatch(await check(), /SL003/);
      assert.doesNotMatch(await check(), /SL003/, 'a warm run, from the cache');
      // A package pkg/utils/ now shadows pkg/utils.py (Python imports the package): its layer needs 6 features.
      mkdirSync(path.join(root, 'pkg', 'utils'));
      writeFileSync(path.join(root, 'pkg', 'utils', '__init__.py'), MAKE(6));
      assert.match(await check(), /SL003/);
      rmSync(path.join(root, 'pkg', 'utils'), { recursive: true });
      assert.doesNotMatch(await check(), /SL003/, 'and back when it goes');
      // A module appearing where there was none: `helpers` was unknown (no diagnostic), now it is followed.
      writeFileSync(path.join(root, 'main.py'), MAIN.replace('pkg.utils', 'helpers'));
      assert.doesNotMatch(await check(), /SL003/);
      writeFileSync(path.join(root, 'helpers.py'), MAKE(6));
      assert.match(await check(), /SL003/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('a cached result is not used once a module it loads, directly or through another module, has another content', async () => {
    const utils = 'import torch.nn as nn\n\nfrom pkg.sizes import N\n\n\ndef make():\n    return nn.Linear(N, 5)\n';
    const root = project({ 'pyproject.toml': '', 'pkg/__init__.py': '', 'pkg/sizes.py': 'N = 4\n', 'pkg/utils.py': utils, 'main.py': MAIN });
    const env = { XDG_CACHE_HOME: path.join(root, '.cache-home') };
    const check = async () => (await cli(['check', '--output-format', 'concise', 'main.py'], root, env)).stdout;
    try {
      assert.doesNotMatch(await check(), /SL003/);
      assert.doesNotMatch(await check(), /SL003/, 'a warm run, from the cache');
      // main.py and pkg/utils.py are unchanged; pkg/sizes.py, which only pkg/utils.py imports, changes.
      writeFileSync(path.join(root, 'pkg', 'sizes.py'), 'N = 6\n');
      assert.match(await check(), /SL003/);
      writeFileSync(path.join(root, 'pkg', 'sizes.py'), 'N = 4\n');
      assert.doesNotMatch(await check(), /SL003/, 'and back');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
