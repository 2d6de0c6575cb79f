/**
 * Every target sink of the registry, shown by the smallest code that reaches it: a mismatch
 * flagged in the framework's words, and the same code with a fitting target left alone. A new
 * registry entry needs cases here. (The rule fixtures and the loss oracle test the verdicts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TARGET_SINKS } from '../../server/src/engine/interp/models/sinks';
import { applyEdits } from '../../server/src/engine/apply-fixes';
import { analyze } from '../helpers/engine';
import { assertRegistryCovered } from '../helpers/registry';

interface Case {
  /** Code with `TARGET` where the target goes. */
  code: string;
  flagged: { target: string; message: string };
  clean: string;
}

const TORCH = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nout = nn.Linear(4, 3)(torch.randn(8, 4))\n';
const KERAS = "from keras import ops\nimport numpy as np\nimport keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n";
const MXSYM = "import mxnet as mx\nnet = mx.sym.SoftmaxOutput(data=mx.sym.FullyConnected(data=mx.sym.Variable('data'), num_hidden=3), name='softmax')\nmod = mx.mod.Module(symbol=net)\n";
const GLUON = 'from mxnet import nd\nfrom mxnet.gluon import loss as gloss, nn\nnet = nn.Dense(3)\nnet.initialize()\n';

const CASES: Record<string, Case[]> = {
  'PyTorch losses': [
    { code: `${TORCH}l = F.cross_entropy(out, TARGET)\n`, flagged: { target: 'torch.randint(0, 3, (8, 1))', message: '0D or 1D target tensor expected' }, clean: 'torch.randint(0, 3, (8,))' },
    { code: `${TORCH}l = nn.MSELoss()(out, TARGET)\n`, flagged: { target: 'torch.randn(8, 1)', message: 'Using a target size (torch.Size([8, 1]))' }, clean: 'torch.randn(8, 3)' },
    { code: `${TORCH}l = nn.CosineEmbeddingLoss()(out, out, TARGET)\n`, flagged: { target: 'torch.ones(8, 1)', message: '0D or 1D target tensor expected' }, clean: 'torch.ones(8)' },
  ],
  'Keras compile and fit': [
    {
      code: `${KERAS}model.compile(loss='categorical_crossentropy')\nmodel.fit(np.zeros((64, 4)), TARGET)\n`,
      flagged: { target: 'np.zeros((64, 1))', message: 'Arguments `target` and `output` must have the same shape. Received: target.shape=(32, 1), output.shape=(32, 3)' },
      clean: 'np.zeros((64, 3))',
    },
    {
      code: `${KERAS}l = keras.losses.SparseCategoricalCrossentropy()(TARGET, np.zeros((8, 3)))\n`,
      flagged: { target: 'np.zeros((8, 3))', message: 'Argument `output` must have rank (ndim) `target.ndim - 1`' },
      clean: 'np.zeros((8,))',
    },
    {
      code: `${KERAS}l = keras.losses.categorical_crossentropy(TARGET, np.zeros((8, 3)))\n`,
      flagged: { target: 'np.zeros((8, 1))', message: 'Arguments `target` and `output` must have the same shape. Received: target.shape=(8, 1), output.shape=(8, 3)' },
      clean: 'np.zeros((8, 3))',
    },
  ],
  'Gluon losses': [
    { code: `${GLUON}l = gloss.SoftmaxCrossEntropyLoss()(net(nd.zeros((8, 4))), TARGET)\n`, flagged: { target: 'nd.zeros((8, 3))', message: 'Shape inconsistent, Provided = [8,3], inferred shape=[8,1]' }, clean: 'nd.zeros((8,))' },
    { code: `${GLUON}l = gloss.KLDivLoss()(net(nd.zeros((8, 4))), TARGET)\n`, flagged: { target: 'nd.zeros((8,))', message: 'operands could not be broadcast together with shapes [8] [8,3]' }, clean: 'nd.zeros((8, 3))' },
  ],
  'MXNet symbol outputs': [
    {
      code: `${MXSYM}mod.bind(data_shapes=[('data', (8, 4))], label_shapes=[('softmax_label', TARGET)])\n`,
      flagged: { target: '(8, 1)', message: 'Error in operator softmax: Shape inconsistent, Provided = [8,1], inferred shape=[8]' },
      clean: '(8,)',
    },
  ],
};

describe('target sinks', () => {
  it('every registry entry has a name, a one-line doc, hooks and cases here', () => {
    assertRegistryCovered(TARGET_SINKS, CASES);
  });

  for (const [name, cases] of Object.entries(CASES)) {
    it(name, async () => {
      for (const c of cases) {
        const flagged = await analyze(c.code.replace('TARGET', c.flagged.target));
        assert.deepEqual(flagged.diagnostics.map((d) => [d.rule, d.message.includes(c.flagged.message)]), [['target-mismatch', true]], `${c.code}\n${flagged.diagnostics.map((d) => d.message).join('\n')}`);
        const clean = await analyze(c.code.replace('TARGET', c.clean));
        assert.deepEqual(clean.diagnostics, [], c.code);
      }
    });
  }

  it('an unknown target says nothing', async () => {
    const r = await analyze(`${TORCH}l = F.cross_entropy(out, torch.load('y.pt'))\n`);
    assert.deepEqual(r.diagnostics, []);
  });

  describe('the to_categorical fix', () => {
    const fit = (imports: string, labels: string) =>
      `${imports}\nimport numpy as np\nx = np.zeros((64, 4))\ny = ${labels}\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\nmodel.compile(loss='categorical_crossentropy')\nmodel.fit(x, y)\n`;
    const titles = async (code: string) => (await analyze(code, { kerasVersions: ['keras3'] })).diagnostics.flatMap((d) => d.fixes.map((f) => f.title));

    for (const [imports, spelled] of [
      ['import keras', 'keras.utils.to_categorical(y, 3)'],
      ['import keras\nfrom keras.utils import to_categorical', 'to_categorical(y, 3)'],
      ['import tensorflow as tf\nkeras = tf.keras', 'tf.keras.utils.to_categorical(y, 3)'],
    ]) {
      it(`wraps integer labels as the file imports it: ${spelled}`, async () => {
        const code = fit(imports, 'np.random.randint(0, 3, (64,))');
        const r = await analyze(code, { kerasVersions: ['keras3'] });
        const fix = r.diagnostics.flatMap((d) => d.fixes).find((f) => f.title.startsWith('One-hot encode'));
        assert.ok(fix, r.diagnostics.map((d) => d.message).join('\n'));
        const fixed = applyEdits(code, fix.edits);
        assert.ok(fixed.includes(`model.fit(x, ${spelled})`), fixed);
        assert.deepEqual((await analyze(fixed, { kerasVersions: ['keras3'] })).diagnostics, []);
      });
    }

    it('is not offered for float labels (they would all become class 0) or without a Keras import to spell it', async () => {
      assert.ok(!(await titles(fit('import keras', 'np.random.rand(64)'))).some((t) => t.startsWith('One-hot')));
      const noImport = fit('from keras import Sequential, Input, layers', 'np.random.randint(0, 3, (64,))')
        .replace('keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])', 'Sequential([Input((4,)), layers.Dense(3)])');
      assert.deepEqual(await titles(noImport), ["Use 'sparse_categorical_crossentropy' for class-index labels"]);
    });

    it('is never the reverse: one-hot labels for a sparse loss get only the loss name', async () => {
      const code = fit('import keras', 'np.zeros((64, 3))').replace('categorical_crossentropy', 'sparse_categorical_crossentropy');
      assert.deepEqual(await titles(code), ["Use 'categorical_crossentropy' for one-hot labels"]);
    });
  });
});
