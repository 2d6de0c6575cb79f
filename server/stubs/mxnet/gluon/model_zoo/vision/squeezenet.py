"""Shape stub: mxnet.gluon.model_zoo.vision SqueezeNet 1.0 and 1.1.

Architecture from Iandola et al., "SqueezeNet: AlexNet-level accuracy with 50x fewer
parameters and <0.5MB model size" (2016) and its v1.1 revision, as the Gluon model zoo builds
it (NCHW): a stem convolution, eight fire modules (a 1x1 squeeze, then 1x1 and 3x3 expands
concatenated on the channel axis) between 3x3 stride-2 max pools with ceil mode, dropout,
a 1x1 convolution to the classes and a fixed 13x13 average pool: the final feature map must
be at least 13x13 (224x224 inputs give exactly 13x13).
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["SqueezeNet", "get_squeezenet", "squeezenet1_0", "squeezenet1_1"]


class Fire(HybridBlock):
    """A fire module; Gluon builds the two expands as a HybridConcurrent on axis 1."""

    def __init__(self, squeeze, expand1x1, expand3x3, **kwargs):
        super(Fire, self).__init__(**kwargs)
        self.squeeze = nn.Conv2D(squeeze, kernel_size=1, activation="relu")
        self.expand1x1 = nn.Conv2D(expand1x1, kernel_size=1, activation="relu")
        self.expand3x3 = nn.Conv2D(expand3x3, kernel_size=3, padding=1, activation="relu")

    def hybrid_forward(self, F, x):
        x = self.squeeze(x)
        return F.concat(self.expand1x1(x), self.expand3x3(x), dim=1)


class SqueezeNet(HybridBlock):
    def __init__(self, version, classes=1000, **kwargs):
        super(SqueezeNet, self).__init__(**kwargs)
        assert version in ["1.0", "1.1"], f"Unsupported SqueezeNet version {version}: 1.0 or 1.1 expected"
        self.features = nn.HybridSequential(prefix="")
        if version == "1.0":
            self.features.add(nn.Conv2D(96, kernel_size=7, strides=2, activation="relu"))
            pools_after = (2, 6)
            fires = [(16, 64), (16, 64), (32, 128), (32, 128), (48, 192), (48, 192), (64, 256), (64, 256)]
        else:
            self.features.add(nn.Conv2D(64, kernel_size=3, strides=2, activation="relu"))
            pools_after = (1, 3)
            fires = [(16, 64), (16, 64), (32, 128), (32, 128), (48, 192), (48, 192), (64, 256), (64, 256)]
        self.features.add(nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True))
        for i, (squeeze, expand) in enumerate(fires):
            self.features.add(Fire(squeeze, expand, expand))
            if i in pools_after:
                self.features.add(nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True))
        self.features.add(nn.Dropout(0.5))
        self.output = nn.HybridSequential(prefix="")
        self.output.add(nn.Conv2D(classes, kernel_size=1, activation="relu"))
        self.output.add(nn.AvgPool2D(13))
        self.output.add(nn.Flatten())

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_squeezenet(version, pretrained=False, ctx=None, root=None, **kwargs):
    return SqueezeNet(version, **kwargs)


def squeezenet1_0(**kwargs):
    return get_squeezenet("1.0", **kwargs)


def squeezenet1_1(**kwargs):
    return get_squeezenet("1.1", **kwargs)
