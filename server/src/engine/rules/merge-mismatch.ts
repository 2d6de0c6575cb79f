import { defineRule } from './rule';

export const mergeMismatch = defineRule({
  code: 'SL007',
  name: 'merge-mismatch',
  severity: 'error',
  summary: 'Tensors concatenated or added together differ on an axis that must match.',
  whatItDoes: 'Checks `Concatenate`/`torch.cat`/`F.concat` operands on every axis except the concatenation axis, and `Add`/`+` operands for equal or broadcastable shapes.',
  whyBad:
    'PyTorch raises `Sizes of tensors must match except in dimension 1`; Keras raises ' +
    '`A Concatenate layer requires inputs with matching shapes except for the concatenation axis`.',
  example: ['```python', 'torch.cat([torch.zeros(1, 8, 32, 32), torch.zeros(1, 8, 16, 16)], dim=1)', '```'].join('\n'),
  fix: 'Resize one branch (pooling, cropping, interpolation) or concatenate along the axis that differs.',
  fixSafety: 'No automatic fix.',
});
