import { defineRule } from './rule';

export const featuresMismatch = defineRule({
  code: 'SL003',
  name: 'features-mismatch',
  severity: 'error',
  summary: 'A Dense/Linear layer expects a different number of input features than arrive.',
  whatItDoes:
    'Compares `in_features` (PyTorch `Linear`), `in_units` (Gluon `Dense`) or the input size a reused Keras ' +
    'layer was built with against the features of the arriving tensor, typically after a Flatten.',
  whyBad:
    'PyTorch raises `mat1 and mat2 shapes cannot be multiplied (32x9216 and 4096x10)`; Keras raises ' +
    '`expected axis -1 of input shape to have value ...`. The mismatch usually follows a change in image size ' +
    'or padding earlier in the network.',
  example: ['```python', 'nn.Sequential(nn.Flatten(), nn.Linear(4096, 10))  # input (N, 64, 12, 12) flattens to 9216', '```'].join('\n'),
  fix: 'Set `in_features` to the inferred value, or use `nn.LazyLinear` / Gluon deferred `in_units`.',
  fixSafety: 'Correcting `in_features` to the inferred value is safe: the model could not have run before.',
});
