/**
 * `--with-weights` with nested modules, in the real frameworks. PyTorch models whose layers sit
 * in a Sequential inside a Sequential, in submodule classes, in a ModuleList and in residual
 * blocks with a shortcut Sequential are ported to Keras: their state_dict is read by module path
 * (`res.shortcut.1.running_mean`) and the outputs agree within 1e-4. Keras models built from
 * nested Sequential blocks (and attention, whose PyTorch port nests `out_proj`) are ported to
 * PyTorch, whose loader loads every state_dict key with strict=True. Normalisation layers get
 * random statistics first, so a statistic in the wrong place shows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadParser } from '../../server/src/host/parser';
import { kerasVenvMissing } from '../oracle/keras-oracle-run';
import { compare, portAll } from './port-oracle-run';
import { generateNestedKerasModels, generateNestedTorchModels } from './generate-nested';

const COUNT = 48;
const skip = kerasVenvMissing() ?? false;

test(`${COUNT} generated PyTorch models with nested modules ported to Keras load their state_dict by module path and agree with PyTorch`, { skip, timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { ported, failures } = portAll(generateNestedTorchModels(COUNT, 11), 'keras', parser);
  parser.dispose();
  failures.push(...compare('torch->keras', ported, true));
  assert.equal(failures.length, 0, `${failures.length} of ${COUNT} failed:\n${failures.slice(0, 3).join('\n\n')}`);
});

test(`${COUNT} generated Keras models of nested Sequential blocks ported to PyTorch load with strict=True and agree with Keras`, { skip, timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { ported, failures } = portAll(generateNestedKerasModels(COUNT, 12), 'torch', parser, /no multi-head attention block/);
  parser.dispose();
  failures.push(...compare('keras->torch', ported, true));
  assert.equal(failures.length, 0, `${failures.length} of ${COUNT} failed:\n${failures.slice(0, 3).join('\n\n')}`);
});
