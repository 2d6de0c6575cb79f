/** The founding examples (examples/), checked against what the issue and examples/README.md say. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { analyze, lineOf } from '../helpers/engine';
import { EXAMPLES } from '../helpers/paths';

function read(name: string): string {
  return readFileSync(path.join(EXAMPLES, name), 'utf8');
}

describe('founding examples', () => {
  it('keras_original.py is clean with 605,954 parameters and the documented shapes', async () => {
    const r = await analyze(read('keras_original.py'));
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.models.length, 1);
    assert.equal(r.models[0].totalParams, 605954);
    assert.deepEqual(
      r.models[0].layers.map((l) => formatShape(l.outputShape)),
      ['(N, 80, 120, 128)', '(N, 40, 60, 128)', '(N, 40, 60, 256)', '(N, 20, 30, 256)', '(N, 153600)', '(N, 2)'],
    );
  });

  it('gluon_naive_port.py is flagged on the first MaxPool2D with the MXNet wording and the layout cause', async () => {
    const text = read('gluon_naive_port.py');
    const r = await analyze(text);
    assert.equal(r.diagnostics.length, 1, JSON.stringify(r.diagnostics, null, 1));
    const d = r.diagnostics[0];
    assert.equal(lineOf(text, d.range.start), 13);
    assert.match(text.slice(d.range.start, d.range.end), /^gluon\.nn\.MaxPool2D\(/);
    assert.equal(d.rule, 'layout-mismatch');
    assert.match(d.message, /kernel size \(2\) exceeds input \(1 padded to 1\)/);
    const why = d.explanation.join('\n');
    assert.match(why, /C=80, H=120, W=3/);
    assert.match(why, /\(3 \+ 2·0 − 3\)\/1 \+ 1 = 1/);
    const transpose = d.fixes.find((f) => /[Tt]ranspose/.test(f.title));
    assert.ok(transpose, 'offers to transpose the input');
    assert.equal(transpose.applicability, 'unsafe');
    assert.equal(transpose.edits[0].newText, 'X.transpose((0, 3, 1, 2))');
    assert.ok(d.related.some((rel) => lineOf(text, rel.range.start) === 22), 'points at where the input shape comes from');
  });

  it('gluon_fixed_create_model.py is clean, every shape known, 605,954 parameters', async () => {
    const r = await analyze(read('gluon_fixed_create_model.py'));
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.models.length, 1);
    const m = r.models[0];
    assert.equal(m.totalParams, 605954);
    assert.deepEqual(
      m.layers.map((l) => formatShape(l.outputShape)),
      ['(16, 128, 80, 120)', '(16, 128, 40, 60)', '(16, 256, 40, 60)', '(16, 256, 20, 30)', '(16, 153600)', '(16, 2)'],
    );
  });

  it('gluon_hybridblock_yournet.py is clean; the shared pool is applied twice in call order', async () => {
    const r = await analyze(read('gluon_hybridblock_yournet.py'));
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.models.length, 1);
    const m = r.models[0];
    assert.deepEqual(
      m.layers.map((l) => `${l.type} ${formatShape(l.outputShape)}`),
      ['Conv2D (8, 128, 80, 120)', 'MaxPool2D (8, 128, 40, 60)', 'Conv2D (8, 256, 40, 60)', 'MaxPool2D (8, 256, 20, 30)', 'Dense (8, 2)'],
    );
    assert.equal(m.totalParams, 605954);
  });

  it('keras_mxnet_channels_first/model.py is flagged under its channels_first keras.json', async () => {
    const text = read('keras_mxnet_channels_first/model.py');
    const r = await analyze(text, { kerasDataFormat: 'channels_first', kerasDataFormatSource: 'keras.json' });
    assert.equal(r.diagnostics.length, 1);
    const d = r.diagnostics[0];
    assert.equal(lineOf(text, d.range.start), 10, 'the second MaxPooling2D');
    assert.equal(d.rule, 'layout-mismatch');
    assert.match(d.explanation.join('\n'), /C=80, H=120, W=3/);
  });

  it('under the keras-mxnet backend the same error carries MXNet\'s pooling message', async () => {
    const text = read('keras_mxnet_channels_first/model.py');
    const r = await analyze(text, { kerasDataFormat: 'channels_first', kerasDataFormatSource: 'keras.json', kerasBackend: 'mxnet' });
    assert.equal(r.diagnostics.length, 1);
    assert.match(r.diagnostics[0].message, /kernel size \(2\) exceeds input \(1 padded to 1\)$/);
    assert.equal(lineOf(text, r.diagnostics[0].range.start), 10);
  });

  it('keras_mxnet_channels_first/model.py is clean under the default channels_last', async () => {
    const r = await analyze(read('keras_mxnet_channels_first/model.py'));
    assert.deepEqual(r.diagnostics, []);
  });
});
