/**
 * Users' models on a library backbone (test/fixtures/backbones) port to the target library's
 * constructor of the same family, cut where the source cut it, with the head ported layer by
 * layer; the backbone's parameter count differs between the libraries (a note says so). What
 * cannot be ported (a family or a cut the target library lacks) is a marked stub that states the
 * shape it must give, and the port exits 1. The PyTorch and Keras ports run in the real
 * frameworks with the output shape and parameter count the engine found in them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PythonParser } from '../../server/src/engine/index';
import { portText, type PortFramework, type PortResult } from '../../server/src/engine/port/index';
import { loadParser } from '../../server/src/host/parser';
import { fileModuleProvider, projectSpecFor } from '../../server/src/host/project';
import { BACKBONES } from '../helpers/backbones';
import { kerasVenvMissing } from '../oracle/keras-oracle-run';
import { runPortOracle } from './port-oracle-run';

let parser: PythonParser;
before(async () => {
  parser = await loadParser('wasm');
});
after(() => parser.dispose());

function port(fixture: string, to: PortFramework): PortResult {
  const file = path.join(BACKBONES, fixture);
  const text = readFileSync(file, 'utf8');
  const spec = projectSpecFor(file);
  return portText(parser, text, { modules: fileModuleProvider(spec, parser), moduleName: spec.moduleName }, { to });
}

/** fixture, target, the target's backbone code, the engine's total of the port (null: a stub). */
const PORTED: [string, PortFramework, RegExp, number][] = [
  ['torch/identity_head.py', 'gluon', /self\.backbone = vision\.resnet18_v1\(\)\.features\n\s+self\.backbone\.add\(nn\.Flatten\(\)\)/, 11_191_242],
  ['torch/vgg_features.py', 'keras', /keras\.applications\.VGG16\(\s*include_top=False, weights=None, input_shape=\(64, 64, 3\)\)/, 14_719_818],
  ['keras/functional_head.py', 'torch', /nn\.Sequential\(\s*models\.mobilenet_v2\(weights=None\)\.features\)/, 2_236_682],
  ['keras/functional_head.py', 'gluon', /self\.backbone = vision\.mobilenet_v2_1_0\(\)\.features\n/, 2_271_946],
  ['keras/sequential_head.py', 'torch', /models\.mobilenet_v2\(weights=None\)\.features/, 2_236_682],
  ['keras/flatten_head.py', 'torch', /models\.mobilenet_v2\(weights=None\)\.features/, 2_339_082],
  ['torch/children_slice_in_model.py', 'keras', /keras\.Sequential\(\[backbone, layers\.Reshape\(\(1, 1, 2048\)\)\]\)/, 23_608_202],
  ['torch/children_slice_in_model.py', 'gluon', /self\.backbone = vision\.resnet50_v1\(\)\.features\n/, 23_600_522],
  ['gluon/features_head.py', 'torch', /\*list\(models\.resnet18\(weights=None\)\.children\(\)\)\[:-2\],\s*nn\.AdaptiveAvgPool2d\(1\)/, 11_181_642],
];

describe('porting a model on a library backbone', () => {
  for (const [fixture, to, backbone, total] of PORTED) {
    it(`${fixture} → ${to}: the target library's backbone and the ported head, checked`, () => {
      const r = port(fixture, to);
      assert.deepEqual(r.problems, [], r.code);
      assert.equal(r.stubs, 0);
      assert.match(r.code!, backbone);
      assert.match(r.code!, /Weights do not transfer between the libraries'/);
      assert.equal(r.check?.targetTotal, total);
      const differs = r.notes?.find((n) => /parameter counts differ between the libraries: the backbone/.test(n));
      // VGG-16's convolutions have the same parameters in torchvision and Keras: no note then.
      assert.equal(differs === undefined, fixture === 'torch/vgg_features.py', JSON.stringify(r.notes));
    });
  }

  it('a backbone the target library lacks is a marked stub stating the shape it must give (exit 1)', () => {
    const keras = port('torch/identity_head.py', 'keras');
    assert.equal(keras.stubs, 1);
    assert.match(keras.problems[0], /not ported: torchvision\.models resnet18 has no equivalent in keras\.applications; a marked stub that must give \(2, 512\)/);
    assert.match(keras.code!, /raise NotImplementedError\(\s*"NOT PORTED: torchvision\.models resnet18 has no equivalent/);
    const gluon = port('torch/vgg_features.py', 'gluon');
    assert.equal(gluon.stubs, 1);
    assert.match(gluon.problems[0], /the Gluon model zoo vgg16 has no feature-map cut like the source's; a marked stub that must give \(2, 512, 2, 2\)/);
    assert.match(gluon.code!, /class BackboneStub\(gluon\.HybridBlock\)/);
  });

  it('a library model with a new classifier ports as the target constructor with that class count', () => {
    const gluon = port('torch/new_fc.py', 'gluon');
    assert.deepEqual(gluon.problems, []);
    assert.match(gluon.code!, /return vision\.resnet18_v1\(classes=2\)/);
    assert.deepEqual(gluon.check?.outputShape, [2, 2]);
    const torch = port('gluon/new_output.py', 'torch');
    assert.deepEqual(torch.problems, []);
    assert.match(torch.code!, /return models\.resnet18\(weights=None, num_classes=10\)/);
  });

  it('the PyTorch and Keras ports run in the real frameworks with the shape and count the engine found', { skip: kerasVenvMissing() ?? false, timeout: 600_000 }, () => {
    const ports = PORTED.filter(([, to]) => to !== 'gluon').map(([fixture, to]) => port(fixture, to));
    ports.push(port('gluon/new_output.py', 'torch'));
    const outcomes = runPortOracle(ports.map((p, id) => ({ id, direction: 'run', port: p.code })));
    assert.deepEqual(outcomes.map((o) => [o.error, o.portShape, o.portParams]), ports.map((p) => [undefined, p.check!.outputShape!.map((d) => (typeof d === 'number' ? d : 2)), p.check!.targetTotal]));
  });
});

describe('porting a cut library model on its own', () => {
  it('is refused with the way to port it (the model holding it)', () => {
    const r = port('torch/children_slice.py', 'keras');
    assert.equal(r.code, undefined);
    assert.match(r.problems[0], /not ported: features is a cut of a library model's children on its own/);
  });
});
