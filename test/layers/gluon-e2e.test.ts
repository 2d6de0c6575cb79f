/** End-to-end: Gluon models through `analyzeText`, checking the catalogue as the interpreter uses it. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/engine/index';
import type { PythonParser } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';

let parser: PythonParser;
before(async () => {
  parser = await loadParser('wasm');
});

function analyze(src: string) {
  const r = analyzeText(parser, src);
  assert.equal(r.internalError, undefined);
  return r;
}

const HEADER = 'import mxnet as mx\nfrom mxnet import gluon, nd\n';

describe('Gluon end to end', () => {
  it('the naive port: the first MaxPool2D fails with the exact MXNet message', () => {
    const r = analyze(`${HEADER}
net = gluon.nn.Sequential()
net.add(gluon.nn.Conv2D(128, (3, 3), activation='relu'))
net.add(gluon.nn.MaxPool2D((2, 2), (2, 2)))
net.add(gluon.nn.Conv2D(256, (3, 3)))
net.add(gluon.nn.MaxPool2D())
net.add(gluon.nn.Flatten())
net.add(gluon.nn.Dense(2))
net.initialize()
y = net(nd.random.uniform(shape=(32, 80, 120, 3)))
`);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].message, 'Check failed: param.kernel[1] <= dshape_nchw[3] + 2 * param.pad[1]: kernel size (2) exceeds input (1 padded to 1)');
    assert.deepEqual(r.models[0].layers[0].outputShape?.dims, [32, 128, 118, 1]);
  });

  it('the fixed port: 605,954 parameters and the Keras shapes', () => {
    const r = analyze(`${HEADER}
net = gluon.nn.HybridSequential()
net.add(gluon.nn.Conv2D(128, (3, 3), padding=(1, 1), activation='relu'),
        gluon.nn.MaxPool2D((2, 2), strides=(2, 2)),
        gluon.nn.Conv2D(256, (3, 3), padding=(1, 1)),
        gluon.nn.MaxPool2D(),
        gluon.nn.Flatten(),
        gluon.nn.Dense(2))
net.initialize()
y = net(nd.random.uniform(shape=(4, 3, 80, 120)))
`);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.models[0].totalParams, 605954);
    assert.deepEqual(r.models[0].layers.map((l) => l.outputShape?.dims), [
      [4, 128, 80, 120],
      [4, 128, 40, 60],
      [4, 256, 40, 60],
      [4, 256, 20, 30],
      [4, 153600],
      [4, 2],
    ]);
  });

  it("Dense(activation='softmax') is an invalid-argument error", () => {
    const r = analyze(`${HEADER}
net = gluon.nn.Sequential()
net.add(gluon.nn.Dense(2, activation='softmax'))
net.initialize()
y = net(nd.zeros((5, 10)))
`);
    assert.deepEqual(r.diagnostics.map((d) => d.rule), ['invalid-argument']);
    assert.match(r.diagnostics[0].message, /^Invalid Input: 'softmax', valid values are: \{'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'\}, in operator Activation\(name="/);
  });

  it('F.concat in hybrid_forward with mismatched spatial sizes', () => {
    const r = analyze(`${HEADER}
class Net(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(Net, self).__init__(**kwargs)
        self.a = gluon.nn.Conv2D(8, 3)
        self.b = gluon.nn.Conv2D(8, 1)

    def hybrid_forward(self, F, x):
        return F.concat(self.a(x), self.b(x), dim=1)

net = Net()
net.initialize()
y = net(nd.zeros((2, 3, 16, 16)))
`);
    assert.deepEqual(r.diagnostics.map((d) => d.rule), ['merge-mismatch']);
    assert.match(r.diagnostics[0].message, /Incompatible input shape: expected \[2,-1,14,14\], got \[2,8,16,16\]/);
  });
});
