"""Shape stub: gluoncv.model_zoo ResNet V1/V2 and SE-ResNet (`resnet18_v1` ... `resnet152_v2`,
`se_resnet18_v1` ... `se_resnet152_v2`).

Architecture from He et al., "Deep Residual Learning for Image Recognition" (2015), "Identity
Mappings in Deep Residual Networks" (2016) and Hu et al., "Squeeze-and-Excitation Networks"
(2018), as GluonCV builds it (`gluoncv/model_zoo/resnet.py`, NCHW; the same layers as MXNet's
Gluon model zoo ResNets): a 7x7 stride-2 stem and 3x3 stride-2 max pool, basic blocks (18, 34)
or bottlenecks (50-152; v1 bottlenecks have biased 1x1 convolutions), global average pooling
and a Dense head with `in_units` fixed at the last stage's width. V2 is pre-activation and
normalises the input with a batch norm without scale and centre first. With `use_se`
(the `se_` names) every block scales its residual branch by a squeeze-excitation gate: a global
average pool, an unbiased Dense to channels // 16, ReLU, an unbiased Dense back to the block's
channels and a sigmoid (GluonCV pull request 1115 fixed the gate's widths and passing `use_se`;
before it `se_` names built plain ResNets). With `pretrained=True` the weights fix the input
channels at 3.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = [
    "ResNetV1", "ResNetV2", "get_resnet",
    "resnet18_v1", "resnet34_v1", "resnet50_v1", "resnet101_v1", "resnet152_v1",
    "resnet18_v2", "resnet34_v2", "resnet50_v2", "resnet101_v2", "resnet152_v2",
    "se_resnet18_v1", "se_resnet34_v1", "se_resnet50_v1", "se_resnet101_v1", "se_resnet152_v1",
    "se_resnet18_v2", "se_resnet34_v2", "se_resnet50_v2", "se_resnet101_v2", "se_resnet152_v2",
]


def _conv3x3(channels, stride, in_channels):
    return nn.Conv2D(channels, kernel_size=3, strides=stride, padding=1, use_bias=False, in_channels=in_channels)


def _se_gate(channels, use_se):
    """The squeeze-excitation gate's two unbiased Dense layers (None without SE)."""
    if not use_se:
        return None
    se = nn.HybridSequential(prefix="")
    se.add(nn.Dense(channels // 16, use_bias=False))
    se.add(nn.Activation("relu"))
    se.add(nn.Dense(channels, use_bias=False))
    se.add(nn.Activation("sigmoid"))
    return se


def _excite(F, se, x):
    """x scaled per channel by the gate on its global average: (N, C, 1, 1) broadcast over H, W."""
    if se is None:
        return x
    w = se(F.contrib.AdaptiveAvgPooling2D(x, output_size=1))
    return F.broadcast_mul(x, w.expand_dims(axis=2).expand_dims(axis=2))


def _projection_v1(channels, stride, in_channels, downsample):
    if not downsample:
        return None
    proj = nn.HybridSequential(prefix="")
    proj.add(nn.Conv2D(channels, kernel_size=1, strides=stride, use_bias=False, in_channels=in_channels))
    proj.add(nn.BatchNorm())
    return proj


class BasicBlockV1(HybridBlock):
    def __init__(self, channels, stride, downsample=False, in_channels=0, use_se=False, **kwargs):
        super(BasicBlockV1, self).__init__()
        self.body = nn.HybridSequential(prefix="")
        self.body.add(_conv3x3(channels, stride, in_channels))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(_conv3x3(channels, 1, channels))
        self.body.add(nn.BatchNorm())
        self.se = _se_gate(channels, use_se)
        self.downsample = _projection_v1(channels, stride, in_channels, downsample)

    def hybrid_forward(self, F, x):
        out = _excite(F, self.se, self.body(x))
        residual = x if self.downsample is None else self.downsample(x)
        return F.Activation(residual + out, act_type="relu")


class BottleneckV1(HybridBlock):
    def __init__(self, channels, stride, downsample=False, in_channels=0, use_se=False, **kwargs):
        super(BottleneckV1, self).__init__()
        self.body = nn.HybridSequential(prefix="")
        self.body.add(nn.Conv2D(channels // 4, kernel_size=1, strides=stride))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(_conv3x3(channels // 4, 1, channels // 4))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(nn.Conv2D(channels, kernel_size=1, strides=1))
        self.body.add(nn.BatchNorm())
        self.se = _se_gate(channels, use_se)
        self.downsample = _projection_v1(channels, stride, in_channels, downsample)

    def hybrid_forward(self, F, x):
        out = _excite(F, self.se, self.body(x))
        residual = x if self.downsample is None else self.downsample(x)
        return F.Activation(out + residual, act_type="relu")


class BasicBlockV2(HybridBlock):
    def __init__(self, channels, stride, downsample=False, in_channels=0, use_se=False, **kwargs):
        super(BasicBlockV2, self).__init__()
        self.bn1 = nn.BatchNorm()
        self.conv1 = _conv3x3(channels, stride, in_channels)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels, 1, channels)
        self.se = _se_gate(channels, use_se)
        self.downsample = nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels) if downsample else None

    def hybrid_forward(self, F, x):
        residual = x
        x = F.Activation(self.bn1(x), act_type="relu")
        if self.downsample is not None:
            residual = self.downsample(x)
        x = self.conv1(x)
        x = self.conv2(F.Activation(self.bn2(x), act_type="relu"))
        return _excite(F, self.se, x) + residual


class BottleneckV2(HybridBlock):
    def __init__(self, channels, stride, downsample=False, in_channels=0, use_se=False, **kwargs):
        super(BottleneckV2, self).__init__()
        self.bn1 = nn.BatchNorm()
        self.conv1 = nn.Conv2D(channels // 4, kernel_size=1, strides=1, use_bias=False)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels // 4, stride, channels // 4)
        self.bn3 = nn.BatchNorm()
        self.conv3 = nn.Conv2D(channels, kernel_size=1, strides=1, use_bias=False)
        self.se = _se_gate(channels, use_se)
        self.downsample = nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels) if downsample else None

    def hybrid_forward(self, F, x):
        residual = x
        x = F.Activation(self.bn1(x), act_type="relu")
        if self.downsample is not None:
            residual = self.downsample(x)
        x = self.conv1(x)
        x = self.conv2(F.Activation(self.bn2(x), act_type="relu"))
        x = self.conv3(F.Activation(self.bn3(x), act_type="relu"))
        return _excite(F, self.se, x) + residual


def _stage(block, layers, channels, stride, in_channels, use_se):
    stage = nn.HybridSequential(prefix="")
    stage.add(block(channels, stride, channels != in_channels, in_channels=in_channels, use_se=use_se))
    for _ in range(layers - 1):
        stage.add(block(channels, 1, False, in_channels=channels, use_se=use_se))
    return stage


def _stem(features, channels, thumbnail, in_channels):
    if thumbnail:
        features.add(_conv3x3(channels, 1, 0))
        return
    features.add(nn.Conv2D(channels, 7, 2, 3, use_bias=False, in_channels=in_channels))
    features.add(nn.BatchNorm())
    features.add(nn.Activation("relu"))
    features.add(nn.MaxPool2D(3, 2, 1))


class ResNetV1(HybridBlock):
    # `pretrained_in_channels` stands for the loaded weights, which fix the input channels at 3 (0: inferred).
    def __init__(self, block, layers, channels, classes=1000, thumbnail=False, use_se=False, pretrained_in_channels=0, **kwargs):
        super(ResNetV1, self).__init__()
        self.features = nn.HybridSequential(prefix="")
        _stem(self.features, channels[0], thumbnail, pretrained_in_channels)
        for i, num_layer in enumerate(layers):
            self.features.add(_stage(block, num_layer, channels[i + 1], 1 if i == 0 else 2, channels[i], use_se))
        self.features.add(nn.GlobalAvgPool2D())
        self.output = nn.Dense(classes, in_units=channels[-1])

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


class ResNetV2(HybridBlock):
    # `pretrained_in_channels` stands for the loaded weights, which fix the input channels at 3 (0: inferred).
    def __init__(self, block, layers, channels, classes=1000, thumbnail=False, use_se=False, pretrained_in_channels=0, **kwargs):
        super(ResNetV2, self).__init__()
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.BatchNorm(scale=False, center=False))
        _stem(self.features, channels[0], thumbnail, pretrained_in_channels)
        in_channels = channels[0]
        for i, num_layer in enumerate(layers):
            self.features.add(_stage(block, num_layer, channels[i + 1], 1 if i == 0 else 2, in_channels, use_se))
            in_channels = channels[i + 1]
        self.features.add(nn.BatchNorm())
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.GlobalAvgPool2D())
        self.features.add(nn.Flatten())
        self.output = nn.Dense(classes, in_units=in_channels)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


_SPEC = {
    18: ("basic", [2, 2, 2, 2], [64, 64, 128, 256, 512]),
    34: ("basic", [3, 4, 6, 3], [64, 64, 128, 256, 512]),
    50: ("bottleneck", [3, 4, 6, 3], [64, 256, 512, 1024, 2048]),
    101: ("bottleneck", [3, 4, 23, 3], [64, 256, 512, 1024, 2048]),
    152: ("bottleneck", [3, 8, 36, 3], [64, 256, 512, 1024, 2048]),
}


def get_resnet(version, num_layers, pretrained=False, ctx=None, root=None, use_se=False, **kwargs):
    assert num_layers in _SPEC, "Invalid number of layers: %d. Options are %s" % (num_layers, str(_SPEC.keys()))
    assert 1 <= version <= 2, "Invalid resnet version: %d. Options are 1 and 2." % version
    kind, layers, channels = _SPEC[num_layers]
    stem = 3 if pretrained else 0
    if version == 1:
        return ResNetV1(BasicBlockV1 if kind == "basic" else BottleneckV1, layers, channels, use_se=use_se, pretrained_in_channels=stem, **kwargs)
    return ResNetV2(BasicBlockV2 if kind == "basic" else BottleneckV2, layers, channels, use_se=use_se, pretrained_in_channels=stem, **kwargs)


def resnet18_v1(**kwargs):
    return get_resnet(1, 18, **kwargs)


def resnet34_v1(**kwargs):
    return get_resnet(1, 34, **kwargs)


def resnet50_v1(**kwargs):
    return get_resnet(1, 50, **kwargs)


def resnet101_v1(**kwargs):
    return get_resnet(1, 101, **kwargs)


def resnet152_v1(**kwargs):
    return get_resnet(1, 152, **kwargs)


def resnet18_v2(**kwargs):
    return get_resnet(2, 18, **kwargs)


def resnet34_v2(**kwargs):
    return get_resnet(2, 34, **kwargs)


def resnet50_v2(**kwargs):
    return get_resnet(2, 50, **kwargs)


def resnet101_v2(**kwargs):
    return get_resnet(2, 101, **kwargs)


def resnet152_v2(**kwargs):
    return get_resnet(2, 152, **kwargs)


def se_resnet18_v1(**kwargs):
    return get_resnet(1, 18, use_se=True, **kwargs)


def se_resnet34_v1(**kwargs):
    return get_resnet(1, 34, use_se=True, **kwargs)


def se_resnet50_v1(**kwargs):
    return get_resnet(1, 50, use_se=True, **kwargs)


def se_resnet101_v1(**kwargs):
    return get_resnet(1, 101, use_se=True, **kwargs)


def se_resnet152_v1(**kwargs):
    return get_resnet(1, 152, use_se=True, **kwargs)


def se_resnet18_v2(**kwargs):
    return get_resnet(2, 18, use_se=True, **kwargs)


def se_resnet34_v2(**kwargs):
    return get_resnet(2, 34, use_se=True, **kwargs)


def se_resnet50_v2(**kwargs):
    return get_resnet(2, 50, use_se=True, **kwargs)


def se_resnet101_v2(**kwargs):
    return get_resnet(2, 101, use_se=True, **kwargs)


def se_resnet152_v2(**kwargs):
    return get_resnet(2, 152, use_se=True, **kwargs)
