import { defineRule } from './rule';

export const rankMismatch = defineRule({
  code: 'SL004',
  name: 'rank-mismatch',
  severity: 'error',
  summary: 'A layer receives a tensor with the wrong number of dimensions.',
  whatItDoes:
    'Checks the rank each layer accepts (Conv2D: 4D, or 3D unbatched in PyTorch; LSTM: 3D; BatchNorm1d: 2D or 3D) ' +
    'against the tensor that reaches it.',
  whyBad:
    'Frameworks raise `expected ndim=4, found ndim=5`, `Expected 3D (unbatched) or 4D (batched) input to conv2d`, ' +
    '`expected 4D input (got 3D input)`. A common cause is an `input_shape` that includes the batch dimension.',
  example: ['```python', 'Sequential([Conv2D(32, 3, input_shape=(32, 28, 28, 1))])  # batch included by mistake', '```'].join('\n'),
  fix: 'Drop the batch from Keras `input_shape`, add or remove an axis (`unsqueeze`, `reshape`) before the layer.',
  fixSafety: 'No automatic fix: which axis is wrong needs a human.',
});
