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

export class Gen {
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

// ---------------------------------------------------------------------------------- PyTorch

const TORCH_ACTS = ['nn.ReLU()', 'nn.Tanh()', 'nn.Sigmoid()', 'nn.ELU()', 'nn.GELU()', 'nn.SiLU()', 'nn.LeakyReLU(0.1)', 'nn.Softplus()'];

function torchCnn(g: Gen, rank: 1 | 2): { input: number[]; lines: string[] } {
  let spatial = Array.from({ length: rank }, () => g.int(8, 16));
  let ch = g.int(1, 4);
  const input = [ch, ...spatial];
  const lines: string[] = [];
  const d = `${rank}d`;
  for (let b = g.int(1, 3); b > 0; b--) {
    const k = g.int(1, Math.min(5, ...spatial));
    const same = g.chance(0.3);
    const s = !same && g.chance(0.3) ? 2 : 1;
    const p = same ? 0 : g.int(0, Math.floor(k / 2));
    const next = spatial.map((x) => (same ? x : Math.floor((x + 2 * p - k) / s) + 1));
    if (next.some((x) => x < 1)) break;
    const f = g.int(2, 8);
    lines.push(`nn.Conv${d}(${ch}, ${f}, ${k}${s > 1 ? `, stride=${s}` : ''}${same ? ", padding='same'" : p ? `, padding=${p}` : ''}${g.chance(0.15) ? ', bias=False' : ''})`);
    ch = f;
    spatial = next;
    if (g.chance(0.3)) lines.push(`nn.BatchNorm${d}(${ch})`);
    if (g.chance(0.8)) lines.push(g.pick(TORCH_ACTS));
    if (g.chance(0.5) && spatial.every((x) => x >= 2)) {
      const max = g.chance(0.6);
      const pk = g.int(2, Math.min(3, ...spatial));
      const pp = !max && g.chance(0.3) ? 1 : 0;
      lines.push(`nn.${max ? 'Max' : 'Avg'}Pool${d}(${pk}${pp ? `, padding=${pp}` : ''})`);
      spatial = spatial.map((x) => Math.floor((x + 2 * pp - pk) / pk) + 1);
    }
    if (g.chance(0.2)) lines.push('nn.Dropout(0.25)');
  }
  lines.push('nn.Flatten()');
  let features = ch * spatial.reduce((a, b) => a * b, 1);
  if (g.chance(0.5)) {
    const h = g.int(3, 16);
    lines.push(`nn.Linear(${features}, ${h})`, g.pick(TORCH_ACTS));
    features = h;
  }
  lines.push(`nn.Linear(${features}, ${g.int(2, 6)})`);
  if (g.chance(0.3)) lines.push('nn.Softmax(dim=1)');
  return { input, lines };
}

function torchMlp(g: Gen): { input: number[]; lines: string[] } {
  let f = g.int(2, 30);
  const input = [f];
  const lines: string[] = [];
  for (let i = g.int(1, 4); i > 0; i--) {
    const h = g.int(2, 20);
    lines.push(`nn.Linear(${f}, ${h}${g.chance(0.15) ? ', bias=False' : ''})`);
    f = h;
    if (g.chance(0.3)) lines.push(`nn.BatchNorm1d(${f})`);
    if (g.chance(0.7)) lines.push(g.pick(TORCH_ACTS));
    if (g.chance(0.2)) lines.push('nn.Dropout(0.5)');
  }
  return { input, lines };
}

function sequential(input: number[], lines: string[]): string {
  return ['import torch', 'from torch import nn', '', 'model = nn.Sequential(', ...lines.map((l) => `    ${l},`), ')', `model(torch.randn(2, ${input.join(', ')}))`, ''].join('\n');
}

/** A module whose forward uses functional ops: conv, F.relu, F.max_pool2d, view/flatten, linear, log_softmax. */
function torchFunctional(g: Gen): { input: number[]; source: string } {
  const size = g.int(12, 20);
  const c = g.int(1, 3);
  const f1 = g.int(2, 6);
  const f2 = g.int(2, 8);
  const k = g.pick([3, 5]);
  const cat = g.chance(0.4);
  let s = Math.floor((size - k + 1) / 2);
  const ch = cat ? 2 * f1 : f2;
  if (cat) s = Math.floor(size / 2);
  const feats = ch * s * s;
  const flat = g.pick(['x = x.view(x.size(0), -1)', 'x = torch.flatten(x, 1)']);
  const act = g.pick(['F.relu', 'torch.tanh', 'torch.sigmoid', 'F.gelu']);
  const body = cat
    ? [`        a = ${act}(self.conv1(x))`, '        b = self.conv2(x)', '        x = torch.cat([a, b], dim=1)', '        x = F.max_pool2d(x, 2)']
    : [`        x = ${act}(self.conv1(x))`, '        x = F.max_pool2d(x, 2)'];
  const source = [
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
    '',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    cat ? `        self.conv1 = nn.Conv2d(${c}, ${f1}, 3, padding=1)` : `        self.conv1 = nn.Conv2d(${c}, ${f2}, ${k})`,
    cat ? `        self.conv2 = nn.Conv2d(${c}, ${f1}, 5, padding=2)` : '',
    `        self.fc = nn.Linear(${feats}, ${g.int(2, 6)})`,
    '',
    '    def forward(self, x):',
    ...body,
    `        ${flat}`,
    '        x = self.fc(x)',
    g.chance(0.5) ? '        return F.log_softmax(x, dim=1)' : '        return x',
    '',
    '',
    'model = Net()',
    `model(torch.randn(2, ${c}, ${size}, ${size}))`,
    '',
  ].filter((l, i) => l !== '' || i !== 9).join('\n');
  return { input: [c, size, size], source };
}

/** Embedding or features, a batch_first recurrent layer (all steps), a Linear on every step. */
function torchRecurrent(g: Gen): { input: number[]; source: string; intHigh?: number } {
  const steps = g.int(3, 8);
  const cell = g.pick(['LSTM', 'GRU', 'RNN']);
  const h = g.int(3, 8);
  const emb = g.chance(0.5);
  const vocab = g.int(10, 40);
  const e = g.int(3, 8);
  const f = emb ? e : g.int(2, 6);
  const source = [
    'import torch',
    'from torch import nn',
    '',
    '',
    'class Tagger(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...(emb ? [`        self.emb = nn.Embedding(${vocab}, ${e})`] : []),
    `        self.rnn = nn.${cell}(${f}, ${h}, batch_first=True)`,
    `        self.out = nn.Linear(${h}, ${g.int(2, 5)})`,
    '',
    '    def forward(self, x):',
    ...(emb ? ['        x = self.emb(x)'] : []),
    '        x, _ = self.rnn(x)',
    '        return self.out(x)',
    '',
    '',
    'model = Tagger()',
    emb ? `model(torch.randint(0, ${vocab}, (2, ${steps})))` : `model(torch.randn(2, ${steps}, ${f}))`,
    '',
  ].join('\n');
  return emb ? { input: [steps], source, intHigh: vocab } : { input: [steps, f], source };
}

export function generateTorchModels(count: number, seed: number): GeneratedModel[] {
  const out: GeneratedModel[] = [];
  for (let id = 0; id < count; id++) {
    const g = new Gen(seed * 100_003 + id);
    const kind = g.pick(['2d', '2d', '2d', '1d', 'mlp', 'functional', 'functional', 'rnn', 'rnn'] as const);
    if (kind === 'functional' || kind === 'rnn') {
      const m = kind === 'functional' ? torchFunctional(g) : torchRecurrent(g);
      out.push({ id, framework: 'torch', source: m.source, inputShape: [2, ...m.input], intHigh: 'intHigh' in m ? (m.intHigh as number | undefined) : undefined });
      continue;
    }
    const m = kind === 'mlp' ? torchMlp(g) : torchCnn(g, kind === '1d' ? 1 : 2);
    out.push({ id, framework: 'torch', source: sequential(m.input, m.lines), inputShape: [2, ...m.input] });
  }
  return out;
}
