import { defineRule } from './rule';

export const reshapeMismatch = defineRule({
  code: 'SL006',
  name: 'reshape-mismatch',
  severity: 'error',
  summary: 'A reshape/view whose target cannot hold the input\'s number of elements.',
  whatItDoes: 'Compares the element count of the input with the target shape of Keras `Reshape`, `view`/`reshape` calls.',
  whyBad:
    'PyTorch raises `shape \'[2, -1, 5]\' is invalid for input of size 24`; Keras raises ' +
    '`The total size of the tensor must be unchanged`.',
  example: ['```python', 'x = torch.zeros(4, 6)', 'x.view(5, -1)', '```'].join('\n'),
  fix: 'Use a target whose product matches the input, or `-1` for the axis that should absorb the rest.',
  fixSafety: 'No automatic fix.',
});
