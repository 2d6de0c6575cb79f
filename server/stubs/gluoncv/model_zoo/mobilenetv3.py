"""Shape stub: gluoncv.model_zoo MobileNetV3 (`mobilenetv3_large`, `mobilenetv3_small`).

Architecture from Howard et al., "Searching for MobileNetV3" (2019), tables 1 and 2, as GluonCV
builds it (`gluoncv/model_zoo/mobilenetv3.py`, NCHW): a 3x3/2 stem convolution to 16 channels
with batch norm and hard-swish; inverted residual units (a 1x1 expansion unless the expansion
width equals the output width, a depthwise k x k convolution carrying the stride,
squeeze-excitation to ceil(mid / 4 / 8) * 8 channels where the table says so, a linear 1x1
projection; every convolution unbiased with batch norm; a shortcut when input and output
widths match at stride 1); a 1x1 convolution to 960 (576 for small) with batch norm and
hard-swish, a global average pool, a 1x1 convolution to 1280 without bias, dropout 0.2 and a
1x1 convolution with bias to the classes, flattened. Any input of at least 32 px works; the
activations (hard-swish, hard-sigmoid) keep shapes and are written with `clip`.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["mobilenet_v3_large", "mobilenet_v3_small"]

_LARGE = [
    # kernel, expansion, out, squeeze-excitation, activation, stride
    (3, 16, 16, False, "relu", 1), (3, 64, 24, False, "relu", 2), (3, 72, 24, False, "relu", 1),
    (5, 72, 40, True, "relu", 2), (5, 120, 40, True, "relu", 1), (5, 120, 40, True, "relu", 1),
    (3, 240, 80, False, "hard_swish", 2), (3, 200, 80, False, "hard_swish", 1), (3, 184, 80, False, "hard_swish", 1),
    (3, 184, 80, False, "hard_swish", 1), (3, 480, 112, True, "hard_swish", 1), (3, 672, 112, True, "hard_swish", 1),
    (5, 672, 160, True, "hard_swish", 2), (5, 960, 160, True, "hard_swish", 1), (5, 960, 160, True, "hard_swish", 1),
]
_SMALL = [
    (3, 16, 16, True, "relu", 2), (3, 72, 24, False, "relu", 2), (3, 88, 24, False, "relu", 1),
    (5, 96, 40, True, "hard_swish", 2), (5, 240, 40, True, "hard_swish", 1), (5, 240, 40, True, "hard_swish", 1),
    (5, 120, 48, True, "hard_swish", 1), (5, 144, 48, True, "hard_swish", 1), (5, 288, 96, True, "hard_swish", 2),
    (5, 576, 96, True, "hard_swish", 1), (5, 576, 96, True, "hard_swish", 1),
]


def make_divisible(x, divisible_by=8):
    return ((x + divisible_by - 1) // divisible_by) * divisible_by


class HardSwish(HybridBlock):
    def hybrid_forward(self, F, x):
        return x * F.clip(x + 3.0, 0.0, 6.0) / 6.0


class HardSigmoid(HybridBlock):
    def hybrid_forward(self, F, x):
        return F.clip(x + 3.0, 0.0, 6.0) / 6.0


def _activation(kind):
    return nn.Activation("relu") if kind == "relu" else HardSwish()


class _SE(HybridBlock):
    def __init__(self, num_out, ratio=4, **kwargs):
        super(_SE, self).__init__()
        num_mid = make_divisible(num_out // ratio)
        self.pool = nn.GlobalAvgPool2D()
        self.conv1 = nn.Conv2D(channels=num_mid, kernel_size=1, use_bias=True)
        self.act1 = nn.Activation("relu")
        self.conv2 = nn.Conv2D(channels=num_out, kernel_size=1, use_bias=True)
        self.act2 = HardSigmoid()

    def hybrid_forward(self, F, x):
        out = self.act2(self.conv2(self.act1(self.conv1(self.pool(x)))))
        return F.broadcast_mul(x, out)


class _Unit(HybridBlock):
    def __init__(self, num_out, kernel_size=1, strides=1, pad=0, num_groups=1, use_act=True, act_type="relu", **kwargs):
        super(_Unit, self).__init__()
        self.use_act = use_act
        self.conv = nn.Conv2D(channels=num_out, kernel_size=kernel_size, strides=strides, padding=pad, groups=num_groups, use_bias=False)
        self.bn = nn.BatchNorm()
        if use_act:
            self.act = _activation(act_type)

    def hybrid_forward(self, F, x):
        out = self.bn(self.conv(x))
        if self.use_act:
            out = self.act(out)
        return out


class _ResUnit(HybridBlock):
    def __init__(self, num_in, num_mid, num_out, kernel_size, act_type="relu", use_se=False, strides=1, **kwargs):
        super(_ResUnit, self).__init__()
        self.use_se = use_se
        self.first_conv = num_out != num_mid
        if self.first_conv:
            self.expand = _Unit(num_mid, kernel_size=1, act_type=act_type)
        self.conv1 = _Unit(num_mid, kernel_size=kernel_size, strides=strides, pad=kernel_size // 2, act_type=act_type, num_groups=num_mid)
        if use_se:
            self.se = _SE(num_mid)
        self.conv2 = _Unit(num_out, kernel_size=1, use_act=False)
        self.use_short_cut_conv = num_in == num_out and strides == 1

    def hybrid_forward(self, F, x):
        out = self.expand(x) if self.first_conv else x
        out = self.conv1(out)
        if self.use_se:
            out = self.se(out)
        out = self.conv2(out)
        if self.use_short_cut_conv:
            return x + out
        return out


class _MobileNetV3(HybridBlock):
    # `pretrained_in_channels` stands for the loaded weights, which fix the input channels at 3 (0: inferred).
    def __init__(self, cfg, cls_ch_squeeze, cls_ch_expand, classes=1000, final_drop=0.0, pretrained_in_channels=0, **kwargs):
        super(_MobileNetV3, self).__init__()
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.Conv2D(channels=16, kernel_size=3, padding=1, strides=2, use_bias=False, in_channels=pretrained_in_channels))
        self.features.add(nn.BatchNorm())
        self.features.add(HardSwish())
        inplanes = 16
        for kernel, exp, out, se, act, stride in cfg:
            self.features.add(_ResUnit(inplanes, exp, out, kernel, act, se, stride))
            inplanes = out
        self.features.add(nn.Conv2D(channels=cls_ch_squeeze, kernel_size=1, use_bias=False))
        self.features.add(nn.BatchNorm())
        self.features.add(HardSwish())
        self.features.add(nn.GlobalAvgPool2D())
        self.features.add(nn.Conv2D(channels=cls_ch_expand, kernel_size=1, use_bias=False))
        self.features.add(HardSwish())
        if final_drop > 0:
            self.features.add(nn.Dropout(final_drop))
        self.output = nn.HybridSequential(prefix="output_")
        self.output.add(nn.Conv2D(in_channels=cls_ch_expand, channels=classes, kernel_size=1))
        self.output.add(nn.Flatten())

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def mobilenet_v3_large(pretrained=False, ctx=None, root=None, **kwargs):
    return _MobileNetV3(_LARGE, 960, 1280, final_drop=0.2, pretrained_in_channels=3 if pretrained else 0, **kwargs)


def mobilenet_v3_small(pretrained=False, ctx=None, root=None, **kwargs):
    return _MobileNetV3(_SMALL, 576, 1280, final_drop=0.2, pretrained_in_channels=3 if pretrained else 0, **kwargs)
