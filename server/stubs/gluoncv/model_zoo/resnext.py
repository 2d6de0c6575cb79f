"""Shape stub: gluoncv.model_zoo ResNeXt and SE-ResNeXt (`resnext50_32x4d`, `se_resnext101_64x4d`, ...).

Architecture from Xie et al., "Aggregated Residual Transformations for Deep Neural Networks"
(2017, table 1: ResNeXt-50/101 (32x4d, 64x4d)) and Hu et al., "Squeeze-and-Excitation Networks"
(2018), as GluonCV builds them (`gluoncv/model_zoo/resnext.py`, NCHW): a 7x7/2 stem with batch
norm, ReLU and a 3x3/2 max pool; bottleneck blocks of a 1x1 convolution to cardinality * D
channels (D = floor(width * bottleneck_width / 64)), a grouped 3x3 carrying the stride and a
1x1 to 4 * width, each unbiased with batch norm; a 1x1 projection on every stage's first block;
for SE, a global pool and two biased 1x1 convolutions (to width / 4, then back) scaling the
block's output. A global average pool and a Dense head whose inputs are inferred.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["ResNext", "resnext50_32x4d", "resnext101_32x4d", "resnext101_64x4d", "se_resnext50_32x4d",
           "se_resnext101_32x4d", "se_resnext101_64x4d"]


class Block(HybridBlock):
    def __init__(self, channels, cardinality, bottleneck_width, stride, downsample=False, use_se=False, **kwargs):
        super(Block, self).__init__()
        group_width = cardinality * int(channels * bottleneck_width // 64)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(nn.Conv2D(group_width, kernel_size=1, use_bias=False))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(nn.Conv2D(group_width, kernel_size=3, strides=stride, padding=1, groups=cardinality, use_bias=False))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(nn.Conv2D(channels * 4, kernel_size=1, use_bias=False))
        self.body.add(nn.BatchNorm())
        self.se = None
        if use_se:
            self.se = nn.HybridSequential(prefix="")
            self.se.add(nn.Conv2D(channels // 4, kernel_size=1, padding=0))
            self.se.add(nn.Activation("relu"))
            self.se.add(nn.Conv2D(channels * 4, kernel_size=1, padding=0))
            self.se.add(nn.Activation("sigmoid"))
        self.downsample = None
        if downsample:
            self.downsample = nn.HybridSequential(prefix="")
            self.downsample.add(nn.Conv2D(channels * 4, kernel_size=1, strides=stride, use_bias=False))
            self.downsample.add(nn.BatchNorm())

    def hybrid_forward(self, F, x):
        residual = x
        x = self.body(x)
        if self.se is not None:
            w = self.se(F.contrib.AdaptiveAvgPooling2D(x, output_size=1))
            x = F.broadcast_mul(x, w)
        if self.downsample is not None:
            residual = self.downsample(residual)
        return F.Activation(x + residual, act_type="relu")


class ResNext(HybridBlock):
    # `pretrained_in_channels` stands for the loaded weights, which fix the input channels at 3 (0: inferred).
    def __init__(self, layers, cardinality, bottleneck_width, classes=1000, use_se=False, pretrained_in_channels=0, **kwargs):
        super(ResNext, self).__init__()
        channels = 64
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.Conv2D(channels, 7, 2, 3, use_bias=False, in_channels=pretrained_in_channels))
        self.features.add(nn.BatchNorm())
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.MaxPool2D(3, 2, 1))
        for i, num_layer in enumerate(layers):
            stride = 1 if i == 0 else 2
            stage = nn.HybridSequential(prefix="")
            stage.add(Block(channels, cardinality, bottleneck_width, stride, True, use_se))
            for _ in range(num_layer - 1):
                stage.add(Block(channels, cardinality, bottleneck_width, 1, False, use_se))
            self.features.add(stage)
            channels *= 2
        self.features.add(nn.GlobalAvgPool2D())
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_resnext(num_layers, cardinality=32, bottleneck_width=4, use_se=False, pretrained=False, ctx=None, root=None, **kwargs):
    layers = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3]}[num_layers]
    return ResNext(layers, cardinality, bottleneck_width, use_se=use_se, pretrained_in_channels=3 if pretrained else 0, **kwargs)


def resnext50_32x4d(**kwargs):
    return get_resnext(50, 32, 4, **kwargs)


def resnext101_32x4d(**kwargs):
    return get_resnext(101, 32, 4, **kwargs)


def resnext101_64x4d(**kwargs):
    return get_resnext(101, 64, 4, **kwargs)


def se_resnext50_32x4d(**kwargs):
    return get_resnext(50, 32, 4, use_se=True, **kwargs)


def se_resnext101_32x4d(**kwargs):
    return get_resnext(101, 32, 4, use_se=True, **kwargs)


def se_resnext101_64x4d(**kwargs):
    return get_resnext(101, 64, 4, use_se=True, **kwargs)
