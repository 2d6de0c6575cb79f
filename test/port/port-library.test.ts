/**
 * Library models port to the target library's constructor of the same family. The parameter
 * counts differ between libraries (torchvision's resnet50 has 25,557,032, Keras' ResNet50
 * 25,636,712): the port says so in a note instead of failing the count check. The PyTorch and
 * Keras ports run in the real frameworks and print the output shape and the count the engine's
 * library stubs give.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { PythonParser } from '../../server/src/engine/index';
import { portText, type PortFramework } from '../../server/src/engine/port/index';
import { loadParser } from '../../server/src/host/parser';
import { fileModuleProvider, projectSpecFor } from '../../server/src/host/project';
import { kerasVenvMissing } from '../oracle/keras-oracle-run';
import { runPortOracle, TOLERANCE } from './port-oracle-run';

const KERAS_RESNET = 'import keras\n\nmodel = keras.applications.ResNet50(weights=None)\n';
const TORCH_RESNET = 'import torch\nfrom torchvision import models\n\nmodel = models.resnet50(weights=None, num_classes=10)\nmodel(torch.randn(2, 3, 224, 224))\n';
const TORCH_RESNET18 = 'import torch\nfrom torchvision import models\n\nmodel = models.resnet18(weights=None)\nmodel(torch.randn(2, 3, 224, 224))\n';

let parser: PythonParser;
let dir: string;
before(async () => {
  parser = await loadParser('wasm');
  dir = mkdtempSync(path.join(tmpdir(), 'port-library-'));
});
after(() => {
  parser.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Ports a source with its imports followed, as the CLI does. */
function port(text: string, to: PortFramework, withWeights = false) {
  const file = path.join(dir, 'model.py');
  writeFileSync(file, text);
  const spec = projectSpecFor(file);
  return portText(parser, text, { modules: fileModuleProvider(spec, parser), moduleName: spec.moduleName }, { to, withWeights });
}

test("Keras' ResNet50 ports to torchvision's resnet50 and the Gluon zoo's resnet50_v1, with the parameter difference stated", () => {
  const torch = port(KERAS_RESNET, 'torch');
  assert.deepEqual(torch.problems, []);
  assert.match(torch.code!, /return models\.resnet50\(weights=None, num_classes=1000\)/);
  assert.match(torch.code!, /y = torch\.softmax\(model\(x\), dim=1\)/);
  assert.equal(torch.check?.sourceTotal, 25_636_712);
  assert.equal(torch.check?.targetTotal, 25_557_032);
  assert.match(torch.notes![0], /parameter counts differ between the libraries: keras\.applications ResNet50 has 25,636,712, torchvision\.models resnet50 25,557,032/);
  const gluon = port(KERAS_RESNET, 'gluon');
  assert.deepEqual(gluon.problems, []);
  assert.match(gluon.code!, /return vision\.resnet50_v1\(classes=1000\)/);
  assert.deepEqual(gluon.check?.outputShape, [2, 1000]);
});

test('a port names only the differences between its own two libraries', () => {
  // torchvision → Gluon: no Keras biases; Gluon counts BatchNorm statistics and strides in the 1x1.
  const gluon = port(TORCH_RESNET18, 'gluon');
  assert.deepEqual(gluon.problems, []);
  const gluonText = `${gluon.code}\n${gluon.notes!.join('\n')}`;
  assert.doesNotMatch(gluonText, /Keras/);
  assert.match(gluonText, /Gluon counts BatchNorm's moving statistics, Gluon's v1 blocks stride in the first 1x1 convolution, torchvision's \(v1\.5\) in the 3x3/);
  // Keras → Gluon: both count the statistics and stride alike; only Keras' biases differ.
  const keras = port(KERAS_RESNET, 'gluon');
  assert.match(keras.code!, /built by another library: Keras' ResNet convolutions have biases\./);
});

test("torchvision's resnet50 ports to Keras' ResNet50 without the softmax head; resnet18 has no Keras equivalent", () => {
  const keras = port(TORCH_RESNET, 'keras');
  assert.deepEqual(keras.problems, []);
  assert.match(keras.code!, /keras\.applications\.ResNet50\(weights=None, classes=10, classifier_activation=None\)/);
  assert.equal(keras.check?.sourceTotal, 23_528_522);
  const none = port(TORCH_RESNET18, 'keras');
  assert.equal(none.code, undefined);
  assert.match(none.problems[0], /torchvision\.models resnet18 has no equivalent in keras\.applications/);
});

test('library ports run in real PyTorch and Keras with the shape and parameter count the engine expects', { skip: kerasVenvMissing() ?? false, timeout: 300_000 }, () => {
  const ports = [port(KERAS_RESNET, 'torch'), port(TORCH_RESNET, 'keras')];
  const outcomes = runPortOracle(ports.map((p, id) => ({ id, direction: 'run', port: p.code })));
  assert.deepEqual(outcomes.map((o) => [o.error, o.portShape, o.portParams]), [
    [undefined, [2, 1000], 25_557_032],
    [undefined, [2, 10], 23_608_202],
  ]);
  assert.deepEqual(ports.map((p) => p.check?.targetTotal), [25_557_032, 23_608_202]);
});

const TORCH_VGG16 = 'import torch\nfrom torchvision import models\n\nmodel = models.vgg16(weights=None)\nmodel(torch.randn(1, 3, 224, 224))\n';
const KERAS_VGG16 = 'import keras\n\nmodel = keras.applications.VGG16(weights=None, classifier_activation=None)\n';

test('--with-weights: VGG16/VGG19 map layer by layer between keras.applications and torchvision (fc1 rows reordered); other families and Gluon are refused with the reason', () => {
  const torch = port(KERAS_VGG16, 'torch', true);
  assert.deepEqual(torch.problems, []);
  assert.match(torch.code!, /\("block5_conv3", "features\.28"\),\n\s+\("fc1", "classifier\.0"\),\n\s+\("fc2", "classifier\.3"\),\n\s+\("predictions", "classifier\.6"\),/);
  assert.match(torch.code!, /kernel\.reshape\(7, 7, 512, -1\)\.transpose\(2, 0, 1, 3\)/);
  assert.match(torch.code!, /model\.load_state_dict\(state, strict=True\)/);
  assert.doesNotMatch(torch.code!, /torch\.softmax/, 'classifier_activation=None: the source returns logits');
  const vgg19 = port('import keras\n\nmodel = keras.applications.VGG19(weights=None)\n', 'torch', true);
  assert.deepEqual(vgg19.problems, []);
  assert.match(vgg19.code!, /\("block3_conv4", "features\.16"\),[^]*\("block5_conv4", "features\.34"\),/);
  const resnet = port(KERAS_RESNET, 'torch', true);
  assert.equal(resnet.code, undefined);
  assert.match(resnet.problems[0], /^--with-weights: keras\.applications ResNet50 and torchvision\.models resnet50 are different networks \(Keras' ResNet convolutions have biases/);
  const gluon = port(TORCH_VGG16, 'gluon', true);
  assert.match(gluon.problems[0], /^--with-weights: the weight conversion of torchvision\.models vgg16 and the Gluon model zoo vgg16 is not written/);
  const small = port('import keras\n\nmodel = keras.applications.VGG16(weights=None, input_shape=(64, 64, 3))\n', 'torch', true);
  assert.match(small.problems[0], /the same weights at 224x224 only, and this model reads \(\?, 3, 64, 64\)|the same weights at 224x224 only/);
});

const TORCH_DENSENET = 'import torch\nfrom torchvision import models\n\nmodel = models.densenet121(weights=None, num_classes=10)\nmodel(torch.randn(1, 3, 96, 96))\n';
const KERAS_DENSENET = 'import keras\n\nmodel = keras.applications.DenseNet121(weights=None, input_shape=(96, 96, 3), classes=10, classifier_activation=None)\n';

// VGG16 at 224 px each way is heavy (138M parameters, saved and loaded): one image, one Python process with the DenseNets.
test('VGG16 (224 px) and DenseNet121 (96 px) ported with --with-weights between torchvision and keras.applications compute the same logits in both frameworks', { skip: kerasVenvMissing() ?? false, timeout: 900_000 }, (t) => {
  const sources: [string, PortFramework, number[], [number, number]][] = [
    [TORCH_VGG16, 'keras', [1, 3, 224, 224], [138_357_544, 138_357_544]],
    [KERAS_VGG16, 'torch', [1, 3, 224, 224], [138_357_544, 138_357_544]],
    // Keras also counts BatchNorm's moving statistics: 7,047,754 against torchvision's 6,964,106.
    [TORCH_DENSENET, 'keras', [1, 3, 96, 96], [6_964_106, 7_047_754]],
    [KERAS_DENSENET, 'torch', [1, 3, 96, 96], [7_047_754, 6_964_106]],
  ];
  const ports = sources.map(([source, to]) => port(source, to, true));
  for (const p of ports) assert.deepEqual(p.problems, []);
  const outcomes = runPortOracle(sources.map(([source, , inputShape], id) => ({ id, direction: 'library', source, port: ports[id].code, inputShape })));
  for (const [i, o] of outcomes.entries()) {
    const label = `${ports[i].source} ${sources[i][0].includes('vgg') || sources[i][0].includes('VGG') ? 'VGG16' : 'DenseNet121'} → ${sources[i][1]}`;
    assert.equal(o.error, undefined, `${label}: ${o.trace}`);
    const classes = sources[i][2][2] === 224 ? 1000 : 10;
    assert.deepEqual([o.sourceShape, o.portShape, o.sourceParams, o.portParams], [[1, classes], [1, classes], ...sources[i][3]], label);
    assert.ok((o as { sourceScale?: number }).sourceScale! > 1e-3, `${label}: the logits are not all near zero`);
    assert.ok(o.maxDiff !== null && o.maxDiff !== undefined && o.maxDiff <= TOLERANCE, `${label}: outputs differ by ${o.maxDiff}`);
    t.diagnostic(`${label}: largest difference ${o.maxDiff}, largest logit ${(o as { sourceScale?: number }).sourceScale}`);
  }
});
