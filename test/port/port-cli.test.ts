/** `shapelint port` on the command line: exit codes, -o, --compare, usage errors, and the README's pasted output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths';

function shapelint(...args: string[]) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'shapelint.js'), ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' },
  });
}

function pastedBlock(readme: string, opening: string): string {
  const start = readme.indexOf(opening);
  assert.ok(start >= 0, `README has a block starting ${JSON.stringify(opening)}`);
  const body = start + opening.indexOf('\n') + 1;
  return readme.slice(body, readme.indexOf('```', body));
}

test('README shows the real output of shapelint port and --compare on the founding case', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const port = shapelint('port', 'examples/keras_original.py', '--to', 'pytorch');
  assert.equal(port.status, 0, port.stderr);
  assert.equal(pastedBlock(readme, '```python\n"""model (Keras), ported to PyTorch'), port.stdout);
  assert.equal(pastedBlock(readme, '```\nport: Keras model model'), port.stderr);
  const cmp = shapelint('port', '--compare', 'examples/keras_original.py', 'examples/gluon_naive_port.py');
  assert.equal(cmp.status, 1);
  assert.equal(pastedBlock(readme, '```\nexamples/gluon_naive_port.py diverges'), cmp.stdout);
});

test('port -o writes the file; a stub makes exit 1; bad arguments exit 2', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'port-cli-'));
  try {
    const out = path.join(dir, 'net.py');
    const ok = shapelint('port', 'examples/gluon_hybridblock_yournet.py', '--to', 'keras', '-o', out);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, '');
    assert.match(readFileSync(out, 'utf8'), /def build_model\(\):/);
    const lambda = path.join(dir, 'lam.py');
    writeFileSync(lambda, "import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(4,)), layers.Lambda(lambda t: t), layers.Dense(2)])\n");
    const stub = shapelint('port', lambda, '--to', 'pytorch');
    assert.equal(stub.status, 1);
    assert.match(stub.stderr, /not ported: Lambda 'lambda' \(line 3\): a Lambda layer runs arbitrary code/);
    assert.equal(shapelint('port', 'examples/keras_original.py', '--to', 'caffe').status, 2);
    assert.equal(shapelint('port', 'examples/keras_original.py').status, 2);
    assert.equal(shapelint('port', '--compare', 'examples/keras_original.py').status, 2);
    const broken = shapelint('port', 'examples/gluon_naive_port.py', '--to', 'keras');
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /cannot port .*the source model does not run/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check: a port-of directive compares the marked model with its original, afresh on every run', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shapelint-port-of-'));
  try {
    const original = path.join(dir, 'original.py');
    writeFileSync(original, readFileSync(path.join(REPO_ROOT, 'examples', 'keras_original.py'), 'utf8'));
    const port = readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'engine', 'rules', 'port_gluon_relu_head.py'), 'utf8')
      .replace('../../../../examples/keras_original.py', 'original.py');
    writeFileSync(path.join(dir, 'port.py'), port);
    const flagged = shapelint('check', path.join(dir, 'port.py'));
    assert.equal(flagged.status, 1, flagged.stderr);
    assert.match(flagged.stdout, /SL010 port of original\.py::model: .*activation: original\.py softmax, model relu/);
    // The original changes, the port does not: the next check sees it (no stale cached result).
    writeFileSync(original, readFileSync(original, 'utf8').replace("activation='softmax'", "activation='relu'"));
    const agreed = shapelint('check', path.join(dir, 'port.py'));
    assert.equal(agreed.status, 0, agreed.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
