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
