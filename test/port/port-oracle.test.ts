/**
 * Port oracle: generated Keras and PyTorch models are ported to the other framework with
 * `--with-weights`, then both run in the real frameworks in one Python process per direction
 * (test/port/port_oracle.py): the output shapes (after layout) and parameter counts must be
 * equal, and with the source's weights loaded into the port the outputs must agree. Every model
 * is also ported to Gluon and checked by the engine (MXNet cannot be installed here).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { portText } from '../../server/src/engine/port/index';
import { loadParser } from '../../server/src/host/parser';
import { kerasVenvMissing, REPO_ROOT } from '../oracle/keras-oracle-run';
import { compare, portAll, runPortOracle, TOLERANCE } from './port-oracle-run';
import { generateKerasModels, generateTorchModels } from './generate-models';
import { generateKerasCatalogueModels, generateTorchCatalogueModels } from './generate-catalogue';
import { generateKerasLeftoverModels, generateTorchLeftoverModels } from './generate-leftovers';

const COUNT = 220;

const skip = kerasVenvMissing() ?? false;

test(`${COUNT} generated Keras models ported to PyTorch run in real PyTorch with the same shapes, parameters and outputs`, { skip, timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { ported, failures } = portAll(generateKerasModels(COUNT, 1), 'torch', parser);
  parser.dispose();
  failures.push(...compare('keras->torch', ported));
  assert.equal(failures.length, 0, `${failures.length} of ${COUNT} failed:\n${failures.slice(0, 3).join('\n\n')}`);
});

test(`${COUNT} generated PyTorch models ported to Keras run in real Keras with the same shapes, parameters and outputs`, { skip, timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { ported, failures } = portAll(generateTorchModels(COUNT, 2), 'keras', parser);
  parser.dispose();
  failures.push(...compare('torch->keras', ported));
  assert.equal(failures.length, 0, `${failures.length} of ${COUNT} failed:\n${failures.slice(0, 3).join('\n\n')}`);
});

const CATALOGUE_COUNT = 120;
/** Gluon 1.x has no multi-head attention block: a marked stub (bilinear upsampling ports as BilinearResize2D, an affine group norm with a 1x1 convolution). */
const GLUON_GAPS = /^not ported: .*no multi-head attention block/;

test(`${CATALOGUE_COUNT} generated Keras models of the wider catalogue (transposed, depthwise and separable convolutions, upsampling, cropping, LayerNormalization, GroupNormalization, PReLU, MultiHeadAttention, merges) ported to PyTorch agree with Keras`, { skip, timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { ported, failures } = portAll(generateKerasCatalogueModels(CATALOGUE_COUNT, 3), 'torch', parser, GLUON_GAPS);
  parser.dispose();
  failures.push(...compare('keras->torch', ported));
  assert.equal(failures.length, 0, `${failures.length} of ${CATALOGUE_COUNT} failed:\n${failures.slice(0, 3).join('\n\n')}`);
});

test(`${CATALOGUE_COUNT} generated PyTorch models of the wider catalogue (ConvTranspose2d, depthwise Conv2d, Upsample, PReLU, LayerNorm, GroupNorm, MultiheadAttention, AdaptiveAvg/MaxPool2d, torch.mul/sub/maximum/minimum) ported to Keras agree with PyTorch`, { skip, timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { ported, failures } = portAll(generateTorchCatalogueModels(CATALOGUE_COUNT, 4), 'keras', parser, GLUON_GAPS);
  parser.dispose();
  failures.push(...compare('torch->keras', ported));
  assert.equal(failures.length, 0, `${failures.length} of ${CATALOGUE_COUNT} failed:\n${failures.slice(0, 3).join('\n\n')}`);
});

const LEFTOVER_COUNT = 60;

test(`${LEFTOVER_COUNT} generated Keras models with GroupNormalization (one channel per group: instance normalisation; affine or not) and dilated Conv2DTranspose ported to PyTorch agree with Keras, and their Gluon ports check`, { skip, timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { ported, failures } = portAll(generateKerasLeftoverModels(LEFTOVER_COUNT, 5), 'torch', parser, GLUON_GAPS);
  parser.dispose();
  failures.push(...compare('keras->torch', ported));
  assert.equal(failures.length, 0, `${failures.length} of ${LEFTOVER_COUNT} failed:\n${failures.slice(0, 3).join('\n\n')}`);
});

test(`${LEFTOVER_COUNT} generated PyTorch models with InstanceNorm2d, GroupNorm, dilated or strided ConvTranspose2d, x.unsqueeze(1).repeat/expand, slices and int indices in the forward ported to Keras agree with PyTorch, and their Gluon ports check`, { skip, timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { ported, failures } = portAll(generateTorchLeftoverModels(LEFTOVER_COUNT, 6), 'keras', parser, GLUON_GAPS);
  parser.dispose();
  failures.push(...compare('torch->keras', ported));
  assert.equal(failures.length, 0, `${failures.length} of ${LEFTOVER_COUNT} failed:\n${failures.slice(0, 3).join('\n\n')}`);
});

test('the founding Keras model ported to PyTorch runs in real PyTorch: output (2, 2), 605,954 parameters, and with the Keras weights the same outputs', { skip, timeout: 300_000 }, async () => {
  const parser = await loadParser('wasm');
  const source = readFileSync(path.join(REPO_ROOT, 'examples', 'keras_original.py'), 'utf8');
  const port = portText(parser, source, {}, { to: 'torch', withWeights: true });
  parser.dispose();
  assert.deepEqual(port.problems, []);
  const [o] = runPortOracle([{ id: 0, direction: 'keras->torch', source, port: port.code, className: 'Net', weights: true, channelsFirstInput: true }]);
  assert.equal(o.error, undefined, o.trace);
  assert.deepEqual(o.portShape, [2, 2]);
  assert.equal(o.portParams, 605_954);
  assert.equal(o.sourceParams, 605_954);
  assert.ok(o.maxDiff !== null && o.maxDiff !== undefined && o.maxDiff <= TOLERANCE, `outputs differ by ${o.maxDiff}`);
});
