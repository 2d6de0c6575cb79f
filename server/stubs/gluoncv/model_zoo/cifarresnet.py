"""Shape stub: gluoncv.model_zoo CIFAR ResNets (`cifar_resnet20_v1` ... `cifar_resnet110_v2`).

Architecture from He et al., "Deep Residual Learning for Image Recognition" (2015, section 4.2,
the CIFAR-10 networks) and "Identity Mappings in Deep Residual Networks" (2016), as GluonCV
builds it (`gluoncv/model_zoo/cifarresnet.py`, NCHW, 32x32 images): a 3x3 unbiased stem
convolution to 16 channels, three stages of n = (depth - 2) / 6 basic blocks at 16, 32 and 64
channels (the second and third start with stride 2 and an unbiased 1x1 projection), global
average pooling and a Dense head with `in_units` fixed at 64, 10 classes by default. V1 puts a
batch norm after each convolution (and in the projection); V2 is pre-activation, normalises the
input with a batch norm without scale and centre first and ends with a batch norm and ReLU.
The stem infers its input channels (no weights are loaded here).
"""
from mxnet.gluon import HybridBlock, nn

__all__ = [
    "CIFARResNetV1", "CIFARResNetV2", "get_cifar_resnet",
    "cifar_resnet20_v1", "cifar_resnet56_v1", "cifar_resnet110_v1",
    "cifar_resnet20_v2", "cifar_resnet56_v2", "cifar_resnet110_v2",
]


def _cifar_conv3x3(channels, stride, in_channels):
    return nn.Conv2D(channels, kernel_size=3, strides=stride, padding=1, use_bias=False, in_channels=in_channels)


class CIFARBasicBlockV1(HybridBlock):
    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super(CIFARBasicBlockV1, self).__init__()
        self.body = nn.HybridSequential(prefix="")
        self.body.add(_cifar_conv3x3(channels, stride, in_channels))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(_cifar_conv3x3(channels, 1, channels))
        self.body.add(nn.BatchNorm())
        self.downsample = None
        if downsample:
            self.downsample = nn.HybridSequential(prefix="")
            self.downsample.add(nn.Conv2D(channels, kernel_size=1, strides=stride, use_bias=False, in_channels=in_channels))
            self.downsample.add(nn.BatchNorm())

    def hybrid_forward(self, F, x):
        residual = x
        x = self.body(x)
        if self.downsample:
            residual = self.downsample(residual)
        return F.Activation(residual + x, act_type="relu")


class CIFARBasicBlockV2(HybridBlock):
    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super(CIFARBasicBlockV2, self).__init__()
        self.bn1 = nn.BatchNorm()
        self.conv1 = _cifar_conv3x3(channels, stride, in_channels)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _cifar_conv3x3(channels, 1, channels)
        self.downsample = None
        if downsample:
            self.downsample = nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels)

    def hybrid_forward(self, F, x):
        residual = x
        x = self.conv1(F.Activation(self.bn1(x), act_type="relu"))
        x = self.conv2(F.Activation(self.bn2(x), act_type="relu"))
        if self.downsample:
            residual = self.downsample(residual)
        return x + residual


def _cifar_stage(block, num_blocks, channels, stride, in_channels):
    stage = nn.HybridSequential(prefix="")
    stage.add(block(channels, stride, channels != in_channels, in_channels=in_channels))
    for _ in range(num_blocks - 1):
        stage.add(block(channels, 1, False, in_channels=channels))
    return stage


class CIFARResNetV1(HybridBlock):
    def __init__(self, block, layers, channels, classes=10, **kwargs):
        super(CIFARResNetV1, self).__init__()
        assert len(layers) == len(channels) - 1
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.Conv2D(channels[0], 3, 1, 1, use_bias=False))
        self.features.add(nn.BatchNorm())
        for i, num_blocks in enumerate(layers):
            self.features.add(_cifar_stage(block, num_blocks, channels[i + 1], 1 if i == 0 else 2, channels[i]))
        self.features.add(nn.GlobalAvgPool2D())
        self.output = nn.Dense(classes, in_units=channels[-1])

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


class CIFARResNetV2(HybridBlock):
    def __init__(self, block, layers, channels, classes=10, **kwargs):
        super(CIFARResNetV2, self).__init__()
        assert len(layers) == len(channels) - 1
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.BatchNorm(scale=False, center=False))
        self.features.add(nn.Conv2D(channels[0], 3, 1, 1, use_bias=False))
        in_channels = channels[0]
        for i, num_blocks in enumerate(layers):
            self.features.add(_cifar_stage(block, num_blocks, channels[i + 1], 1 if i == 0 else 2, in_channels))
            in_channels = channels[i + 1]
        self.features.add(nn.BatchNorm())
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.GlobalAvgPool2D())
        self.features.add(nn.Flatten())
        self.output = nn.Dense(classes, in_units=in_channels)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_cifar_resnet(version, num_layers, pretrained=False, ctx=None, root=None, **kwargs):
    assert (num_layers - 2) % 6 == 0
    n = (num_layers - 2) // 6
    channels = [16, 16, 32, 64]
    if version == 1:
        return CIFARResNetV1(CIFARBasicBlockV1, [n, n, n], channels, **kwargs)
    return CIFARResNetV2(CIFARBasicBlockV2, [n, n, n], channels, **kwargs)


def cifar_resnet20_v1(**kwargs):
    return get_cifar_resnet(1, 20, **kwargs)


def cifar_resnet56_v1(**kwargs):
    return get_cifar_resnet(1, 56, **kwargs)


def cifar_resnet110_v1(**kwargs):
    return get_cifar_resnet(1, 110, **kwargs)


def cifar_resnet20_v2(**kwargs):
    return get_cifar_resnet(2, 20, **kwargs)


def cifar_resnet56_v2(**kwargs):
    return get_cifar_resnet(2, 56, **kwargs)


def cifar_resnet110_v2(**kwargs):
    return get_cifar_resnet(2, 110, **kwargs)
