"""Shape stub of torchvision.models.mobilenetv2.

Architecture facts from Sandler et al. 2018 ("MobileNetV2", Table 2: t, c, n, s per stage):
inverted residual blocks (1x1 expansion by t unless t == 1, 3x3 depthwise with the stage's
stride, linear 1x1 projection; a residual when stride 1 keeps the width), ReLU6, channels
rounded to multiples of 8, a 1280-channel last convolution, global average pool and a linear
classifier after dropout 0.2.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["MobileNetV2", "mobilenet_v2", "MobileNet_V2_Weights"]


class MobileNet_V2_Weights:
    IMAGENET1K_V1 = "MobileNet_V2_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "MobileNet_V2_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


def _make_divisible(v, divisor, min_value=None):
    # Round to the nearest multiple of `divisor`, never more than 10% below `v`.
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_bn_relu6(in_channels, out_channels, kernel_size=3, stride=1, groups=1):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, (kernel_size - 1) // 2, groups=groups, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU6(inplace=True),
    )


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio):
        super().__init__()
        if stride not in [1, 2]:
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(conv_bn_relu6(inp, hidden_dim, kernel_size=1))
        layers.append(conv_bn_relu6(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim))
        layers.append(nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False))
        layers.append(nn.BatchNorm2d(oup))
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes=1000, width_mult=1.0, inverted_residual_setting=None, round_nearest=8, block=None, norm_layer=None,
                 dropout=0.2):
        super().__init__()
        input_channel = 32
        last_channel = 1280
        if inverted_residual_setting is None:
            inverted_residual_setting = [
                [1, 16, 1, 1],
                [6, 24, 2, 2],
                [6, 32, 3, 2],
                [6, 64, 4, 2],
                [6, 96, 3, 1],
                [6, 160, 3, 2],
                [6, 320, 1, 1],
            ]
        input_channel = _make_divisible(input_channel * width_mult, round_nearest)
        self.last_channel = _make_divisible(last_channel * max(1.0, width_mult), round_nearest)
        features = [conv_bn_relu6(3, input_channel, stride=2)]
        for t, c, n, s in inverted_residual_setting:
            output_channel = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                stride = s if i == 0 else 1
                features.append(InvertedResidual(input_channel, output_channel, stride, expand_ratio=t))
                input_channel = output_channel
        features.append(conv_bn_relu6(input_channel, self.last_channel, kernel_size=1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = F.adaptive_avg_pool2d(x, (1, 1))
        x = torch.flatten(x, 1)
        return self.classifier(x)


def mobilenet_v2(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = MobileNet_V2_Weights.IMAGENET1K_V1
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return MobileNetV2(**kwargs)
