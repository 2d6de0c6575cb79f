"""Shape stub: gluoncv.model_zoo ResNeSt (`resnest14`, `resnest26`, `resnest50`, `resnest101`,
`resnest200`, `resnest269`).

Architecture from Zhang et al., "ResNeSt: Split-Attention Networks" (2020), as GluonCV builds it
(`gluoncv/model_zoo/resnest.py` and its split-attention convolution `gluoncv/nn/splat.py`, NCHW):
a deep stem of three unbiased 3x3 convolutions (stem width 32, or 64 for 101/200/269; the first
one's `in_channels` is fixed at 3, so every ResNeSt takes RGB), batch norm, ReLU and a 3x3/2 max
pool; bottlenecks with 3-4-6-3 (50), 3-4-23-3 (101), 3-24-36-3 (200), 3-30-48-8 (269), 1-1-1-1
(14) or 2-2-2-2 (26) blocks: a 1x1 convolution to the group width, the split-attention 3x3
convolution (radix 2: a grouped convolution to 2x the width with batch norm and ReLU, the two
splits summed, globally pooled, a biased 1x1 to max(width / 2, 32) with batch norm and ReLU, a
biased 1x1 back to 2x the width, a softmax over the splits weighting them, their sum), and a 1x1
to 4x the width; a stride-2 block averages 3x3/2 after the split attention instead ("avd"), and
its shortcut average-pools before an unbiased 1x1 projection ("avg_down"). Global average
pooling (any size that passes the stem), dropout 0.2 for 200 and 269, and a Dense head with
`in_units` fixed at 2048.

GluonCV trains ResNeSt-50/101/200/269 at 224/256/320/416 px with DropBlock (probability 0.1 in
the last two stages, 26 and up); DropBlock's masks are built for `input_size` (224 unless given)
but act only in training (`autograd.record`), where this stub does not model them: at inference
they are the identity and any input size passes.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["ResNeSt", "resnest14", "resnest26", "resnest50", "resnest101", "resnest200", "resnest269"]


class SplitAttentionConv(HybridBlock):
    def __init__(self, channels, kernel_size, strides=1, padding=0, dilation=1, groups=1, radix=2, in_channels=0, r=2, **kwargs):
        super(SplitAttentionConv, self).__init__()
        inter_channels = max(in_channels * radix // 2 // r, 32)
        self.radix = radix
        self.cardinality = groups
        self.channels = channels
        self.conv = nn.Conv2D(channels * radix, kernel_size, strides, padding, dilation, groups=groups * radix, use_bias=False,
                              in_channels=in_channels)
        self.bn = nn.BatchNorm(in_channels=channels * radix)
        self.relu = nn.Activation("relu")
        self.fc1 = nn.Conv2D(inter_channels, 1, in_channels=channels, groups=self.cardinality)
        self.bn1 = nn.BatchNorm(in_channels=inter_channels)
        self.relu1 = nn.Activation("relu")
        self.fc2 = nn.Conv2D(channels * radix, 1, in_channels=inter_channels, groups=self.cardinality)

    def hybrid_forward(self, F, x):
        x = self.relu(self.bn(self.conv(x)))
        splited = F.reshape(F.expand_dims(x, axis=1), shape=(0, self.radix, self.channels, 0, 0))
        gap = F.contrib.AdaptiveAvgPooling2D(F.sum(splited, axis=1), output_size=1)
        atten = self.fc2(self.relu1(self.bn1(self.fc1(gap))))
        atten = F.swapaxes(F.reshape(atten, shape=(0, self.cardinality, self.radix, -1)), 1, 2)
        atten = F.reshape(F.softmax(atten, axis=1), shape=(0, self.radix, -1, 1, 1))
        return F.sum(F.broadcast_mul(atten, splited), axis=1)


class ResNeStBottleneck(HybridBlock):
    expansion = 4

    def __init__(self, channels, strides=1, downsample=None, radix=2, avd=True, in_channels=0, **kwargs):
        super(ResNeStBottleneck, self).__init__()
        group_width = channels
        self.avd = avd and strides > 1
        self.conv1 = nn.Conv2D(channels=group_width, kernel_size=1, use_bias=False, in_channels=in_channels)
        self.bn1 = nn.BatchNorm(in_channels=group_width)
        self.relu1 = nn.Activation("relu")
        self.conv2 = SplitAttentionConv(channels=group_width, kernel_size=3, strides=1 if self.avd else strides, padding=1, radix=radix,
                                        in_channels=group_width)
        self.avd_layer = nn.AvgPool2D(3, strides, padding=1) if self.avd else None
        self.conv3 = nn.Conv2D(channels=channels * 4, kernel_size=1, use_bias=False, in_channels=group_width)
        self.bn3 = nn.BatchNorm(in_channels=channels * 4)
        self.relu3 = nn.Activation("relu")
        self.downsample = downsample

    def hybrid_forward(self, F, x):
        out = self.conv2(self.relu1(self.bn1(self.conv1(x))))
        if self.avd_layer is not None:
            out = self.avd_layer(out)
        out = self.bn3(self.conv3(out))
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu3(out + residual)


class ResNeSt(HybridBlock):
    def __init__(self, layers, classes=1000, stem_width=32, final_drop=0.0, radix=2, **kwargs):
        super(ResNeSt, self).__init__()
        self.inplanes = stem_width * 2
        self.conv1 = nn.HybridSequential(prefix="conv1")
        self.conv1.add(nn.Conv2D(channels=stem_width, kernel_size=3, strides=2, padding=1, use_bias=False, in_channels=3))
        self.conv1.add(nn.BatchNorm(in_channels=stem_width))
        self.conv1.add(nn.Activation("relu"))
        self.conv1.add(nn.Conv2D(channels=stem_width, kernel_size=3, strides=1, padding=1, use_bias=False, in_channels=stem_width))
        self.conv1.add(nn.BatchNorm(in_channels=stem_width))
        self.conv1.add(nn.Activation("relu"))
        self.conv1.add(nn.Conv2D(channels=stem_width * 2, kernel_size=3, strides=1, padding=1, use_bias=False, in_channels=stem_width))
        self.bn1 = nn.BatchNorm(in_channels=stem_width * 2)
        self.relu = nn.Activation("relu")
        self.maxpool = nn.MaxPool2D(pool_size=3, strides=2, padding=1)
        self.layer1 = self._make_layer(64, layers[0], 1, radix)
        self.layer2 = self._make_layer(128, layers[1], 2, radix)
        self.layer3 = self._make_layer(256, layers[2], 2, radix)
        self.layer4 = self._make_layer(512, layers[3], 2, radix)
        self.avgpool = nn.GlobalAvgPool2D()
        self.flat = nn.Flatten()
        self.drop = nn.Dropout(final_drop) if final_drop > 0.0 else None
        self.fc = nn.Dense(in_units=512 * 4, units=classes)

    def _make_layer(self, planes, blocks, strides, radix):
        downsample = None
        if strides != 1 or self.inplanes != planes * 4:
            downsample = nn.HybridSequential(prefix="")
            downsample.add(nn.AvgPool2D(pool_size=strides, strides=strides, ceil_mode=True, count_include_pad=False))
            downsample.add(nn.Conv2D(channels=planes * 4, kernel_size=1, strides=1, use_bias=False, in_channels=self.inplanes))
            downsample.add(nn.BatchNorm(in_channels=planes * 4))
        layers = nn.HybridSequential(prefix="")
        layers.add(ResNeStBottleneck(planes, strides, downsample, radix=radix, in_channels=self.inplanes))
        self.inplanes = planes * 4
        for _ in range(1, blocks):
            layers.add(ResNeStBottleneck(planes, radix=radix, in_channels=self.inplanes))
        return layers

    def hybrid_forward(self, F, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.flat(self.avgpool(x))
        if self.drop is not None:
            x = self.drop(x)
        return self.fc(x)


def _resnest(layers, pretrained=False, root=None, ctx=None, stem_width=32, final_drop=0.0, **kwargs):
    kwargs.pop("dropblock_prob", None)
    kwargs.pop("input_size", None)
    return ResNeSt(layers, stem_width=stem_width, final_drop=final_drop, **kwargs)


def resnest14(**kwargs):
    return _resnest([1, 1, 1, 1], **kwargs)


def resnest26(**kwargs):
    return _resnest([2, 2, 2, 2], **kwargs)


def resnest50(**kwargs):
    return _resnest([3, 4, 6, 3], **kwargs)


def resnest101(**kwargs):
    return _resnest([3, 4, 23, 3], stem_width=64, **kwargs)


def resnest200(**kwargs):
    return _resnest([3, 24, 36, 3], stem_width=64, final_drop=0.2, **kwargs)


def resnest269(**kwargs):
    return _resnest([3, 30, 48, 8], stem_width=64, final_drop=0.2, **kwargs)
