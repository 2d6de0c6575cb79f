/**
 * Seeded generator of models with nested modules for the `--with-weights` port oracle: PyTorch
 * modules whose layers sit in a Sequential inside a Sequential (`features.2.0.weight`), in
 * submodule classes (`block1.conv.weight`), in a ModuleList (`heads.1.bias`) and in residual
 * blocks with a shortcut Sequential (`res.shortcut.1.running_mean`); and Keras functional models
 * built from nested Sequential blocks (and, for a sequence, attention, whose PyTorch port nests
 * `out_proj`). Shapes are tracked so every model builds; which parts it picks is random.
 */
import { Gen, type GeneratedModel } from './generate-models';

const TORCH_ACTS = ['nn.ReLU()', 'nn.Tanh()', 'nn.Sigmoid()', 'nn.ELU()', 'nn.GELU()', 'nn.LeakyReLU(0.1)'];

/** Submodule classes the PyTorch models may use. */
const TORCH_CLASSES = `class ConvBN(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class ResBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)
        return torch.relu(out)


class Inner(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())

    def forward(self, x):
        return self.body(x)
`;

/** One nested stage: its `__init__` line, its forward line, and the channels and size it hands on. */
interface Stage { init: string; forward: string[]; ch: number; size: number }

function torchStage(g: Gen, name: string, ch: number, size: number): Stage {
  const cout = g.int(2, 6);
  const kind = g.pick(['seqseq', 'convbn', 'res', 'res', 'list', 'inner'] as const);
  switch (kind) {
    case 'seqseq': {
      const pool = size >= 4 && g.chance(0.5);
      const inner = `nn.Sequential(nn.Conv2d(${cout}, ${cout}, 1), nn.BatchNorm2d(${cout}), ${g.pick(TORCH_ACTS)})`;
      return {
        init: `self.${name} = nn.Sequential(nn.Conv2d(${ch}, ${cout}, 3, padding=1), ${g.pick(TORCH_ACTS)}, ${inner}${pool ? ', nn.MaxPool2d(2)' : ''})`,
        forward: [`x = self.${name}(x)`], ch: cout, size: pool ? Math.floor(size / 2) : size,
      };
    }
    case 'convbn': {
      const k = g.pick([1, 3]);
      return { init: `self.${name} = ConvBN(${ch}, ${cout}, ${k})`, forward: [`x = self.${name}(x)`], ch: cout, size };
    }
    case 'res': {
      const stride = size >= 4 && g.chance(0.5) ? 2 : 1;
      return { init: `self.${name} = ResBlock(${ch}, ${cout}, ${stride})`, forward: [`x = self.${name}(x)`], ch: cout, size: Math.floor((size - 1) / stride) + 1 };
    }
    case 'list': {
      const n = g.int(2, 3);
      const convs = Array.from({ length: n }, (_, i) => `nn.Conv2d(${i === 0 ? ch : cout}, ${cout}, ${g.pick([1, 3])}, padding='same')`);
      return {
        init: `self.${name} = nn.ModuleList([${convs.join(', ')}])`,
        forward: [`for layer in self.${name}:`, `    x = torch.relu(layer(x))`], ch: cout, size,
      };
    }
    case 'inner':
      return { init: `self.${name} = Inner(${ch}, ${cout})`, forward: [`x = self.${name}(x)`], ch: cout, size };
  }
}

function torchNested(g: Gen): { source: string; input: number[] } {
  const c = g.int(1, 3);
  const size = g.int(6, 10);
  let [ch, s] = [c, size];
  const init: string[] = [];
  const forward: string[] = [];
  for (let i = 0, n = g.int(1, 3); i < n; i++) {
    const st = torchStage(g, ['features', 'block1', 'stage2', 'layers'][i], ch, s);
    init.push(st.init);
    forward.push(...st.forward);
    [ch, s] = [st.ch, st.size];
  }
  const hidden = g.int(3, 8);
  const out = g.int(2, 5);
  if (g.chance(0.5)) {
    init.push(`self.classifier = nn.Sequential(nn.Flatten(), nn.Sequential(nn.Linear(${ch * s * s}, ${hidden}), nn.BatchNorm1d(${hidden}), ${g.pick(TORCH_ACTS)}), nn.Linear(${hidden}, ${out}))`);
    forward.push('return self.classifier(x)');
  } else {
    init.push('self.pool = nn.AdaptiveAvgPool2d(1)', `self.head = nn.ModuleList([nn.Linear(${ch}, ${hidden}), nn.Linear(${hidden}, ${out})])`);
    forward.push('x = torch.flatten(self.pool(x), 1)', 'x = torch.relu(self.head[0](x))', 'return self.head[1](x)');
  }
  const source = [
    'import torch',
    'from torch import nn',
    '',
    '',
    TORCH_CLASSES,
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...init.map((l) => `        ${l}`),
    '',
    '    def forward(self, x):',
    ...forward.map((l) => `        ${l}`),
    '',
    '',
    'model = Net()',
    `model(torch.randn(2, ${c}, ${size}, ${size}))`,
    '',
  ].join('\n');
  return { source, input: [c, size, size] };
}

/** A dense model of nested Sequentials (BatchNorm1d inside). */
function torchNestedMlp(g: Gen): { source: string; input: number[] } {
  let f = g.int(3, 12);
  const input = [f];
  const blocks: string[] = [];
  for (let i = 0, n = g.int(1, 3); i < n; i++) {
    const h = g.int(2, 10);
    blocks.push(`nn.Sequential(nn.Linear(${f}, ${h}), nn.BatchNorm1d(${h}), ${g.pick(TORCH_ACTS)})`);
    f = h;
  }
  const source = [
    'import torch',
    'from torch import nn',
    '',
    'model = nn.Sequential(',
    `    nn.Sequential(${blocks.join(', ')}),`,
    `    nn.Linear(${f}, ${g.int(2, 5)}),`,
    ')',
    `model(torch.randn(2, ${input.join(', ')}))`,
    '',
  ].join('\n');
  return { source, input };
}

export function generateNestedTorchModels(count: number, seed: number): GeneratedModel[] {
  return Array.from({ length: count }, (_, id) => {
    const g = new Gen(seed * 100_003 + id);
    const m = g.chance(0.8) ? torchNested(g) : torchNestedMlp(g);
    return { id, framework: 'torch' as const, source: m.source, inputShape: [2, ...m.input] };
  });
}

/** A Keras functional CNN built from nested Sequential blocks, one a residual block's shortcut. */
function kerasNestedCnn(g: Gen): { source: string; input: number[] } {
  const size = g.int(6, 10);
  const c = g.int(1, 3);
  const lines: string[] = [`inputs = keras.Input(shape=(${size}, ${size}, ${c}))`, 'x = inputs'];
  for (let i = 0, n = g.int(1, 3); i < n; i++) {
    const f = g.int(2, 6);
    const k = g.pick([1, 3]);
    const act = g.pick(['relu', 'tanh', 'elu']);
    if (g.chance(0.5)) {
      // A residual block: a nested body and a nested 1x1 shortcut, summed.
      lines.push(
        `body${i} = keras.Sequential([layers.Conv2D(${f}, ${k}, padding='same', use_bias=False), layers.BatchNormalization(), layers.Activation('${act}'), layers.Conv2D(${f}, 3, padding='same')])`,
        `shortcut${i} = keras.Sequential([layers.Conv2D(${f}, 1), layers.BatchNormalization()])`,
        `x = layers.Add()([body${i}(x), shortcut${i}(x)])`,
      );
    } else {
      lines.push(`block${i} = keras.Sequential([layers.Conv2D(${f}, ${k}, padding='same'), layers.BatchNormalization(), layers.Activation('${act}')])`, `x = block${i}(x)`);
    }
  }
  lines.push(
    `x = layers.${g.pick(['Flatten', 'GlobalAveragePooling2D'])}()(x)`,
    `head = keras.Sequential([layers.Dense(${g.int(3, 8)}, activation='relu'), layers.Dense(${g.int(2, 5)})])`,
    'outputs = head(x)',
    'model = keras.Model(inputs, outputs)',
  );
  return { source: ['import keras', 'from keras import layers', '', ...lines, ''].join('\n'), input: [size, size, c] };
}

/** A sequence model: a nested projection block, self-attention (PyTorch's port nests out_proj), LayerNormalization. */
function kerasNestedSequence(g: Gen): { source: string; input: number[] } {
  const steps = g.int(3, 6);
  const f = g.int(2, 6);
  const heads = g.pick([1, 2]);
  const keyDim = g.int(2, 4);
  const embed = heads * keyDim;
  const lines = [
    `inputs = keras.Input(shape=(${steps}, ${f}))`,
    `proj = keras.Sequential([layers.Dense(${embed}), layers.LayerNormalization()])`,
    'x = proj(inputs)',
    `a = layers.MultiHeadAttention(num_heads=${heads}, key_dim=${keyDim})(x, x)`,
    'x = layers.Add()([x, a])',
    `outputs = keras.Sequential([layers.Dense(${g.int(2, 5)})])(x)`,
    'model = keras.Model(inputs, outputs)',
  ];
  return { source: ['import keras', 'from keras import layers', '', ...lines, ''].join('\n'), input: [steps, f] };
}

export function generateNestedKerasModels(count: number, seed: number): GeneratedModel[] {
  return Array.from({ length: count }, (_, id) => {
    const g = new Gen(seed * 100_003 + id);
    const m = g.chance(0.8) ? kerasNestedCnn(g) : kerasNestedSequence(g);
    return { id, framework: 'keras' as const, source: m.source, inputShape: [2, ...m.input] };
  });
}
