"""Shape stub: mxnet.gluon.model_zoo.vision Inception v3 (`inceptionv3`).

Architecture from Szegedy et al., "Rethinking the Inception Architecture for Computer Vision"
(2016), table 1 and figures 5-7, as MXNet 1.9's Gluon model zoo builds it (NCHW, converted from
torchvision, `python/mxnet/gluon/model_zoo/vision/inception.py`): every convolution is unbiased
and followed by BatchNorm (epsilon 0.001) and ReLU; the stem (3x3/2, 3x3, 3x3 padded, 3x3/2 max
pool, 1x1, 3x3, 3x3/2 max pool), three 35x35 modules (A), a grid reduction (B), four 17x17
modules with factorised 7x7 convolutions (C), a grid reduction (D) and two 8x8 modules (E),
each module's branches concatenated on the channel axis; no auxiliary head. The features end in
a fixed 8x8 average pool and dropout, so the last map must be at least 8x8 (299x299 inputs give
exactly 8x8), and a Dense head (2048 inputs once the pretrained weights are loaded).
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["Inception3", "inception_v3"]


def _basic_conv(channels, kernel_size, strides=1, padding=0, in_channels=0):
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(channels, kernel_size=kernel_size, strides=strides, padding=padding, use_bias=False, in_channels=in_channels))
    out.add(nn.BatchNorm(epsilon=0.001))
    out.add(nn.Activation("relu"))
    return out


def _branch(pool, *convs):
    """An optional pool ('avg': 3x3/1 padded, 'max': 3x3/2), then (channels, kernel, strides, padding) convolutions."""
    out = nn.HybridSequential(prefix="")
    if pool == "avg":
        out.add(nn.AvgPool2D(pool_size=3, strides=1, padding=1))
    elif pool == "max":
        out.add(nn.MaxPool2D(pool_size=3, strides=2))
    for channels, kernel, strides, padding in convs:
        out.add(_basic_conv(channels, kernel, strides, padding))
    return out


class _Concurrent(HybridBlock):
    """Branches applied to the same input and concatenated on axis 1 (Gluon's HybridConcurrent(axis=1))."""

    def __init__(self, branches, **kwargs):
        super(_Concurrent, self).__init__(**kwargs)
        self.branches = nn.HybridSequential(prefix="")
        for b in branches:
            self.branches.add(b)

    def hybrid_forward(self, F, x):
        return F.concat(*[b(x) for b in self.branches], dim=1)


def _make_A(pool_features):
    return _Concurrent([
        _branch(None, (64, 1, 1, 0)),
        _branch(None, (48, 1, 1, 0), (64, 5, 1, 2)),
        _branch(None, (64, 1, 1, 0), (96, 3, 1, 1), (96, 3, 1, 1)),
        _branch("avg", (pool_features, 1, 1, 0)),
    ])


def _make_B():
    return _Concurrent([
        _branch(None, (384, 3, 2, 0)),
        _branch(None, (64, 1, 1, 0), (96, 3, 1, 1), (96, 3, 2, 0)),
        _branch("max"),
    ])


def _make_C(c7):
    return _Concurrent([
        _branch(None, (192, 1, 1, 0)),
        _branch(None, (c7, 1, 1, 0), (c7, (1, 7), 1, (0, 3)), (192, (7, 1), 1, (3, 0))),
        _branch(None, (c7, 1, 1, 0), (c7, (7, 1), 1, (3, 0)), (c7, (1, 7), 1, (0, 3)), (c7, (7, 1), 1, (3, 0)), (192, (1, 7), 1, (0, 3))),
        _branch("avg", (192, 1, 1, 0)),
    ])


def _make_D():
    return _Concurrent([
        _branch(None, (192, 1, 1, 0), (320, 3, 2, 0)),
        _branch(None, (192, 1, 1, 0), (192, (1, 7), 1, (0, 3)), (192, (7, 1), 1, (3, 0)), (192, 3, 2, 0)),
        _branch("max"),
    ])


def _split_3x3():
    """A 1x3 and a 3x1 convolution side by side."""
    return _Concurrent([_branch(None, (384, (1, 3), 1, (0, 1))), _branch(None, (384, (3, 1), 1, (1, 0)))])


def _make_E():
    branch_3x3 = nn.HybridSequential(prefix="")
    branch_3x3.add(_branch(None, (384, 1, 1, 0)))
    branch_3x3.add(_split_3x3())
    branch_3x3dbl = nn.HybridSequential(prefix="")
    branch_3x3dbl.add(_branch(None, (448, 1, 1, 0), (384, 3, 1, 1)))
    branch_3x3dbl.add(_split_3x3())
    return _Concurrent([_branch(None, (320, 1, 1, 0)), branch_3x3, branch_3x3dbl, _branch("avg", (192, 1, 1, 0))])


class Inception3(HybridBlock):
    # `pretrained_in_channels` / `pretrained_in_units` stand for the loaded weights (0: inferred).
    def __init__(self, classes=1000, pretrained_in_channels=0, pretrained_in_units=0, **kwargs):
        super(Inception3, self).__init__(**kwargs)
        self.features = nn.HybridSequential(prefix="")
        self.features.add(_basic_conv(32, 3, 2, 0, pretrained_in_channels))
        self.features.add(_basic_conv(32, 3))
        self.features.add(_basic_conv(64, 3, 1, 1))
        self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
        self.features.add(_basic_conv(80, 1))
        self.features.add(_basic_conv(192, 3))
        self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
        self.features.add(_make_A(32))
        self.features.add(_make_A(64))
        self.features.add(_make_A(64))
        self.features.add(_make_B())
        self.features.add(_make_C(128))
        self.features.add(_make_C(160))
        self.features.add(_make_C(160))
        self.features.add(_make_C(192))
        self.features.add(_make_D())
        self.features.add(_make_E())
        self.features.add(_make_E())
        self.features.add(nn.AvgPool2D(pool_size=8))
        self.features.add(nn.Dropout(0.5))
        self.output = nn.Dense(classes, in_units=pretrained_in_units)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def inception_v3(pretrained=False, ctx=None, root=None, **kwargs):
    # The loaded weights fix the shapes Gluon would otherwise infer: 3 input channels and the head's 2048 inputs.
    if pretrained:
        return Inception3(pretrained_in_channels=3, pretrained_in_units=2048, **kwargs)
    return Inception3(**kwargs)
