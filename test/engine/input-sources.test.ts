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
import { assertRegistryCovered } from '../helpers/registry';

interface Case {
  code: string;
  options?: AnalyzeOptions;
  /** The input shape of the model's summary. */
  input: string;
}

const TORCH = 'import torch\nimport torch.nn as nn\n';
const TV = 'from torchvision import datasets, transforms\n';
const KERAS = 'import keras\n';
const GLUON = 'from mxnet import gluon\nfrom mxnet.gluon import nn\n';
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
  iterators: [
    { code: `${SYMBOL}it = mx.io.NDArrayIter(np.zeros((100, 4)), np.zeros(100), batch_size=10)\nmod = mx.mod.Module(symbol=net)\nmod.fit(it)\n`, input: '(10, 4)' },
    { code: `${SYMBOL}it = mx.io.MNISTIter(image='i', label='l', batch_size=50, flat=True)\nmod = mx.mod.Module(symbol=net)\nmod.fit(it)\n`, input: '(50, 784)' },
    { code: `${SYMBOL}it = mx.io.ImageRecordIter(path_imgrec='r', data_shape=(3, 8, 8), batch_size=4)\nmod = mx.mod.Module(symbol=net)\nmod.fit(it)\n`, input: '(4, 3, 8, 8)' },
  ],
  'torchvision datasets': [
    { code: `${TORCH}${TV}ds = datasets.MNIST('d', train=False, transform=transforms.ToTensor())\nx, y = ds[0]\nmodel = nn.Sequential(nn.Flatten(), nn.Linear(784, 8))\nmodel(x)\n`, input: '(1, 28, 28)' },
    { code: `${TORCH}${TV}ds = datasets.FakeData(image_size=(3, 64, 48), transform=transforms.ToTensor())\nx, y = ds[0]\nmodel = nn.Sequential(nn.Conv2d(3, 8, 3))\nmodel(x)\n`, input: '(3, 64, 48)' },
  ],
  'image transforms': [
    { code: `${TORCH}${TV}t = transforms.Compose([transforms.Resize(40), transforms.CenterCrop(36), transforms.Grayscale(), transforms.ToTensor()])\nx, y = datasets.CIFAR10('d', transform=t)[0]\nmodel = nn.Sequential(nn.Conv2d(1, 8, 3))\nmodel(x)\n`, input: '(1, 36, 36)' },
    {
      code: `${GLUON}from mxnet.gluon.data.vision import transforms\nds = gluon.data.vision.CIFAR10().transform_first(transforms.Compose([transforms.Resize((40, 30)), transforms.ToTensor()]))\nx, y = ds[0]\nnet = nn.Sequential()\nnet.add(nn.Dense(4))\nnet.initialize()\nnet(x)\n`,
      input: '(3, 30, 40)',
    },
  ],
  'PyTorch loaders': [
    { code: `${TORCH}from torch.utils.data import DataLoader, TensorDataset\nds = TensorDataset(torch.randn(100, 6), torch.zeros(100))\nmodel = nn.Sequential(nn.Linear(6, 2))\nfor x, y in DataLoader(ds, batch_size=10):\n    model(x)\n`, input: '(10, 6)' },
    { code: `${TORCH}from torch.utils.data import DataLoader, TensorDataset\nds = TensorDataset(torch.randn(100, 6))\nmodel = nn.Sequential(nn.Linear(6, 2))\nx, = next(iter(DataLoader(ds, batch_size=16)))\nmodel(x)\n`, input: '(N, 6)' },
  ],
  'Keras datasets': [
    { code: `${KERAS}(x, y), _ = keras.datasets.boston_housing.load_data()\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.fit(x, y)\n`, input: '(N, 13)' },
    { code: `${KERAS}(x, y), _ = keras.datasets.imdb.load_data()\nx = keras.utils.pad_sequences(x, maxlen=80)\nmodel = keras.Sequential([keras.layers.Embedding(1000, 8), keras.layers.Flatten(), keras.layers.Dense(1)])\nmodel.predict(x)\n`, input: '(25000, 80)' },
  ],
  'tf.data': [
    { code: `${KERAS}import tensorflow as tf\nds = tf.data.Dataset.from_tensor_slices((tf.zeros((64, 5)), tf.zeros((64,)))).batch(8)\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.fit(ds)\n`, input: '(N, 5)' },
  ],
  'Keras image directories and generators': [
    { code: `${KERAS}ds = keras.utils.image_dataset_from_directory('d', image_size=(20, 30), color_mode='grayscale')\nmodel = keras.Sequential([keras.layers.Conv2D(4, 3)])\nmodel.fit(ds)\n`, input: '(N, 20, 30, 1)' },
    {
      code: `${KERAS}from keras.preprocessing.image import ImageDataGenerator\ng = ImageDataGenerator().flow_from_directory('d', target_size=(16, 16))\nmodel = keras.Sequential([keras.layers.Conv2D(4, 3)])\nmodel.fit(g)\n`,
      input: '(N, 16, 16, 3)',
    },
  ],
  'Gluon datasets and loaders': [
    { code: `${GLUON}loader = gluon.data.DataLoader(gluon.data.vision.MNIST(train=False), batch_size=100)\nnet = nn.Sequential()\nnet.add(nn.Dense(4))\nnet.initialize()\nfor x, y in loader:\n    net(x)\n`, input: '(100, 28, 28, 1)' },
  ],
  'script defaults': [
    {
      code: `${TORCH}import argparse\np = argparse.ArgumentParser()\np.add_argument('--features', type=int, default=12)\nargs = p.parse_args()\nmodel = nn.Sequential(nn.Linear(args.features, 2))\nmodel(torch.randn(3, args.features))\n`,
      input: '(3, 12)',
    },
  ],
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
    assertRegistryCovered(INPUT_SOURCES, CASES);
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
