/**
 * Oracle test for the keras.applications stubs: each constructor call runs in real Keras 3
 * (weights=None builds offline; the weights='imagenet' calls all raise before any download)
 * and through shapelint with the stub. Where Keras raises, shapelint reports invalid-argument
 * at the call with the same message; where it builds, shapelint is silent and the model has
 * the same parameter count and output shape, at default, custom and too-small input sizes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { analyzeWithStub } from '../helpers/stubs';
import { runOracle } from './oracle-cache';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const venv = process.env.ORACLE_VENV ?? path.join(repoRoot, '.oracle-venv');
const python = path.join(venv, 'bin', 'python');

/** [stub module, constructor call]. */
const CASES: [string, string][] = [
  ['resnet', 'ResNet50(include_top=False, weights=None, input_shape=(64, 80, 3), pooling="max")'],
  ['resnet', 'ResNet50(include_top=False, weights=None, input_shape=(31, 64, 3))'],
  ['resnet', 'ResNet50(weights=None, input_shape=(128, 128, 3), classes=10)'],
  ['resnet', 'ResNet50(weights="imagenet", input_shape=(200, 200, 3))'],
  ['resnet', 'ResNet50(weights="imagenet", include_top=False, input_shape=(200, 200, 1))'],
  ['resnet', 'ResNet101V2(include_top=False, weights=None, pooling="avg")'],
  ['resnet', 'ResNet50V2(include_top=False, weights=None, input_shape=(97, 33, 3))'],
  ['vgg', 'VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))'],
  ['vgg', 'VGG19(weights=None, input_shape=(64, 64, 1), classes=5)'],
  ['vgg', 'VGG16(weights=None, input_shape=(224, 224))'],
  ['vgg', 'VGG16(weights="imagenet", classes=10)'],
  ['inception_v3', 'InceptionV3(include_top=False, weights=None, input_shape=(75, 75, 3))'],
  ['inception_v3', 'InceptionV3(include_top=False, weights=None, input_shape=(74, 100, 3))'],
  ['inception_v3', 'InceptionV3(weights="imagenet", input_shape=(224, 224, 3))'],
  ['inception_resnet_v2', 'InceptionResNetV2(include_top=False, weights=None, input_shape=(139, 139, 3))'],
  ['xception', 'Xception(include_top=False, weights=None, input_shape=(71, 71, 3))'],
  ['xception', 'Xception(include_top=False, weights=None, input_shape=(70, 71, 3))'],
  ['mobilenet', 'MobileNet(weights=None, include_top=False, alpha=0.5, depth_multiplier=2, input_shape=(96, 96, 3))'],
  ['mobilenet', 'MobileNet(weights="imagenet", alpha=0.3, input_shape=(128, 128, 3))'],
  ['mobilenet_v2', 'MobileNetV2(weights=None, include_top=False, alpha=1.4, input_shape=(97, 97, 3))'],
  ['mobilenet_v2', 'MobileNetV2(weights=None, include_top=False, input_shape=(16, 16, 3))'],
  ['mobilenet_v2', 'MobileNetV2(weights="imagenet", alpha=0.6)'],
  ['mobilenet_v3', 'MobileNetV3Large(weights=None, minimalistic=True, alpha=0.75, include_top=False, input_shape=(96, 96, 3))'],
  ['mobilenet_v3', 'MobileNetV3Small(weights=None, include_top=False, input_shape=(31, 64, 3))'],
  ['mobilenet_v3', 'MobileNetV3Small(weights=None, input_shape=(97, 131, 3), classes=3)'],
  ['densenet', 'DenseNet121(include_top=False, weights=None, input_shape=(65, 65, 3))'],
  ['densenet', 'DenseNet169(weights="imagenet", include_top=False, input_shape=(64, 64, 4))'],
  ['efficientnet', 'EfficientNetB0(include_top=False, weights=None, input_shape=(33, 47, 1))'],
  ['efficientnet', 'EfficientNetB3(weights=None, classes=7)'],
  ['efficientnet', 'EfficientNetB1(include_top=False, weights=None, input_shape=(30, 64, 3))'],
  ['efficientnet_v2', 'EfficientNetV2B0(include_top=False, weights=None, input_shape=(65, 47, 1))'],
  ['efficientnet_v2', 'EfficientNetV2S(weights=None, input_shape=(96, 96, 3), classes=12)'],
  ['convnext', 'ConvNeXtTiny(include_top=False, weights=None, input_shape=(64, 96, 3), pooling="avg")'],
  ['convnext', 'ConvNeXtSmall(include_top=False, weights=None, input_shape=(64, 64, 1))'],
  ['nasnet', 'NASNetMobile(include_top=False, weights=None, input_shape=(32, 32, 3))'],
  ['nasnet', 'NASNetMobile(include_top=False, weights=None, input_shape=(31, 64, 3))'],
  ['nasnet', 'NASNetMobile(weights=None, input_shape=(97, 131, 3), classes=3)'],
  ['nasnet', 'NASNetMobile(weights="imagenet", classes=10)'],
  ['nasnet', 'NASNetLarge(weights="imagenet", include_top=False, input_shape=(None, None, 3))'],
  ['nasnet', 'NASNetLarge(include_top=False, weights=None, input_shape=(65, 65, 3), pooling="avg")'],
];

interface Built { params?: number; input?: (number | null)[]; output?: (number | null)[]; error?: string; type?: string }

/** `(N, ?, 7, 2048)` → [null, 7, 2048] without the batch axis; None and ? are both unknown to Keras. */
function dimsOf(shape: string): (number | null)[] {
  return shape.replace(/[()]/g, '').split(',').slice(1).map((d) => (/^\s*\d+\s*$/.test(d) ? Number(d) : null));
}

test('keras.applications stubs agree with real Keras 3', { timeout: 900_000 }, async (t) => {
  if (!existsSync(python)) {
    const msg = `keras oracle venv missing (${path.relative(repoRoot, venv)}); run test/oracle/setup-venv.sh`;
    if (process.env.CI) assert.fail(msg);
    t.skip(msg);
    return;
  }
  const res = runOracle(python, [path.join(repoRoot, 'test', 'oracle', 'keras_applications_oracle.py')], {
    input: JSON.stringify(CASES.map(([, call]) => call)), encoding: 'utf8', timeout: 880_000, env: { ...process.env, KERAS_BACKEND: 'tensorflow' },
  });
  assert.equal(res.status, 0, res.stderr?.slice(-2000));
  const real = JSON.parse(res.stdout) as Built[];
  const raised = real.filter((r) => r.error !== undefined).length;
  assert.ok(raised > 5 && raised < CASES.length - 5, `${raised} of ${CASES.length} raise: both outcomes must be exercised`);
  for (const [i, [module, call]] of CASES.entries()) {
    const expected = real[i];
    const input = expected.input ? `\nout = model(keras.Input(shape=(${expected.input.map((d) => d ?? 'None').join(', ')},)))` : '';
    const { program, result } = await analyzeWithStub(`keras.applications.${module}`, `import keras\nmodel = ${call}${input}\n`);
    const messages = result.diagnostics.map((d) => `${d.rule}: ${d.message}`);
    if (expected.error !== undefined) {
      assert.equal(expected.type, 'ValueError', `${call}: Keras raised ${expected.type}: ${expected.error}`);
      assert.deepEqual(messages, [`invalid-argument: ${expected.error}`], call);
      continue;
    }
    assert.deepEqual(messages, [], call);
    // A model a stub builds is placed at the user's call that built it.
    const built = result.models.filter((m) => m.range.start >= program.snippetStart);
    assert.equal(built[0]?.totalParams, expected.params, `${call}: parameters`);
    const out = result.tensors.find((f) => f.name === 'out' && f.range.start >= program.snippetStart);
    assert.deepEqual(out && dimsOf(formatShape(out.shape)), expected.output, `${call}: output shape`);
  }
});
