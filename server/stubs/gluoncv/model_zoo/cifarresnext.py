"""Shape stub: gluoncv.model_zoo CIFAR ResNeXts (`cifar_resnext29_32x4d`, `cifar_resnext29_16x64d`).

Architecture from Xie et al., "Aggregated Residual Transformations for Deep Neural Networks"
(2017, the CIFAR networks), as GluonCV builds it (`gluoncv/model_zoo/cifarresnext.py`, NCHW):
a 3x3 unbiased stem convolution to 64 channels with a batch norm, three stages of
n = (depth - 2) / 9 bottlenecks (a 1x1 convolution to cardinality * D channels, D = c * width /
64 rounded down, a grouped 3x3 convolution, a 1x1 convolution to 4c, each unbiased with a batch
norm; c = 64, 128, 256; every stage starts with a 1x1 projection with a batch norm, the second and
third with stride 2), then a fixed 8x8 average pool and a Dense head with inferred inputs, 10
classes by default. The pool is sized for 32x32 images (8x8 maps after the third stage): smaller
images fail there, larger ones give the Dense more inputs.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["CIFARResNext", "get_cifar_resnext", "cifar_resnext29_32x4d", "cifar_resnext29_16x64d"]


class CIFARBlock(HybridBlock):
    def __init__(self, channels, cardinality, bottleneck_width, stride, downsample=False, **kwargs):
        super(CIFARBlock, self).__init__()
        # GluonCV writes int(math.floor(channels * (bottleneck_width / 64))): the same for these ints.
        group_width = cardinality * (channels * bottleneck_width // 64)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(nn.Conv2D(group_width, kernel_size=1, use_bias=False))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(nn.Conv2D(group_width, kernel_size=3, strides=stride, padding=1, groups=cardinality, use_bias=False))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(nn.Conv2D(channels * 4, kernel_size=1, use_bias=False))
        self.body.add(nn.BatchNorm())
        self.downsample = None
        if downsample:
            self.downsample = nn.HybridSequential(prefix="")
            self.downsample.add(nn.Conv2D(channels * 4, kernel_size=1, strides=stride, use_bias=False))
            self.downsample.add(nn.BatchNorm())

    def hybrid_forward(self, F, x):
        residual = x
        x = self.body(x)
        if self.downsample:
            residual = self.downsample(residual)
        return F.Activation(residual + x, act_type="relu")


class CIFARResNext(HybridBlock):
    def __init__(self, layers, cardinality, bottleneck_width, classes=10, **kwargs):
        super(CIFARResNext, self).__init__()
        channels = 64
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.Conv2D(channels, 3, 1, 1, use_bias=False))
        self.features.add(nn.BatchNorm())
        self.features.add(nn.Activation("relu"))
        for i, num_blocks in enumerate(layers):
            stride = 1 if i == 0 else 2
            stage = nn.HybridSequential(prefix="")
            stage.add(CIFARBlock(channels, cardinality, bottleneck_width, stride, True))
            for _ in range(num_blocks - 1):
                stage.add(CIFARBlock(channels, cardinality, bottleneck_width, 1, False))
            self.features.add(stage)
            channels *= 2
        self.features.add(nn.AvgPool2D(8))
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_cifar_resnext(num_layers, cardinality=16, bottleneck_width=64, pretrained=False, ctx=None, root=None, **kwargs):
    assert (num_layers - 2) % 9 == 0
    n = (num_layers - 2) // 9
    return CIFARResNext([n, n, n], cardinality, bottleneck_width, **kwargs)


def cifar_resnext29_32x4d(**kwargs):
    return get_cifar_resnext(29, 32, 4, **kwargs)


def cifar_resnext29_16x64d(**kwargs):
    return get_cifar_resnext(29, 16, 64, **kwargs)
