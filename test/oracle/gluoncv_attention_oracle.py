"""GluonCV's Residual Attention Networks rebuilt in real PyTorch: parameter counts and the image sizes that run.

The layers follow GluonCV's residual_attentionnet.py (Wang et al., 2017): pre-activation bottleneck
units, attention modules whose mask branch max-pools down and resizes back up to FIXED sizes, and a
fixed average pool before the 1x1 classifier. Gluon counts each batch norm's running mean and
variance among a model's parameters, so every count adds the running statistics. MXNet's
elemwise_add needs identical shapes (no broadcasting), so each such addition asserts equal shapes.

Prints one JSON object: {"counts": {name: n}, "runs": {name: [sizes that run]}} where the sizes
tried are listed in TRIED (on the meta device: shapes only, no arithmetic).
"""
import json

import torch
from torch import nn
from torch.nn import functional as F


def same_add(a, b):
    if a.shape != b.shape:
        raise ValueError(f"elemwise_add of {tuple(a.shape)} and {tuple(b.shape)}")
    return a + b


class Unit(nn.Module):
    """Pre-activation bottleneck: BN-ReLU-1x1 (c/4), BN-ReLU-3x3 (c/4, stride), BN-ReLU-1x1 (c); 1x1 projection if the shape changes."""

    def __init__(self, cin, c, stride=1):
        super().__init__()
        self.bn1, self.conv1 = nn.BatchNorm2d(cin), nn.Conv2d(cin, c // 4, 1, bias=False)
        self.bn2, self.conv2 = nn.BatchNorm2d(c // 4), nn.Conv2d(c // 4, c // 4, 3, stride, 1, bias=False)
        self.bn3, self.conv3 = nn.BatchNorm2d(c // 4), nn.Conv2d(c // 4, c, 1, bias=False)
        self.project = nn.Conv2d(cin, c, 1, stride, bias=False) if stride != 1 or cin != c else None

    def forward(self, x):
        pre = F.relu(self.bn1(x))
        out = self.conv3(F.relu(self.bn3(self.conv2(F.relu(self.bn2(self.conv1(pre)))))))
        return out + (self.project(pre) if self.project is not None else x)


def units(n, c):
    return nn.Sequential(*[Unit(c, c) for _ in range(n)])


class Module(nn.Module):
    """An attention module; `sizes` are the fixed sizes the mask branch resizes to, outermost first."""

    def __init__(self, c, sizes, p, t, r):
        super().__init__()
        self.sizes = sizes
        self.first, self.trunk = units(p, c), units(t, c)
        levels = len(sizes)
        self.down = nn.ModuleList([units(2 * r if i == levels - 1 else r, c) for i in range(levels)])
        self.skip = nn.ModuleList([Unit(c, c) for _ in range(levels - 1)])
        self.up = nn.ModuleList([units(r, c) for _ in range(levels - 1)])
        self.bottom = units(2 * r, c) if levels == 0 else None
        self.mask = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
                                  nn.Conv2d(c, c, 1, bias=False), nn.Sigmoid())
        self.last = Unit(c, c)

    def forward(self, x):
        x = self.first(x)
        trunk = self.trunk(x)
        if not self.sizes:
            y = self.bottom(x)
        else:
            outs, skips, y = [], [], x
            for i, down in enumerate(self.down):
                y = down(F.max_pool2d(y, 3, 2, 1))
                if i < len(self.skip):
                    outs.append(y)
                    skips.append(self.skip[i](y))
            for i in range(len(self.sizes) - 1, 0, -1):
                y = F.interpolate(y, size=(self.sizes[i], self.sizes[i]), mode="bilinear", align_corners=True)
                y = self.up[i - 1](same_add(same_add(y, outs[i - 1]), skips[i - 1]))
            y = same_add(F.interpolate(y, size=(self.sizes[0], self.sizes[0]), mode="bilinear", align_corners=True), trunk)
        mask = self.mask(y)
        return self.last((1 + mask) * trunk)


SPEC = {56: ((1, 1, 1), (1, 2, 1)), 92: ((1, 2, 3), (1, 2, 1)), 128: ((2, 3, 4), (1, 2, 1)), 164: ((3, 4, 5), (1, 2, 1)),
        200: ((4, 5, 6), (1, 2, 1)), 236: ((5, 6, 7), (1, 2, 1)), 452: ((5, 6, 7), (2, 4, 3))}


def network(depth, cifar):
    m, (p, t, r) = SPEC[depth]
    if cifar:
        stem = [nn.Conv2d(3, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU()]
        widths, strides, sizes, pool, classes, cin = (128, 256, 512, 1024), (1, 2, 2, 1), ((32, 16), (16,), ()), 8, 10, 32
    else:
        stem = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
        widths, strides, sizes, pool, classes, cin = (256, 512, 1024, 2048), (1, 2, 2, 2), ((56, 28, 14), (28, 14), (14,)), 7, 1000, 64
    layers = stem
    for stage in range(3):
        layers.append(Unit(cin, widths[stage], strides[stage]))
        layers += [Module(widths[stage], sizes[stage], p, t, r) for _ in range(m[stage])]
        cin = widths[stage]
    layers += [Unit(cin, widths[3], strides[3]), Unit(widths[3], widths[3]), Unit(widths[3], widths[3]),
               nn.BatchNorm2d(widths[3]), nn.ReLU(), nn.AvgPool2d(pool, 1), nn.Conv2d(widths[3], classes, 1), nn.Flatten()]
    return nn.Sequential(*layers)


def gluon_count(model):
    stats = sum(b.numel() for name, b in model.named_buffers() if "running" in name)
    return sum(p.numel() for p in model.parameters()) + stats


def runs(model, size):
    try:
        out = model(torch.zeros(1, 3, size, size, device="meta"))
        return tuple(out.shape) == (1, model[-2].out_channels)
    except (ValueError, RuntimeError):
        return False


TRIED = {False: [64, 112, 220, 221, 222, 223, 224, 225, 256], True: [16, 28, 31, 32, 33, 64]}
NAMES = [(f"residualattentionnet{d}", d, False) for d in SPEC] + [(f"cifar_residualattentionnet{d}", d, True) for d in (56, 92, 452)]

result = {"counts": {}, "runs": {}}
for name, depth, cifar in NAMES:
    with torch.device("meta"):
        model = network(depth, cifar).eval()
    result["counts"][name] = gluon_count(model)
    if depth in (56, 92):
        with torch.no_grad():
            result["runs"][name] = [s for s in TRIED[cifar] if runs(model, s)]
print(json.dumps(result))
