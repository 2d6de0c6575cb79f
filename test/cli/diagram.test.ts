/**
 * `shapelint summary --format mermaid|dot|svg`: the layer graph of one model. Snapshots pin the
 * exact output; the structural checks say what each picture must show whatever its layout:
 * every layer once, the shapes of `summary --format json` on the edges, the merges as several
 * incoming edges, and the failing layer marked with the framework's message.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, FIXTURES, matchSnapshot, projectsRemovedAfter, REPO } from './helpers';

const makeProject = projectsRemovedAfter();

const FOUNDING = path.join(REPO, 'examples', 'gluon_naive_port.py');
const BRANCHES = path.join(FIXTURES, 'diagram', 'branches.py');
const FORMATS = ['mermaid', 'dot', 'svg'] as const;

interface JsonModel {
  layers: { name: string; outputShape: string | null }[];
}

async function draw(file: string, format: string, extra: string[] = []): Promise<string> {
  const r = await cli(['summary', file, '--format', format, ...extra], REPO);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

async function jsonModel(file: string): Promise<JsonModel> {
  const r = await cli(['summary', file, '--format', 'json'], REPO);
  return (JSON.parse(r.stdout) as JsonModel[])[0];
}

/** `from -> to` edges with their labels, read back from dot's text. */
function dotEdges(dot: string): { from: string; to: string; label: string }[] {
  return [...dot.matchAll(/^ {2}(\w+) -> (\w+) \[label="([^"]*)"\];$/gm)].map((m) => ({ from: m[1], to: m[2], label: m[3] }));
}

describe('summary --format mermaid|dot|svg', () => {
  for (const format of FORMATS) {
    for (const [name, file] of [['founding', FOUNDING], ['branches', BRANCHES]] as const) {
      it(`${format} of the ${name} model matches its snapshot`, async () => {
        matchSnapshot(`diagram-${name}.${format === 'mermaid' ? 'mmd' : format}`, await draw(file, format));
      });
    }
  }

  it('puts the shapes of the JSON summary on the edges, and marks the failing layer', async () => {
    const dot = await draw(FOUNDING, 'dot');
    const model = await jsonModel(FOUNDING);
    const edges = dotEdges(dot);
    model.layers.forEach((layer, i) => {
      const out = edges.filter((e) => e.from === `n${i}`);
      assert.ok(out.length > 0, `layer ${layer.name} has an outgoing edge`);
      for (const e of out) assert.equal(e.label, layer.outputShape ?? '?');
    });
    assert.match(dot, /n1 \[label="pool0 \(MaxPool2D\)[^\n]*kernel size \(2\) exceeds input \(1 padded to 1\)[^\n]*fillcolor="#fde2e1"/);
    const mermaid = await draw(FOUNDING, 'mermaid');
    assert.match(mermaid, /^ {2}class n1 error$/m);
    const svg = await draw(FOUNDING, 'svg');
    assert.equal((svg.match(/class="node layer failing"/g) ?? []).length, 1);
  });

  it('draws branches and merges as several incoming edges', async () => {
    const edges = dotEdges(await draw(BRANCHES, 'dot'));
    const into = (id: string) => edges.filter((e) => e.to === id).map((e) => e.from).sort();
    // Layers in order: conv2d, add, conv2d_1, conv2d_2, concatenate, pooling, dense.
    assert.deepEqual(into('n1'), ['input', 'n0'], 'the residual add takes the input and the conv');
    assert.deepEqual(into('n4'), ['n2', 'n3'], 'the concatenation joins both branches');
    assert.deepEqual(edges.filter((e) => e.from === 'n1').map((e) => e.to).sort(), ['n2', 'n3'], 'the add feeds both branches');
    assert.deepEqual(into('output'), ['n6']);
  });

  it('escapes labels for each format', async () => {
    const mermaid = await draw(BRANCHES, 'mermaid');
    assert.match(mermaid, /padding=#quot;same#quot;/);
    assert.doesNotMatch(mermaid.replace(/-->\|"[^"]*"\|/g, '').replace(/\["[^"]*"\]/g, '').replace(/\(\["[^"]*"\]\)/g, ''), /"/);
    const svg = await draw(BRANCHES, 'svg');
    assert.match(svg, /padding=&quot;same&quot;/);
    assert.doesNotMatch(svg.replace(/<[^>]*>/g, ''), /[<>]/);
  });

  it('asks for --model when a file has several models, and names them', async () => {
    const root = makeProject({
      'two.py': [
        'import torch',
        'from torch import nn',
        'encoder = nn.Sequential(nn.Linear(8, 4), nn.ReLU())',
        'decoder = nn.Sequential(nn.Linear(4, 8))',
        'z = encoder(torch.randn(2, 8))',
        'decoder(z)',
        '',
      ].join('\n'),
    });
    const two = path.join(root, 'two.py');
    const r = await cli(['summary', two, '--format', 'svg'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has 2 models; pick one with --model NAME \(encoder, decoder\)/);
    const picked = await cli(['summary', two, '--format', 'mermaid', '--model', 'decoder'], root);
    assert.equal(picked.code, 0, picked.stderr);
    assert.match(picked.stdout, /0 \(Linear\)<br\/>4, 8/);
    const unknown = await cli(['summary', two, '--format', 'dot', '--model', 'nope'], root);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no model named `nope`; the models are: encoder, decoder/);
  });

  it('rejects an unknown format with the list of formats', async () => {
    const r = await cli(['summary', FOUNDING, '--format', 'png'], REPO);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected text, json, mermaid, dot or svg/);
  });
});
