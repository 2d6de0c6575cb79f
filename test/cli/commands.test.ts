/** `rule`, `rules`, `summary`, `server`, and the generated rule docs. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { generatedRuleDocs } from '../../server/src/cli/rule-docs';
import { renderModel } from '../../server/src/cli/summary';
import { RULES } from '../../server/src/engine/index';
import { cli, REPO } from './helpers';

describe('rule docs', () => {
  it('docs/rules equals what `npm run docs:rules` generates', () => {
    const dir = path.join(REPO, 'docs', 'rules');
    const generated = generatedRuleDocs();
    assert.deepEqual(readdirSync(dir).sort(), [...generated.keys()].sort(), 'stale or missing pages: run `npm run docs:rules`');
    for (const [name, text] of generated) assert.equal(readFileSync(path.join(dir, name), 'utf8'), text, `${name} is stale: run \`npm run docs:rules\``);
  });
});

describe('rule and rules', () => {
  it('rule by code and by name prints the docs', async () => {
    const byCode = await cli(['rule', 'sl001'], REPO);
    const byName = await cli(['rule', 'kernel-exceeds-input'], REPO);
    assert.equal(byCode.code, 0);
    assert.equal(byCode.stdout, byName.stdout);
    assert.match(byCode.stdout, /^# kernel-exceeds-input \(SL001\)\n[\s\S]*## Why is this bad\?/);
  });
  it('unknown rule: exit 2', async () => {
    const r = await cli(['rule', 'nope'], REPO);
    assert.deepEqual([r.code, r.stdout], [2, '']);
    assert.match(r.stderr, /unknown rule `nope`/);
  });
  it('rules lists every rule, as text and JSON', async () => {
    const text = await cli(['rules'], REPO);
    assert.equal(text.stdout.trimEnd().split('\n').length, RULES.length);
    const json = JSON.parse((await cli(['rules', '--format', 'json'], REPO)).stdout) as { code: string; url: string }[];
    assert.deepEqual(json.map((r) => r.code), RULES.map((r) => r.code));
  });
});

describe('version', () => {
  it('--version prints package.json\'s version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await cli(['--version'], REPO);
    assert.deepEqual([r.code, r.stdout.trim()], [0, version]);
  });
});

describe('summary', () => {
  it('renders the Keras-style table from a model summary', () => {
    const shape = (dims: (number | string)[]) => ({ dims, open: false });
    const layer = (name: string, type: string, dims: (number | string)[], params: number | null, reused = false) => ({
      name, type, framework: 'keras' as const, definedAt: { start: 0, end: 1 }, appliedAt: { start: 0, end: 1 }, inputShapes: [], outputShape: shape(dims),
      axisNames: null, layout: null, layoutSource: null, params, trainableParams: params, trace: [], reused,
    });
    const out = renderModel({
      name: 'model', framework: 'keras', range: { start: 0, end: 1 }, inputShapes: [shape(['N', 8])], inputSource: null,
      layers: [layer('dense', 'Dense', ['N', 4], 36), layer('dense', 'Dense', ['N', 4], 36, true), layer('odd', 'Lambda', ['N', 4], null)],
      layerInputs: [[-1], [0], [1]],
      totalParams: 36, trainableParams: 36, nonTrainableParams: 0,
    });
    assert.equal(out.split('\n').slice(0, 9).join('\n'), [
      'Model: "model" (keras)',
      'Input: (N, 8)',
      '_________________________________________',
      'Layer (type)   Output Shape       Param #',
      '=========================================',
      'dense (Dense)  (N, 4)                  36',
      'dense (Dense)  (N, 4)          0 (shared)',
      'odd (Lambda)   (N, 4)                   ?',
      '=========================================',
    ].join('\n'));
    assert.match(out, /Total params: 36\nTrainable params: 36\nNon-trainable params: 0\n/);
  });
  it('summarises the founding Keras model: 605,954 parameters', async () => {
    const r = await cli(['summary', 'examples/keras_original.py'], REPO);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Total params: 605,954/);
    const json = JSON.parse((await cli(['summary', 'examples/keras_original.py', '--format', 'json'], REPO)).stdout);
    assert.equal(json[0].totalParams, 605954);
    assert.equal(json[0].layers.at(-1).outputShape, '(N, 2)');
  });
  it('bad format or missing file: exit 2', async () => {
    assert.equal((await cli(['summary', 'examples/keras_original.py', '--format', 'xml'], REPO)).code, 2);
    const r = await cli(['summary', 'nope.py'], REPO);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read nope\.py: no such file or directory/);
  });
});

describe('server', () => {
  it('`shapelint server --stdio` answers an LSP initialize request', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'shapelint.js'), 'server', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let out = '';
    const reply = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply; got: ${out}`)), 15_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        if (/"id":1/.test(out) && /"capabilities"/.test(out)) {
          clearTimeout(timer);
          resolve(out);
        }
      });
    });
    child.kill();
    assert.match(reply, /^Content-Length: \d+\r\n/);
  });
});
