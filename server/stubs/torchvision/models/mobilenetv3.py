"""Shape stub of torchvision.models.mobilenetv3.

Architecture facts from Howard et al. 2019 ("Searching for MobileNetV3", Tables 1 and 2: the
Large and Small block lists with kernel, expansion, output width, squeeze-excite and
activation per block): inverted residuals with optional squeeze-and-excitation (squeeze to a
quarter of the expanded width rounded to 8, ReLU, hard-sigmoid gate), hard-swish, batch norm
with eps 0.001, a 6x-wide last convolution, then a linear layer to 1280 (Large) or 1024
(Small), hard-swish, dropout and the classifier.
"""
import torch
import torch.nn as nn

__all__ = ["MobileNetV3", "mobilenet_v3_large", "mobilenet_v3_small", "MobileNet_V3_Large_Weights", "MobileNet_V3_Small_Weights"]


class MobileNet_V3_Large_Weights:
    IMAGENET1K_V1 = "MobileNet_V3_Large_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "MobileNet_V3_Large_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


class MobileNet_V3_Small_Weights:
    IMAGENET1K_V1 = "MobileNet_V3_Small_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_bn_act(in_channels, out_channels, kernel_size, stride=1, groups=1, dilation=1, activation=None):
    layers = [
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, (kernel_size - 1) // 2 * dilation, dilation=dilation, groups=groups,
                  bias=False),
        nn.BatchNorm2d(out_channels, eps=0.001, momentum=0.01),
    ]
    if activation == "HS":
        layers.append(nn.Hardswish(inplace=True))
    elif activation == "RE":
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_channels):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = nn.ReLU()
        self.scale_activation = nn.Hardsigmoid()

    def forward(self, x):
        scale = self.fc2(self.activation(self.fc1(self.avgpool(x))))
        return self.scale_activation(scale) * x


class InvertedResidual(nn.Module):
    def __init__(self, input_channels, kernel, expanded_channels, out_channels, use_se, activation, stride, dilation):
        super().__init__()
        if not (1 <= stride and stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = stride == 1 and input_channels == out_channels
        layers = []
        if expanded_channels != input_channels:
            layers.append(conv_bn_act(input_channels, expanded_channels, 1, activation=activation))
        dw_stride = 1 if dilation > 1 else stride
        layers.append(conv_bn_act(expanded_channels, expanded_channels, kernel, dw_stride, expanded_channels, dilation, activation))
        if use_se:
            layers.append(SqueezeExcitation(expanded_channels, _make_divisible(expanded_channels // 4, 8)))
        layers.append(conv_bn_act(expanded_channels, out_channels, 1))
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_res_connect:
            return x + self.block(x)
        return self.block(x)


def _large_settings(width_mult, reduce_divider, dilation):
    r = reduce_divider
    d = dilation
    rows = [
        (16, 3, 16, 16, False, "RE", 1, 1),
        (16, 3, 64, 24, False, "RE", 2, 1),
        (24, 3, 72, 24, False, "RE", 1, 1),
        (24, 5, 72, 40, True, "RE", 2, 1),
        (40, 5, 120, 40, True, "RE", 1, 1),
        (40, 5, 120, 40, True, "RE", 1, 1),
        (40, 3, 240, 80, False, "HS", 2, 1),
        (80, 3, 200, 80, False, "HS", 1, 1),
        (80, 3, 184, 80, False, "HS", 1, 1),
        (80, 3, 184, 80, False, "HS", 1, 1),
        (80, 3, 480, 112, True, "HS", 1, 1),
        (112, 3, 672, 112, True, "HS", 1, 1),
        (112, 5, 672, 160 // r, True, "HS", 2, d),
        (160 // r, 5, 960 // r, 160 // r, True, "HS", 1, d),
        (160 // r, 5, 960 // r, 160 // r, True, "HS", 1, d),
    ]
    return rows, _make_divisible(1280 // r * width_mult, 8)


def _small_settings(width_mult, reduce_divider, dilation):
    r = reduce_divider
    d = dilation
    rows = [
        (16, 3, 16, 16, True, "RE", 2, 1),
        (16, 3, 72, 24, False, "RE", 2, 1),
        (24, 3, 88, 24, False, "RE", 1, 1),
        (24, 5, 96, 40, True, "HS", 2, 1),
        (40, 5, 240, 40, True, "HS", 1, 1),
        (40, 5, 240, 40, True, "HS", 1, 1),
        (40, 5, 120, 48, True, "HS", 1, 1),
        (48, 5, 144, 48, True, "HS", 1, 1),
        (48, 5, 288, 96 // r, True, "HS", 2, d),
        (96 // r, 5, 576 // r, 96 // r, True, "HS", 1, d),
        (96 // r, 5, 576 // r, 96 // r, True, "HS", 1, d),
    ]
    return rows, _make_divisible(1024 // r * width_mult, 8)


class MobileNetV3(nn.Module):
    def __init__(self, inverted_residual_setting, last_channel, num_classes=1000, width_mult=1.0, dropout=0.2):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        first = _make_divisible(inverted_residual_setting[0][0] * width_mult, 8)
        layers = [conv_bn_act(3, first, 3, stride=2, activation="HS")]
        last_out = first
        for cin, k, exp, cout, se, act, stride, dil in inverted_residual_setting:
            cin = _make_divisible(cin * width_mult, 8)
            exp = _make_divisible(exp * width_mult, 8)
            cout = _make_divisible(cout * width_mult, 8)
            layers.append(InvertedResidual(cin, k, exp, cout, se, act, stride, dil))
            last_out = cout
        lastconv_output_channels = 6 * last_out
        layers.append(conv_bn_act(last_out, lastconv_output_channels, 1, activation="HS"))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(lastconv_output_channels, last_channel),
            nn.Hardswish(inplace=True),
            nn.Dropout(p=dropout, inplace=True),
            nn.Linear(last_channel, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))
        x = torch.flatten(x, 1)
        return self.classifier(x)


def _mobilenet_v3(settings, weights, kwargs):
    width_mult = 1.0
    if "width_mult" in kwargs:
        width_mult = kwargs["width_mult"]
    reduce_divider = 1
    if "reduced_tail" in kwargs:
        if kwargs.pop("reduced_tail"):
            reduce_divider = 2
    dilation = 1
    if "dilated" in kwargs:
        if kwargs.pop("dilated"):
            dilation = 2
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    rows, last_channel = settings(width_mult, reduce_divider, dilation)
    return MobileNetV3(rows, last_channel, **kwargs)


def mobilenet_v3_large(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = MobileNet_V3_Large_Weights.IMAGENET1K_V1
    return _mobilenet_v3(_large_settings, weights, kwargs)


def mobilenet_v3_small(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = MobileNet_V3_Small_Weights.IMAGENET1K_V1
    return _mobilenet_v3(_small_settings, weights, kwargs)
