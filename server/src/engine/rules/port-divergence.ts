import { defineRule } from './rule';

export const portDivergence = defineRule({
  code: 'SL010',
  name: 'port-divergence',
  severity: 'warning',
  summary: 'A model marked `# shapelint: port-of=path::Model` computes something else than the model it was ported from.',
  whatItDoes:
    'For a model carrying the directive `# shapelint: port-of=original.py::Model` (on the line of its definition or the ' +
    'line above; the path is relative to the file, `::Model` names the model there and may be left out for the last one), ' +
    'aligns both models layer by layer, as `shapelint port --compare original.py::Model this.py::model` does, and reports ' +
    'each place they diverge: the layout each reads its input in, padding, activations, output shapes (after layout) and ' +
    'parameter counts. The other file is read from disk (or from the editor when it is open there).',
  whyBad:
    'A port that runs can still compute a different function: the founding Gluon port fed NHWC data to an NCHW model, ' +
    "dropped Keras' `'same'` padding and replaced the softmax head by `Dense(2, activation='relu')`. Each of these trains " +
    'without an error, or fails far from the cause.',
  example: [
    '```python',
    '# shapelint: port-of=keras_original.py::model',
    'model = gluon.nn.Sequential()',
    "model.add(gluon.nn.Conv2D(channels=128, kernel_size=(3, 3), activation='relu'))  # no 'same' padding",
    '```',
  ].join('\n'),
  fix:
    'Follow each divergence (transpose the input once, pad explicitly, restore the activation or move it to the loss), ' +
    'or generate the port with `shapelint port original.py --to gluon|pytorch|keras` or the editor action "Port this model to …".',
  fixSafety: 'No automatic fix: each divergence changes what the model computes.',
});
