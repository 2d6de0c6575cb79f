/** Hand-written oracle cases: the spec's worked examples and known traps. */
import type { TorchCase } from './generate-torch';

function hand(id: string, layers: string[], input: number[]): TorchCase {
  let source = 'import torch\nimport torch.nn as nn\nmodel = nn.Sequential(\n';
  const spans: [number, number][] = [];
  for (const l of layers) {
    source += '    ';
    spans.push([source.length, source.length + l.length]);
    source += `${l},\n`;
  }
  source += `)\nx = torch.randn(${input.join(', ')})\ny = model(x)\n`;
  return { id, source, input, layers: [], spans, lazy: layers.some((l) => l.includes('Lazy')) };
}

/** A free-form source; `layers` are the module constructor texts in forward order. */
function raw(id: string, source: string, layers: string[]): TorchCase {
  let from = 0;
  const spans: [number, number][] = layers.map((l) => {
    const i = source.indexOf(l, from);
    if (i < 0) throw new Error(`${id}: ${l} not in source`);
    from = i + l.length;
    return [i, i + l.length];
  });
  return { id, source, input: [], layers: [], spans, lazy: false };
}

const CLASS_HEAD = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n';
/** A class model: `init` lines go into __init__, `forward` lines into forward(self, x). */
function net(id: string, init: string[], forward: string[], input: number[], layers: string[]): TorchCase {
  const source = `${CLASS_HEAD}class Net(nn.Module):
    def __init__(self):
        super().__init__()
${init.map((l) => `        ${l}\n`).join('')}
    def forward(self, x):
${forward.map((l) => `        ${l}\n`).join('')}

model = Net()
x = torch.randn(${input.join(', ')})
y = model(x)
`;
  return raw(id, source, layers);
}

const VALUES_HEAD = 'import numpy as np\nimport torch\nimport torch.nn as nn\n';

/** Issue 7 §4 "Values": keyword dicts forwarded with **, legacy size/data tensor constructors. */
export const VALUES_CASES: TorchCase[] = [
  raw('h-val-dict-kwargs', `${VALUES_HEAD}conv_args = dict(kernel_size=3, padding=1)\nmodel = nn.Sequential(nn.Conv2d(3, 8, **conv_args), nn.Conv2d(8, 8, **dict(conv_args, stride=2)))\nx = torch.FloatTensor(2, 3, 16, 16)\ny = model(x)\n`, [
    'nn.Conv2d(3, 8, **conv_args)',
    'nn.Conv2d(8, 8, **dict(conv_args, stride=2))',
  ]),
  raw('h-val-dict-display', `${VALUES_HEAD}base = {'kernel_size': 5, 'padding': 2}\nmodel = nn.Sequential(nn.Conv2d(3, 4, **{**base, 'padding': 0}))\nx = torch.Tensor(1, 3, 4, 4)\ny = model(x)\n`, [
    "nn.Conv2d(3, 4, **{**base, 'padding': 0})",
  ]),
  raw('h-val-size-ctor-bad', `${VALUES_HEAD}model = nn.Sequential(nn.Linear(10, 4))\nx = torch.LongTensor(8, 20).float()\ny = model(x)\n`, ['nn.Linear(10, 4)']),
  raw('h-val-data-ctor', `${VALUES_HEAD}model = nn.Sequential(nn.Linear(2, 4))\nx = torch.FloatTensor([8, 20])\ny = model(x)\n`, ['nn.Linear(2, 4)']),
  raw('h-val-array-ctor', `${VALUES_HEAD}model = nn.Sequential(nn.Linear(5, 3))\nx = torch.Tensor(np.zeros((4, 5)))\ny = model(x)\n`, ['nn.Linear(5, 3)']),
];

/** Issue 7 §4: the families added to the catalogue, each right and wrong. */
export const COVERAGE_CASES: TorchCase[] = [
  net('h-mha-bf', ['self.attn = nn.MultiheadAttention(16, 4, batch_first=True)', 'self.fc = nn.Linear(16, 3)'], ['out, w = self.attn(x, x, x)', 'return self.fc(out)'], [2, 5, 16], [
    'nn.MultiheadAttention(16, 4, batch_first=True)',
    'nn.Linear(16, 3)',
  ]),
  net('h-mha-embed', ['self.attn = nn.MultiheadAttention(16, 4)'], ['out, w = self.attn(x, x, x)', 'return out'], [5, 2, 12], ['nn.MultiheadAttention(16, 4)']),
  net('h-mha-kv', ['self.attn = nn.MultiheadAttention(16, 4, kdim=8, vdim=6, bias=False)', 'self.fc = nn.Linear(16, 2)'], ['k = torch.randn(7, 2, 8)', 'v = torch.randn(7, 2, 6)', 'out, _ = self.attn(x, k, v)', 'return self.fc(out)'], [5, 2, 16], [
    'nn.MultiheadAttention(16, 4, kdim=8, vdim=6, bias=False)',
    'nn.Linear(16, 2)',
  ]),
  net('h-mha-kv-bad', ['self.attn = nn.MultiheadAttention(16, 4, kdim=8, vdim=6)'], ['k = torch.randn(7, 2, 9)', 'v = torch.randn(7, 2, 6)', 'return self.attn(x, k, v)[0]'], [5, 2, 16], ['nn.MultiheadAttention(16, 4, kdim=8, vdim=6)']),
  net('h-mha-heads', ['self.attn = nn.MultiheadAttention(15, 4)'], ['return self.attn(x, x, x)[0]'], [5, 2, 15], ['nn.MultiheadAttention(15, 4)']),
  net('h-mha-batch', ['self.attn = nn.MultiheadAttention(16, 4, add_zero_attn=True)'], ['k = torch.randn(7, 3, 16)', 'return self.attn(x, k, k)[0]'], [5, 2, 16], ['nn.MultiheadAttention(16, 4, add_zero_attn=True)']),
  net('h-mha-unbatched', ['self.attn = nn.MultiheadAttention(16, 2, add_bias_kv=True)', 'self.fc = nn.Linear(16, 4)'], ['return self.fc(self.attn(x, x, x)[0])'], [5, 16], ['nn.MultiheadAttention(16, 2, add_bias_kv=True)', 'nn.Linear(16, 4)']),
  hand('h-enc-layer', ['nn.TransformerEncoderLayer(16, 4, 32)', 'nn.Linear(16, 3)'], [5, 2, 16]),
  hand('h-enc-layer-nf', ['nn.TransformerEncoderLayer(16, 4, 32, norm_first=True, bias=False)'], [5, 2, 12]),
  hand('h-enc-layer-4d', ['nn.TransformerEncoderLayer(16, 4, 32)'], [5, 2, 3, 16]),
  hand('h-encoder', ['nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32, batch_first=True), 3, norm=nn.LayerNorm(16))', 'nn.Linear(16, 2)'], [2, 5, 16]),
  hand('h-encoder-bad', ['nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32), 2)'], [5, 2, 8]),
  net('h-decoder', ['self.dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(16, 4, 32), 2)', 'self.fc = nn.Linear(16, 2)'], ['mem = torch.randn(7, 2, 16)', 'return self.fc(self.dec(x, mem))'], [5, 2, 16], [
    'nn.TransformerDecoder(nn.TransformerDecoderLayer(16, 4, 32), 2)',
    'nn.Linear(16, 2)',
  ]),
  net('h-decoder-mem', ['self.dec = nn.TransformerDecoderLayer(16, 4, 32)'], ['mem = torch.randn(7, 2, 12)', 'return self.dec(x, mem)'], [5, 2, 16], ['nn.TransformerDecoderLayer(16, 4, 32)']),
  net('h-transformer', ['self.t = nn.Transformer(16, 4, 2, 1, 32)', 'self.fc = nn.Linear(16, 5)'], ['tgt = torch.randn(6, 2, 16)', 'return self.fc(self.t(x, tgt))'], [9, 2, 16], ['nn.Transformer(16, 4, 2, 1, 32)', 'nn.Linear(16, 5)']),
  net('h-transformer-bf', ['self.t = nn.Transformer(16, 4, 1, 1, 32, batch_first=True)'], ['tgt = torch.randn(3, 6, 16)', 'return self.t(x, tgt)'], [2, 9, 16], ['nn.Transformer(16, 4, 1, 1, 32, batch_first=True)']),
  net('h-transformer-feat', ['self.t = nn.Transformer(16, 4, 1, 1, 32)'], ['tgt = torch.randn(6, 2, 12)', 'return self.t(x, tgt)'], [9, 2, 16], ['nn.Transformer(16, 4, 1, 1, 32)']),
  hand('h-lstmcell', ['nn.LSTMCell(10, 20)'], [3, 10]),
  hand('h-grucell-1d', ['nn.GRUCell(10, 20, bias=False)', 'nn.Linear(20, 4)'], [10]),
  hand('h-rnncell-bad', ['nn.RNNCell(10, 20)'], [3, 12]),
  hand('h-grucell-rank', ['nn.GRUCell(10, 20)'], [2, 3, 10]),
  net('h-lstmcell-hx', ['self.cell = nn.LSTMCell(10, 20)'], ['h = torch.zeros(4, 20)', 'c = torch.zeros(4, 20)', 'return self.cell(x, (h, c))[0]'], [3, 10], ['nn.LSTMCell(10, 20)']),
  net('h-grucell-hx', ['self.cell = nn.GRUCell(10, 20)'], ['h = torch.zeros(3, 21)', 'return self.cell(x, h)'], [3, 10], ['nn.GRUCell(10, 20)']),
  hand('h-lrn', ['nn.LocalResponseNorm(3)', 'nn.Conv2d(4, 2, 3)'], [2, 4, 5, 5]),
  hand('h-lrn-rank', ['nn.LocalResponseNorm(3)'], [2, 4]),
  hand('h-unfold', ['nn.Unfold((2, 3), padding=1, stride=2)', 'nn.Linear(25, 4)'], [2, 3, 8, 9]),
  hand('h-unfold-small', ['nn.Unfold(5)'], [2, 3, 3, 3]),
  hand('h-fold', ['nn.Fold((4, 5), 2)', 'nn.Conv2d(3, 2, 2)'], [1, 12, 12]),
  hand('h-fold-blocks', ['nn.Fold((4, 5), 2)'], [1, 12, 11]),
  hand('h-fold-channels', ['nn.Fold((4, 5), 2)'], [1, 10, 12]),
  net('h-unpool', ['self.pool = nn.MaxPool2d(2, return_indices=True)', 'self.unpool = nn.MaxUnpool2d(2)', 'self.conv = nn.Conv2d(3, 4, 3)'], ['y, i = self.pool(x)', 'return self.conv(self.unpool(y, i, output_size=(9, 9)))'], [2, 3, 8, 8], [
    'nn.MaxPool2d(2, return_indices=True)',
    'nn.MaxUnpool2d(2)',
    'nn.Conv2d(3, 4, 3)',
  ]),
  net('h-unpool-bad', ['self.pool = nn.MaxPool1d(2, return_indices=True)', 'self.unpool = nn.MaxUnpool1d(2)'], ['y, i = self.pool(x)', 'return self.unpool(y, i, output_size=(12,))'], [2, 3, 8], [
    'nn.MaxPool1d(2, return_indices=True)',
    'nn.MaxUnpool1d(2)',
  ]),
  net('h-convT-size', ['self.up = nn.ConvTranspose2d(3, 8, 3, stride=2, padding=1)', 'self.conv = nn.Conv2d(8, 4, 3)'], ['return self.conv(self.up(x, output_size=(10, 10)))'], [2, 3, 5, 5], [
    'nn.ConvTranspose2d(3, 8, 3, stride=2, padding=1)',
    'nn.Conv2d(8, 4, 3)',
  ]),
  net('h-convT-size-bad', ['self.up = nn.ConvTranspose2d(3, 8, 3, stride=2, padding=1)'], ['return self.up(x, output_size=(11, 11))'], [2, 3, 5, 5], ['nn.ConvTranspose2d(3, 8, 3, stride=2, padding=1)']),
  hand('h-seq-lstm-linear', ['nn.LSTM(10, 20)', 'nn.Linear(20, 5)'], [5, 3, 10]),
  hand('h-seq-gru-relu', ['nn.GRU(10, 20)', 'nn.ReLU()'], [5, 3, 10]),
  net('h-lstm-h0', ['self.lstm = nn.LSTM(10, 20, num_layers=2, bidirectional=True)'], ['h0 = torch.zeros(2, 3, 20)', 'c0 = torch.zeros(2, 3, 20)', 'return self.lstm(x, (h0, c0))[0]'], [5, 3, 10], [
    'nn.LSTM(10, 20, num_layers=2, bidirectional=True)',
  ]),
  net('h-lstm-h0-ok', ['self.lstm = nn.LSTM(10, 20, num_layers=2, bidirectional=True)', 'self.fc = nn.Linear(40, 2)'], ['h0 = torch.zeros(4, 3, 20)', 'c0 = torch.zeros(4, 3, 20)', 'out, _ = self.lstm(x, (h0, c0))', 'return self.fc(out)'], [5, 3, 10], [
    'nn.LSTM(10, 20, num_layers=2, bidirectional=True)',
    'nn.Linear(40, 2)',
  ]),
  net('h-gru-h0-rank', ['self.gru = nn.GRU(10, 20)'], ['h0 = torch.zeros(3, 20)', 'return self.gru(x, h0)[0]'], [5, 3, 10], ['nn.GRU(10, 20)']),
  net('h-gru-bf-h0', ['self.gru = nn.GRU(10, 20, batch_first=True)'], ['h0 = torch.zeros(1, 5, 20)', 'return self.gru(x, h0)[0]'], [3, 5, 10], ['nn.GRU(10, 20, batch_first=True)']),
  net('h-chunk', ['self.fc = nn.Linear(3, 2)'], ['a, b, c = x.chunk(3, dim=1)', 'return self.fc(c)'], [2, 7, 4], ['nn.Linear(3, 2)']),
  net('h-split', ['self.fc = nn.Linear(5, 2)'], ['a, b = torch.split(x, [2, 5], dim=-1)', 'return self.fc(b)'], [2, 7], ['nn.Linear(5, 2)']),
  net('h-split-bad', ['self.fc = nn.Linear(5, 2)'], ['a, b = x.split([2, 4], 1)', 'return self.fc(b)'], [2, 7], ['nn.Linear(5, 2)']),
  net('h-tensor-split', ['self.fc = nn.Linear(6, 2)'], ['a, b, c = torch.tensor_split(x, [1, 5], dim=1)', 'return self.fc(b.flatten(1))'], [2, 7, 3, 2], ['nn.Linear(6, 2)']),
  net('h-unbind', ['self.fc = nn.Linear(4, 2)'], ['parts = x.unbind(1)', 'return self.fc(parts[2])'], [2, 7, 3], ['nn.Linear(4, 2)']),
  net('h-unflatten', ['self.conv = nn.Conv2d(3, 4, 3)'], ['return self.conv(x.unflatten(-1, (6, -1)))'], [2, 3, 36], ['nn.Conv2d(3, 4, 3)']),
  net('h-unflatten-bad', ['self.conv = nn.Conv2d(3, 4, 3)'], ['return self.conv(torch.unflatten(x, -1, (5, -1)))'], [2, 3, 36], ['nn.Conv2d(3, 4, 3)']),
  net('h-einsum', ['self.fc = nn.Linear(5, 2)'], ['w = torch.randn(2, 4, 5)', 'return self.fc(torch.einsum("bij,bjk->bik", x, w))'], [2, 3, 4], ['nn.Linear(5, 2)']),
  net('h-einsum-bad', ['self.fc = nn.Linear(5, 2)'], ['w = torch.randn(2, 5, 5)', 'return self.fc(torch.einsum("bij,bjk->bik", x, w))'], [2, 3, 4], ['nn.Linear(5, 2)']),
  net('h-matmul-fold', ['self.fc = nn.Linear(6, 2)'], ['w = torch.randn(5, 6)', 'return self.fc(x @ w)'], [2, 3, 4], ['nn.Linear(6, 2)']),
  net('h-matmul-batch', ['self.fc = nn.Linear(6, 2)'], ['w = torch.randn(2, 5, 6)', 'return self.fc(torch.matmul(x, w))'], [7, 2, 3, 4], ['nn.Linear(6, 2)']),
  net('h-bmm', ['self.fc = nn.Linear(6, 2)'], ['w = torch.randn(3, 4, 6)', 'return self.fc(torch.bmm(x, w))'], [2, 3, 4], ['nn.Linear(6, 2)']),
  net('h-cat-axis', ['self.fc = nn.Linear(6, 2)'], ['return self.fc(torch.cat([x, x], dim=2))'], [2, 3], ['nn.Linear(6, 2)']),
  hand('h-flatten0', ['nn.Flatten(start_dim=0)', 'nn.Linear(24, 2)'], [2, 3, 4]),
  hand('h-unbatched-pool', ['nn.Conv2d(3, 4, 3)', 'nn.AvgPool2d(2)', 'nn.MaxPool2d(2)'], [3, 10, 10]),
  hand('h-glu', ['nn.GLU(1)', 'nn.Linear(4, 2)'], [2, 8]),
  hand('h-glu-odd', ['nn.GLU(1)'], [2, 7]),
  hand('h-lppool', ['nn.LPPool2d(2, 3, stride=2, ceil_mode=True)', 'nn.Conv2d(4, 2, 2)'], [2, 4, 10, 9]),
  hand('h-fracpool', ['nn.FractionalMaxPool2d(3, output_size=5)', 'nn.Conv2d(4, 2, 2)'], [2, 4, 10, 9]),
  hand('h-rmsnorm', ['nn.RMSNorm([4, 8])', 'nn.Linear(8, 2)'], [2, 4, 8]),
  hand('h-rmsnorm-bad', ['nn.RMSNorm(8)'], [2, 7]),
  hand('h-lazybn', ['nn.LazyBatchNorm2d()', 'nn.Conv2d(4, 2, 3)'], [2, 4, 5, 5]),
  hand('h-channelshuffle', ['nn.ChannelShuffle(3)'], [2, 4, 3, 3]),
  hand('h-crossmap', ['nn.CrossMapLRN2d(3)'], [2, 4, 3]),
  hand('h-shrink', ['nn.Hardshrink()', 'nn.Softshrink()', 'nn.Threshold(0.1, 0.0)', 'nn.RReLU()', 'nn.Linear(5, 2)'], [2, 5]),
  net('h-fconv', ['self.fc = nn.Linear(8, 2)'], ['w = torch.randn(6, 3, 3, 3)', 'return self.fc(F.conv2d(x, w, padding=1))'], [2, 3, 8, 8], ['nn.Linear(8, 2)']),
  net('h-fconv-bad', ['self.fc = nn.Linear(8, 2)'], ['w = torch.randn(6, 3, 3, 3)', 'return self.fc(F.conv2d(x, w))'], [2, 4, 8, 8], ['nn.Linear(8, 2)']),
  net('h-sdpa', ['self.fc = nn.Linear(6, 2)'], ['k = torch.randn(2, 4, 7, 8)', 'v = torch.randn(2, 4, 7, 6)', 'return self.fc(F.scaled_dot_product_attention(x, k, v))'], [2, 4, 5, 8], ['nn.Linear(6, 2)']),
  net('h-cosine', ['self.cos = nn.CosineSimilarity(dim=1)', 'self.fc = nn.Linear(3, 2)'], ['return self.fc(self.cos(x, x))'], [2, 8, 3], ['nn.CosineSimilarity(dim=1)', 'nn.Linear(3, 2)']),
];


export const HAND_CASES: TorchCase[] = [
  raw(
    'h-class-view',
    `${CLASS_HEAD}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, 3)
        self.fc = nn.Linear(32 * 13 * 13, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc(x)


model = Net()
x = torch.randn(4, 1, 28, 28)
y = model(x)
`,
    ['nn.Conv2d(1, 32, 3)', 'nn.Linear(32 * 13 * 13, 10)'],
  ),
  raw(
    'h-class-view-bad',
    `${CLASS_HEAD}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, 3)
        self.fc = nn.Linear(32 * 14 * 14, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc(x)


model = Net()
x = torch.randn(4, 1, 28, 28)
y = model(x)
`,
    ['nn.Conv2d(1, 32, 3)', 'nn.Linear(32 * 14 * 14, 10)'],
  ),
  raw(
    'h-class-cat',
    `${CLASS_HEAD}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, padding=1)
        self.b = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return torch.cat([self.a(x), self.b(x)], dim=1)


model = Net()
x = torch.randn(2, 3, 16, 16)
y = model(x)
`,
    ['nn.Conv2d(3, 8, 3, padding=1)', 'nn.Conv2d(3, 8, 3)'],
  ),
  raw(
    'h-class-reshape-bad',
    `${CLASS_HEAD}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(24, 10)

    def forward(self, x):
        x = x.view(2, -1, 5)
        return self.fc(x)


model = Net()
x = torch.randn(2, 3, 4)
y = model(x)
`,
    ['nn.Linear(24, 10)'],
  ),
  // §6.2: NHWC data fed to a channels-first model.
  hand('h-nhwc', ['nn.Conv2d(3, 128, 3)', 'nn.MaxPool2d(2, 2)', 'nn.Flatten()', 'nn.Linear(10, 2)'], [32, 80, 120, 3]),
  hand('h-nhwc-fixed-in', ['nn.Conv2d(80, 128, 3)', 'nn.MaxPool2d(2, 2)'], [32, 80, 120, 3]),
  hand('h-nhwc-ceil', ['nn.Conv2d(80, 128, 3)', 'nn.MaxPool2d(2, 2, ceil_mode=True)'], [32, 80, 120, 3]),
  hand('h-lazy', ['nn.LazyConv2d(128, 3)', 'nn.MaxPool2d(2, 2)'], [32, 80, 120, 3]),
  // A correct port: (B,3,80,120) with padding 1, 605,954 params as in §6.1.
  hand(
    'h-port',
    ['nn.Conv2d(3, 128, 3, padding=1)', 'nn.ReLU()', 'nn.MaxPool2d(2, 2)', 'nn.Conv2d(128, 256, 3, padding=1)', 'nn.MaxPool2d(2)', 'nn.Flatten()', 'nn.Linear(153600, 2)'],
    [2, 3, 80, 120],
  ),
  hand('h-kernel', ['nn.Conv2d(3, 8, 7)'], [2, 3, 5, 5]),
  hand('h-linear', ['nn.Flatten()', 'nn.Linear(4096, 10)'], [32, 1, 96, 96]),
  hand('h-linear-4d', ['nn.Linear(5, 6)'], [1, 5, 128, 16]),
  hand('h-bn', ['nn.Conv2d(3, 32, 3)', 'nn.BatchNorm2d(64)'], [2, 3, 8, 8]),
  hand('h-bn-rank', ['nn.BatchNorm2d(3)'], [2, 3, 8]),
  hand('h-same-stride', ['nn.Conv2d(3, 8, 3, stride=2, padding="same")'], [2, 3, 8, 8]),
  hand('h-same', ['nn.Conv2d(3, 8, 4, padding="same", dilation=2)'], [2, 3, 9, 9]),
  hand('h-pool-pad', ['nn.MaxPool2d(3, padding=2)'], [2, 4, 8, 8]),
  hand('h-pool-ceil', ['nn.MaxPool2d(2, stride=2, padding=1, ceil_mode=True)'], [2, 4, 3, 3]),
  hand('h-unbatched', ['nn.Conv2d(3, 8, 3)', 'nn.MaxPool2d(2)', 'nn.AdaptiveAvgPool2d((None, 2))'], [3, 16, 16]),
  hand('h-convT', ['nn.ConvTranspose2d(3, 8, 3, stride=2, padding=1, output_padding=1)'], [2, 3, 5, 5]),
  hand('h-convT-dil', ['nn.ConvTranspose1d(3, 8, 3, 2, 1, 1, 1, True, 2)'], [2, 3, 5]),
  hand('h-lstm', ['nn.LSTM(10, 20, 2, bidirectional=True)'], [5, 3, 10]),
  hand('h-lstm-bad', ['nn.LSTM(10, 20)'], [5, 3, 20]),
  hand('h-gru', ['nn.GRU(10, 20)'], [5, 3, 10]),
  // Impossible sizes: PyTorch raises when the module is called; nothing is computed from them.
  hand('h-stride0', ['nn.Conv2d(3, 8, 3, stride=0)', 'nn.Flatten()', 'nn.Linear(100, 10)'], [1, 3, 16, 16]),
  hand('h-kernel0', ['nn.Conv2d(3, 8, 0)'], [1, 3, 16, 16]),
  hand('h-kernel0-1d', ['nn.Conv1d(3, 8, 0)'], [1, 3, 16]),
  hand('h-kernel0-3d', ['nn.Conv3d(3, 8, 0)'], [1, 3, 8, 8, 8]),
  hand('h-kernel-neg', ['nn.Conv2d(3, 8, -1)'], [1, 3, 16, 16]),
  hand('h-dilation0', ['nn.Conv2d(3, 8, 3, dilation=0)'], [1, 3, 16, 16]),
  hand('h-dilation0-1d', ['nn.Conv1d(3, 8, 3, dilation=0)'], [1, 3, 16]),
  hand('h-convT-dilation0', ['nn.ConvTranspose2d(3, 8, 3, dilation=0)'], [1, 3, 16, 16]),
  hand('h-pad-neg', ['nn.Conv2d(3, 8, 3, padding=-1)'], [1, 3, 16, 16]),
  hand('h-channels-then-stride0', ['nn.Conv2d(4, 8, 3, stride=0)'], [1, 3, 16, 16]),
  hand('h-channels-before-kernel0', ['nn.Conv2d(4, 8, 0)'], [1, 3, 16, 16]),
  hand('h-pool-stride0', ['nn.MaxPool2d(2, stride=0)'], [1, 3, 16, 16]),
  hand('h-pool-kernel0', ['nn.AvgPool2d(0, 1)'], [1, 3, 16, 16]),
  hand('h-pool-pad-neg', ['nn.AvgPool3d(2, padding=-1)'], [1, 3, 8, 8, 8]),
  hand('h-pool-dilation0', ['nn.MaxPool2d(2, dilation=0)'], [1, 3, 16, 16]),
  hand('h-maxpool1d-kernel0', ['nn.MaxPool1d(0)'], [1, 3, 16]),
  hand('h-maxpool1d-stride-neg', ['nn.MaxPool1d(2, -1)'], [1, 3, 16]),
  hand('h-convT-output-padding-neg', ['nn.ConvTranspose2d(3, 8, 3, stride=2, output_padding=-1)'], [1, 3, 8, 8]),
  hand('h-conv-out-neg', ['nn.Conv2d(3, -1, 3)'], [1, 3, 8, 8]),
  hand('h-linear-in-neg', ['nn.Flatten()', 'nn.Linear(-1, 10)'], [1, 3, 8, 8]),
  hand('h-upsample', ['nn.Upsample(scale_factor=1.5)'], [2, 6, 5, 5]),
  hand('h-pixelshuffle', ['nn.PixelShuffle(2)'], [2, 8, 4, 4]),
  hand('h-pixelshuffle-bad', ['nn.PixelShuffle(2)'], [2, 6, 4, 4]),
  hand('h-embedding-free', ['nn.Flatten()', 'nn.Linear(12, 4)', 'nn.Unflatten(1, (2, 2))'], [2, 3, 4]),
  hand('h-zeropad', ['nn.ZeroPad2d((1, 2, 3, 4))', 'nn.Conv2d(6, 2, 3)'], [2, 6, 3, 3]),
  hand('h-layernorm', ['nn.LayerNorm([3, 5])'], [2, 3, 4]),
  hand('h-groupnorm', ['nn.GroupNorm(2, 6)'], [2, 6, 4]),
  hand('h-avgpool1d-small', ['nn.AvgPool1d(3)'], [2, 4, 2]),
  hand('h-maxpool1d-small', ['nn.MaxPool1d(3)'], [2, 4, 2]),
  hand('h-avgpool3d-small', ['nn.AvgPool3d(3)'], [2, 4, 2, 5, 5]),
  hand('h-conv1d-rank', ['nn.Conv1d(3, 8, 3)'], [3, 5, 5, 5]),
  hand('h-groups', ['nn.Conv2d(4, 8, 3, groups=2)'], [2, 6, 12, 12]),
];
