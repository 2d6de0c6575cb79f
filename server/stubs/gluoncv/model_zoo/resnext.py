"""Shape stub: gluoncv.model_zoo ResNeXt and SE-ResNeXt (`resnext50_32x4d`, `se_resnext101_64x4d`, ...).

Architecture from Xie et al., "Aggregated Residual Transformations for Deep Neural Networks"
(2017, table 1: ResNeXt-50/101 (32x4d, 64x4d)) and Hu et al., "Squeeze-and-Excitation Networks"
(2018), as GluonCV builds them (`gluoncv/model_zoo/resnext.py`, NCHW): a 7x7/2 stem with batch
norm, ReLU and a 3x3/2 max pool; bottleneck blocks of a 1x1 convolution to cardinality * D
channels (D = floor(width * bottleneck_width / 64)), a grouped 3x3 carrying the stride and a
1x1 to 4 * width, each unbiased with batch norm; a 1x1 projection on every stage's first block;
for SE, a global pool and two biased 1x1 convolutions (to width / 4, then back) scaling the
block's output. A global average pool and a Dense head whose inputs are inferred.

The "e" versions (`resnext101e_64x4d`, registered by GluonCV as `resnext101b_64x4d` or
`resnext101e_64x4d` depending on the release, and `se_resnext101e_64x4d`) replace the 7x7 stem with
three 3x3 convolutions (64 at stride 2, 64, 128) and average before projecting: the shortcuts of
stages 2-4 are a 2x2/2 average pool in ceil mode and a 1x1 convolution.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["ResNext", "resnext50_32x4d", "resnext101_32x4d", "resnext101_64x4d", "se_resnext50_32x4d",
           "se_resnext101_32x4d", "se_resnext101_64x4d", "resnext101e_64x4d", "se_resnext101e_64x4d"]


class Block(HybridBlock):
    # SENet-154 (senet.py) reuses this block: its first 1x1 is half the group width (`first_width`)
    # and its later stages project with a padded 3x3 (`downsample_kernel_size`).
    def __init__(self, channels, cardinality, bottleneck_width, stride, downsample=False, use_se=False, avg_down=False,
                 first_width=1.0, downsample_kernel_size=1, **kwargs):
        super(Block, self).__init__()
        group_width = cardinality * int(channels * bottleneck_width // 64)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(nn.Conv2D(int(group_width * first_width), kernel_size=1, use_bias=False))
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
            if avg_down:
                self.downsample.add(nn.AvgPool2D(pool_size=stride, strides=stride, ceil_mode=True, count_include_pad=False))
                self.downsample.add(nn.Conv2D(channels * 4, kernel_size=1, use_bias=False))
            else:
                self.downsample.add(nn.Conv2D(channels * 4, kernel_size=downsample_kernel_size, strides=stride,
                                              padding=downsample_kernel_size // 2, use_bias=False))
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
    def __init__(self, layers, cardinality, bottleneck_width, classes=1000, use_se=False, pretrained_in_channels=0, deep_stem=False,
                 avg_down=False, stem_width=64, **kwargs):
        super(ResNext, self).__init__()
        channels = 64
        self.features = nn.HybridSequential(prefix="")
        if not deep_stem:
            self.features.add(nn.Conv2D(channels, 7, 2, 3, use_bias=False, in_channels=pretrained_in_channels))
        else:
            self.features.add(nn.Conv2D(stem_width, 3, 2, 1, use_bias=False, in_channels=pretrained_in_channels))
            self.features.add(nn.BatchNorm())
            self.features.add(nn.Activation("relu"))
            self.features.add(nn.Conv2D(stem_width, 3, 1, 1, use_bias=False))
            self.features.add(nn.BatchNorm())
            self.features.add(nn.Activation("relu"))
            self.features.add(nn.Conv2D(stem_width * 2, 3, 1, 1, use_bias=False))
        self.features.add(nn.BatchNorm())
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.MaxPool2D(3, 2, 1))
        for i, num_layer in enumerate(layers):
            stride = 1 if i == 0 else 2
            stage = nn.HybridSequential(prefix="")
            stage.add(Block(channels, cardinality, bottleneck_width, stride, True, use_se, avg_down and i > 0))
            for _ in range(num_layer - 1):
                stage.add(Block(channels, cardinality, bottleneck_width, 1, False, use_se))
            self.features.add(stage)
            channels *= 2
        self.features.add(nn.GlobalAvgPool2D())
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_resnext(num_layers, cardinality=32, bottleneck_width=4, use_se=False, deep_stem=False, avg_down=False, pretrained=False, ctx=None,
                root=None, **kwargs):
    layers = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3]}[num_layers]
    return ResNext(layers, cardinality, bottleneck_width, use_se=use_se, deep_stem=deep_stem, avg_down=avg_down,
                   pretrained_in_channels=3 if pretrained else 0, **kwargs)


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


def resnext101e_64x4d(**kwargs):
    return get_resnext(101, 64, 4, deep_stem=True, avg_down=True, **kwargs)


def se_resnext101e_64x4d(**kwargs):
    return get_resnext(101, 64, 4, use_se=True, deep_stem=True, avg_down=True, **kwargs)
