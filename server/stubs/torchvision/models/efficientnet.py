"""Shape stub of torchvision.models.efficientnet (EfficientNet B0-B7 and V2 S/M/L).

Architecture facts from Tan & Le 2019 ("EfficientNet", Table 1: the B0 stages of MBConv blocks
with expansion, kernel, stride, width and repeats; compound scaling of width and depth per
model, widths rounded to multiples of 8, repeats rounded up) and Tan & Le 2021
("EfficientNetV2", Tables 4 and 7-8: Fused-MBConv stages and a 1280-channel head). Blocks use
SiLU, squeeze-and-excitation to a quarter of the block's input width (sigmoid gate) and a
residual when stride 1 keeps the width; the head is a 1x1 convolution (4x the last width for
B0-B7), a global average pool, dropout and a linear classifier.
"""
import math

import torch
import torch.nn as nn

__all__ = [
    "EfficientNet", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
    "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
    "EfficientNet_B0_Weights", "EfficientNet_B1_Weights", "EfficientNet_B2_Weights", "EfficientNet_B3_Weights",
    "EfficientNet_B4_Weights", "EfficientNet_B5_Weights", "EfficientNet_B6_Weights", "EfficientNet_B7_Weights",
    "EfficientNet_V2_S_Weights", "EfficientNet_V2_M_Weights", "EfficientNet_V2_L_Weights",
]


class EfficientNet_B0_Weights:
    IMAGENET1K_V1 = "EfficientNet_B0_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B1_Weights:
    IMAGENET1K_V1 = "EfficientNet_B1_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "EfficientNet_B1_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


class EfficientNet_B2_Weights:
    IMAGENET1K_V1 = "EfficientNet_B2_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B3_Weights:
    IMAGENET1K_V1 = "EfficientNet_B3_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B4_Weights:
    IMAGENET1K_V1 = "EfficientNet_B4_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B5_Weights:
    IMAGENET1K_V1 = "EfficientNet_B5_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B6_Weights:
    IMAGENET1K_V1 = "EfficientNet_B6_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B7_Weights:
    IMAGENET1K_V1 = "EfficientNet_B7_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_S_Weights:
    IMAGENET1K_V1 = "EfficientNet_V2_S_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_M_Weights:
    IMAGENET1K_V1 = "EfficientNet_V2_M_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_L_Weights:
    IMAGENET1K_V1 = "EfficientNet_V2_L_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_bn_silu(in_channels, out_channels, kernel_size, stride=1, groups=1, activation=True):
    layers = [
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, (kernel_size - 1) // 2, groups=groups, bias=False),
        nn.BatchNorm2d(out_channels),
    ]
    if activation:
        layers.append(nn.SiLU(inplace=True))
    return nn.Sequential(*layers)


class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_channels):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = nn.SiLU()
        self.scale_activation = nn.Sigmoid()

    def forward(self, x):
        scale = self.fc2(self.activation(self.fc1(self.avgpool(x))))
        return self.scale_activation(scale) * x


class MBConv(nn.Module):
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels):
        super().__init__()
        if not (1 <= stride and stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = stride == 1 and input_channels == out_channels
        expanded_channels = _make_divisible(input_channels * expand_ratio, 8)
        layers = []
        if expanded_channels != input_channels:
            layers.append(conv_bn_silu(input_channels, expanded_channels, 1))
        layers.append(conv_bn_silu(expanded_channels, expanded_channels, kernel, stride, expanded_channels))
        layers.append(SqueezeExcitation(expanded_channels, max(1, input_channels // 4)))
        layers.append(conv_bn_silu(expanded_channels, out_channels, 1, activation=False))
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_res_connect:
            return self.block(x) + x
        return self.block(x)


class FusedMBConv(nn.Module):
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels):
        super().__init__()
        if not (1 <= stride and stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = stride == 1 and input_channels == out_channels
        expanded_channels = _make_divisible(input_channels * expand_ratio, 8)
        if expanded_channels != input_channels:
            self.block = nn.Sequential(
                conv_bn_silu(input_channels, expanded_channels, kernel, stride),
                conv_bn_silu(expanded_channels, out_channels, 1, activation=False),
            )
        else:
            self.block = nn.Sequential(conv_bn_silu(input_channels, out_channels, kernel, stride))

    def forward(self, x):
        if self.use_res_connect:
            return self.block(x) + x
        return self.block(x)


def _v1_settings(width_mult, depth_mult):
    # (block, expand_ratio, kernel, stride, input_channels, out_channels, num_layers), scaled.
    base = [
        (1, 3, 1, 32, 16, 1),
        (6, 3, 2, 16, 24, 2),
        (6, 5, 2, 24, 40, 2),
        (6, 3, 2, 40, 80, 3),
        (6, 5, 1, 80, 112, 3),
        (6, 5, 2, 112, 192, 4),
        (6, 3, 1, 192, 320, 1),
    ]
    rows = []
    for e, k, s, i, o, n in base:
        rows.append(("mb", e, k, s, _make_divisible(i * width_mult, 8), _make_divisible(o * width_mult, 8), int(math.ceil(n * depth_mult))))
    return rows


V2_SETTINGS = {
    "s": [
        ("fused", 1, 3, 1, 24, 24, 2),
        ("fused", 4, 3, 2, 24, 48, 4),
        ("fused", 4, 3, 2, 48, 64, 4),
        ("mb", 4, 3, 2, 64, 128, 6),
        ("mb", 6, 3, 1, 128, 160, 9),
        ("mb", 6, 3, 2, 160, 256, 15),
    ],
    "m": [
        ("fused", 1, 3, 1, 24, 24, 3),
        ("fused", 4, 3, 2, 24, 48, 5),
        ("fused", 4, 3, 2, 48, 80, 5),
        ("mb", 4, 3, 2, 80, 160, 7),
        ("mb", 6, 3, 1, 160, 176, 14),
        ("mb", 6, 3, 2, 176, 304, 18),
        ("mb", 6, 3, 1, 304, 512, 5),
    ],
    "l": [
        ("fused", 1, 3, 1, 32, 32, 4),
        ("fused", 4, 3, 2, 32, 64, 7),
        ("fused", 4, 3, 2, 64, 96, 7),
        ("mb", 4, 3, 2, 96, 192, 10),
        ("mb", 6, 3, 1, 192, 224, 19),
        ("mb", 6, 3, 2, 224, 384, 25),
        ("mb", 6, 3, 1, 384, 640, 7),
    ],
}


class EfficientNet(nn.Module):
    def __init__(self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000, norm_layer=None, last_channel=None):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        firstconv_output_channels = inverted_residual_setting[0][4]
        layers = [conv_bn_silu(3, firstconv_output_channels, 3, stride=2)]
        for kind, e, k, s, i, o, n in inverted_residual_setting:
            stage = []
            for j in range(n):
                cin = i if j == 0 else o
                stride = s if j == 0 else 1
                if kind == "fused":
                    stage.append(FusedMBConv(e, k, stride, cin, o))
                else:
                    stage.append(MBConv(e, k, stride, cin, o))
            layers.append(nn.Sequential(*stage))
        lastconv_input_channels = inverted_residual_setting[-1][5]
        lastconv_output_channels = last_channel if last_channel is not None else 4 * lastconv_input_channels
        layers.append(conv_bn_silu(lastconv_input_channels, lastconv_output_channels, 1))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(lastconv_output_channels, num_classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        x = torch.flatten(x, 1)
        return self.classifier(x)


def _efficientnet(settings, dropout, last_channel, weights, kwargs):
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return EfficientNet(settings, dropout, last_channel=last_channel, **kwargs)


def efficientnet_b0(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_B0_Weights.IMAGENET1K_V1
    return _efficientnet(_v1_settings(1.0, 1.0), 0.2, None, weights, kwargs)


def efficientnet_b1(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_B1_Weights.IMAGENET1K_V1
    return _efficientnet(_v1_settings(1.0, 1.1), 0.2, None, weights, kwargs)


def efficientnet_b2(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_B2_Weights.IMAGENET1K_V1
    return _efficientnet(_v1_settings(1.1, 1.2), 0.3, None, weights, kwargs)


def efficientnet_b3(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_B3_Weights.IMAGENET1K_V1
    return _efficientnet(_v1_settings(1.2, 1.4), 0.3, None, weights, kwargs)


def efficientnet_b4(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_B4_Weights.IMAGENET1K_V1
    return _efficientnet(_v1_settings(1.4, 1.8), 0.4, None, weights, kwargs)


def efficientnet_b5(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_B5_Weights.IMAGENET1K_V1
    return _efficientnet(_v1_settings(1.6, 2.2), 0.4, None, weights, kwargs)


def efficientnet_b6(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_B6_Weights.IMAGENET1K_V1
    return _efficientnet(_v1_settings(1.8, 2.6), 0.5, None, weights, kwargs)


def efficientnet_b7(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_B7_Weights.IMAGENET1K_V1
    return _efficientnet(_v1_settings(2.0, 3.1), 0.5, None, weights, kwargs)


def efficientnet_v2_s(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_V2_S_Weights.IMAGENET1K_V1
    return _efficientnet(V2_SETTINGS["s"], 0.2, 1280, weights, kwargs)


def efficientnet_v2_m(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_V2_M_Weights.IMAGENET1K_V1
    return _efficientnet(V2_SETTINGS["m"], 0.3, 1280, weights, kwargs)


def efficientnet_v2_l(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = EfficientNet_V2_L_Weights.IMAGENET1K_V1
    return _efficientnet(V2_SETTINGS["l"], 0.4, 1280, weights, kwargs)
