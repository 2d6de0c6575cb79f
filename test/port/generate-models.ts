/**
 * Seeded generator of small, valid Keras and PyTorch models for the port oracle: image CNNs
 * (1-D, 2-D, 3-D, 'same' and 'valid' padding, strides, even kernels), dense stacks, recurrent
 * and embedding models and functional graphs with Add/Concatenate. The generator tracks shapes
 * so every model builds; which layers it picks is random.
 */
import { rng } from '../helpers/corpus';

export interface GeneratedModel {
  id: number;
  framework: 'keras' | 'torch';
  source: string;
  /** Input shape with batch 2, in the source's layout. */
  inputShape: number[];
  /** Token ids below this bound (embedding models), else a float input. */
  intHigh?: number;
}

class Gen {
  readonly r: () => number;
  constructor(seed: number) {
    this.r = rng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
}

const ACTS = ['relu', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'gelu', 'swish', null, null] as const;

// ------------------------------------------------------------------------------------ Keras

function kerasAct(g: Gen): string {
  const a = g.pick(ACTS);
  return a ? `, activation='${a}'` : '';
}

/** Spatial sizes after a window: 'valid' or 'same' (TensorFlow's ceil). */
function outSize(size: number, k: number, s: number, pad: 'valid' | 'same'): number {
  return pad === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
}

function kerasImage(g: Gen, rank: 1 | 2 | 3): { input: number[]; lines: string[] } {
  let spatial = Array.from({ length: rank }, () => g.int(rank === 3 ? 6 : 8, rank === 3 ? 9 : 18));
  let ch = g.int(1, 4);
  const input = [...spatial, ch];
  const lines: string[] = [];
  const blocks = g.int(1, 3);
  for (let b = 0; b < blocks; b++) {
    const k = g.int(1, Math.min(4, ...spatial));
    const s = g.chance(0.3) ? 2 : 1;
    const pad = g.pick(['valid', 'same'] as const);
    const next = spatial.map((d) => outSize(d, k, s, pad));
    if (next.some((d) => d < 1)) break;
    const filters = g.int(2, 8);
    lines.push(`layers.Conv${rank}D(${filters}, ${k}${s > 1 ? `, strides=${s}` : ''}, padding='${pad}'${kerasAct(g)}${g.chance(0.15) ? ', use_bias=False' : ''})`);
    spatial = next;
    ch = filters;
    if (g.chance(0.3)) lines.push(`layers.BatchNormalization(${g.chance(0.5) ? 'momentum=0.9, epsilon=1e-5' : ''})`);
    if (g.chance(0.2)) lines.push(`layers.Activation('${g.pick(['relu', 'tanh', 'sigmoid'])}')`);
    if (g.chance(0.15)) {
      lines.push(`layers.ZeroPadding${rank}D(${g.int(1, 2)})`);
      spatial = spatial.map((d) => d + 2 * Number(/\((\d)\)$/.exec(lines[lines.length - 1])![1]));
    }
    if (g.chance(0.5) && spatial.every((d) => d >= 2)) {
      const max = g.chance(0.6);
      const ppad = max ? g.pick(['valid', 'same'] as const) : 'valid';
      const ps = g.int(2, Math.min(3, ...spatial));
      lines.push(`layers.${max ? 'Max' : 'Average'}Pooling${rank}D(${ps}${ppad === 'same' ? ", padding='same'" : ''})`);
      spatial = spatial.map((d) => outSize(d, ps, ps, ppad));
    }
    if (g.chance(0.2)) lines.push(`layers.Dropout(${g.pick([0.1, 0.25, 0.5])})`);
  }
  const head = g.pick(['flatten', 'gap', 'gmp'] as const);
  lines.push(head === 'flatten' ? 'layers.Flatten()' : `layers.Global${head === 'gap' ? 'Average' : 'Max'}Pooling${rank}D()`);
  if (g.chance(0.5)) lines.push(`layers.Dense(${g.int(3, 16)}${kerasAct(g)})`);
  if (g.chance(0.3)) lines.push(`layers.Dropout(0.5)`);
  lines.push(`layers.Dense(${g.int(2, 6)}${g.chance(0.4) ? ", activation='softmax'" : ''})`);
  return { input, lines };
}

function kerasSequence(g: Gen): { input: number[]; lines: string[]; intHigh?: number } {
  const steps = g.int(4, 10);
  const lines: string[] = [];
  let input: number[];
  let intHigh: number | undefined;
  if (g.chance(0.4)) {
    intHigh = g.int(10, 50);
    input = [steps];
    lines.push(`layers.Embedding(${intHigh}, ${g.int(3, 8)})`);
  } else {
    input = [steps, g.int(2, 6)];
    if (g.chance(0.3)) lines.push(`layers.Conv1D(${g.int(2, 6)}, ${g.int(1, 3)}, padding='same'${kerasAct(g)})`);
  }
  const cells = g.int(1, 2);
  for (let i = 0; i < cells; i++) {
    const cell = g.pick(['LSTM', 'GRU', 'SimpleRNN']);
    const last = i === cells - 1;
    const seq = !last || g.chance(0.3);
    lines.push(`layers.${cell}(${g.int(3, 8)}${seq ? ', return_sequences=True' : ''})`);
    if (last && seq) lines.push(g.pick(['layers.Flatten()', 'layers.GlobalAveragePooling1D()']));
  }
  if (g.chance(0.4)) lines.push(`layers.Dense(${g.int(3, 8)}${kerasAct(g)})`);
  lines.push(`layers.Dense(${g.int(1, 5)})`);
  return { input, lines, intHigh };
}

function kerasDense(g: Gen): { input: number[]; lines: string[] } {
  const lines: string[] = [];
  const n = g.int(1, 4);
  for (let i = 0; i < n; i++) {
    lines.push(`layers.Dense(${g.int(2, 20)}${kerasAct(g)})`);
    if (g.chance(0.3)) lines.push('layers.BatchNormalization()');
    if (g.chance(0.2)) lines.push(`layers.LeakyReLU(negative_slope=${g.pick([0.1, 0.3])})`);
  }
  return { input: [g.int(2, 30)], lines };
}

function kerasFunctional(g: Gen): string {
  const size = g.int(8, 14);
  const ch = g.int(1, 3);
  const f = g.int(2, 6);
  const k1 = g.pick([1, 3, 5]);
  const k2 = g.pick([1, 3, 5]);
  const merge = g.pick(['Add', 'Concatenate']);
  return [
    'import keras',
    'from keras import layers',
    '',
    `inputs = keras.Input(shape=(${size}, ${size}, ${ch}))`,
    `a = layers.Conv2D(${f}, ${k1}, padding='same', activation='relu')(inputs)`,
    `b = layers.Conv2D(${f}, ${k2}, padding='same')(inputs)`,
    `m = layers.${merge}()([a, b])`,
    g.chance(0.5) ? `m = layers.MaxPooling2D(2)(m)` : `m = layers.BatchNormalization()(m)`,
    `m = layers.${g.pick(['GlobalAveragePooling2D', 'Flatten'])}()(m)`,
    `outputs = layers.Dense(${g.int(2, 5)}${kerasAct(g)})(m)`,
    'model = keras.Model(inputs, outputs)',
    '',
  ].join('\n');
}

export function generateKerasModels(count: number, seed: number): GeneratedModel[] {
  const out: GeneratedModel[] = [];
  for (let id = 0; id < count; id++) {
    const g = new Gen(seed * 100_003 + id);
    const kind = g.pick(['2d', '2d', '2d', '1d', '3d', 'seq', 'seq', 'dense', 'functional'] as const);
    if (kind === 'functional') {
      const source = kerasFunctional(g);
      const m = /shape=\((\d+), (\d+), (\d+)\)/.exec(source)!;
      out.push({ id, framework: 'keras', source, inputShape: [2, +m[1], +m[2], +m[3]] });
      continue;
    }
    const built = kind === 'seq' ? kerasSequence(g) : kind === 'dense' ? kerasDense(g) : kerasImage(g, kind === '1d' ? 1 : kind === '2d' ? 2 : 3);
    const intHigh = 'intHigh' in built ? (built.intHigh as number | undefined) : undefined;
    const shape = built.input.length === 1 ? `(${built.input[0]},)` : `(${built.input.join(', ')})`;
    const source = [
      'import keras',
      'from keras import layers',
      '',
      'model = keras.Sequential([',
      `    keras.Input(shape=${shape}${intHigh ? ", dtype='int32'" : ''}),`,
      ...built.lines.map((l) => `    ${l},`),
      '])',
      '',
    ].join('\n');
    out.push({ id, framework: 'keras', source, inputShape: [2, ...built.input], intHigh });
  }
  return out;
}

export function generateTorchModels(_count: number, _seed: number): GeneratedModel[] {
  return [];
}
