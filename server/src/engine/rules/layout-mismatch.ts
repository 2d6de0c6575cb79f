import { defineRule } from './rule';

export const layoutMismatch = defineRule({
  code: 'SL005',
  name: 'layout-mismatch',
  severity: 'error',
  summary: 'A shape error that disappears when the data\'s channel axis is moved: the data is in the other layout.',
  whatItDoes:
    'When a shape error is found, shapelint re-runs the model with the input\'s channel axis moved ' +
    '(NHWC to NCHW or back). If the error disappears, the real cause is the layout, and this rule reports it ' +
    'with the framework\'s original message.',
  whyBad:
    'Keras defaults to channels-last (NHWC); Gluon and PyTorch read channels-first (NCHW). Data ported from ' +
    'one to the other is silently misread (e.g. C=80, H=120, W=3) and the failure appears layers later with a ' +
    'message about kernel sizes or channels that hides the cause.',
  example: [
    '```python',
    'X = nd.random.uniform(shape=(32, 80, 120, 3))   # Keras data, channels last',
    'model(X)                                         # Gluon reads (N, C=80, H=120, W=3)',
    '```',
  ].join('\n'),
  fix: 'Transpose the input to the framework\'s layout (`X.transpose((0, 3, 1, 2))`), or set `layout=`/`data_format=`.',
  fixSafety: 'Transposing the input changes what the model computes, so the fix is unsafe.',
});
