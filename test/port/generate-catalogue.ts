/**
 * Seeded generator of Keras and PyTorch models built from the wider port catalogue: transposed,
 * depthwise and separable convolutions, upsampling (nearest and bilinear), cropping, layer
 * normalisation, PReLU, multi-head self-attention, adaptive and keepdims global pooling,
 * element-wise merges and group normalisation. Shapes are tracked so every model builds;
 * which layers, sizes and paddings it picks is random.
 */
import { Gen, type GeneratedModel } from './generate-models';

// ------------------------------------------------------------------------------------ Keras

/** Keras' transposed-convolution output size (keras/src/utils/conv_utils.deconv_output_length, dilation 1). */
function kerasDeconvSize(size: number, k: number, s: number, pad: 'valid' | 'same', extra: number | null): number {
  if (extra === null) return pad === 'valid' ? size * s + Math.max(k - s, 0) : size * s;
  return pad === 'valid' ? (size - 1) * s + k + extra : (size - 1) * s + k - 2 * Math.floor(k / 2) + extra;
}

function kerasImageBlock(g: Gen, state: { hw: number[]; ch: number }): string {
  const { hw, ch } = state;
  const kind = g.pick(['convT', 'convT', 'depthwise', 'separable', 'upsample', 'crop', 'norm', 'prelu'] as const);
  const pad = g.pick(['valid', 'same'] as const);
  const k = g.int(1, 4);
  switch (kind) {
    case 'convT': {
      const s = g.int(1, 3);
      const extra = pad === 'valid' && s > 1 && g.chance(0.4) ? g.int(0, s - 1) : null;
      const f = g.int(2, 6);
      state.hw = hw.map((d) => kerasDeconvSize(d, k, s, pad, extra));
      state.ch = f;
      const act = g.pick(["", ", activation='relu'", ", activation='tanh'"]);
      return `layers.Conv2DTranspose(${f}, ${k}${s > 1 ? `, strides=${s}` : ''}, padding='${pad}'${extra !== null ? `, output_padding=${extra}` : ''}${act}${g.chance(0.15) ? ', use_bias=False' : ''})`;
    }
    case 'depthwise': {
      if (pad === 'valid' && hw.some((d) => d < k)) return 'layers.ReLU()';
      const m = g.int(1, 2);
      state.hw = hw.map((d) => (pad === 'same' ? d : d - k + 1));
      state.ch = ch * m;
      return `layers.DepthwiseConv2D(${k}, padding='${pad}'${m > 1 ? `, depth_multiplier=${m}` : ''})`;
    }
    case 'separable': {
      if (pad === 'valid' && hw.some((d) => d < k)) return 'layers.ReLU()';
      const f = g.int(2, 6);
      const m = g.int(1, 2);
      state.hw = hw.map((d) => (pad === 'same' ? d : d - k + 1));
      state.ch = f;
      return `layers.SeparableConv2D(${f}, ${k}, padding='${pad}'${m > 1 ? `, depth_multiplier=${m}` : ''}${g.chance(0.5) ? ", activation='relu'" : ''})`;
    }
    case 'upsample': {
      if (hw.some((d) => d > 12)) return 'layers.ReLU()';
      const size = [g.int(1, 2), g.int(1, 3)];
      state.hw = hw.map((d, i) => d * size[i]);
      return `layers.UpSampling2D((${size.join(', ')})${g.chance(0.5) ? ", interpolation='bilinear'" : ''})`;
    }
    case 'crop': {
      if (hw.some((d) => d < 4)) return 'layers.ReLU()';
      const c = hw.map(() => [g.int(0, 1), g.int(0, 2)]);
      state.hw = hw.map((d, i) => d - c[i][0] - c[i][1]);
      return `layers.Cropping2D(((${c[0].join(', ')}), (${c[1].join(', ')})))`;
    }
    case 'norm':
      return `layers.LayerNormalization(${g.chance(0.5) ? 'epsilon=1e-5' : ''})`;
    case 'prelu':
      return "layers.PReLU(shared_axes=[1, 2], alpha_initializer='random_uniform')";
  }
}

function kerasImageModel(g: Gen): { input: number[]; lines: string[] } {
  const state = { hw: [g.int(4, 9), g.int(4, 9)], ch: g.int(1, 3) };
  const input = [...state.hw, state.ch];
  const lines: string[] = [];
  for (let i = g.int(2, 4); i > 0; i--) lines.push(kerasImageBlock(g, state));
  const head = g.pick(['map', 'flatten', 'gap'] as const);
  if (head === 'flatten') lines.push('layers.Flatten()', `layers.Dense(${g.int(2, 5)})`);
  if (head === 'gap') lines.push(`layers.GlobalAveragePooling2D(${g.chance(0.3) ? 'keepdims=True' : ''})`, `layers.Dense(${g.int(2, 5)}, activation='softmax')`);
  return { input, lines };
}

/** Self-attention over (time, features), with LayerNorm and a residual Add, then a Dense head. */
function kerasAttentionModel(g: Gen): { input: number[]; source: string } {
  const heads = g.int(1, 3);
  const keyDim = g.int(2, 4);
  const e = heads * keyDim;
  const t = g.int(3, 8);
  const residual = g.chance(0.5);
  const source = [
    'import keras',
    'from keras import layers',
    '',
    `inputs = keras.Input(shape=(${t}, ${e}))`,
    `x = layers.LayerNormalization(${g.chance(0.5) ? 'epsilon=1e-6' : ''})(inputs)`,
    `a = layers.MultiHeadAttention(num_heads=${heads}, key_dim=${keyDim}${g.chance(0.3) ? ', use_bias=False' : ''})(x, x)`,
    residual ? 'x = layers.Add()([inputs, a])' : 'x = a',
    g.chance(0.5) ? "x = layers.PReLU(shared_axes=[1], alpha_initializer='random_uniform')(x)" : 'x = layers.LayerNormalization()(x)',
    `outputs = layers.Dense(${g.int(2, 5)})(x)`,
    'model = keras.Model(inputs, outputs)',
    '',
  ].join('\n');
  return { input: [t, e], source };
}

/** Sizes of a merge model: image side, input channels, groups and filters (a multiple of the groups). */
function mergeSizes(g: Gen): { size: number; c: number; groups: number; f: number } {
  const size = g.int(5, 10);
  const c = g.int(1, 3);
  const groups = g.int(1, 3);
  return { size, c, groups, f: groups * g.int(1, 3) };
}

/** Two convolution branches merged element-wise, then GroupNormalization. */
function kerasMergeModel(g: Gen): { input: number[]; source: string } {
  const { size, c, groups, f } = mergeSizes(g);
  const merge = g.pick(['Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum']);
  const source = [
    'import keras',
    'from keras import layers',
    '',
    `inputs = keras.Input(shape=(${size}, ${size}, ${c}))`,
    `a = layers.Conv2D(${f}, 3, padding='same', activation='tanh')(inputs)`,
    `b = layers.Conv2D(${f}, 1)(inputs)`,
    `x = layers.${merge}()([a, b])`,
    `x = layers.GroupNormalization(groups=${groups}${g.chance(0.5) ? ', epsilon=1e-5' : ''})(x)`,
    g.chance(0.5) ? 'x = layers.GlobalMaxPooling2D()(x)' : 'x = layers.Flatten()(x)',
    `outputs = layers.Dense(${g.int(2, 5)})(x)`,
    'model = keras.Model(inputs, outputs)',
    '',
  ].join('\n');
  return { input: [size, size, c], source };
}

export function generateKerasCatalogueModels(count: number, seed: number): GeneratedModel[] {
  const out: GeneratedModel[] = [];
  for (let id = 0; id < count; id++) {
    const g = new Gen(seed * 100_003 + id);
    const functional = g.pick(['attention', 'merge', 'sequential', 'sequential', 'sequential'] as const);
    if (functional !== 'sequential') {
      const m = functional === 'merge' ? kerasMergeModel(g) : kerasAttentionModel(g);
      out.push({ id, framework: 'keras', source: m.source, inputShape: [2, ...m.input] });
      continue;
    }
    const m = kerasImageModel(g);
    const source = [
      'import keras',
      'from keras import layers',
      '',
      'model = keras.Sequential([',
      `    keras.Input(shape=(${m.input.join(', ')})),`,
      ...m.lines.map((l) => `    ${l},`),
      '])',
      '',
    ].join('\n');
    out.push({ id, framework: 'keras', source, inputShape: [2, ...m.input] });
  }
  return out;
}

// ---------------------------------------------------------------------------------- PyTorch

function torchImageBlock(g: Gen, state: { hw: number[]; ch: number }): string {
  const { hw, ch } = state;
  const kind = g.pick(['convT', 'convT', 'depthwise', 'upsample', 'prelu', 'act'] as const);
  switch (kind) {
    case 'convT': {
      const k = g.int(1, 4);
      const s = g.int(1, 3);
      const p = g.int(0, Math.max(0, k - 1));
      const extra = s > 1 && g.chance(0.4) ? g.int(1, s - 1) : 0;
      const next = hw.map((d) => (d - 1) * s - 2 * p + k + extra);
      if (next.some((d) => d < 1)) return 'nn.ReLU()';
      const f = g.int(2, 6);
      state.hw = next;
      state.ch = f;
      return `nn.ConvTranspose2d(${ch}, ${f}, ${k}${s > 1 ? `, stride=${s}` : ''}${p ? `, padding=${p}` : ''}${extra ? `, output_padding=${extra}` : ''}${g.chance(0.15) ? ', bias=False' : ''})`;
    }
    case 'depthwise': {
      const k = g.pick([1, 3]);
      const m = g.int(1, 2);
      state.ch = ch * m;
      return `nn.Conv2d(${ch}, ${ch * m}, ${k}${k === 3 ? ', padding=1' : ''}, groups=${ch})`;
    }
    case 'upsample': {
      if (hw.some((d) => d > 12)) return 'nn.Tanh()';
      const bilinear = g.chance(0.5);
      const size = [g.int(1, 2), g.int(1, 3)];
      state.hw = hw.map((d, i) => d * size[i]);
      const scale = size[0] === size[1] ? String(size[0]) : `(${size.join(', ')})`;
      return `nn.Upsample(scale_factor=${scale}, mode='${bilinear ? 'bilinear' : 'nearest'}')`;
    }
    case 'prelu':
      return g.chance(0.5) ? `nn.PReLU(${ch}, init=0.1)` : 'nn.PReLU()';
    case 'act':
      return g.pick(['nn.ReLU()', 'nn.Sigmoid()', 'nn.ELU()']);
  }
}

function torchImageModel(g: Gen): { input: number[]; source: string } {
  const state = { hw: [g.int(3, 8), g.int(3, 8)], ch: g.int(1, 3) };
  const input = [state.ch, ...state.hw];
  const lines: string[] = [];
  for (let i = g.int(2, 4); i > 0; i--) lines.push(torchImageBlock(g, state));
  const head = g.pick(['map', 'flatten', 'adaptive'] as const);
  if (head === 'flatten') lines.push('nn.Flatten()', `nn.Linear(${state.ch * state.hw[0] * state.hw[1]}, ${g.int(2, 5)})`);
  if (head === 'adaptive') lines.push(`nn.Adaptive${g.pick(['Avg', 'Max'])}Pool2d(1)`, 'nn.Flatten()', `nn.Linear(${state.ch}, ${g.int(2, 5)})`);
  const source = ['import torch', 'from torch import nn', '', 'model = nn.Sequential(', ...lines.map((l) => `    ${l},`), ')', `model(torch.randn(2, ${input.join(', ')}))`, ''].join('\n');
  return { input, source };
}

/** A pre-norm self-attention block with batch_first=True, a residual and a Linear head. */
function torchAttentionModel(g: Gen): { input: number[]; source: string } {
  const heads = g.int(1, 3);
  const e = heads * g.int(2, 4);
  const t = g.int(3, 8);
  const bias = g.chance(0.8);
  const source = [
    'import torch',
    'from torch import nn',
    '',
    '',
    'class Block(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.norm = nn.LayerNorm(${e}${g.chance(0.5) ? ', eps=1e-6' : ''})`,
    `        self.attn = nn.MultiheadAttention(${e}, ${heads}${bias ? '' : ', bias=False'}, batch_first=True)`,
    '        self.act = nn.PReLU(init=0.1)',
    `        self.out = nn.Linear(${e}, ${g.int(2, 5)})`,
    '',
    '    def forward(self, x):',
    '        h = self.norm(x)',
    '        h, _ = self.attn(h, h, h)',
    g.chance(0.5) ? '        x = torch.add(x, h)' : '        x = h',
    '        return self.out(self.act(x))',
    '',
    '',
    'model = Block()',
    `model(torch.randn(2, ${t}, ${e}))`,
    '',
  ].join('\n');
  return { input: [t, e], source };
}

/** Two convolution branches merged by a torch function, then GroupNorm. */
function torchMergeModel(g: Gen): { input: number[]; source: string } {
  const { size, c, groups, f } = mergeSizes(g);
  const merge = g.pick(['torch.mul', 'torch.sub', 'torch.maximum', 'torch.minimum', 'torch.add']);
  const source = [
    'import torch',
    'from torch import nn',
    '',
    '',
    'class Merge(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.a = nn.Conv2d(${c}, ${f}, 3, padding=1)`,
    `        self.b = nn.Conv2d(${c}, ${f}, 1)`,
    `        self.norm = nn.GroupNorm(${groups}, ${f}${g.chance(0.3) ? ', affine=False' : ''})`,
    `        self.out = nn.Linear(${f * size * size}, ${g.int(2, 5)})`,
    '',
    '    def forward(self, x):',
    `        x = ${merge}(torch.tanh(self.a(x)), self.b(x))`,
    '        x = self.norm(x)',
    '        return self.out(torch.flatten(x, 1))',
    '',
    '',
    'model = Merge()',
    `model(torch.randn(2, ${c}, ${size}, ${size}))`,
    '',
  ].join('\n');
  return { input: [c, size, size], source };
}

export function generateTorchCatalogueModels(count: number, seed: number): GeneratedModel[] {
  const out: GeneratedModel[] = [];
  for (let id = 0; id < count; id++) {
    const g = new Gen(seed * 100_003 + id);
    const kind = g.pick(['attention', 'merge', 'image', 'image', 'image'] as const);
    const m = kind === 'attention' ? torchAttentionModel(g) : kind === 'merge' ? torchMergeModel(g) : torchImageModel(g);
    out.push({ id, framework: 'torch', source: m.source, inputShape: [2, ...m.input] });
  }
  return out;
}
