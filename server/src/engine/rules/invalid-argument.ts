import { defineRule } from './rule';

export const invalidArgument = defineRule({
  code: 'SL008',
  name: 'invalid-argument',
  severity: 'error',
  summary: 'An argument the framework rejects when the layer is built or first called.',
  whatItDoes:
    'Checks arguments against what each framework accepts: Gluon `activation=\'softmax\'`, PyTorch ' +
    '`padding=\'same\'` with stride > 1, Keras `padding=\'causal\'` outside Conv1D, PyTorch pooling padding ' +
    'larger than half the kernel, channels not divisible by `groups`, and sizes no framework accepts ' +
    '(a stride, kernel size or dilation of 0, a negative padding), quoted in the framework\'s own words; ' +
    'and the argument checks library models make themselves (keras.applications\' `input_shape` and ' +
    '`classes` rules, an unknown Gluon `get_model` name), reported at your call with the library\'s message. ' +
    'MXNet\'s `slice`/`crop` and `slice_axis` bounds: a begin or end outside an axis of known length, which MXNet 1.x rejects ' +
    'where Python would clamp (`slicing with end[2]=32 exceeds limit of input dimension[2]=16`). ' +
    'In PyTorch data pipelines: a torchvision `RandomCrop` larger than the (padded) image without `pad_if_needed`, and PIL images ' +
    '(a dataset without `ToTensor`/`PILToTensor`) reaching a `DataLoader`\'s default collate, reported where the code reads a sample or ' +
    'batch (the `for` over the loader, `next(iter(loader))`, `dataset[i]` for the crop, a direct call of the transform), as torch raises there, once per pipeline; only when the image sizes are known. ' +
    'No output size is computed from such a value and no fix is built on one.',
  whyBad: 'The framework raises at construction or first forward, often far from where the argument was written.',
  example: ["```python", "gluon.nn.Dense(2, activation='softmax')  # MXNet: Invalid Input: 'softmax'", '```'].join('\n'),
  fix: 'Use a value the framework accepts (apply softmax separately in Gluon, explicit padding for strided convolutions, `ToTensor()` before batching images, a crop that fits or `pad_if_needed=True`).',
  fixSafety: 'Fixes that change the computation are unsafe.',
});
