/**
 * Every keras.applications stub against the real numbers: built with `weights=None` at its
 * default size, the model has exactly the parameter count of the real Keras 3 model
 * (`model.count_params()`, Keras 3.15; the rounded figures are those of the Keras Applications
 * page) and gives the real output shape. The table is docs/library-models.md's; the oracle
 * test (test/oracle/keras-applications-oracle.test.ts) rebuilds a sample in real Keras.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { analyzeWithStub } from '../helpers/stubs';

/** [stub module, constructor, parameters, default input size]. */
export const KERAS_APPLICATIONS: [string, string, number, number][] = [
  ['xception', 'Xception', 22_910_480, 299],
  ['vgg', 'VGG16', 138_357_544, 224],
  ['vgg', 'VGG19', 143_667_240, 224],
  ['resnet', 'ResNet50', 25_636_712, 224],
  ['resnet', 'ResNet101', 44_707_176, 224],
  ['resnet', 'ResNet152', 60_419_944, 224],
  ['resnet', 'ResNet50V2', 25_613_800, 224],
  ['resnet', 'ResNet101V2', 44_675_560, 224],
  ['resnet', 'ResNet152V2', 60_380_648, 224],
  ['inception_v3', 'InceptionV3', 23_851_784, 299],
  ['inception_resnet_v2', 'InceptionResNetV2', 55_873_736, 299],
  ['mobilenet', 'MobileNet', 4_253_864, 224],
  ['mobilenet_v2', 'MobileNetV2', 3_538_984, 224],
  ['mobilenet_v3', 'MobileNetV3Small', 2_554_968, 224],
  ['mobilenet_v3', 'MobileNetV3Large', 5_507_432, 224],
  ['densenet', 'DenseNet121', 8_062_504, 224],
  ['densenet', 'DenseNet169', 14_307_880, 224],
  ['densenet', 'DenseNet201', 20_242_984, 224],
  ['efficientnet', 'EfficientNetB0', 5_330_571, 224],
  ['efficientnet', 'EfficientNetB1', 7_856_239, 240],
  ['efficientnet', 'EfficientNetB2', 9_177_569, 260],
  ['efficientnet', 'EfficientNetB3', 12_320_535, 300],
  ['efficientnet', 'EfficientNetB4', 19_466_823, 380],
  ['efficientnet', 'EfficientNetB5', 30_562_527, 456],
  ['efficientnet', 'EfficientNetB6', 43_265_143, 528],
  ['efficientnet', 'EfficientNetB7', 66_658_687, 600],
  ['efficientnet_v2', 'EfficientNetV2B0', 7_200_312, 224],
  ['efficientnet_v2', 'EfficientNetV2B1', 8_212_124, 240],
  ['efficientnet_v2', 'EfficientNetV2B2', 10_178_374, 260],
  ['efficientnet_v2', 'EfficientNetV2B3', 14_467_622, 300],
  ['efficientnet_v2', 'EfficientNetV2S', 21_612_360, 384],
  ['efficientnet_v2', 'EfficientNetV2M', 54_431_388, 480],
  ['efficientnet_v2', 'EfficientNetV2L', 119_027_848, 480],
  ['convnext', 'ConvNeXtTiny', 28_589_128, 224],
  ['convnext', 'ConvNeXtSmall', 50_223_688, 224],
  ['convnext', 'ConvNeXtBase', 88_591_464, 224],
  ['convnext', 'ConvNeXtLarge', 197_767_336, 224],
  ['convnext', 'ConvNeXtXLarge', 350_196_968, 224],
  ['nasnet', 'NASNetMobile', 5_326_716, 224],
  ['nasnet', 'NASNetLarge', 88_949_818, 331],
];

describe('keras.applications stubs: parameters and output shape', () => {
  for (const [module, ctor, params, size] of KERAS_APPLICATIONS) {
    it(`${ctor}: ${params.toLocaleString('en')} parameters`, async () => {
      const snippet = `import numpy as np\nmodel = ${ctor}(weights=None)\nprobs = model(np.zeros((2, ${size}, ${size}, 3)))\n`;
      const start = performance.now();
      const { program, result } = await analyzeWithStub(`keras.applications.${module}`, snippet);
      const ms = performance.now() - start;
      assert.equal(result.internalError, undefined, result.internalError);
      assert.deepEqual(result.diagnostics.map((d) => d.message), []);
      assert.equal(result.truncated, false);
      // A model a stub builds is placed at the user's call that built it.
      const models = result.models.filter((m) => m.range.start >= program.snippetStart);
      assert.equal(models.length, 1);
      assert.equal(models[0].totalParams, params);
      const probs = result.tensors.find((t) => t.name === 'probs' && t.range.start >= program.snippetStart);
      assert.equal(probs && formatShape(probs.shape), '(N, 1000)');
      if (process.env.SHAPELINT_STUB_TIMES) console.log(`${ctor}: ${ms.toFixed(0)} ms, ${models[0].layers.length} layers`);
    });
  }
});
