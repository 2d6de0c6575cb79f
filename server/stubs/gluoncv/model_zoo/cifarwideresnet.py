"""Shape stub: gluoncv.model_zoo CIFAR Wide ResNets (`cifar_wideresnet16_10`,
`cifar_wideresnet28_10`, `cifar_wideresnet40_8`).

Architecture from Zagoruyko and Komodakis, "Wide Residual Networks" (2016), as GluonCV builds
it (`gluoncv/model_zoo/cifarwideresnet.py`, NCHW, 32x32 images): a batch norm without scale and
centre on the input, a 3x3 unbiased stem convolution to 16 channels with a batch norm, three
stages of n = (depth - 4) / 6 pre-activation basic blocks at 16k, 32k and 64k channels (k the
width factor; each stage starts with an unbiased 1x1 projection of the activated input, the
second and third with stride 2), a final batch norm and ReLU, global average pooling and a Dense
head with inferred inputs, 10 classes by default. Dropout between a block's convolutions
(`drop_rate`) changes no shape.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["CIFARWideResNet", "get_cifar_wide_resnet", "cifar_wideresnet16_10", "cifar_wideresnet28_10", "cifar_wideresnet40_8"]


class WideBasicBlockV2(HybridBlock):
    def __init__(self, channels, stride, downsample=False, drop_rate=0.0, in_channels=0, **kwargs):
        super(WideBasicBlockV2, self).__init__()
        self.bn1 = nn.BatchNorm()
        self.conv1 = nn.Conv2D(channels, kernel_size=3, strides=stride, padding=1, use_bias=False, in_channels=in_channels)
        self.bn2 = nn.BatchNorm()
        self.conv2 = nn.Conv2D(channels, kernel_size=3, strides=1, padding=1, use_bias=False, in_channels=channels)
        self.droprate = drop_rate
        self.downsample = None
        if downsample:
            self.downsample = nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels)

    def hybrid_forward(self, F, x):
        residual = x
        x = F.Activation(self.bn1(x), act_type="relu")
        if self.downsample:
            residual = self.downsample(x)
        x = F.Activation(self.bn2(self.conv1(x)), act_type="relu")
        if self.droprate > 0:
            x = F.Dropout(x, self.droprate)
        return self.conv2(x) + residual


class CIFARWideResNet(HybridBlock):
    def __init__(self, block, layers, channels, drop_rate, classes=10, **kwargs):
        super(CIFARWideResNet, self).__init__()
        assert len(layers) == len(channels) - 1
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.BatchNorm(scale=False, center=False))
        self.features.add(nn.Conv2D(channels[0], 3, 1, 1, use_bias=False))
        self.features.add(nn.BatchNorm())
        in_channels = channels[0]
        for i, num_blocks in enumerate(layers):
            stride = 1 if i == 0 else 2
            stage = nn.HybridSequential(prefix="")
            stage.add(block(channels[i + 1], stride, channels[i + 1] != in_channels, drop_rate, in_channels=in_channels))
            for _ in range(num_blocks - 1):
                stage.add(block(channels[i + 1], 1, False, drop_rate, in_channels=channels[i + 1]))
            self.features.add(stage)
            in_channels = channels[i + 1]
        self.features.add(nn.BatchNorm())
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.GlobalAvgPool2D())
        self.features.add(nn.Flatten())
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_cifar_wide_resnet(num_layers, width_factor=1, drop_rate=0.0, pretrained=False, ctx=None, root=None, **kwargs):
    assert (num_layers - 4) % 6 == 0
    n = (num_layers - 4) // 6
    channels = [16, 16 * width_factor, 32 * width_factor, 64 * width_factor]
    return CIFARWideResNet(WideBasicBlockV2, [n, n, n], channels, drop_rate, **kwargs)


def cifar_wideresnet16_10(**kwargs):
    return get_cifar_wide_resnet(16, 10, **kwargs)


def cifar_wideresnet28_10(**kwargs):
    return get_cifar_wide_resnet(28, 10, **kwargs)


def cifar_wideresnet40_8(**kwargs):
    return get_cifar_wide_resnet(40, 8, **kwargs)
