/**
 * Every input source of the registry, shown by the smallest code that uses it: the model's
 * summary must carry the input shape that source reads. A new registry entry needs a case here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INPUT_SOURCES } from '../../server/src/engine/interp/models/input-sources';
import { formatShape } from '../../server/src/engine/shapes';
import type { AnalyzeOptions } from '../../server/src/engine/types';
import { analyze } from '../helpers/engine';

interface Case {
  code: string;
  options?: AnalyzeOptions;
  /** The input shape of the model's summary. */
  input: string;
}

const TORCH = 'import torch\nimport torch.nn as nn\n';
const SYMBOL = "import mxnet as mx\nimport numpy as np\nnet = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=8)\n";

const CASES: Record<string, Case[]> = {
  'declared inputs': [
    { code: 'from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(8, input_shape=(4,))])\n', input: '(N, 4)' },
    { code: 'from tensorflow import keras\nmodel = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8)])\n', input: '(N, 5)' },
    { code: 'from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(8)])\nmodel.build((None, 6))\n', input: '(N, 6)' },
  ],
  'dummy tensors': [{ code: `${TORCH}model = nn.Sequential(nn.Linear(4, 8))\ny = model(torch.randn(2, 4))\n`, input: '(2, 4)' }],
  'summary calls': [
    { code: `${TORCH}import torchsummary\nmodel = nn.Sequential(nn.Linear(4, 8))\ntorchsummary.summary(model, (4,))\n`, input: '(N, 4)' },
    { code: `${TORCH}import torchinfo\nmodel = nn.Sequential(nn.Linear(4, 8))\ntorchinfo.summary(model, input_size=(3, 4))\n`, input: '(3, 4)' },
  ],
  'predict and explicit calls': [{ code: `${TORCH}model = nn.Sequential(nn.Linear(4, 8))\ny = model.forward(torch.randn(7, 4))\n`, input: '(7, 4)' }],
  'Keras data arrays': [
    { code: "import numpy as np\nfrom tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(8)])\nmodel.fit(np.zeros((100, 4)), np.zeros((100, 8)))\n", input: '(N, 4)' },
    { code: "import numpy as np\nfrom tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(8)])\np = model.predict(np.zeros((3, 4)))\n", input: '(3, 4)' },
  ],
  iterators: [{ code: `${SYMBOL}it = mx.io.NDArrayIter(np.zeros((100, 4)), np.zeros(100), batch_size=10)\nmod = mx.mod.Module(symbol=net)\nmod.fit(it)\n`, input: '(10, 4)' }],
  'symbol binding': [
    { code: `${SYMBOL}mod = mx.mod.Module(symbol=net)\nmod.bind(data_shapes=[('data', (2, 4))])\n`, input: '(2, 4)' },
    { code: `${SYMBOL}net.infer_shape(data=(3, 4))\n`, input: '(3, 4)' },
    { code: `${SYMBOL}mx.viz.print_summary(net, shape={'data': (5, 4)})\n`, input: '(5, 4)' },
  ],
  'FeedForward fit': [
    { code: `${SYMBOL}model = mx.model.FeedForward(symbol=net, num_epoch=1)\nmodel.fit(X=np.zeros((1000, 4)), y=np.zeros(1000))\n`, input: '(128, 4)' },
    { code: `${SYMBOL}model = mx.model.FeedForward(net, numpy_batch_size=64)\nmodel.fit(np.zeros((50, 4)), np.zeros(50))\n`, input: '(50, 4)' },
    { code: `${SYMBOL}it = mx.io.NDArrayIter(np.zeros((100, 4)), np.zeros(100), batch_size=10)\nmodel = mx.model.FeedForward(net)\nmodel.fit(X=it)\n`, input: '(10, 4)' },
    { code: `${SYMBOL}model = mx.model.FeedForward.create(net, X=np.zeros((300, 4)), y=np.zeros(300), num_epoch=1)\n`, input: '(128, 4)' },
  ],
  directive: [{ code: `${TORCH}model = nn.Sequential(nn.Linear(4, 8))  # shapelint: input=(N, 4)\n`, input: '(N, 4)' }],
  jaxtyping: [
    {
      code: `${TORCH}from jaxtyping import Float\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 8)\n    def forward(self, x: Float[torch.Tensor, "batch 4"]):\n        return self.fc(x)\n`,
      input: '(N, 4)',
    },
  ],
  'configured input shapes': [{ code: `${TORCH}model = nn.Sequential(nn.Linear(4, 8))\n`, options: { inputShapes: { model: [9, 4] } }, input: '(9, 4)' }],
};

describe('input sources', () => {
  it('every registry entry has a name, a one-line doc, hooks and cases here', () => {
    const names = INPUT_SOURCES.map((s) => s.name);
    assert.equal(new Set(names).size, names.length, 'names are unique');
    for (const s of INPUT_SOURCES) {
      assert.ok(s.doc.length > 0 && !s.doc.includes('\n'), `${s.name}: one-line doc`);
      assert.ok(s.hooks.length > 0, `${s.name}: hooks`);
    }
    assert.deepEqual([...names].sort(), Object.keys(CASES).sort());
  });

  for (const [name, cases] of Object.entries(CASES)) {
    it(name, async () => {
      for (const c of cases) {
        const r = await analyze(c.code, c.options ?? {});
        assert.deepEqual(r.diagnostics, [], c.code);
        assert.deepEqual(
          r.models.map((m) => formatShape(m.inputShapes[0] ?? null)),
          [c.input],
          c.code,
        );
      }
    });
  }

  it('without a source, an unnamed input stays unknown', async () => {
    const r = await analyze(`${TORCH}model = nn.Sequential(nn.Linear(4, 8))\n`);
    assert.deepEqual(r.models.map((m) => formatShape(m.inputShapes[0] ?? null)), ['(…)']);
  });
});
