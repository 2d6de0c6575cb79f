/**
 * Seeded generator of random Keras Sequential stacks for the oracle test. Each case is both a
 * structured layer list (for chaining the catalogue directly) and the equivalent Python source
 * (for real Keras and for shapelint end to end). Sizes are small so that windows often overrun
 * the input: about a third of the stacks fail somewhere.
 */
import type { ArgValue } from '../../server/src/engine/layers/types';
import type { LayerCall } from './keras-chain';
import { rng } from '../helpers/corpus';

export interface KerasCase {
  id: number;
  /** Input shape without the batch. */
  input: number[];
  /** Explicit data_format given to every layer that takes one. */
  format: 'channels_last' | 'channels_first';
  layers: LayerCall[];
  source: string;
}


class Gen {
  constructor(readonly r: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  /** An int or a tuple of `n` ints in [lo, hi]. */
  size(n: number, lo: number, hi: number): ArgValue {
    if (n === 1 || this.chance(0.5)) return this.int(lo, hi);
    return Array.from({ length: n }, () => this.int(lo, hi));
  }
}

type Family = 1 | 2 | 3;

function convLayer(g: Gen, rank: Family, fmt: string): LayerCall {
  const kind = g.pick(rank === 3 ? ['Conv', 'Conv', 'Transpose'] : ['Conv', 'Conv', 'Conv', 'Transpose', 'Separable', 'Depthwise']);
  const kw: Record<string, ArgValue> = { data_format: fmt };
  const padding = rank === 1 && kind === 'Conv' ? g.pick(['valid', 'same', 'causal']) : g.pick(['valid', 'valid', 'same']);
  kw.padding = padding;
  const dilate = kind !== 'Transpose' && g.chance(0.15);
  if (dilate) kw.dilation_rate = g.int(2, 3);
  else if (g.chance(0.5)) kw.strides = g.size(rank, 1, 3);
  if (kind === 'Transpose' && kw.strides !== undefined && g.chance(0.3)) kw.output_padding = 0;
  if (kind === 'Depthwise') {
    if (g.chance(0.4)) kw.depth_multiplier = g.int(1, 3);
    return { cls: `DepthwiseConv${rank}D`, pos: [g.size(rank, 1, 5)], kw };
  }
  if (kind === 'Separable' && g.chance(0.4)) kw.depth_multiplier = g.int(1, 2);
  if (kind === 'Conv' && g.chance(0.15)) {
    kw.groups = 2;
  }
  if (g.chance(0.2)) kw.use_bias = false;
  const cls = kind === 'Conv' ? `Conv${rank}D` : kind === 'Transpose' ? `Conv${rank}DTranspose` : `SeparableConv${rank}D`;
  const filters = kw.groups ? 2 * g.int(1, 4) : g.int(1, 8);
  return { cls, pos: [filters, g.size(rank, 1, 5)], kw };
}

function poolLayer(g: Gen, rank: Family, fmt: string): LayerCall {
  const max = g.chance(0.5);
  const kw: Record<string, ArgValue> = { data_format: fmt, padding: g.pick(['valid', 'valid', 'same']) };
  if (g.chance(0.4)) kw.strides = g.size(rank, 1, 3);
  const pos: ArgValue[] = max && g.chance(0.3) ? [] : [g.size(rank, 1, 4)];
  return { cls: `${max ? 'Max' : 'Average'}Pooling${rank}D`, pos, kw };
}

function reshapeLayer(g: Gen, rank: Family, fmt: string): LayerCall {
  const which = g.pick(['ZeroPadding', 'Cropping', 'UpSampling']);
  // Cropping1D and UpSampling1D have no data_format argument.
  const kw: Record<string, ArgValue> = rank === 1 && which !== 'ZeroPadding' ? {} : { data_format: fmt };
  if (which === 'ZeroPadding') {
    const p = rank === 1 ? g.pick<ArgValue>([g.int(0, 2), [g.int(0, 2), g.int(0, 2)]]) : g.size(rank, 0, 2);
    return { cls: `ZeroPadding${rank}D`, pos: [p], kw };
  }
  if (which === 'Cropping') {
    const c = rank === 1 ? [g.int(0, 3), g.int(0, 3)] : g.size(rank, 0, 3);
    return { cls: `Cropping${rank}D`, pos: [c], kw };
  }
  return { cls: `UpSampling${rank}D`, pos: [g.size(rank, 1, 3)], kw };
}

/**
 * Shape-preserving or image layers of the wider catalogue: normalization, augmentation and
 * resizing. GroupNormalization draws its group count freely, so it sometimes raises.
 */
function extraLayer(g: Gen, rank: Family | 0, fmt: string): LayerCall {
  const axis = fmt === 'channels_last' ? -1 : 1;
  const choices: (() => LayerCall)[] = [
    () => ({ cls: 'GroupNormalization', pos: [g.pick([1, 2, 3, 4])], kw: { axis } }),
    () => ({ cls: 'UnitNormalization' }),
    () => ({ cls: 'RMSNormalization' }),
    () => ({ cls: 'Identity' }),
    () => ({ cls: 'AlphaDropout', pos: [0.1] }),
  ];
  if (rank === 2) {
    choices.push(
      () => ({ cls: 'Resizing', pos: [g.int(1, 12), g.int(1, 12)], kw: { data_format: fmt } }),
      () => ({ cls: 'CenterCrop', pos: [g.int(1, 12), g.int(1, 12)], kw: { data_format: fmt } }),
      () => ({ cls: 'RandomFlip', pos: ['horizontal'] }),
      () => ({ cls: 'Rescaling', pos: [0.5] }),
    );
  }
  return g.pick(choices)();
}

function spatialStack(g: Gen, rank: Family, fmt: string): LayerCall[] {
  const out: LayerCall[] = [];
  const n = g.int(1, 5);
  for (let i = 0; i < n; i++) {
    const r = g.r();
    if (r < 0.4) out.push(convLayer(g, rank, fmt));
    else if (r < 0.7) out.push(poolLayer(g, rank, fmt));
    else if (r < 0.85) out.push(reshapeLayer(g, rank, fmt));
    else if (r < 0.9) out.push({ cls: 'BatchNormalization', kw: { axis: fmt === 'channels_last' ? -1 : 1 } });
    else if (r < 0.95) out.push(extraLayer(g, rank, fmt));
    else out.push(g.pick<LayerCall>([{ cls: 'Dropout', pos: [0.25] }, { cls: 'Activation', pos: ['relu'] }]));
  }
  const tail = g.r();
  if (tail < 0.45) out.push({ cls: 'Flatten' }, { cls: 'Dense', pos: [g.int(1, 10)] });
  else if (tail < 0.7) out.push({ cls: `Global${g.pick(['Max', 'Average'])}Pooling${rank}D`, kw: { data_format: fmt } }, { cls: 'Dense', pos: [g.int(1, 10)] });
  else if (tail < 0.8) out.push({ cls: 'Reshape', pos: [[-1]] });
  else if (tail < 0.9 && rank === 1) out.push({ cls: g.pick(['LSTM', 'GRU', 'SimpleRNN']), pos: [g.int(1, 8)], kw: { return_sequences: g.chance(0.5) } });
  return out;
}

function recurrentStack(g: Gen): LayerCall[] {
  const out: LayerCall[] = [];
  const n = g.int(1, 3);
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const kw: Record<string, ArgValue> = { return_sequences: last ? g.chance(0.5) : g.chance(0.85) };
    if (g.chance(0.2)) kw.use_bias = false;
    const cls = g.pick(['LSTM', 'GRU', 'SimpleRNN']);
    if (cls === 'GRU' && g.chance(0.3)) kw.reset_after = false;
    out.push({ cls, pos: [g.int(1, 12)], kw });
  }
  if (g.chance(0.5)) out.push({ cls: 'Dense', pos: [g.int(1, 6)] });
  return out;
}

function denseStack(g: Gen): LayerCall[] {
  const out: LayerCall[] = [];
  const n = g.int(1, 4);
  for (let i = 0; i < n; i++) {
    const r = g.r();
    if (r < 0.5) out.push({ cls: 'Dense', pos: [g.int(1, 32)], kw: g.chance(0.2) ? { use_bias: false } : {} });
    else if (r < 0.6) out.push({ cls: 'Dropout', pos: [0.5] });
    else if (r < 0.7) out.push({ cls: 'BatchNormalization' });
    else if (r < 0.8) out.push({ cls: 'RepeatVector', pos: [g.int(1, 4)] }, { cls: 'Flatten' });
    else if (r < 0.9) out.push({ cls: 'Reshape', pos: [g.pick<ArgValue>([[-1, 2], [2, -1], [4, 3], [-1]])] }, { cls: 'Flatten' });
    else if (r < 0.95) out.push({ cls: 'LayerNormalization' });
    else out.push(extraLayer(g, 0, 'channels_last'));
  }
  return out;
}

function pyValue(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${pyValue(v[0])},)` : `(${v.map(pyValue).join(', ')})`;
  throw new Error('unsupported argument in generated case');
}

export function renderSource(input: number[], layers: LayerCall[]): string {
  const lines = layers.map((l) => {
    const args = [...(l.pos ?? []).map(pyValue), ...Object.entries(l.kw ?? {}).map(([k, v]) => `${k}=${pyValue(v)}`)];
    return `    layers.${l.cls}(${args.join(', ')}),`;
  });
  return [
    'import keras',
    'from keras import layers',
    'model = keras.Sequential([',
    `    keras.Input(shape=${pyValue(input)}),`,
    ...lines,
    '])',
    '',
  ].join('\n');
}

function makeCase(id: number, seed: number): KerasCase {
  const g = new Gen(rng(seed * 7919 + id));
  const format = g.chance(0.5) ? 'channels_last' : 'channels_first';
  const family = g.r();
  let input: number[];
  let layers: LayerCall[];
  if (family < 0.45) {
    input = [g.int(1, 24), g.int(1, 24), g.int(1, 6)];
    if (format === 'channels_first') input = [input[2], input[0], input[1]];
    layers = spatialStack(g, 2, format);
  } else if (family < 0.7) {
    input = [g.int(1, 30), g.int(1, 8)];
    if (format === 'channels_first') input = [input[1], input[0]];
    layers = spatialStack(g, 1, format);
    // Keras 3.15 Conv1DTranspose with channels_first crashes with an IndexError (a Keras bug).
    if (format === 'channels_first') layers = layers.filter((l) => l.cls !== 'Conv1DTranspose');
  } else if (family < 0.8) {
    input = [g.int(1, 8), g.int(1, 8), g.int(1, 8), g.int(1, 3)];
    if (format === 'channels_first') input = [input[3], input[0], input[1], input[2]];
    layers = spatialStack(g, 3, format);
  } else if (family < 0.9) {
    input = [g.int(1, 12), g.int(1, 10)];
    layers = recurrentStack(g);
  } else {
    input = [g.int(1, 24)];
    layers = denseStack(g);
  }
  if (layers.length === 0) layers.push({ cls: 'Flatten' });
  return { id, input, format, layers, source: renderSource(input, layers) };
}

export function generateKerasCases(count: number, seed = 1): KerasCase[] {
  return Array.from({ length: count }, (_, i) => makeCase(i, seed));
}
