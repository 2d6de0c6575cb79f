"""GluonCV's HRNet classifiers and DLA-34 rebuilt in real PyTorch, for their parameter counts and
the input sizes they accept.

The layers follow GluonCV 0.10's `hrnet.py` and `dla.py` (unbiased convolutions with batch norms;
HRNet fuses a lower branch through a 1x1 convolution and nearest upsampling by 2**(j - i), a
higher one through stride-2 3x3 convolutions; DLA's tree blocks add a 2x2 max-pooled residual).
PyTorch's padded convolutions, floor-mode max pooling, nearest upsampling and broadcasting add
compute the same sizes as MXNet's, so a size that fails here fails in MXNet. Every add that
MXNet broadcasts (NDArray `+`, `broadcast_add`) goes through `badd`, which reports the two
operand shapes as MXNet does when they cannot broadcast.

Prints one JSON object: `counts` (Gluon's count: parameters plus the batch norms' running mean
and variance), `trainable` (torch's parameters alone) and `runs`: [name, size, output shape or
the error].
"""
import json

import torch
from torch import nn
import torch.nn.functional as F


class ShapeError(Exception):
    pass


def badd(a, b):
    try:
        torch.broadcast_shapes(a.shape, b.shape)
    except RuntimeError:
        raise ShapeError("operands could not be broadcast together with shapes %s %s" % (
            "[" + ",".join(map(str, a.shape)) + "]", "[" + ",".join(map(str, b.shape)) + "]"))
    return a + b


def cbr(cin, cout, k, stride=1, relu=True, bias=False):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, bias=bias), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, nn.ReLU()) if relu else nn.Sequential(*layers)


# ---------------------------------------------------------------------------------------------- HRNet

class Basic(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.body = nn.Sequential(cbr(cin, cout, 3), cbr(cout, cout, 3, relu=False))
        self.proj = cbr(cin, cout, 1, relu=False) if cin != cout else None

    def forward(self, x):
        return F.relu(badd(self.body(x), x if self.proj is None else self.proj(x)))


class Bottleneck(Basic):
    def __init__(self, cin, cout):
        nn.Module.__init__(self)
        w = cout // 4
        self.body = nn.Sequential(cbr(cin, w, 1), cbr(w, w, 3), cbr(w, cout, 1, relu=False))
        self.proj = cbr(cin, cout, 1, relu=False) if cin != cout else None


class Exchange(nn.Module):
    """One HRNet module: `blocks` basic blocks per branch, then the fusion."""

    def __init__(self, widths, blocks):
        super().__init__()
        self.branches = nn.ModuleList(nn.Sequential(*[Basic(w, w) for _ in range(blocks)]) for w in widths)
        self.paths = nn.ModuleList()
        for i, wi in enumerate(widths):
            row = nn.ModuleList()
            for j, wj in enumerate(widths):
                if j > i:
                    row.append(cbr(wj, wi, 1, relu=False))
                elif j == i:
                    row.append(nn.Identity())
                else:
                    row.append(nn.Sequential(*[cbr(wj, wj, 3, 2) for _ in range(i - j - 1)], cbr(wj, wi, 3, 2, relu=False)))
            self.paths.append(row)

    def forward(self, xs):
        xs = [b(x) for b, x in zip(self.branches, xs)]
        out = []
        for i, row in enumerate(self.paths):
            y = row[0](xs[0])
            for j in range(1, len(xs)):
                z = row[j](xs[j])
                y = badd(y, F.interpolate(z, scale_factor=2 ** (j - i), mode="nearest") if j > i else z)
            out.append(F.relu(y))
        return out


class HRNet(nn.Module):
    def __init__(self, bottlenecks, bwidth, modules, blocks, w, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(cbr(3, 64, 3, 2), cbr(64, 64, 3, 2))
        self.layer1 = nn.Sequential(Bottleneck(64, 4 * bwidth), *[Bottleneck(4 * bwidth, 4 * bwidth) for _ in range(bottlenecks - 1)])
        before = [4 * bwidth]
        self.transitions = nn.ModuleList()
        self.stages = nn.ModuleList()
        for s, count in enumerate(modules):
            after = [w * 2 ** b for b in range(s + 2)]
            t = nn.ModuleList(cbr(before[b], after[b], 3) if after[b] != before[b] else nn.Identity() for b in range(len(before)))
            t.append(cbr(before[-1], after[-1], 3, 2))
            self.transitions.append(t)
            self.stages.append(nn.ModuleList(Exchange(after, blocks) for _ in range(count)))
            before = after
        head = [128, 256, 512, 1024]
        self.incre = nn.ModuleList(Bottleneck(c, h) for c, h in zip(before, head))
        self.down = nn.ModuleList(cbr(head[i], head[i + 1], 3, 2, bias=True) for i in range(3))
        self.final = cbr(1024, 2048, 1, bias=True)
        self.fc = nn.Linear(2048, classes)

    def forward(self, x):
        ys = [self.layer1(self.stem(x))]
        for t, stage in zip(self.transitions, self.stages):
            xs = [t[i](ys[min(i, len(ys) - 1)]) for i in range(len(t))]
            for m in stage:
                xs = m(xs)
            ys = xs
        y = self.incre[0](ys[0])
        for i in range(3):
            y = badd(self.incre[i + 1](ys[i + 1]), self.down[i](y))
        return self.fc(self.final(y).mean((2, 3)))


HRNETS = {
    "hrnet_w18_small_v1_c": (1, 32, (1, 1, 1), 2, 16),
    "hrnet_w18_small_v2_c": (2, 64, (1, 3, 2), 2, 18),
    **{"hrnet_w%d_c" % w: (4, 64, (1, 4, 3), 4, w) for w in (18, 30, 32, 40, 44, 48, 64)},
}

# ---------------------------------------------------------------------------------------------- DLA-34


class DlaBasic(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.body = nn.Sequential(cbr(cin, cout, 3, stride), cbr(cout, cout, 3, relu=False))

    def forward(self, x, residual=None):
        return F.relu(badd(self.body(x), x if residual is None else residual))


class Tree(nn.Module):
    def __init__(self, levels, cin, cout, stride=1, level_root=False, root_dim=0):
        super().__init__()
        root_dim = (root_dim or 2 * cout) + (cin if level_root else 0)
        self.levels, self.level_root, self.stride = levels, level_root, stride
        self.project = None
        if levels == 1:
            self.tree1, self.tree2 = DlaBasic(cin, cout, stride), DlaBasic(cout, cout)
            self.project = cbr(cin, cout, 1, relu=False) if cin != cout else None
            self.root = cbr(root_dim, cout, 1)
        else:
            self.tree1 = Tree(levels - 1, cin, cout, stride)
            self.tree2 = Tree(levels - 1, cout, cout, root_dim=root_dim + cout)

    def forward(self, x, residual=None, children=None):
        children = [] if children is None else children
        bottom = F.max_pool2d(x, self.stride) if self.stride > 1 else x
        residual = self.project(bottom) if self.project is not None else bottom
        if self.level_root:
            children.append(bottom)
        x1 = self.tree1(x, residual)
        if self.levels == 1:
            x2 = self.tree2(x1)
            maps = [x2, x1, *children]
            if any(m.shape[2:] != maps[0].shape[2:] for m in maps):
                raise ShapeError("concat of %s" % [list(m.shape) for m in maps])
            return self.root(torch.cat(maps, 1))
        children.append(x1)
        return self.tree2(x1, None, children)


class Dla34(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        c = [16, 32, 64, 128, 256, 512]
        self.levels = nn.ModuleList([
            nn.Sequential(cbr(3, 16, 7), cbr(16, 16, 3)), cbr(16, 32, 3, 2),
            Tree(1, 32, 64, 2), Tree(2, 64, 128, 2, True), Tree(2, 128, 256, 2, True), Tree(1, 256, 512, 2, True),
        ])
        self.fc = nn.Linear(sum(c), classes)

    def forward(self, x):
        pooled = []
        for level in self.levels:
            x = level(x)
            pooled.append(x.mean((2, 3)))
        return self.fc(torch.cat(pooled, 1))


def gluon_count(model):
    stats = sum(b.numel() for name, b in model.named_buffers() if "running" in name)
    return sum(p.numel() for p in model.parameters()) + stats


def run(model, size):
    try:
        with torch.no_grad():
            return list(model(torch.zeros(2, 3, size, size)).shape)
    except ShapeError as e:
        return str(e)
    except RuntimeError as e:
        # torch's own errors (a pooling window larger than its input): the size fails.
        return "error: " + str(e).splitlines()[0]


models = {name: HRNet(*spec) for name, spec in HRNETS.items()}
models["dla34"] = Dla34()
for m in models.values():
    m.eval()
SIZES = {
    "hrnet_w18_small_v1_c": [224, 256, 96, 32, 200, 225, 16, 8, 4],
    "dla34": [224, 256, 223, 64, 32, 31, 200, 30, 16],
}
print(json.dumps({
    "counts": {name: gluon_count(m) for name, m in models.items()},
    "trainable": {name: sum(p.numel() for p in m.parameters()) for name, m in models.items()},
    "runs": [[name, size, run(models[name], size)] for name, sizes in SIZES.items() for size in sizes],
}))
