"""Shape stub: gluoncv.model_zoo Xception (`xception`: Xception-65, `xception71`).

Architecture from Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions" (2017),
in the "modified aligned" form of Chen et al., "Encoder-Decoder with Atrous Separable
Convolution" (DeepLabv3+, 2018), as GluonCV builds it (`gluoncv/model_zoo/xception.py`, NCHW):
separable convolutions (zero padding to keep the size, an unbiased depthwise 3x3, a batch norm on
its channels, an unbiased pointwise 1x1), each followed by a batch norm; an entry flow of a 3x3/2
convolution to 32 (`in_channels` fixed at 3) and a 3x3 to 64, then residual blocks to 128, 256
and 728 channels (Xception-71 has 128, 256, 256, 728 and 728), each stride 2 except 71's first
256; a middle flow of 16 blocks of three separable convolutions on 728 channels; an exit block to
1024 (stride 2), separable convolutions to 1536, 1536 and 2048, global average pooling and a
Dense head with `in_units` fixed at 2048. A block whose width or stride changes has an unbiased
1x1 projection with a batch norm on its shortcut. The padded convolutions take any image size.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["Xception65", "Xception71", "get_xcetption", "get_xcetption_71"]


class SeparableConv2d(HybridBlock):
    def __init__(self, inplanes, planes, kernel_size=3, stride=1, dilation=1, **kwargs):
        super(SeparableConv2d, self).__init__()
        effective = kernel_size + (kernel_size - 1) * (dilation - 1)
        self.pad_beg = (effective - 1) // 2
        self.pad_end = effective - 1 - self.pad_beg
        self.conv1 = nn.Conv2D(in_channels=inplanes, channels=inplanes, kernel_size=kernel_size, strides=stride, padding=0,
                               dilation=dilation, groups=inplanes, use_bias=False)
        self.bn = nn.BatchNorm(in_channels=inplanes)
        self.pointwise = nn.Conv2D(in_channels=inplanes, channels=planes, kernel_size=1, use_bias=False)

    def hybrid_forward(self, F, x):
        x = F.pad(x, mode="constant", constant_value=0, pad_width=(0, 0, 0, 0, self.pad_beg, self.pad_end, self.pad_beg, self.pad_end))
        return self.pointwise(self.bn(self.conv1(x)))


def _sep_unit(rep, inplanes, planes, stride=1, dilation=1, relu=True):
    """ReLU (unless the block starts without one), a separable convolution and its batch norm."""
    if relu:
        rep.add(nn.Activation("relu"))
    rep.add(SeparableConv2d(inplanes, planes, 3, stride, dilation))
    rep.add(nn.BatchNorm(in_channels=planes))


class XceptionBlock(HybridBlock):
    def __init__(self, inplanes, planes, reps, stride=1, dilation=1, start_with_relu=True, grow_first=True, is_last=False, **kwargs):
        super(XceptionBlock, self).__init__()
        self.skip = None
        if planes != inplanes or stride != 1:
            self.skip = nn.Conv2D(in_channels=inplanes, channels=planes, kernel_size=1, strides=stride, use_bias=False)
            self.skipbn = nn.BatchNorm(in_channels=planes)
        self.rep = nn.HybridSequential()
        filters = inplanes
        if grow_first:
            _sep_unit(self.rep, inplanes, planes, 1, dilation, start_with_relu)
            filters = planes
        for _ in range(reps - 1):
            _sep_unit(self.rep, filters, filters, 1, dilation, grow_first or start_with_relu)
        if not grow_first:
            _sep_unit(self.rep, inplanes, planes, 1, dilation)
        if stride != 1:
            _sep_unit(self.rep, planes, planes, stride)
        elif is_last:
            _sep_unit(self.rep, planes, planes, 1, dilation)

    def hybrid_forward(self, F, inp):
        x = self.rep(inp)
        skip = inp if self.skip is None else self.skipbn(self.skip(inp))
        return x + skip


class Xception(HybridBlock):
    """Xception-65 (`entry_blocks` to 256 and 728) or -71 (to 256, 256, 728 and 728); output stride 32."""

    def __init__(self, entry_blocks, classes=1000, **kwargs):
        super(Xception, self).__init__()
        self.conv1 = nn.Conv2D(in_channels=3, channels=32, kernel_size=3, strides=2, padding=1, use_bias=False)
        self.bn1 = nn.BatchNorm(in_channels=32)
        self.relu = nn.Activation("relu")
        self.conv2 = nn.Conv2D(in_channels=32, channels=64, kernel_size=3, strides=1, padding=1, use_bias=False)
        self.bn2 = nn.BatchNorm(in_channels=64)
        self.block1 = XceptionBlock(64, 128, reps=2, stride=2, start_with_relu=False)
        self.block2 = nn.HybridSequential()
        for inplanes, planes, stride in entry_blocks[:-1]:
            self.block2.add(XceptionBlock(inplanes, planes, reps=2, stride=stride, start_with_relu=False))
        inplanes, planes, stride = entry_blocks[-1]
        self.block3 = XceptionBlock(inplanes, planes, reps=2, stride=stride, start_with_relu=True, is_last=True)
        self.midflow = nn.HybridSequential()
        for _ in range(16):
            self.midflow.add(XceptionBlock(728, 728, reps=3, stride=1))
        self.block20 = XceptionBlock(728, 1024, reps=2, stride=2, grow_first=False, is_last=True)
        self.conv3 = SeparableConv2d(1024, 1536, 3)
        self.bn3 = nn.BatchNorm(in_channels=1536)
        self.conv4 = SeparableConv2d(1536, 1536, 3)
        self.bn4 = nn.BatchNorm(in_channels=1536)
        self.conv5 = SeparableConv2d(1536, 2048, 3)
        self.bn5 = nn.BatchNorm(in_channels=2048)
        self.avgpool = nn.GlobalAvgPool2D()
        self.flat = nn.Flatten()
        self.fc = nn.Dense(in_units=2048, units=classes)

    def hybrid_forward(self, F, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        x = self.relu(self.block1(x))
        x = self.midflow(self.block3(self.block2(x)))
        x = self.relu(self.block20(x))
        x = self.relu(self.bn3(self.conv3(x)))
        x = self.relu(self.bn4(self.conv4(x)))
        x = self.relu(self.bn5(self.conv5(x)))
        return self.fc(self.flat(self.avgpool(x)))


def Xception65(classes=1000, **kwargs):
    return Xception([(128, 256, 2), (256, 728, 2)], classes=classes)


def Xception71(classes=1000, **kwargs):
    return Xception([(128, 256, 1), (256, 256, 2), (256, 728, 2), (728, 728, 2)], classes=classes)


def get_xcetption(pretrained=False, ctx=None, root=None, **kwargs):
    return Xception65(**kwargs)


def get_xcetption_71(pretrained=False, ctx=None, root=None, **kwargs):
    return Xception71(**kwargs)
