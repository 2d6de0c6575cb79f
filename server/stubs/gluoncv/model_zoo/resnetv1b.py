"""Shape stub: gluoncv.model_zoo ResNetV1b family and its temporal segment networks.

Architecture from He et al., "Deep Residual Learning for Image Recognition" (2016) and He et
al., "Bag of Tricks for Image Classification with Convolutional Neural Networks" (2019,
section 4.1: ResNet-B/C/D), as GluonCV builds it (`gluoncv/model_zoo/resnetv1b.py`, NCHW):
v1b puts the stride on the 3x3 convolution of the bottleneck (like torchvision); v1c replaces
the 7x7 stem with three 3x3 convolutions (32, 32, 64 channels, batch norm and ReLU between);
v1d adds an average pool before the 1x1 projection of each downsampling shortcut; v1e is v1d
with a 64-wide stem (64, 64, 128) and v1s v1c with that stem. Unbiased convolutions each
followed by batch norm, a global average pool (any input size of at least 32 px) and a Dense
head with `in_units` fixed at 512 * expansion. With `pretrained=True` the loaded weights fix
the input channels at 3. `resnet50_v1b_gn` and `resnet101_v1b_gn` (Wu and He, "Group
Normalization", 2018) put GluonCV's GroupNorm (32 groups, a gamma and a beta per channel) in
place of every batch norm.

The TSN action-recognition models (`resnet50_v1b_kinetics400` ...,
`gluoncv/model_zoo/action_recognition/actionrec_resnetv1b.py`; Wang et al., "Temporal Segment
Networks", 2016) run this 2-D network on frames (N * num_segments, 3, H, W) (a 5-D clip fails
in the first Conv2D), average the segments after a reshape to (-1, num_segments * num_crop,
feature size) and classify with a Dense of fixed `in_units`. `resnet50_v1b_custom` and
`resnet18_v1b_custom` are GluonCV's fine-tuning versions (`nclass` outputs, 400 by default).
"""
from mxnet.gluon import HybridBlock, nn

__all__ = [
    "ResNetV1b", "resnet18_v1b", "resnet34_v1b", "resnet50_v1b", "resnet101_v1b", "resnet152_v1b",
    "resnet50_v1c", "resnet101_v1c", "resnet152_v1c", "resnet50_v1d", "resnet101_v1d", "resnet152_v1d",
    "resnet50_v1e", "resnet101_v1e", "resnet152_v1e", "resnet50_v1s", "resnet101_v1s", "resnet152_v1s",
    "ActionRecResNetV1b", "resnet18_v1b_kinetics400", "resnet34_v1b_kinetics400", "resnet50_v1b_kinetics400",
    "resnet101_v1b_kinetics400", "resnet152_v1b_kinetics400", "resnet18_v1b_sthsthv2", "resnet34_v1b_sthsthv2",
    "resnet50_v1b_sthsthv2", "resnet101_v1b_sthsthv2", "resnet152_v1b_sthsthv2", "resnet50_v1b_hmdb51",
    "resnet50_v1b_ucf101", "resnet50_v1b_custom", "resnet18_v1b_custom",
    "GluonCVGroupNorm", "resnet50_v1b_gn", "resnet101_v1b_gn",
]

_LAYERS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}


class GluonCVGroupNorm(HybridBlock):
    """GluonCV's own GroupNorm (`gluoncv.nn.GroupNorm`, `ngroups` groups): unlike MXNet 1.x's
    nn.GroupNorm (one gamma and beta per group) it has a gamma and a beta per channel. The same
    shape and parameters as a layer norm over the channel axis, which stands in for it here."""

    def __init__(self, ngroups=32, in_channels=0, axis=1, epsilon=1e-5, **kwargs):
        super(GluonCVGroupNorm, self).__init__()
        assert in_channels % ngroups == 0, "Channel number should be divisible by groups."
        self.norm = nn.LayerNorm(axis=axis, epsilon=epsilon, in_channels=in_channels)

    def hybrid_forward(self, F, x):
        return self.norm(x)


def _norm(norm_layer, channels):
    """The block's normalisation: a batch norm, or `norm_layer(in_channels=channels)` (GroupNorm)."""
    return nn.BatchNorm() if norm_layer is None else norm_layer(in_channels=channels)


class BasicBlockV1b(HybridBlock):
    expansion = 1

    def __init__(self, planes, strides=1, downsample=None, norm_layer=None, **kwargs):
        super(BasicBlockV1b, self).__init__()
        self.conv1 = nn.Conv2D(channels=planes, kernel_size=3, strides=strides, padding=1, use_bias=False)
        self.bn1 = _norm(norm_layer, planes)
        self.conv2 = nn.Conv2D(channels=planes, kernel_size=3, strides=1, padding=1, use_bias=False)
        self.bn2 = _norm(norm_layer, planes)
        self.relu = nn.Activation("relu")
        self.downsample = downsample

    def hybrid_forward(self, F, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu(out + residual)


class BottleneckV1b(HybridBlock):
    expansion = 4

    def __init__(self, planes, strides=1, downsample=None, norm_layer=None, **kwargs):
        super(BottleneckV1b, self).__init__()
        self.conv1 = nn.Conv2D(channels=planes, kernel_size=1, use_bias=False)
        self.bn1 = _norm(norm_layer, planes)
        self.conv2 = nn.Conv2D(channels=planes, kernel_size=3, strides=strides, padding=1, use_bias=False)
        self.bn2 = _norm(norm_layer, planes)
        self.conv3 = nn.Conv2D(channels=planes * 4, kernel_size=1, use_bias=False)
        self.bn3 = _norm(norm_layer, planes * 4)
        self.relu = nn.Activation("relu")
        self.downsample = downsample

    def hybrid_forward(self, F, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu(out + residual)


class ResNetV1b(HybridBlock):
    # `pretrained_in_channels` stands for the loaded weights, which fix the input channels at 3 (0: inferred).
    def __init__(self, block, layers, classes=1000, deep_stem=False, stem_width=32, avg_down=False, final_drop=0.0,
                 pretrained_in_channels=0, norm_layer=None, **kwargs):
        super(ResNetV1b, self).__init__()
        self.norm_layer = norm_layer
        self.inplanes = stem_width * 2 if deep_stem else 64
        if not deep_stem:
            self.conv1 = nn.Conv2D(channels=64, kernel_size=7, strides=2, padding=3, use_bias=False, in_channels=pretrained_in_channels)
        else:
            self.conv1 = nn.HybridSequential(prefix="conv1")
            self.conv1.add(nn.Conv2D(channels=stem_width, kernel_size=3, strides=2, padding=1, use_bias=False, in_channels=pretrained_in_channels))
            self.conv1.add(nn.BatchNorm())
            self.conv1.add(nn.Activation("relu"))
            self.conv1.add(nn.Conv2D(channels=stem_width, kernel_size=3, strides=1, padding=1, use_bias=False))
            self.conv1.add(nn.BatchNorm())
            self.conv1.add(nn.Activation("relu"))
            self.conv1.add(nn.Conv2D(channels=stem_width * 2, kernel_size=3, strides=1, padding=1, use_bias=False))
        self.bn1 = _norm(norm_layer, self.inplanes)
        self.relu = nn.Activation("relu")
        self.maxpool = nn.MaxPool2D(pool_size=3, strides=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0], 1, avg_down)
        self.layer2 = self._make_layer(block, 128, layers[1], 2, avg_down)
        self.layer3 = self._make_layer(block, 256, layers[2], 2, avg_down)
        self.layer4 = self._make_layer(block, 512, layers[3], 2, avg_down)
        self.avgpool = nn.GlobalAvgPool2D()
        self.flat = nn.Flatten()
        self.drop = None
        if final_drop > 0.0:
            self.drop = nn.Dropout(final_drop)
        self.fc = nn.Dense(in_units=512 * block.expansion, units=classes)

    def _make_layer(self, block, planes, blocks, strides, avg_down):
        downsample = None
        if strides != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.HybridSequential(prefix="")
            if avg_down:
                downsample.add(nn.AvgPool2D(pool_size=strides, strides=strides, ceil_mode=True, count_include_pad=False))
                downsample.add(nn.Conv2D(channels=planes * block.expansion, kernel_size=1, strides=1, use_bias=False))
            else:
                downsample.add(nn.Conv2D(channels=planes * block.expansion, kernel_size=1, strides=strides, use_bias=False))
            downsample.add(_norm(self.norm_layer, planes * block.expansion))
        layers = nn.HybridSequential(prefix="")
        layers.add(block(planes, strides, downsample, self.norm_layer))
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.add(block(planes, norm_layer=self.norm_layer))
        return layers

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.flat(self.avgpool(x))

    def hybrid_forward(self, F, x):
        x = self.features(x)
        if self.drop is not None:
            x = self.drop(x)
        return self.fc(x)


def _resnet_v1b(depth, pretrained=False, variant="b", **kwargs):
    block = BasicBlockV1b if depth < 50 else BottleneckV1b
    stems = {"b": {}, "c": {"deep_stem": True}, "d": {"deep_stem": True, "avg_down": True},
             "e": {"deep_stem": True, "avg_down": True, "stem_width": 64}, "s": {"deep_stem": True, "stem_width": 64}}
    kwargs.pop("ctx", None)
    kwargs.pop("root", None)
    return ResNetV1b(block, _LAYERS[depth], pretrained_in_channels=3 if pretrained else 0, **stems[variant], **kwargs)


def resnet18_v1b(**kwargs):
    return _resnet_v1b(18, **kwargs)


def resnet34_v1b(**kwargs):
    return _resnet_v1b(34, **kwargs)


def resnet50_v1b(**kwargs):
    return _resnet_v1b(50, **kwargs)


def resnet101_v1b(**kwargs):
    return _resnet_v1b(101, **kwargs)


def resnet152_v1b(**kwargs):
    return _resnet_v1b(152, **kwargs)


def resnet50_v1b_gn(**kwargs):
    return _resnet_v1b(50, norm_layer=GluonCVGroupNorm, **kwargs)


def resnet101_v1b_gn(**kwargs):
    return _resnet_v1b(101, norm_layer=GluonCVGroupNorm, **kwargs)


def resnet50_v1c(**kwargs):
    return _resnet_v1b(50, variant="c", **kwargs)


def resnet101_v1c(**kwargs):
    return _resnet_v1b(101, variant="c", **kwargs)


def resnet152_v1c(**kwargs):
    return _resnet_v1b(152, variant="c", **kwargs)


def resnet50_v1d(**kwargs):
    return _resnet_v1b(50, variant="d", **kwargs)


def resnet101_v1d(**kwargs):
    return _resnet_v1b(101, variant="d", **kwargs)


def resnet152_v1d(**kwargs):
    return _resnet_v1b(152, variant="d", **kwargs)


def resnet50_v1e(**kwargs):
    return _resnet_v1b(50, variant="e", **kwargs)


def resnet101_v1e(**kwargs):
    return _resnet_v1b(101, variant="e", **kwargs)


def resnet152_v1e(**kwargs):
    return _resnet_v1b(152, variant="e", **kwargs)


def resnet50_v1s(**kwargs):
    return _resnet_v1b(50, variant="s", **kwargs)


def resnet101_v1s(**kwargs):
    return _resnet_v1b(101, variant="s", **kwargs)


def resnet152_v1s(**kwargs):
    return _resnet_v1b(152, variant="s", **kwargs)


class ActionRecResNetV1b(HybridBlock):
    """TSN: the ResNetV1b base on each frame, the segments averaged, a Dense head of fixed in_units."""

    def __init__(self, depth, nclass, pretrained_base=True, dropout_ratio=0.5, num_segments=1, num_crop=1, **kwargs):
        super(ActionRecResNetV1b, self).__init__()
        self.base = _resnet_v1b(depth, pretrained=pretrained_base)
        self.feat_dim = 512 * (1 if depth < 50 else 4)
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.drop = nn.Dropout(rate=dropout_ratio)
        self.output = nn.Dense(units=nclass, in_units=self.feat_dim)

    def hybrid_forward(self, F, x):
        x = self.drop(self.base.features(x))
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        x = F.mean(x, axis=1)
        return self.output(x)


def _tsn(depth, nclass, dropout_ratio=0.5, pretrained=False, pretrained_base=True, num_segments=1, num_crop=1, **kwargs):
    return ActionRecResNetV1b(depth, nclass, pretrained_base=pretrained_base or pretrained, dropout_ratio=dropout_ratio,
                              num_segments=num_segments, num_crop=num_crop)


def resnet18_v1b_kinetics400(nclass=400, **kwargs):
    return _tsn(18, nclass, **kwargs)


def resnet34_v1b_kinetics400(nclass=400, **kwargs):
    return _tsn(34, nclass, **kwargs)


def resnet50_v1b_kinetics400(nclass=400, **kwargs):
    return _tsn(50, nclass, **kwargs)


def resnet101_v1b_kinetics400(nclass=400, **kwargs):
    return _tsn(101, nclass, **kwargs)


def resnet152_v1b_kinetics400(nclass=400, **kwargs):
    return _tsn(152, nclass, **kwargs)


def resnet18_v1b_sthsthv2(nclass=174, **kwargs):
    return _tsn(18, nclass, **kwargs)


def resnet34_v1b_sthsthv2(nclass=174, **kwargs):
    return _tsn(34, nclass, **kwargs)


def resnet50_v1b_sthsthv2(nclass=174, **kwargs):
    return _tsn(50, nclass, **kwargs)


def resnet101_v1b_sthsthv2(nclass=174, **kwargs):
    return _tsn(101, nclass, **kwargs)


def resnet152_v1b_sthsthv2(nclass=174, **kwargs):
    return _tsn(152, nclass, **kwargs)


def resnet50_v1b_hmdb51(nclass=51, **kwargs):
    return _tsn(50, nclass, dropout_ratio=0.9, **kwargs)



def resnet50_v1b_ucf101(nclass=101, **kwargs):
    return _tsn(50, nclass, dropout_ratio=0.9, **kwargs)


def resnet50_v1b_custom(nclass=400, **kwargs):
    return _tsn(50, nclass, **kwargs)


def resnet18_v1b_custom(nclass=400, **kwargs):
    return _tsn(18, nclass, **kwargs)
