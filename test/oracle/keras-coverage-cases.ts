/**
 * Hand-picked Keras cases for the layers the random stacks of generate-keras.ts cannot build:
 * multi-input layers (Dot, attention), wrappers around other layers (Bidirectional,
 * TimeDistributed, SpectralNormalization, RNN cells), the preprocessing and augmentation
 * family and ConvLSTM. Each case is one layer applied to `keras.Input`s in a functional model;
 * the truth (shapes, counts, messages) comes from real Keras in the oracle test, never from here.
 */
import type { ArgValue } from '../../server/src/engine/layers/types';

/** A layer constructor call; arguments may themselves be layer calls (wrapped layers, cells). */
export interface CovLayer {
  cls: string;
  pos?: CovArg[];
  kw?: Record<string, CovArg>;
}
export type CovArg = ArgValue | CovLayer | CovArg[];

/**
 * How the layer is called: `one` on the first input, `list` on the list of inputs, `args` with
 * the inputs as positional arguments; `fn` is a lowercase functional form taking the list.
 */
export type CallStyle = 'one' | 'list' | 'args' | 'fn';

export interface CovCase {
  id: string;
  /** Input shapes without the batch. */
  inputs: (number | null)[][];
  dtype?: string;
  layer: CovLayer;
  call: CallStyle;
}

export function isCovLayer(v: unknown): v is CovLayer {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as CovLayer).cls === 'string';
}

const L = (cls: string, pos: CovArg[] = [], kw: Record<string, CovArg> = {}): CovLayer => ({ cls, pos, kw });
const one = (id: string, input: (number | null)[], layer: CovLayer, dtype?: string): CovCase =>
  ({ id, inputs: [input], layer, call: 'one', dtype });
const two = (id: string, a: (number | null)[], b: (number | null)[], layer: CovLayer, call: CallStyle = 'list'): CovCase =>
  ({ id, inputs: [a, b], layer, call });

const AUGMENTATION: [string, CovArg[]][] = [
  ['RandomFlip', []], ['RandomRotation', [0.1]], ['RandomZoom', [0.1]], ['RandomTranslation', [0.1, 0.1]],
  ['RandomContrast', [0.1]], ['RandomBrightness', [0.1]], ['RandomGrayscale', []], ['RandomHue', [0.1, [0, 255]]],
  ['RandomSaturation', [0.1]], ['RandomSharpness', [0.1]], ['RandomShear', [0.1]], ['RandomColorDegeneration', [0.1]],
  ['RandomColorJitter', []], ['RandomErasing', []], ['RandomGaussianBlur', []], ['RandomInvert', []],
  ['RandomPerspective', []], ['RandomPosterization', [1]], ['RandomElasticTransform', []], ['AutoContrast', []],
  ['Solarization', []], ['AugMix', []], ['RandAugment', []], ['CutMix', []], ['MixUp', []],
  ['ContrastLimitedAdaptiveHistogramEqualization', []], ['MaxNumBoundingBoxes', [3]],
  // Not Equalization: in Keras 3.15 its symbolic call returns its input tensor, and Keras rejects
  // the model as a cycle ("… from operation 'equalization' is part of a cycle"), a Keras bug.
];

const MERGE_FNS = ['add', 'multiply', 'average', 'maximum', 'minimum', 'subtract', 'concatenate'];

export const KERAS_COVERAGE_CASES: CovCase[] = [
  // Declared None axes: Keras' own unknowns
  one('Dense on a None feature axis', [null], L('Dense', [4])),
  one('Dense on a None last axis, rank 3', [3, null], L('Dense', [4])),
  one('Dense on a None time axis', [null, 8], L('Dense', [4])),
  one('Flatten of a None axis', [null, 8], L('Flatten')),
  one('GroupNormalization on None channels', [4, 4, null], L('GroupNormalization', [2])),
  one('LSTM over a None time axis', [null, 8], L('LSTM', [4], { return_sequences: true })),
  one('Embedding of None tokens', [null], L('Embedding', [100, 8])),
  one('ConvLSTM2D over None frames', [null, 8, 8, 2], L('ConvLSTM2D', [4, 3], { return_sequences: true })),
  one('TimeDistributed over None steps', [null, 6, 2], L('TimeDistributed', [L('Flatten')])),
  two('MultiHeadAttention over None lengths', [null, 8], [null, 8], L('MultiHeadAttention', [2, 4]), 'args'),
  one('CategoryEncoding of None tokens', [null], L('CategoryEncoding', [5])),
  // Dot and keras.layers.dot
  two('Dot axes=1', [5], [5], L('Dot', [], { axes: 1 })),
  two('Dot axes=-1 rank 3', [3, 5], [4, 5], L('Dot', [], { axes: -1 })),
  two('Dot axes=(1, 2)', [3, 5], [4, 3], L('Dot', [], { axes: [1, 2] })),
  two('Dot rank 4', [2, 3, 5], [2, 4, 5], L('Dot', [], { axes: -1 })),
  two('Dot rank 2 with rank 3', [5], [2, 5], L('Dot', [], { axes: [1, 2] })),
  two('Dot normalize', [3, 5], [3, 6], L('Dot', [], { axes: 1, normalize: true })),
  two('Dot incompatible rank 2', [5], [6], L('Dot', [], { axes: 1 })),
  two('Dot incompatible rank 3', [3, 5], [4, 6], L('Dot', [], { axes: -1 })),
  two('Dot incompatible tuple axes', [3, 5], [4, 5], L('Dot', [], { axes: [1, 1] })),
  { id: 'Dot three inputs', inputs: [[5], [5], [5]], layer: L('Dot', [], { axes: 1 }), call: 'list' },
  two('dot function', [3, 5], [4, 5], L('dot', [], { axes: -1 }), 'fn'),
  two('dot function incompatible', [3, 5], [4, 6], L('dot', [], { axes: 2 }), 'fn'),
  // Merge functions
  ...MERGE_FNS.map((f) => two(`${f} function`, [4, 6], [4, 6], L(f), 'fn')),
  two('add function broadcast', [4, 1], [4, 6], L('add'), 'fn'),
  two('add function mismatch', [4, 5], [4, 6], L('add'), 'fn'),
  two('concatenate function mismatch', [4, 5], [3, 6], L('concatenate'), 'fn'),
  // Attention
  two('Attention', [3, 5], [4, 5], L('Attention')),
  { id: 'Attention with key', inputs: [[3, 5], [4, 6], [4, 5]], layer: L('Attention'), call: 'list' },
  two('Attention use_scale', [3, 5], [4, 5], L('Attention', [], { use_scale: true })),
  two('Attention concat', [3, 5], [4, 5], L('Attention', [], { score_mode: 'concat' })),
  two('Attention concat scaled', [3, 5], [4, 5], L('Attention', [], { score_mode: 'concat', use_scale: true })),
  two('AdditiveAttention', [3, 5], [4, 5], L('AdditiveAttention')),
  two('AdditiveAttention no scale', [3, 5], [4, 5], L('AdditiveAttention', [], { use_scale: false })),
  two('MultiHeadAttention', [3, 5], [4, 6], L('MultiHeadAttention', [], { num_heads: 2, key_dim: 4 }), 'args'),
  { id: 'MultiHeadAttention key and value_dim', inputs: [[3, 5], [4, 6], [4, 7]],
    layer: L('MultiHeadAttention', [], { num_heads: 2, key_dim: 4, value_dim: 3 }), call: 'args' },
  two('MultiHeadAttention output_shape', [3, 5], [4, 6], L('MultiHeadAttention', [2, 4], { output_shape: 9 }), 'args'),
  two('MultiHeadAttention output_shape tuple', [3, 5], [4, 6], L('MultiHeadAttention', [2, 4], { output_shape: [3, 2] }), 'args'),
  two('MultiHeadAttention no bias', [3, 5], [4, 6], L('MultiHeadAttention', [2, 4], { use_bias: false }), 'args'),
  two('MultiHeadAttention rank 4', [3, 2, 5], [4, 2, 6], L('MultiHeadAttention', [2, 4]), 'args'),
  two('MultiHeadAttention rank 2', [5], [6], L('MultiHeadAttention', [2, 4]), 'args'),
  { id: 'MultiHeadAttention key/value mismatch', inputs: [[3, 5], [4, 6], [5, 6]],
    layer: L('MultiHeadAttention', [2, 4]), call: 'args' },
  two('GroupQueryAttention', [3, 8], [4, 8], L('GroupQueryAttention', [4, 4, 2]), 'args'),
  { id: 'GroupQueryAttention separate key', inputs: [[3, 8], [4, 8], [4, 6]], layer: L('GroupQueryAttention', [4, 4, 2]), call: 'args' },
  two('GroupQueryAttention no bias', [3, 8], [4, 8], L('GroupQueryAttention', [4, 4, 2], { use_bias: false }), 'args'),
  // Not rank 4: Keras builds GroupQueryAttention's weights from axis 2, not the feature axis, there;
  // the catalogue leaves that count unknown.
  two('GroupQueryAttention query/value widths', [3, 5], [4, 6], L('GroupQueryAttention', [4, 4, 2]), 'args'),
  { id: 'GroupQueryAttention key/value lengths', inputs: [[3, 8], [4, 8], [5, 8]], layer: L('GroupQueryAttention', [4, 4, 2]), call: 'args' },
  two('GroupQueryAttention heads', [3, 8], [4, 8], L('GroupQueryAttention', [4, 3, 2]), 'args'),
  // Normalization and pass-through
  one('GroupNormalization', [4, 4, 6], L('GroupNormalization', [], { groups: 2 })),
  one('GroupNormalization default groups', [4, 4, 64], L('GroupNormalization')),
  one('GroupNormalization axis 1', [4, 4, 6], L('GroupNormalization', [2], { axis: 1 })),
  one('GroupNormalization no scale', [4, 4, 6], L('GroupNormalization', [2], { scale: false })),
  one('GroupNormalization indivisible', [4, 4, 6], L('GroupNormalization', [4])),
  one('GroupNormalization too many groups', [4, 4, 6], L('GroupNormalization', [8])),
  one('UnitNormalization', [4, 6], L('UnitNormalization')),
  one('RMSNormalization', [4, 6], L('RMSNormalization')),
  one('RMSNormalization axis 1', [4, 6], L('RMSNormalization', [], { axis: 1 })),
  one('Masking', [4, 6], L('Masking')),
  one('ActivityRegularization', [4, 6], L('ActivityRegularization', [], { l1: 0.01 })),
  one('AlphaDropout', [4, 6], L('AlphaDropout', [0.1])),
  one('Identity', [4, 6], L('Identity')),
  one('SpectralNormalization Dense', [6], L('SpectralNormalization', [L('Dense', [4])])),
  one('SpectralNormalization Conv2D', [6, 6, 2], L('SpectralNormalization', [L('Conv2D', [4, 3])])),
  // Preprocessing
  one('Rescaling', [8, 8, 3], L('Rescaling', [0.5])),
  one('Normalization', [8, 8, 3], L('Normalization')),
  one('Normalization axis None', [8, 8, 3], L('Normalization', [], { axis: null })),
  one('Normalization axes (1, 2)', [8, 8, 3], L('Normalization', [], { axis: [1, 2] })),
  one('Normalization mean and variance', [8, 8, 3], L('Normalization', [], { mean: 0.5, variance: 2.0 })),
  one('Resizing', [8, 8, 3], L('Resizing', [4, 5])),
  one('Resizing channels_first', [3, 8, 8], L('Resizing', [4, 5], { data_format: 'channels_first' })),
  one('Resizing unbatched', [8, 3], L('Resizing', [4, 5])),
  one('Resizing crop to aspect', [8, 8, 3], L('Resizing', [4, 5], { crop_to_aspect_ratio: true })),
  one('CenterCrop', [8, 8, 3], L('CenterCrop', [4, 5])),
  one('CenterCrop larger than input', [8, 8, 3], L('CenterCrop', [10, 5])),
  one('RandomCrop', [8, 8, 3], L('RandomCrop', [4, 5])),
  ...AUGMENTATION.map(([cls, pos]) => one(cls, [8, 8, 3], L(cls, pos))),
  one('RandomFlip unbatched', [8, 3], L('RandomFlip')),
  one('RandomRotation channels_first', [3, 8, 8], L('RandomRotation', [0.2], { data_format: 'channels_first' })),
  one('Discretization', [8], L('Discretization', [], { bin_boundaries: [0, 1] })),
  one('Discretization one_hot', [1], L('Discretization', [], { bin_boundaries: [0, 1], output_mode: 'one_hot' })),
  one('Discretization multi_hot', [8], L('Discretization', [], { bin_boundaries: [0, 1, 2], output_mode: 'multi_hot' })),
  one('CategoryEncoding', [8], L('CategoryEncoding', [5])),
  one('CategoryEncoding one_hot', [8], L('CategoryEncoding', [5], { output_mode: 'one_hot' })),
  one('CategoryEncoding one_hot last axis 1', [1], L('CategoryEncoding', [5], { output_mode: 'one_hot' })),
  one('CategoryEncoding count rank 3', [4, 8], L('CategoryEncoding', [5], { output_mode: 'count' })),
  one('Hashing', [8], L('Hashing', [4])),
  one('Hashing one_hot', [1], L('Hashing', [4], { output_mode: 'one_hot' })),
  one('Hashing multi_hot', [8], L('Hashing', [4], { output_mode: 'multi_hot' })),
  one('IntegerLookup', [8], L('IntegerLookup', [], { vocabulary: [1, 2, 3] }), 'int64'),
  one('IntegerLookup multi_hot', [8], L('IntegerLookup', [], { vocabulary: [1, 2, 3], output_mode: 'multi_hot' }), 'int64'),
  one('IntegerLookup one_hot', [1], L('IntegerLookup', [], { vocabulary: [1, 2, 3], output_mode: 'one_hot' }), 'int64'),
  one('StringLookup', [8], L('StringLookup', [], { vocabulary: ['a', 'b'] }), 'string'),
  one('StringLookup multi_hot', [8], L('StringLookup', [], { vocabulary: ['a', 'b'], output_mode: 'multi_hot' }), 'string'),
  one('StringLookup count two OOV', [8], L('StringLookup', [], { vocabulary: ['a', 'b'], num_oov_indices: 2, output_mode: 'count' }), 'string'),
  one('StringLookup mask token', [8], L('StringLookup', [], { vocabulary: ['a', 'b'], mask_token: '', output_mode: 'multi_hot' }), 'string'),
  one('TextVectorization', [1], L('TextVectorization', [], { max_tokens: 10 }), 'string'),
  one('TextVectorization sequence length', [1], L('TextVectorization', [], { max_tokens: 10, output_sequence_length: 7 }), 'string'),
  one('TextVectorization scalar strings', [], L('TextVectorization', [], { max_tokens: 10, output_sequence_length: 7 }), 'string'),
  { id: 'HashedCrossing', inputs: [[1], [1]], dtype: 'int64', layer: L('HashedCrossing', [5]), call: 'list' },
  { id: 'HashedCrossing one_hot', inputs: [[1], [1]], dtype: 'int64', layer: L('HashedCrossing', [5], { output_mode: 'one_hot' }), call: 'list' },
  { id: 'HashedCrossing rank 2', inputs: [[3], [3]], dtype: 'int64', layer: L('HashedCrossing', [5]), call: 'list' },
  one('MelSpectrogram', [16000], L('MelSpectrogram')),
  one('MelSpectrogram small', [1001], L('MelSpectrogram', [], { fft_length: 256, sequence_stride: 100, num_mel_bins: 40 })),
  // STFTSpectrogram with window=None: a named window needs SciPy, which the oracle venv lacks.
  one('STFTSpectrogram', [1000, 1], L('STFTSpectrogram', [], { window: null })),
  one('STFTSpectrogram frames', [1000, 2], L('STFTSpectrogram', [], { frame_length: 64, frame_step: 16, window: null })),
  one('STFTSpectrogram stft mode', [1000, 1], L('STFTSpectrogram', [], { mode: 'stft', frame_length: 64, window: null })),
  one('STFTSpectrogram real', [1000, 1], L('STFTSpectrogram', [], { mode: 'real', frame_length: 64, fft_length: 128, window: null })),
  one('STFTSpectrogram imag same', [1000, 1], L('STFTSpectrogram', [], { mode: 'imag', frame_length: 100, padding: 'same', window: null })),
  one('STFTSpectrogram expand_dims', [1000, 3], L('STFTSpectrogram', [], { frame_length: 64, expand_dims: true, window: null })),
  one('STFTSpectrogram channels_first', [2, 1000], L('STFTSpectrogram', [], { frame_length: 64, data_format: 'channels_first', window: null })),
  one('STFTSpectrogram channels_first expand', [2, 1000], L('STFTSpectrogram', [], { frame_length: 64, data_format: 'channels_first', expand_dims: true, window: null })),
  one('STFTSpectrogram rank 2', [1000], L('STFTSpectrogram', [], { window: null })),
  one('Pipeline', [8, 8, 3], L('Pipeline', [[L('RandomFlip'), L('Resizing', [4, 4])]])),
  one('Pipeline of Dense', [8], L('Pipeline', [[L('Dense', [4]), L('Dense', [2])]])),
  // Dense-like
  one('EinsumDense', [6], L('EinsumDense', ['ab,bc->ac'], { output_shape: 4, bias_axes: 'c' })),
  one('EinsumDense rank 3', [3, 6], L('EinsumDense', ['abc,cd->abd', [null, 4]], { bias_axes: 'd' })),
  one('EinsumDense two new axes', [3, 6], L('EinsumDense', ['abc,cde->abde', [null, 2, 4]])),
  one('EinsumDense bias on two axes', [3, 6], L('EinsumDense', ['abc,cde->abde', [null, 2, 4]], { bias_axes: 'de' })),
  one('EinsumDense known shared axis', [3, 6], L('EinsumDense', ['abc,cd->abd', [3, 4]])),
  one('EinsumDense transposed output', [3, 6], L('EinsumDense', ['abc,bd->adc', [4, null]])),
  one('EinsumDense shared axis mismatch', [3, 6], L('EinsumDense', ['abc,cd->abd', [5, 4]])),
  one('ReversibleEmbedding', [5], L('ReversibleEmbedding', [10, 4]), 'int32'),
  one('ReversibleEmbedding untied', [5], L('ReversibleEmbedding', [10, 4], { tie_weights: false }), 'int32'),
  // ConvLSTM
  one('ConvLSTM2D', [5, 8, 8, 2], L('ConvLSTM2D', [4, 3])),
  one('ConvLSTM2D same sequences', [5, 8, 8, 2], L('ConvLSTM2D', [4, 3], { padding: 'same', return_sequences: true })),
  one('ConvLSTM2D return_state', [5, 8, 8, 2], L('ConvLSTM2D', [4, 3], { return_state: true })),
  one('ConvLSTM2D channels_first', [5, 2, 8, 8], L('ConvLSTM2D', [4, 3], { data_format: 'channels_first' })),
  one('ConvLSTM2D strides', [5, 9, 9, 2], L('ConvLSTM2D', [4, 3], { strides: 2 })),
  one('ConvLSTM2D dilation', [5, 9, 9, 2], L('ConvLSTM2D', [4, 3], { dilation_rate: 2 })),
  one('ConvLSTM2D no bias', [5, 8, 8, 2], L('ConvLSTM2D', [4, 3], { use_bias: false })),
  one('ConvLSTM2D input too small', [5, 2, 2, 2], L('ConvLSTM2D', [4, 3])),
  one('ConvLSTM2D wrong rank', [8, 8, 2], L('ConvLSTM2D', [4, 3])),
  one('ConvLSTM1D', [5, 8, 2], L('ConvLSTM1D', [4, 3])),
  one('ConvLSTM3D', [5, 6, 6, 6, 2], L('ConvLSTM3D', [4, 3])),
  // Recurrent wrappers and cells
  one('Bidirectional backward_layer', [5, 6], L('Bidirectional', [L('LSTM', [4], { return_sequences: true })],
    { backward_layer: L('GRU', [4], { return_sequences: true, go_backwards: true }) })),
  one('Bidirectional backward GRU sum', [5, 6], L('Bidirectional', [L('LSTM', [4])],
    { backward_layer: L('GRU', [4], { go_backwards: true }), merge_mode: 'sum' })),
  one('Bidirectional backward not reversed', [5, 6], L('Bidirectional', [L('LSTM', [4])], { backward_layer: L('LSTM', [4]) })),
  one('Bidirectional return_sequences differ', [5, 6], L('Bidirectional', [L('LSTM', [4], { return_sequences: true })],
    { backward_layer: L('LSTM', [4], { go_backwards: true }) })),
  one('Bidirectional return_state', [5, 6], L('Bidirectional', [L('LSTM', [4], { return_state: true })])),
  one('Bidirectional GRU sequences and state', [5, 6], L('Bidirectional', [L('GRU', [4], { return_state: true, return_sequences: true })])),
  one('Bidirectional return_state merge None', [5, 6], L('Bidirectional', [L('LSTM', [4], { return_state: true })], { merge_mode: null })),
  one('Bidirectional SimpleRNN', [5, 6], L('Bidirectional', [L('SimpleRNN', [4])])),
  one('TimeDistributed Flatten', [5, 6, 2], L('TimeDistributed', [L('Flatten')])),
  one('TimeDistributed Dropout', [5, 6], L('TimeDistributed', [L('Dropout', [0.5])])),
  one('TimeDistributed MaxPooling2D', [5, 6, 6, 2], L('TimeDistributed', [L('MaxPooling2D')])),
  one('TimeDistributed Conv2D', [5, 6, 6, 2], L('TimeDistributed', [L('Conv2D', [3, 3])])),
  one('TimeDistributed rank 2', [5], L('TimeDistributed', [L('Dense', [3])])),
  one('RNN LSTMCell', [5, 6], L('RNN', [L('LSTMCell', [4])])),
  one('RNN cell list', [5, 6], L('RNN', [[L('LSTMCell', [4]), L('GRUCell', [3])]])),
  one('RNN SimpleRNNCell sequences', [5, 6], L('RNN', [L('SimpleRNNCell', [4])], { return_sequences: true })),
  one('RNN StackedRNNCells', [5, 6], L('RNN', [L('StackedRNNCells', [[L('LSTMCell', [4]), L('LSTMCell', [2])]])])),
  one('RNN GRUCell return_state', [5, 6], L('RNN', [L('GRUCell', [4], { reset_after: false })], { return_state: true })),
  one('RNN LSTMCell return_state', [5, 6], L('RNN', [L('LSTMCell', [4])], { return_state: true })),
];

function pyArg(v: CovArg): string {
  if (isCovLayer(v)) return pyLayer(v);
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 && !isCovLayer(v[0]) ? `(${pyArg(v[0])},)` : `[${v.map(pyArg).join(', ')}]`;
  throw new Error('unsupported argument in a coverage case');
}

/** Tuples for sizes, lists for lists of layers and vocabularies (Keras accepts both for sizes). */
function pyLayer(l: CovLayer): string {
  const args = [...(l.pos ?? []).map(pyArg), ...Object.entries(l.kw ?? {}).map(([k, v]) => `${k}=${pyArg(v)}`)];
  return `layers.${l.cls}(${args.join(', ')})`;
}

function pyShape(dims: (number | null)[]): string {
  return dims.length === 1 ? `(${dims[0] ?? 'None'},)` : `(${dims.map((d) => d ?? 'None').join(', ')})`;
}

export function coverageSource(c: CovCase): string {
  const dtype = c.dtype ? `, dtype='${c.dtype}'` : '';
  const inputs = c.inputs.map((s) => `keras.Input(shape=${pyShape(s)}${dtype})`);
  const call = c.call === 'one' ? 'layer(ins[0])' : c.call === 'args' ? 'layer(*ins)' : 'layer(ins)';
  const build = c.call === 'fn'
    ? `out = ${pyLayer({ cls: c.layer.cls, pos: [], kw: c.layer.kw }).replace('(', '(ins' + (Object.keys(c.layer.kw ?? {}).length ? ', ' : ''))}`
    : `layer = ${pyLayer(c.layer)}\nout = ${call}`;
  return ['import keras', 'from keras import layers', `ins = [${inputs.join(', ')}]`, build,
    'model = keras.Model(ins, out)', ''].join('\n');
}
