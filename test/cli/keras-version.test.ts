/**
 * The Keras version a file runs on: PEP 440 pins read from project files, the `keras-version`
 * config key, and the verdict they give to code that only some Keras versions accept.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { KERAS_VERSIONS } from '../../server/src/engine/index';
import { KerasPinFinder, satisfies, versionsFromPins } from '../../server/src/host/keras-pins';
import { lintSettings } from '../../server/src/lsp/analysis';
import { parseSettings } from '../../server/src/lsp/settings';
import { cli, projectsRemovedAfter } from './helpers';

const tmp = projectsRemovedAfter();

/** Fails on Keras 3 only: AveragePooling2D lost its pool_size default. */
const TF_KERAS = 'from tensorflow.keras import layers, models\n' +
  'model = models.Sequential([layers.Conv2D(8, 3, input_shape=(16, 16, 3)), layers.AveragePooling2D()])\n';

async function verdicts(root: string, args: string[] = []): Promise<string[]> {
  const r = await cli(['check', '--no-cache', '--output-format', 'json', ...args], root);
  assert.ok(r.code < 2, r.stderr);
  return (JSON.parse(r.stdout) as { code: string; severity: string; filename: string }[])
    .map((d) => `${path.relative(root, d.filename)}:${d.code}:${d.severity}`);
}

describe('PEP 440 specifiers (the subset requirements files use)', () => {
  it('compares releases numerically and honours wildcards and ~=', () => {
    assert.ok(satisfies('2.10.0', '>=2.4,<3'));
    assert.ok(!satisfies('3.0.0', '>=2.4,<3'));
    assert.ok(satisfies('2.2.4', '==2.2.*'));
    assert.ok(!satisfies('2.3.1', '==2.2.*'));
    assert.ok(satisfies('2.4.3', '~=2.4.0'));
    assert.ok(!satisfies('2.5.0', '~=2.4.0'));
    assert.ok(satisfies('2.6.0', '~=2.4'));
    assert.ok(!satisfies('2.15.0', '!=2.15.0'));
  });
  it('maps keras and tensorflow pins to Keras generations', () => {
    assert.deepEqual(versionsFromPins('keras==2.2.4\n')?.allowed, ['keras2.0-2.3']);
    assert.deepEqual(versionsFromPins('numpy\nkeras>=3.0  # new API\n')?.allowed, ['keras3']);
    assert.deepEqual(versionsFromPins('tensorflow-gpu<2.16\n')?.allowed, ['keras1', 'keras2.0-2.3', 'keras2.4+']);
    assert.deepEqual(versionsFromPins('dependencies = ["tensorflow>=2.16", "numpy"]')?.allowed, ['keras3']);
    assert.deepEqual(versionsFromPins('keras<3\ntensorflow==2.15.0\n')?.allowed, ['keras1', 'keras2.0-2.3', 'keras2.4+']);
    assert.deepEqual(versionsFromPins('tensorflow>2.15.0\n')?.allowed, [...KERAS_VERSIONS]);
    assert.equal(versionsFromPins('keras\nkeras-tuner>=1.0\ntf-keras==2.15\n'), null);
  });
  it('finds the pins of the nearest project folder', () => {
    const root = tmp({ 'requirements.txt': 'keras==1.2.2\n', 'src/pkg/setup.cfg': '[options]\ninstall_requires =\n    tensorflow==2.12.0\n', 'src/pkg/m.py': '' });
    const finder = new KerasPinFinder(root);
    assert.deepEqual(finder.forDir(path.join(root, 'src', 'pkg')).versions, ['keras1', 'keras2.0-2.3', 'keras2.4+']);
    assert.deepEqual(finder.forDir(path.join(root, 'src')).versions, ['keras1']);
    assert.deepEqual(finder.forDir(path.join(root, 'src'), '3').versions, ['keras3']);
  });
});

describe('check: the verdict follows the Keras versions', () => {
  it('unpinned: a warning that names Keras 3', async () => {
    assert.deepEqual(await verdicts(tmp({ 'm.py': TF_KERAS })), ['m.py:SL008:warning']);
  });
  it('pinned to tf.keras 2 by requirements.txt: clean', async () => {
    assert.deepEqual(await verdicts(tmp({ 'requirements.txt': 'tensorflow==2.15.1\n', 'm.py': TF_KERAS })), []);
  });
  it('pinned to Keras 3 by pyproject.toml: an error', async () => {
    const root = tmp({ 'pyproject.toml': '[project]\ndependencies = ["keras>=3.0", "tensorflow>=2.16"]\n', 'm.py': TF_KERAS });
    assert.deepEqual(await verdicts(root), ['m.py:SL008:error']);
  });
  it('keras-version in the config wins over the pins; bad values are config errors', async () => {
    const root = tmp({ 'requirements.txt': 'tensorflow==2.15.1\n', 'shapelint.toml': 'keras-version = "3"\n', 'm.py': TF_KERAS });
    assert.deepEqual(await verdicts(root), ['m.py:SL008:error']);
    assert.deepEqual(await verdicts(root, ['--config', 'keras-version = 2']), []);
    const bad = await cli(['check', '--no-cache', '--config', 'keras-version = 4'], root);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /keras-version.*"auto", 1, 2 or 3/);
  });
});

describe('language server: shapelint.kerasVersion', () => {
  it('wins over the project; auto keeps the project\'s versions; bad values are auto', () => {
    const project = { kerasVersions: ['keras2.4+' as const], kerasVersionSource: 'requirements.txt (tensorflow==2.15.1)' };
    assert.deepEqual(lintSettings(parseSettings({ kerasVersion: '3' }), project).kerasVersions, ['keras3']);
    assert.deepEqual(lintSettings(parseSettings({ kerasVersion: 1 }), project).kerasVersions, ['keras1']);
    assert.deepEqual(lintSettings(parseSettings({}), project).kerasVersions, ['keras2.4+']);
    assert.equal(parseSettings({ kerasVersion: '4' }).kerasVersion, 'auto');
  });
});
