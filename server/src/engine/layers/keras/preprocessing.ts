/**
 * Keras preprocessing and augmentation layers (Keras 3.15 `layers/preprocessing/`): image
 * resizing and cropping, the augmentation family (shape-preserving), feature normalization and
 * rescaling, and the categorical encoders (CategoryEncoding, Discretization, Hashing,
 * IntegerLookup, StringLookup, TextVectorization).
 */
import type { Dim, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerOutcome, ParamSpec } from '../types';
import { asInt } from '../types';
import { checkNdim, dimAtAxis, inputTensor, kerasTensor, params, prodKnown, resolveLayout, unknownOutcome } from './common';
import { asLayerObject } from './rnn';
import { windowLength } from './spatial';

function keras(name: string): string[] {
  return [`keras.layers.${name}`];
}

/** Accepts any arguments: these layers' constructor arguments never change a shape. */
const ANY_ARGS: ParamSpec[] = [{ name: 'args', variadic: true }];

function sameShape(_args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  return x?.shape ? { output: kerasTensor(x.shape) } : unknownOutcome();
}

/** Augmentation and colour layers: the output is the input shape, batched (rank 4) or not (rank 3). */
const AUGMENTATION = [
  'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness',
  'RandomGrayscale', 'RandomHue', 'RandomSaturation', 'RandomSharpness', 'RandomShear', 'RandomColorDegeneration',
  'RandomColorJitter', 'RandomErasing', 'RandomGaussianBlur', 'RandomInvert', 'RandomPerspective',
  'RandomPosterization', 'RandomElasticTransform', 'AutoContrast', 'Equalization', 'Solarization', 'AugMix',
  'RandAugment', 'CutMix', 'MixUp', 'ContrastLimitedAdaptiveHistogramEqualization', 'MaxNumBoundingBoxes',
];

/**
 * Resizing, CenterCrop, RandomCrop: the two image axes become (height, width). A rank-3 input
 * is one unbatched image; other ranks are not images (unknown, silent).
 */
function applyResize(args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const layout = resolveLayout(args, env);
  if (!x || !x.shape || x.shape.open || !layout) return unknownOutcome();
  const dims = x.shape.dims;
  if (dims.length !== 3 && dims.length !== 4) return unknownOutcome();
  const h = asInt(args.get('height'));
  const w = asInt(args.get('width'));
  const first = (dims.length === 4 ? 1 : 0) + (layout.layout === 'channels_first' ? 1 : 0);
  const out = [...dims];
  out[first] = h;
  out[first + 1] = w;
  return { output: kerasTensor({ dims: out, open: false }) };
}

function applyNormalization(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  if (!x || !x.shape) return unknownOutcome(null);
  const given = (args.get('mean') ?? null) !== null && (args.get('variance') ?? null) !== null;
  if (given) return { output: kerasTensor(x.shape), params: 0 };
  // Non-trainable mean and variance over the kept axes, plus a scalar count.
  const a = args.get('axis');
  const list = a === null ? [] : typeof a === 'number' ? [a] : Array.isArray(a) ? a : null;
  const kept: Dim[] = list && list.every((v) => typeof v === 'number')
    ? (list as number[]).map((v) => dimAtAxis(x.shape!, v)) : [null];
  const size = prodKnown(kept);
  return { output: kerasTensor(x.shape), params: size === null ? null : 2 * size + 1, trainableParams: 0 };
}

/** CategoryEncoding's output rule, shared by every encoder with a one/multi-hot mode. */
export function encodedShape(shape: Shape, mode: string, depth: Dim): Shape | null {
  if (shape.open) return null;
  const dims = shape.dims;
  if (dims.length === 0) return { dims: [depth], open: false };
  // one_hot replaces a last axis of size 1 and adds an axis otherwise: an unknown one leaves the rank unknown.
  if (mode === 'one_hot' && dims[dims.length - 1] === null) return null;
  if (mode === 'one_hot' && dims[dims.length - 1] !== 1) return { dims: [...dims, depth], open: false };
  return { dims: [...dims.slice(0, -1), depth], open: false };
}

const HOT_MODES = ['one_hot', 'multi_hot', 'count', 'tf_idf'];

/** An encoder: `int` mode keeps the shape; the hot modes end in an axis of size `depth`. */
function applyEncoder(depthOf: (args: BoundArgs) => Dim, defaultMode: string) {
  return (args: BoundArgs, inputs: unknown[]): LayerOutcome => {
    const x = inputTensor(inputs as ArgValue[]);
    const mode = args.get('output_mode') ?? defaultMode;
    if (!x || !x.shape || typeof mode !== 'string') return unknownOutcome();
    if (mode === 'int') return { output: kerasTensor(x.shape) };
    if (!HOT_MODES.includes(mode)) return unknownOutcome();
    const out = encodedShape(x.shape, mode, depthOf(args));
    return out ? { output: kerasTensor(out) } : unknownOutcome();
  };
}

function discretizationDepth(args: BoundArgs): Dim {
  const b = args.get('bin_boundaries');
  if (Array.isArray(b)) return b.length + 1;
  return asInt(args.get('num_bins'));
}

/**
 * IntegerLookup/StringLookup encoded width: the literal vocabulary plus the OOV indices. The
 * mask token has an index only in `int` mode, so it never widens a one-hot or multi-hot output.
 */
function lookupDepth(args: BoundArgs): Dim {
  const maxTokens = asInt(args.get('max_tokens'));
  if (args.get('pad_to_max_tokens') === true && maxTokens !== null) return maxTokens;
  const vocab = args.get('vocabulary');
  const oov = asInt(args.get('num_oov_indices'));
  if (!Array.isArray(vocab) || oov === null) return null;
  return vocab.length + oov;
}

/** TextVectorization in `int` mode: (batch, output_sequence_length) from (batch,) or (batch, 1). */
function applyTextVectorization(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const mode = args.get('output_mode');
  if (!x || !x.shape || x.shape.open || mode !== 'int') return unknownOutcome();
  const dims = x.shape.dims;
  if (dims.length > 2 || (dims.length === 2 && dims[1] !== 1)) return unknownOutcome();
  const length = asInt(args.get('output_sequence_length'));
  return { output: kerasTensor({ dims: [dims[0] ?? null, length], open: false }) };
}

/** HashedCrossing crosses a tuple of same-shaped features: `int` keeps the first one's shape. */
function applyHashedCrossing(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const list = (inputs as ArgValue[])[0];
  const first = Array.isArray(list) ? list[0] : undefined;
  return applyEncoder((a) => asInt(a.get('num_bins')), 'int')(args, [first]);
}

/** MelSpectrogram: (batch, samples) → (batch, num_mel_bins, frames), as Keras' compute_output_shape. */
function applyMel(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const bins = asInt(args.get('num_mel_bins'));
  const stride = asInt(args.get('sequence_stride'));
  if (!x || !x.shape || x.shape.open || x.shape.dims.length < 2 || stride === null || stride <= 0) return unknownOutcome();
  const [batch, samples] = x.shape.dims;
  const frames = typeof samples === 'number' ? Math.floor((samples + stride + 1) / stride) : null;
  return { output: kerasTensor({ dims: [batch, bins, frames], open: false }) };
}

/**
 * STFTSpectrogram: a strided 1D convolution of (batch, samples, channels) with one real and one
 * imaginary kernel of (frame_length, 1, fft_length // 2 + 1), as Keras' compute_output_shape.
 */
function applyStft(args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const layout = resolveLayout(args, env);
  if (!x || !x.shape || !layout) return unknownOutcome(null);
  const rankIssue = checkNdim(x.shape, { ndim: 3 }, env);
  if (rankIssue) return { output: kerasTensor(null), params: null, issue: rankIssue };
  const frame = asInt(args.get('frame_length'));
  const stepArg = args.get('frame_step');
  const fftArg = args.get('fft_length');
  const mode = args.get('mode');
  const padding = args.get('padding');
  const expand = args.get('expand_dims');
  if (x.shape.open || frame === null || frame < 1 || typeof mode !== 'string' || typeof expand !== 'boolean' ||
      (padding !== 'valid' && padding !== 'same')) return unknownOutcome(null);
  const step = stepArg === null ? Math.floor(frame / 2) : asInt(stepArg);
  const fft = fftArg === null ? 2 ** Math.ceil(Math.log2(frame)) : asInt(fftArg);
  if (step === null || step < 1 || fft === null) return unknownOutcome(null);
  const freq = Math.floor(fft / 2) + 1;
  const kernels = (mode !== 'imag' ? 1 : 0) + (mode !== 'real' ? 1 : 0);
  const p = kernels * frame * freq;
  const last = layout.layout === 'channels_last';
  const [batch, a, b] = x.shape.dims;
  const [samples, channels] = last ? [a, b] : [b, a];
  const time = windowLength(samples, frame, step, padding).out;
  if (typeof time === 'number' && time <= 0) return unknownOutcome(p);
  const freqChannels = mode === 'stft' ? 2 * freq : freq;
  const dims: Dim[] = expand
    ? (last ? [batch, time, freqChannels, channels] : [batch, channels, time, freqChannels])
    : (() => {
      const c = typeof channels === 'number' ? freqChannels * channels : null;
      return last ? [batch, time, c] : [batch, c, time];
    })();
  return { output: kerasTensor({ dims, open: false }), params: p };
}

/** Pipeline([layers]): the layers applied in turn; the first issue stops it, as in Keras. */
function applyPipeline(args: BoundArgs, inputs: unknown[], env: LayerEnv): LayerOutcome {
  const list = args.get('layers');
  if (!Array.isArray(list)) return unknownOutcome(null);
  let x: ArgValue = (inputs as ArgValue[])[0];
  let total: number | null = 0;
  for (const item of list) {
    const layer = asLayerObject(item);
    if (!layer) return unknownOutcome(null);
    const res = layer.def.apply(layer.args, [x], env, undefined);
    // Keras wraps an inner failure in its own "Could not automatically infer" message: stay silent.
    if (res.issue) return unknownOutcome(null);
    const p = res.params === undefined ? 0 : res.params;
    total = total === null || p === null ? null : total + p;
    x = res.output;
  }
  return { output: x, params: total };
}

const LOOKUP_PARAMS = (maskDefault: ArgValue): ParamSpec[] => params(['max_tokens', null], ['num_oov_indices', 1],
  ['mask_token', maskDefault], ['oov_token', null], ['vocabulary', null], ['vocabulary_dtype', null], ['idf_weights', null],
  ['invert', false], ['output_mode', 'int'], ['sparse', false], ['pad_to_max_tokens', false], ['name', null]);

export const preprocessingLayers: LayerDef[] = [
  ...AUGMENTATION.map((n): LayerDef => ({ framework: 'keras', names: keras(n), params: ANY_ARGS, kind: 'layer', apply: sameShape })),
  { framework: 'keras', names: keras('Rescaling'), params: params('scale', ['offset', 0]), kind: 'layer', apply: sameShape },
  {
    framework: 'keras', names: keras('Normalization'), kind: 'layer', apply: applyNormalization,
    params: params(['axis', -1], ['mean', null], ['variance', null], ['invert', false]),
  },
  {
    framework: 'keras', names: keras('Resizing'), kind: 'layer', apply: applyResize,
    params: params('height', 'width', ['interpolation', 'bilinear'], ['crop_to_aspect_ratio', false],
      ['pad_to_aspect_ratio', false], ['fill_mode', 'constant'], ['fill_value', 0], ['antialias', false],
      ['data_format', null]),
  },
  {
    framework: 'keras', names: keras('CenterCrop'), kind: 'layer', apply: applyResize,
    params: params('height', 'width', ['data_format', null]),
  },
  {
    framework: 'keras', names: keras('RandomCrop'), kind: 'layer', apply: applyResize,
    params: params('height', 'width', ['seed', null], ['data_format', null]),
  },
  {
    framework: 'keras', names: keras('CategoryEncoding'), kind: 'layer',
    params: params(['num_tokens', null], ['output_mode', 'multi_hot'], ['sparse', false]),
    apply: applyEncoder((args) => asInt(args.get('num_tokens')), 'multi_hot'),
  },
  {
    framework: 'keras', names: keras('Discretization'), kind: 'layer',
    params: params(['bin_boundaries', null], ['num_bins', null], ['epsilon', 0.01], ['output_mode', 'int'], ['sparse', false]),
    apply: applyEncoder(discretizationDepth, 'int'),
  },
  {
    framework: 'keras', names: keras('Hashing'), kind: 'layer',
    params: params('num_bins', ['mask_value', null], ['salt', null], ['output_mode', 'int'], ['sparse', false]),
    apply: applyEncoder((args) => asInt(args.get('num_bins')), 'int'),
  },
  { framework: 'keras', names: keras('IntegerLookup'), kind: 'layer', params: LOOKUP_PARAMS(null), apply: applyEncoder(lookupDepth, 'int') },
  { framework: 'keras', names: keras('StringLookup'), kind: 'layer', params: LOOKUP_PARAMS(null), apply: applyEncoder(lookupDepth, 'int') },
  {
    framework: 'keras', names: keras('HashedCrossing'), kind: 'layer', apply: applyHashedCrossing,
    params: params('num_bins', ['output_mode', 'int'], ['sparse', false]),
  },
  {
    framework: 'keras', names: keras('MelSpectrogram'), kind: 'layer', apply: applyMel,
    params: params(['fft_length', 2048], ['sequence_stride', 512], ['sequence_length', null], ['window', 'hann'],
      ['sampling_rate', 16000], ['num_mel_bins', 128], ['min_freq', 20], ['max_freq', null], ['power_to_db', true],
      ['top_db', 80], ['mag_exp', 2], ['min_power', 1e-10], ['ref_power', 1]),
  },
  {
    framework: 'keras', names: keras('STFTSpectrogram'), kind: 'layer', apply: applyStft,
    params: params(['mode', 'log'], ['frame_length', 256], ['frame_step', null], ['fft_length', null],
      ['window', 'hann'], ['periodic', false], ['scaling', 'density'], ['padding', 'valid'], ['expand_dims', false],
      ['data_format', null]),
  },
  { framework: 'keras', names: keras('Pipeline'), kind: 'layer', apply: applyPipeline, params: params('layers') },
  {
    framework: 'keras', names: keras('TextVectorization'), kind: 'layer', apply: applyTextVectorization,
    params: params(['max_tokens', null], ['standardize', 'lower_and_strip_punctuation'], ['split', 'whitespace'],
      ['ngrams', null], ['output_mode', 'int'], ['output_sequence_length', null], ['pad_to_max_tokens', false],
      ['vocabulary', null], ['idf_weights', null], ['sparse', false], ['ragged', false], ['encoding', 'utf-8']),
  },
];
