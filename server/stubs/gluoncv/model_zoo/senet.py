"""Shape stub: gluoncv.model_zoo SENet-154 (`senet_154`, `senet_154e`).

Architecture from Hu et al., "Squeeze-and-Excitation Networks" (2018, appendix: SENet-154, a
64x4d SE-ResNeXt-152 whose bottlenecks open at half the group width), as GluonCV builds it
(`gluoncv/model_zoo/senet.py`, NCHW): a stem of three 3x3 convolutions (64 at stride 2, 64, 128),
each unbiased with batch norm and ReLU, and a 3x3/2 max pool in ceil mode; stages of 3, 8, 36
and 3 blocks at widths c = 64, 128, 256, 512, each block a 1x1 convolution to 2c, a 3x3
convolution in 64 groups to 4c carrying the stride and a 1x1 to 4c (unbiased, with batch norm),
scaled by a squeeze-excitation gate (an adaptive average pool to 1x1 and two biased 1x1
convolutions, 4c -> c / 4 -> 4c, then a sigmoid); every stage's first block projects its shortcut
(a 1x1 convolution in the first stage, a 3x3/2 padded one after). A global average pool (any
input size; the paper's 7x7 pool is GluonCV's GlobalAvgPool2D), dropout 0.2 and a Dense head
whose inputs are inferred. With `pretrained=True` the loaded weights fix the input channels at 3.

`senet_154e` averages before projecting, as GluonCV's other "e" models (`resnext101e_64x4d`)
do: the shortcuts of stages 2-4 are a 2x2/2 average pool in ceil mode and a 1x1 convolution.
"""
from mxnet.gluon import HybridBlock, nn

from .resnext import Block

__all__ = ["SENet", "SEBlock", "get_senet", "senet_154", "senet_154e"]


def _se_conv_bn(sequence, channels, kernel, strides=1, padding=0, groups=1, in_channels=0):
    """Adds an unbiased convolution and its batch norm to `sequence`."""
    sequence.add(nn.Conv2D(channels, kernel_size=kernel, strides=strides, padding=padding, groups=groups, use_bias=False,
                           in_channels=in_channels))
    sequence.add(nn.BatchNorm())


def SEBlock(channels, cardinality, bottleneck_width, stride, downsample=False, downsample_kernel_size=3, avg_down=False, **kwargs):
    """GluonCV's SEBlock: the SE-ResNeXt block whose first 1x1 is half the group width."""
    return Block(channels, cardinality, bottleneck_width, stride, downsample, use_se=True, avg_down=avg_down, first_width=0.5,
                 downsample_kernel_size=downsample_kernel_size)


class SENet(HybridBlock):
    # `pretrained_in_channels` stands for the loaded weights, which fix the input channels at 3 (0: inferred).
    def __init__(self, layers, cardinality, bottleneck_width, classes=1000, avg_down=False, pretrained_in_channels=0, **kwargs):
        super(SENet, self).__init__()
        channels = 64
        self.features = nn.HybridSequential(prefix="")
        _se_conv_bn(self.features, channels, 3, 2, 1, in_channels=pretrained_in_channels)
        self.features.add(nn.Activation("relu"))
        _se_conv_bn(self.features, channels, 3, 1, 1)
        self.features.add(nn.Activation("relu"))
        _se_conv_bn(self.features, channels * 2, 3, 1, 1)
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.MaxPool2D(3, 2, ceil_mode=True))
        for i, num_layer in enumerate(layers):
            stride = 1 if i == 0 else 2
            stage = nn.HybridSequential(prefix="")
            stage.add(SEBlock(channels, cardinality, bottleneck_width, stride, True, 1 if i == 0 else 3, avg_down and i > 0))
            for _ in range(num_layer - 1):
                stage.add(SEBlock(channels, cardinality, bottleneck_width, 1))
            self.features.add(stage)
            channels *= 2
        self.features.add(nn.GlobalAvgPool2D())
        self.features.add(nn.Dropout(0.2))
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_senet(num_layers, cardinality=64, bottleneck_width=4, avg_down=False, pretrained=False, ctx=None, root=None, **kwargs):
    layers = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}[num_layers]
    return SENet(layers, cardinality, bottleneck_width, avg_down=avg_down, pretrained_in_channels=3 if pretrained else 0, **kwargs)


def senet_154(**kwargs):
    return get_senet(152, **kwargs)


def senet_154e(**kwargs):
    return get_senet(152, avg_down=True, **kwargs)
