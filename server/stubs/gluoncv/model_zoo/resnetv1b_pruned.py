"""Shape stub: gluoncv.model_zoo pruned ResNetV1b/V1d (`resnet18_v1b_0.89`, `resnet50_v1d_0.86`,
`resnet50_v1d_0.48`, `resnet50_v1d_0.37`, `resnet50_v1d_0.11`, `resnet101_v1d_0.76`, `resnet101_v1d_0.73`).

GluonCV builds these (`gluoncv/model_zoo/pruned_resnet/resnetv1b_pruned.py`) as its ResNetV1b
(`resnet18_v1b`: 7x7 stem, basic blocks; the others `resnet50/101_v1d`: deep stem of three 3x3
convolutions, bottlenecks, average-pooled shortcuts) and then overwrites every convolution's
weight shape, so its output channels, with the shapes stored in a JSON file named after the
speed-up: `resnet18_v1b_2.6x.json`, `resnet50_v1d_1.8x.json` (0.86), `resnet50_v1d_3.6x.json`
(0.48), `resnet50_v1d_5.9x.json` (0.37), `resnet50_v1d_8.8x.json` (0.11), `resnet101_v1d_1.9x.json`
(0.76), `resnet101_v1d_2.2x.json` (0.73), all in `gluoncv/model_zoo/pruned_resnet/`. `_PRUNED`
below holds those files' output channels (architecture data, not code): the stem convolutions'
widths, and per stage its output width (the last convolution of every block and the shortcut
projection) and, per block, the widths of its inner convolutions. The JSON shapes also fix
every convolution's input channels, so the first takes exactly 3 channels, pretrained or not,
and the Dense head's `in_units` (the last stage's width). The batch norms take their channels
from the data. Global average pooling: any image of at least 32 px.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["PrunedResNetV1b", "resnet18_v1b_89", "resnet50_v1d_86", "resnet50_v1d_48", "resnet50_v1d_37",
           "resnet50_v1d_11", "resnet101_v1d_76", "resnet101_v1d_73"]

# name: (stem widths, ((stage width, (inner widths per block, ...)), ...)). Basic blocks have one
# inner width (their first 3x3), bottlenecks two (their 1x1 and 3x3).
_PRUNED = {
    "resnet18_v1b_0.89": ((8,), ((8, ((8,), (8,))), (56, ((120,), (128,))), (208, ((256,), (256,))), (512, ((512,), (512,))))),
    "resnet50_v1d_0.86": ((16, 24, 40), (
        (80, ((16, 32), (8, 16), (16, 24))),
        (280, ((32, 88), (56, 120), (80, 88), (72, 80))),
        (856, ((128, 248), (168, 240), (256, 248), (216, 200), (248, 256), (232, 256))),
        (2048, ((480, 512), (512, 512), (512, 512))))),
    "resnet50_v1d_0.48": ((16, 16, 32), (
        (32, ((16, 8), (8, 8), (8, 8))),
        (128, ((16, 72), (72, 72), (72, 104), (64, 40))),
        (320, ((32, 80), (64, 104), (136, 200), (128, 216), (104, 112), (120, 96))),
        (1920, ((56, 64), (512, 504), (504, 456))))),
    "resnet50_v1d_0.37": ((8, 8, 8), (
        (16, ((8, 8), (8, 8), (8, 8))),
        (72, ((8, 56), (8, 56), (64, 88), (16, 48))),
        (192, ((8, 8), (8, 96), (112, 224), (8, 104), (8, 80), (144, 216))),
        (1336, ((96, 280), (504, 480), (480, 400))))),
    "resnet50_v1d_0.11": ((8, 8, 8), (
        (8, ((8, 8), (8, 8), (8, 8))),
        (16, ((8, 24), (8, 8), (8, 8), (8, 8))),
        (80, ((8, 16), (24, 48), (56, 208), (120, 88), (88, 64), (40, 200))),
        (784, ((80, 192), (264, 48), (152, 400))))),
    "resnet101_v1d_0.76": ((16, 32, 48), (
        (80, ((48, 48), (16, 16), (8, 8))),
        (216, ((8, 8), (88, 128), (128, 128), (128, 128))),
        (384, ((224, 256),) + ((256, 256),) * 22),
        (2048, ((512, 512), (512, 512), (512, 512))))),
    "resnet101_v1d_0.73": ((16, 24, 32), (
        (40, ((16, 16), (8, 8), (24, 16))),
        (200, ((32, 128), (72, 112), (8, 8), (96, 96))),
        (392, ((72, 176),) + ((256, 256),) * 11 + ((256, 8),) + ((256, 256),) * 10),
        (2048, ((512, 512), (512, 512), (512, 512))))),
}


def _conv_bn(block, channels, kernel_size, strides=1, in_channels=0):
    block.add(nn.Conv2D(channels=channels, kernel_size=kernel_size, strides=strides, padding=kernel_size // 2, use_bias=False,
                        in_channels=in_channels))
    block.add(nn.BatchNorm())


class PrunedResidual(HybridBlock):
    """A basic block (two 3x3) or a bottleneck (1x1, 3x3, 1x1) with pruned widths; the stride on the 3x3."""

    def __init__(self, inner, width, strides=1, downsample=None, **kwargs):
        super(PrunedResidual, self).__init__()
        self.body = nn.HybridSequential(prefix="")
        if len(inner) == 1:
            _conv_bn(self.body, inner[0], 3, strides)
            self.body.add(nn.Activation("relu"))
        else:
            _conv_bn(self.body, inner[0], 1)
            self.body.add(nn.Activation("relu"))
            _conv_bn(self.body, inner[1], 3, strides)
            self.body.add(nn.Activation("relu"))
        _conv_bn(self.body, width, 1 if len(inner) == 2 else 3)
        self.downsample = downsample
        self.relu = nn.Activation("relu")

    def hybrid_forward(self, F, x):
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu(self.body(x) + residual)


class PrunedResNetV1b(HybridBlock):
    def __init__(self, name, classes=1000, **kwargs):
        super(PrunedResNetV1b, self).__init__()
        stem, stages = _PRUNED[name]
        bottleneck = len(stem) == 3
        self.conv1 = nn.HybridSequential(prefix="")
        if bottleneck:
            _conv_bn(self.conv1, stem[0], 3, 2, in_channels=3)
            self.conv1.add(nn.Activation("relu"))
            _conv_bn(self.conv1, stem[1], 3)
            self.conv1.add(nn.Activation("relu"))
            _conv_bn(self.conv1, stem[2], 3)
        else:
            _conv_bn(self.conv1, stem[0], 7, 2, in_channels=3)
        self.relu = nn.Activation("relu")
        self.maxpool = nn.MaxPool2D(pool_size=3, strides=2, padding=1)
        self.features = nn.HybridSequential(prefix="")
        for i, (width, blocks) in enumerate(stages):
            strides = 1 if i == 0 else 2
            downsample = None
            # GluonCV's ResNetV1b adds a projection where the unpruned widths change: in every
            # stage of the bottleneck networks, from the second stage of ResNet-18.
            if bottleneck or i > 0:
                downsample = nn.HybridSequential(prefix="")
                if bottleneck:
                    downsample.add(nn.AvgPool2D(pool_size=strides, strides=strides, ceil_mode=True, count_include_pad=False))
                    _conv_bn(downsample, width, 1)
                else:
                    _conv_bn(downsample, width, 1, strides)
            layer = nn.HybridSequential(prefix="")
            layer.add(PrunedResidual(blocks[0], width, strides, downsample))
            for inner in blocks[1:]:
                layer.add(PrunedResidual(inner, width))
            self.features.add(layer)
        self.avgpool = nn.GlobalAvgPool2D()
        self.flat = nn.Flatten()
        self.fc = nn.Dense(in_units=stages[-1][0], units=classes)

    def hybrid_forward(self, F, x):
        x = self.maxpool(self.relu(self.conv1(x)))
        x = self.flat(self.avgpool(self.features(x)))
        return self.fc(x)


def _pruned(name, pretrained=False, ctx=None, root=None, classes=1000, **kwargs):
    return PrunedResNetV1b(name, classes=classes)


def resnet18_v1b_89(**kwargs):
    return _pruned("resnet18_v1b_0.89", **kwargs)


def resnet50_v1d_86(**kwargs):
    return _pruned("resnet50_v1d_0.86", **kwargs)


def resnet50_v1d_48(**kwargs):
    return _pruned("resnet50_v1d_0.48", **kwargs)


def resnet50_v1d_37(**kwargs):
    return _pruned("resnet50_v1d_0.37", **kwargs)


def resnet50_v1d_11(**kwargs):
    return _pruned("resnet50_v1d_0.11", **kwargs)


def resnet101_v1d_76(**kwargs):
    return _pruned("resnet101_v1d_0.76", **kwargs)


def resnet101_v1d_73(**kwargs):
    return _pruned("resnet101_v1d_0.73", **kwargs)
