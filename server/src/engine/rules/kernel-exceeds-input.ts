import { defineRule } from './rule';

export const kernelExceedsInput = defineRule({
  code: 'SL001',
  name: 'kernel-exceeds-input',
  severity: 'error',
  summary: 'A convolution or pooling window is larger than its (padded) input along a spatial axis.',
  whatItDoes:
    'Follows the tensor shape through the model and flags the convolution or pooling layer whose ' +
    'window (dilated kernel, or pool size) no longer fits in the padded input, or whose output would ' +
    'have zero or negative size.',
  whyBad:
    'Every framework raises at the first forward pass: MXNet `kernel size (2) exceeds input (1 padded to 1)`, ' +
    'PyTorch `Output size is too small` / `Kernel size can\'t be greater than actual input size`, TensorFlow ' +
    '`Negative dimension size caused by subtracting ...`, Keras 3 `Computed output size would be zero or negative`. ' +
    'The cause usually sits several layers earlier: missing padding that shrank an axis, or a channels-last ' +
    'input read as channels-first.',
  example: [
    '```python',
    'net = gluon.nn.Sequential()',
    "net.add(gluon.nn.Conv2D(128, (3, 3)),      # no padding: W 3 -> 1",
    '        gluon.nn.MaxPool2D((2, 2)))        # 2-wide window over W=1',
    'net(nd.zeros((32, 128, 120, 3)))',
    '```',
  ].join('\n'),
  fix:
    'Pad the earlier convolutions (`padding=(1, 1)` for a 3x3 kernel in Gluon and PyTorch, `padding="same"` in Keras), ' +
    'use a smaller window, or feed the data in the layout the framework expects.',
  fixSafety: 'Adding padding changes the model\'s output shape and parameters downstream, so the fix is marked unsafe.',
});
