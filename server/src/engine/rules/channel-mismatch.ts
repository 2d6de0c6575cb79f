import { defineRule } from './rule';

export const channelMismatch = defineRule({
  code: 'SL002',
  name: 'channel-mismatch',
  severity: 'error',
  summary: "A layer's declared input channels differ from the channels that arrive.",
  whatItDoes:
    'Compares `in_channels` (PyTorch, Gluon), `num_features` (BatchNorm) and the channels a built layer ' +
    'expects with the channel count of the tensor that reaches it.',
  whyBad:
    'PyTorch raises `expected input[...] to have 3 channels, but got 80 channels instead`; MXNet raises ' +
    '`Shape inconsistent, Provided = [...], inferred shape=[...]`. The model cannot run.',
  example: ['```python', 'nn.Sequential(nn.Conv2d(3, 64, 3), nn.Conv2d(32, 64, 3))', '```'].join('\n'),
  fix: 'Set the layer\'s input channels to the value that arrives (shapelint offers the inferred number).',
  fixSafety: 'Correcting `in_channels` to the inferred value is safe: the model could not have run before.',
});
