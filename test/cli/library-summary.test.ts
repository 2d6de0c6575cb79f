/**
 * `summary` of a model built by a library stub: its layers, collapsed by the stub's blocks.
 * The expected numbers are the real frameworks': per-child parameter counts and output shapes of
 * torchvision 0.28's resnet18 (`named_children()`), and Keras 3's ResNet50 grouped by its layer
 * names' stage prefix (`conv2_…` to `conv5_…`: layer count, summed `count_params()`, last output).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, REPO } from './helpers';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'library-summary');

interface JsonModel {
  layers: { name: string; params: number | null; reused: boolean; block?: string }[];
  blocks?: { name: string; outputShape: string | null; params: number | null; layers: number[] }[];
  totalParams: number | null;
}

async function summaryJson(file: string): Promise<JsonModel> {
  const r = await cli(['summary', path.join(FIXTURES, file), '--format', 'json'], REPO);
  assert.equal(r.code, 0, r.stderr);
  const models = JSON.parse(r.stdout) as JsonModel[];
  assert.equal(models.length, 1);
  return models[0];
}

/** Text rows between the two `=` rules: [label, output shape, params]. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => /^=+$/.test(l));
  const last = lines.findIndex((l, i) => i > first && /^=+$/.test(l));
  return lines.slice(first + 1, last).map((l) => l.trim().split(/\s{2,}/));
}

describe('summary of a library model', () => {
  it('torchvision resnet18: one row per child, layer1..layer4 collapsed with their layer count, params and shape', async () => {
    const r = await cli(['summary', path.join(FIXTURES, 'resnet18.py')], REPO);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tableRows(r.stdout), [
      ['conv1 (Conv2d)', '(1, 64, 112, 112)', '9,408'],
      ['bn1 (BatchNorm2d)', '(1, 64, 112, 112)', '128'],
      ['relu (ReLU)', '(1, 64, 112, 112)', '0'],
      ['maxpool (MaxPool2d)', '(1, 64, 56, 56)', '0'],
      ['layer1 (block, 12 layers)', '(1, 64, 56, 56)', '147,968'],
      ['layer2 (block, 14 layers)', '(1, 128, 28, 28)', '525,568'],
      ['layer3 (block, 14 layers)', '(1, 256, 14, 14)', '2,099,712'],
      ['layer4 (block, 14 layers)', '(1, 512, 7, 7)', '8,393,728'],
      ['avgpool (AdaptiveAvgPool2d)', '(1, 512, 1, 1)', '0'],
      ['fc (Linear)', '(1, 1000)', '513,000'],
    ]);
    assert.match(r.stdout, /Total params: 11,689,512\n/);
  });

  it('--expand lists each block\'s layers indented under its row', async () => {
    const r = await cli(['summary', path.join(FIXTURES, 'resnet18.py'), '--expand'], REPO);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('layer1 (block'));
    assert.match(lines[at + 1], /^ {2}conv1 \(Conv2d\) +\(1, 64, 56, 56\) +36,864$/);
    assert.equal(lines.filter((l) => /^ {2}\S/.test(l)).length, 12 + 14 + 14 + 14);
  });

  it('torchvision resnet18 as JSON: every layer with its block, the blocks indexing them, sums equal the total', async () => {
    const m = await summaryJson('resnet18.py');
    assert.equal(m.totalParams, 11_689_512);
    assert.deepEqual(m.blocks!.map((b) => [b.name, b.layers.length, b.params, b.outputShape]), [
      ['layer1', 12, 147_968, '(1, 64, 56, 56)'],
      ['layer2', 14, 525_568, '(1, 128, 28, 28)'],
      ['layer3', 14, 2_099_712, '(1, 256, 14, 14)'],
      ['layer4', 14, 8_393_728, '(1, 512, 7, 7)'],
    ]);
    for (const b of m.blocks!) for (const i of b.layers) assert.equal(m.layers[i].block, b.name);
    const counted = m.layers.reduce((n, l) => n + (l.reused ? 0 : l.params!), 0);
    assert.equal(counted, m.totalParams);
  });

  it('torchvision mobilenet_v2: the `features` container holding most of the model is split into its parts', async () => {
    // Real torchvision: for each child of `features`, its parameters, output shape and leaf modules.
    const real: [number, string, number][] = [
      [928, '(1, 32, 112, 112)', 3], [896, '(1, 16, 112, 112)', 5], [5136, '(1, 24, 56, 56)', 8], [8832, '(1, 24, 56, 56)', 8],
      [10000, '(1, 32, 28, 28)', 8], [14848, '(1, 32, 28, 28)', 8], [14848, '(1, 32, 28, 28)', 8], [21056, '(1, 64, 14, 14)', 8],
      [54272, '(1, 64, 14, 14)', 8], [54272, '(1, 64, 14, 14)', 8], [54272, '(1, 64, 14, 14)', 8], [66624, '(1, 96, 14, 14)', 8],
      [118272, '(1, 96, 14, 14)', 8], [118272, '(1, 96, 14, 14)', 8], [155264, '(1, 160, 7, 7)', 8], [320000, '(1, 160, 7, 7)', 8],
      [320000, '(1, 160, 7, 7)', 8], [473920, '(1, 320, 7, 7)', 8], [412160, '(1, 1280, 7, 7)', 3],
    ];
    const m = await summaryJson('mobilenet_v2.py');
    assert.equal(m.totalParams, 3_504_872);
    const features = m.blocks!.filter((b) => b.name.startsWith('features.'));
    assert.deepEqual(features.map((b) => b.name), real.map((_, i) => `features.${i}`));
    assert.deepEqual(features.map((b) => [b.params, b.outputShape, b.layers.length]), real);
  });

  it('keras.applications ResNet50: the four stages are blocks equal to Keras\' conv2..conv5 layers', async () => {
    const m = await summaryJson('keras_resnet50.py');
    assert.equal(m.totalParams, 25_636_712);
    const stages = m.blocks!.filter((b) => b.name.startsWith('stage'));
    assert.deepEqual(stages.map((b) => [b.layers.length, b.params, b.outputShape]), [
      [32, 220_032, '(N, 56, 56, 256)'],
      [42, 1_230_336, '(N, 28, 28, 512)'],
      [62, 7_129_088, '(N, 14, 14, 1024)'],
      [32, 14_998_528, '(N, 7, 7, 2048)'],
    ]);
    const counted = m.layers.reduce((n, l) => n + (l.reused ? 0 : l.params!), 0);
    assert.equal(counted, m.totalParams);
  });

  it('--format mermaid draws one node per block, chained in order from the input to the output', async () => {
    const r = await cli(['summary', path.join(FIXTURES, 'resnet18.py'), '--format', 'mermaid'], REPO);
    assert.equal(r.code, 0, r.stderr);
    const nodes = [...r.stdout.matchAll(/^ {2}(n\d+)\["([^<]+)<br\/>params: ([\d,?]+)"\]$/gm)].map((m) => [m[2], m[3]]);
    assert.deepEqual(nodes.map(([title]) => title), [
      'conv1 (Conv2d)', 'bn1 (BatchNorm2d)', 'relu (ReLU)', 'maxpool (MaxPool2d)',
      'layer1 (12 layers)', 'layer2 (14 layers)', 'layer3 (14 layers)', 'layer4 (14 layers)', 'avgpool (AdaptiveAvgPool2d)', 'fc (Linear)',
    ]);
    assert.deepEqual(nodes[7], ['layer4 (14 layers)', '8,393,728']);
    const edges = [...r.stdout.matchAll(/^ {2}(\w+) -->\|"([^"]+)"\| (\w+)$/gm)].map((m) => `${m[1]}>${m[3]}`);
    assert.deepEqual(edges, ['input>n0', ...nodes.slice(1).map((_, k) => `n${k}>n${k + 1}`), 'n9>output']);
  });

  it('a user model is not collapsed: no blocks', async () => {
    const r = await cli(['summary', 'examples/keras_original.py', '--format', 'json'], REPO);
    const models = JSON.parse(r.stdout) as JsonModel[];
    assert.ok(models.every((m) => m.blocks === undefined && m.layers.every((l) => l.block === undefined)));
  });
});
