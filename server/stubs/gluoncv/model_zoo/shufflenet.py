"""Shape stub: gluoncv.model_zoo ShuffleNet (`shufflenet_v1`, `shufflenet_v2`).

Architectures from Zhang et al., "ShuffleNet" (2018, g = 3, 1x) and Ma et al., "ShuffleNet V2"
(2018, 1x), as GluonCV builds them (`gluoncv/model_zoo/shufflenet.py`, NCHW). Both stack a 3x3/2
stem convolution to 24 channels, a 3x3/2 max pool (padding 1), three stages of 4, 8 and 4 units
(the first of each halves the map) and a global average pool before a Dense head with inferred
inputs, so any image size works. A channel shuffle is MXNet's reshape to (N, g, C / g, H, W),
a swap of axes 1 and 2 and a reshape back to (N, C, H, W).

V1: the stem convolution has a bias and no batch norm. A unit is a 1x1 convolution (in 3 groups,
except in the first unit of all) to a quarter of its output width with a batch norm and a ReLU,
a channel shuffle (not in that first unit), a depthwise 3x3 convolution with a batch norm and a
1x1 convolution in 3 groups with a batch norm; every one of these convolutions has a bias. A
unit adds its input (width 240, 480, 960); a stage's first unit instead strides 2 and
concatenates a 3x3/2 average pool of its input (so its branch gives the width less the input's).
GluonCV's `make_stage` always uses 3 groups, whatever `groups` the model is given.

V2 (1x, the only width GluonCV builds): unbiased convolutions, each with a batch norm. A unit
splits its input's channels in two halves and runs the second through a 1x1 convolution (ReLU),
a depthwise 3x3 and a 1x1 convolution (ReLU); a stage's first unit (stride 2) runs its whole
input through both that branch and a depthwise 3x3/2 plus a 1x1 convolution (ReLU). The halves
are concatenated (116, 232, 464 channels) and shuffled in 2 groups. A 1x1 convolution to 1024
with a batch norm and a ReLU precedes the pooling. Neither model loads weights: `pretrained`
changes nothing, and the stem infers its input channels.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["ShuffleNetV1", "ShuffleNetV2", "get_shufflenet_v1", "get_shufflenet_v2", "shufflenet_v1", "shufflenet_v2"]


def _shuffle_conv_bn(channels, kernel=1, padding=0, stride=1, groups=1, relu=True, use_bias=True):
    cell = nn.HybridSequential(prefix="")
    cell.add(nn.Conv2D(channels, kernel_size=kernel, strides=stride, padding=padding, groups=groups, use_bias=use_bias))
    cell.add(nn.BatchNorm(epsilon=1e-5, momentum=0.9))
    if relu:
        cell.add(nn.Activation("relu"))
    return cell


def _channel_shuffle(F, x, groups):
    # (N, C, H, W) -> (N, groups, C / groups, H, W) -> (N, C / groups, groups, H, W) -> (N, C, H, W)
    x = F.reshape(x, shape=(0, -4, groups, -1, -2))
    x = F.swapaxes(x, 1, 2)
    return F.reshape(x, shape=(0, -3, -2))


class _ShuffleUnitV1(HybridBlock):
    def __init__(self, in_channels, out_channels, downsample, groups=3, grouped_first=True, **kwargs):
        super(_ShuffleUnitV1, self).__init__()
        self.downsample = downsample
        self.grouped_first = grouped_first
        self.groups = groups
        branch = out_channels - in_channels if downsample else out_channels
        mid = branch // 4
        self.compress = nn.HybridSequential(prefix="")
        self.compress.add(_shuffle_conv_bn(mid, groups=groups if grouped_first else 1))
        self.expand = nn.HybridSequential(prefix="")
        self.expand.add(_shuffle_conv_bn(mid, kernel=3, padding=1, stride=2 if downsample else 1, groups=mid, relu=False))
        self.expand.add(_shuffle_conv_bn(branch, groups=groups, relu=False))

    def hybrid_forward(self, F, x):
        out = self.compress(x)
        if self.grouped_first:
            out = _channel_shuffle(F, out, self.groups)
        out = self.expand(out)
        if self.downsample:
            shortcut = F.Pooling(data=x, kernel=(3, 3), pool_type="avg", stride=(2, 2), pad=(1, 1))
            return F.Activation(F.concat(shortcut, out, dim=1), act_type="relu")
        return F.Activation(x + out, act_type="relu")


class ShuffleNetV1(HybridBlock):
    def __init__(self, groups=3, classes=1000, norm_layer=None, norm_kwargs=None, **kwargs):
        super(ShuffleNetV1, self).__init__()
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.Conv2D(24, kernel_size=3, strides=2, padding=1))
        self.features.add(nn.MaxPool2D(pool_size=3, strides=2, padding=1))
        widths = [24, 240, 480, 960]
        for stage, repeats in enumerate([3, 7, 3]):
            body = nn.HybridSequential(prefix="")
            body.add(_ShuffleUnitV1(widths[stage], widths[stage + 1], True, 3, stage > 0))
            for _ in range(repeats):
                body.add(_ShuffleUnitV1(widths[stage + 1], widths[stage + 1], False, 3, True))
            self.features.add(body)
        self.features.add(nn.GlobalAvgPool2D())
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


class _ShuffleUnitV2(HybridBlock):
    def __init__(self, in_channels, out_channels, split, **kwargs):
        super(_ShuffleUnitV2, self).__init__()
        self.in_channels = in_channels
        self.split = split
        half = out_channels // 2
        stride = 1 if split else 2
        if not split:
            self.branch1 = nn.HybridSequential(prefix="")
            self.branch1.add(_shuffle_conv_bn(in_channels, kernel=3, padding=1, stride=2, groups=in_channels, relu=False, use_bias=False))
            self.branch1.add(_shuffle_conv_bn(half, use_bias=False))
        self.branch2 = nn.HybridSequential(prefix="")
        self.branch2.add(_shuffle_conv_bn(half, use_bias=False))
        self.branch2.add(_shuffle_conv_bn(half, kernel=3, padding=1, stride=stride, groups=half, relu=False, use_bias=False))
        self.branch2.add(_shuffle_conv_bn(half, use_bias=False))

    def hybrid_forward(self, F, x):
        if self.split:
            left = F.slice_axis(x, axis=1, begin=0, end=self.in_channels // 2)
            right = F.slice_axis(x, axis=1, begin=self.in_channels // 2, end=self.in_channels)
        else:
            left = self.branch1(x)
            right = x
        out = F.concat(left, self.branch2(right), dim=1)
        return _channel_shuffle(F, out, 2)


class ShuffleNetV2(HybridBlock):
    def __init__(self, classes=1000, norm_layer=None, norm_kwargs=None, **kwargs):
        super(ShuffleNetV2, self).__init__()
        self.features = nn.HybridSequential(prefix="")
        self.features.add(_shuffle_conv_bn(24, kernel=3, stride=2, padding=1, use_bias=False))
        self.features.add(nn.MaxPool2D(pool_size=3, strides=2, padding=1))
        widths = [24, 116, 232, 464]
        for stage, repeats in enumerate([3, 7, 3]):
            body = nn.HybridSequential(prefix="")
            body.add(_ShuffleUnitV2(widths[stage], widths[stage + 1], False))
            for _ in range(repeats):
                body.add(_ShuffleUnitV2(widths[stage + 1], widths[stage + 1], True))
            self.features.add(body)
        self.features.add(_shuffle_conv_bn(1024, use_bias=False))
        self.features.add(nn.GlobalAvgPool2D())
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_shufflenet_v1(pretrained=False, root=None, ctx=None, norm_layer=None, norm_kwargs=None, **kwargs):
    return ShuffleNetV1(**kwargs)


def get_shufflenet_v2(pretrained=False, root=None, ctx=None, norm_layer=None, norm_kwargs=None, **kwargs):
    return ShuffleNetV2(**kwargs)


def shufflenet_v1(**kwargs):
    return get_shufflenet_v1(**kwargs)


def shufflenet_v2(**kwargs):
    return get_shufflenet_v2(**kwargs)
