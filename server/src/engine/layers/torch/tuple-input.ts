/**
 * A module called on a tuple instead of a tensor: typically `nn.Sequential(nn.LSTM(...),
 * nn.Linear(...))`, where the recurrent layer returns `(output, state)`. PyTorch raises at the
 * next module; the text depends on how that module first touches its input, so each class maps
 * to the message a real torch 2.13 run gives. Classes not listed stay silent (unknown output).
 */
import { isTensor, tensor, type ArgValue, type LayerDef, type LayerOutcome, type TensorValue } from '../types';
import { failed, issue } from './common';

const typeError = (fn: string, arg = "'input' (position 1)") => `${fn}(): argument ${arg} must be Tensor, not tuple`;
const noAttr = (attr: string) => `'tuple' object has no attribute '${attr}'`;

const BY_FUNCTION: Record<string, string[]> = {
  linear: ['Linear'],
  relu: ['ReLU'],
  hardtanh: ['ReLU6', 'Hardtanh'],
  leaky_relu: ['LeakyReLU'],
  prelu: ['PReLU'],
  elu: ['ELU'],
  celu: ['CELU'],
  selu: ['SELU'],
  gelu: ['GELU'],
  silu: ['SiLU'],
  mish: ['Mish'],
  sigmoid: ['Sigmoid'],
  tanh: ['Tanh'],
  hardswish: ['Hardswish'],
  hardsigmoid: ['Hardsigmoid'],
  softplus: ['Softplus'],
  log_sigmoid: ['LogSigmoid'],
  dropout: ['Dropout'],
  alpha_dropout: ['AlphaDropout'],
  layer_norm: ['LayerNorm'],
  max_pool1d: ['MaxPool1d'],
  avg_pool1d: ['AvgPool1d'],
  max_pool2d: ['MaxPool2d'],
  avg_pool2d: ['AvgPool2d'],
  max_pool3d: ['MaxPool3d'],
  avg_pool3d: ['AvgPool3d'],
  rms_norm: ['RMSNorm'],
  hardshrink: ['Hardshrink'],
  softshrink: ['Softshrink'],
  rrelu: ['RReLU'],
  threshold: ['Threshold'],
  channel_shuffle: ['ChannelShuffle'],
  feature_alpha_dropout: ['FeatureAlphaDropout'],
  adaptive_avg_pool1d: ['AdaptiveAvgPool1d'],
  adaptive_max_pool1d: ['AdaptiveMaxPool1d'],
  pad: ['ZeroPad1d', 'ZeroPad2d', 'ZeroPad3d', 'ConstantPad1d', 'ConstantPad2d', 'ConstantPad3d'],
  pixel_shuffle: ['PixelShuffle'],
  im2col: ['Unfold'],
};

const BY_ATTRIBUTE: Record<string, string[]> = {
  dim: ['Dropout1d', 'Dropout2d', 'Dropout3d', 'BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'GroupNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'LSTM', 'GRU', 'RNN', 'LSTMCell', 'GRUCell', 'RNNCell', 'Upsample', 'LocalResponseNorm', 'GLU', 'FractionalMaxPool2d', 'FractionalMaxPool3d', 'Softmax2d'],
  shape: ['LazyLinear'],
  pow: ['LPPool1d', 'LPPool2d', 'LPPool3d'],
  dtype: ['TransformerEncoderLayer'],
  size: ['AdaptiveAvgPool2d', 'AdaptiveMaxPool2d'],
  flatten: ['Flatten'],
  unflatten: ['Unflatten'],
  abs: ['Softsign'],
  tanh: ['Tanhshrink'],
  softmax: ['Softmax'],
  log_softmax: ['LogSoftmax'],
};

const MESSAGES = new Map<string, string>();
for (const [fn, classes] of Object.entries(BY_FUNCTION)) for (const c of classes) MESSAGES.set(`torch.nn.${c}`, typeError(fn));
for (const [attr, classes] of Object.entries(BY_ATTRIBUTE)) for (const c of classes) MESSAGES.set(`torch.nn.${c}`, noAttr(attr));
MESSAGES.set('torch.nn.Embedding', typeError('embedding', "'indices' (position 2)"));

/**
 * A forward input that is a tuple of tensors (or of tuples of tensors), as a layer returns it.
 * Other sequences (a list of ints, ...) are left alone: their TypeError names another type.
 */
function isTuple(v: TensorValue | ArgValue | undefined): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((x) => isTensor(x) || isTuple(x));
}

/** Wraps a torch module def so that a tuple input raises PyTorch's error (or, for Identity, passes through). */
export function guardTupleInput(def: LayerDef): LayerDef {
  if (def.kind !== 'layer') return def;
  const name = def.names[0];
  return {
    ...def,
    apply: (args, inputs, env, state): LayerOutcome => {
      if (!isTuple(inputs[0])) return def.apply(args, inputs, env, state);
      if (name === 'torch.nn.Identity') return { output: inputs[0] as ArgValue };
      const probe = def.apply(args, [tensor(null, 'torch'), ...inputs.slice(1)], env, state);
      const message = MESSAGES.get(name);
      if (!message) return { output: tensor(null, 'torch'), params: probe.params };
      return failed(
        issue('invalid-argument', message, [
          `${name.split('.').pop()} received a tuple, not a tensor: the layer before it returns several values (a recurrent layer returns (output, state)).`,
          'Unpack the tuple in a forward method (out, _ = self.rnn(x)) instead of chaining the layers in nn.Sequential.',
        ]),
        probe.params,
      );
    },
  };
}
