"""Shape stub of torchvision.models.regnet (RegNetY and RegNetX).

Architecture facts from Radosavovic et al. 2020 ("Designing Network Design Spaces"): a 3x3/2
stem of 32, four stages of X blocks (1x1, grouped 3x3 with the stage's stride, 1x1; a 1x1
projection shortcut when the width or stride changes; RegNetY adds squeeze-and-excitation to a
quarter of the block's input width), global average pooling and a linear classifier. Each
model's stage widths and depths follow from its (depth, w_0, w_a, w_m, group width) by the
paper's quantised linear rule; they are tabulated below instead of computed (the rule needs
float32 logarithms), with the widths made divisible by the group width.
"""
import torch
import torch.nn as nn

__all__ = [
    "RegNet", "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf", "regnet_y_16gf",
    "regnet_y_32gf", "regnet_y_128gf", "regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf",
    "regnet_x_8gf", "regnet_x_16gf", "regnet_x_32gf",
]

# name: (depth, w_0, w_a, w_m, group width) from the paper -> stage widths, depths, group widths, SE ratio.
STAGES = {
    # (16, 48, 27.89, 2.09, 8)
    "regnet_y_400mf": ([48, 104, 208, 440], [1, 3, 6, 6], [8, 8, 8, 8], 0.25),
    # (14, 56, 38.84, 2.4, 16)
    "regnet_y_800mf": ([64, 144, 320, 784], [1, 3, 8, 2], [16, 16, 16, 16], 0.25),
    # (27, 48, 20.71, 2.65, 24)
    "regnet_y_1_6gf": ([48, 120, 336, 888], [2, 6, 17, 2], [24, 24, 24, 24], 0.25),
    # (21, 80, 42.63, 2.66, 24)
    "regnet_y_3_2gf": ([72, 216, 576, 1512], [2, 5, 13, 1], [24, 24, 24, 24], 0.25),
    # (17, 192, 76.82, 2.19, 56)
    "regnet_y_8gf": ([224, 448, 896, 2016], [2, 4, 10, 1], [56, 56, 56, 56], 0.25),
    # (18, 200, 106.23, 2.48, 112)
    "regnet_y_16gf": ([224, 448, 1232, 3024], [2, 4, 11, 1], [112, 112, 112, 112], 0.25),
    # (20, 232, 115.89, 2.53, 232)
    "regnet_y_32gf": ([232, 696, 1392, 3712], [2, 5, 12, 1], [232, 232, 232, 232], 0.25),
    # (27, 456, 160.83, 2.52, 264)
    "regnet_y_128gf": ([528, 1056, 2904, 7392], [2, 7, 17, 1], [264, 264, 264, 264], 0.25),
    # (22, 24, 24.48, 2.54, 16)
    "regnet_x_400mf": ([32, 64, 160, 400], [1, 2, 7, 12], [16, 16, 16, 16], None),
    # (16, 56, 35.73, 2.28, 16)
    "regnet_x_800mf": ([64, 128, 288, 672], [1, 3, 7, 5], [16, 16, 16, 16], None),
    # (18, 80, 34.01, 2.25, 24)
    "regnet_x_1_6gf": ([72, 168, 408, 912], [2, 4, 10, 2], [24, 24, 24, 24], None),
    # (25, 88, 26.31, 2.25, 48)
    "regnet_x_3_2gf": ([96, 192, 432, 1008], [2, 6, 15, 2], [48, 48, 48, 48], None),
    # (23, 80, 49.56, 2.88, 120)
    "regnet_x_8gf": ([80, 240, 720, 1920], [2, 5, 15, 1], [80, 120, 120, 120], None),
    # (22, 216, 55.59, 2.1, 128)
    "regnet_x_16gf": ([256, 512, 896, 2048], [2, 6, 13, 1], [128, 128, 128, 128], None),
    # (23, 320, 69.86, 2.0, 168)
    "regnet_x_32gf": ([336, 672, 1344, 2520], [2, 7, 13, 1], [168, 168, 168, 168], None),
}


def conv_bn(in_channels, out_channels, kernel_size, stride=1, groups=1, activation=True):
    layers = [
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, (kernel_size - 1) // 2, groups=groups, bias=False),
        nn.BatchNorm2d(out_channels),
    ]
    if activation:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_channels):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = nn.ReLU()
        self.scale_activation = nn.Sigmoid()

    def forward(self, x):
        scale = self.fc2(self.activation(self.fc1(self.avgpool(x))))
        return self.scale_activation(scale) * x


class BottleneckTransform(nn.Module):
    def __init__(self, width_in, width_out, stride, group_width, bottleneck_multiplier, se_ratio):
        super().__init__()
        w_b = int(round(width_out * bottleneck_multiplier))
        g = w_b // group_width
        layers = [conv_bn(width_in, w_b, 1), conv_bn(w_b, w_b, 3, stride, g)]
        if se_ratio:
            layers.append(SqueezeExcitation(w_b, int(round(se_ratio * width_in))))
        layers.append(conv_bn(w_b, width_out, 1, activation=False))
        self.f = nn.Sequential(*layers)

    def forward(self, x):
        return self.f(x)


class ResBottleneckBlock(nn.Module):
    def __init__(self, width_in, width_out, stride, group_width=1, bottleneck_multiplier=1.0, se_ratio=None):
        super().__init__()
        self.proj = None
        if width_in != width_out or stride != 1:
            self.proj = conv_bn(width_in, width_out, 1, stride, activation=False)
        self.f = BottleneckTransform(width_in, width_out, stride, group_width, bottleneck_multiplier, se_ratio)
        self.activation = nn.ReLU(inplace=True)

    def forward(self, x):
        if self.proj is not None:
            x = self.proj(x) + self.f(x)
        else:
            x = x + self.f(x)
        return self.activation(x)


class RegNet(nn.Module):
    def __init__(self, block_params, num_classes=1000, stem_width=32):
        super().__init__()
        widths, depths, group_widths, se_ratio = block_params
        self.stem = conv_bn(3, stem_width, 3, stride=2)
        current_width = stem_width
        stages = []
        for width_out, depth, group_width in zip(widths, depths, group_widths):
            blocks = []
            for i in range(depth):
                blocks.append(ResBottleneckBlock(current_width if i == 0 else width_out, width_out, 2 if i == 0 else 1, group_width, 1.0, se_ratio))
            stages.append(nn.Sequential(*blocks))
            current_width = width_out
        self.trunk_output = nn.Sequential(*stages)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(current_width, num_classes)

    def forward(self, x):
        x = self.stem(x)
        x = self.trunk_output(x)
        x = self.avgpool(x)
        x = x.flatten(start_dim=1)
        return self.fc(x)


def _regnet(name, weights, kwargs):
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return RegNet(STAGES[name], **kwargs)


def regnet_y_400mf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_Y_400MF_Weights.IMAGENET1K_V1
    return _regnet("regnet_y_400mf", weights, kwargs)


def regnet_y_800mf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_Y_800MF_Weights.IMAGENET1K_V1
    return _regnet("regnet_y_800mf", weights, kwargs)


def regnet_y_1_6gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_Y_1_6GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_y_1_6gf", weights, kwargs)


def regnet_y_3_2gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_Y_3_2GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_y_3_2gf", weights, kwargs)


def regnet_y_8gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_Y_8GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_y_8gf", weights, kwargs)


def regnet_y_16gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_Y_16GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_y_16gf", weights, kwargs)


def regnet_y_32gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_Y_32GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_y_32gf", weights, kwargs)


def regnet_y_128gf(*, weights=None, progress=True, **kwargs):
    return _regnet("regnet_y_128gf", weights, kwargs)


def regnet_x_400mf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_X_400MF_Weights.IMAGENET1K_V1
    return _regnet("regnet_x_400mf", weights, kwargs)


def regnet_x_800mf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_X_800MF_Weights.IMAGENET1K_V1
    return _regnet("regnet_x_800mf", weights, kwargs)


def regnet_x_1_6gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_X_1_6GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_x_1_6gf", weights, kwargs)


def regnet_x_3_2gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_X_3_2GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_x_3_2gf", weights, kwargs)


def regnet_x_8gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_X_8GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_x_8gf", weights, kwargs)


def regnet_x_16gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_X_16GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_x_16gf", weights, kwargs)


def regnet_x_32gf(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = RegNet_X_32GF_Weights.IMAGENET1K_V1
    return _regnet("regnet_x_32gf", weights, kwargs)
