"""Shape stub of torchvision.models.resnet (ResNet, ResNeXt, Wide ResNet).

Architecture facts from He et al. 2015 ("Deep Residual Learning", torchvision puts the stride
of a bottleneck on its 3x3 convolution), Xie et al. 2017 (ResNeXt: grouped 3x3 convolutions,
width = planes * base_width / 64 * groups) and Zagoruyko & Komodakis 2016 (Wide ResNet: the
bottleneck's inner width doubled). Weights only set `num_classes` (1000, ImageNet).
"""
import torch
import torch.nn as nn

__all__ = [
    "ResNet", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2",
    "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights", "ResNet101_Weights", "ResNet152_Weights",
    "ResNeXt50_32X4D_Weights", "ResNeXt101_32X8D_Weights", "ResNeXt101_64X4D_Weights",
    "Wide_ResNet50_2_Weights", "Wide_ResNet101_2_Weights",
]


class ResNet18_Weights:
    IMAGENET1K_V1 = "ResNet18_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ResNet34_Weights:
    IMAGENET1K_V1 = "ResNet34_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ResNet50_Weights:
    IMAGENET1K_V1 = "ResNet50_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "ResNet50_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


class ResNet101_Weights:
    IMAGENET1K_V1 = "ResNet101_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "ResNet101_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


class ResNet152_Weights:
    IMAGENET1K_V1 = "ResNet152_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "ResNet152_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


class ResNeXt50_32X4D_Weights:
    IMAGENET1K_V1 = "ResNeXt50_32X4D_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "ResNeXt50_32X4D_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


class ResNeXt101_32X8D_Weights:
    IMAGENET1K_V1 = "ResNeXt101_32X8D_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "ResNeXt101_32X8D_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


class ResNeXt101_64X4D_Weights:
    IMAGENET1K_V1 = "ResNeXt101_64X4D_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class Wide_ResNet50_2_Weights:
    IMAGENET1K_V1 = "Wide_ResNet50_2_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "Wide_ResNet50_2_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


class Wide_ResNet101_2_Weights:
    IMAGENET1K_V1 = "Wide_ResNet101_2_Weights.IMAGENET1K_V1"
    IMAGENET1K_V2 = "Wide_ResNet101_2_Weights.IMAGENET1K_V2"
    DEFAULT = IMAGENET1K_V2


def _check_num_classes(weights, kwargs):
    # Pretrained weights fix the head at their 1000 ImageNet categories.
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        kwargs["num_classes"] = 1000


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64):
        super().__init__()
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64):
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = nn.Conv2d(inplanes, width, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * 4, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64,
                 replace_stride_with_dilation=None, norm_layer=None):
        super().__init__()
        self.inplanes = 64
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0], 1)
        self.layer2 = self._make_layer(block, 128, layers[1], 2)
        self.layer3 = self._make_layer(block, 256, layers[2], 2)
        self.layer4 = self._make_layer(block, 512, layers[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        stage = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            stage.append(block(self.inplanes, planes, 1, None, self.groups, self.base_width))
        return nn.Sequential(*stage)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def _resnet(block, layers, weights, kwargs):
    _check_num_classes(weights, kwargs)
    return ResNet(block, layers, **kwargs)


def _legacy(weights, pretrained, default):
    # `pretrained=True` (deprecated) means the weights the library used before `weights=`.
    if pretrained:
        return default
    return weights


def resnet18(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _resnet(BasicBlock, [2, 2, 2, 2], _legacy(weights, pretrained, ResNet18_Weights.IMAGENET1K_V1), kwargs)


def resnet34(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _resnet(BasicBlock, [3, 4, 6, 3], _legacy(weights, pretrained, ResNet34_Weights.IMAGENET1K_V1), kwargs)


def resnet50(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _resnet(Bottleneck, [3, 4, 6, 3], _legacy(weights, pretrained, ResNet50_Weights.IMAGENET1K_V1), kwargs)


def resnet101(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _resnet(Bottleneck, [3, 4, 23, 3], _legacy(weights, pretrained, ResNet101_Weights.IMAGENET1K_V1), kwargs)


def resnet152(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _resnet(Bottleneck, [3, 8, 36, 3], _legacy(weights, pretrained, ResNet152_Weights.IMAGENET1K_V1), kwargs)


def resnext50_32x4d(*, weights=None, progress=True, pretrained=False, **kwargs):
    kwargs["groups"] = 32
    kwargs["width_per_group"] = 4
    return _resnet(Bottleneck, [3, 4, 6, 3], _legacy(weights, pretrained, ResNeXt50_32X4D_Weights.IMAGENET1K_V1), kwargs)


def resnext101_32x8d(*, weights=None, progress=True, pretrained=False, **kwargs):
    kwargs["groups"] = 32
    kwargs["width_per_group"] = 8
    return _resnet(Bottleneck, [3, 4, 23, 3], _legacy(weights, pretrained, ResNeXt101_32X8D_Weights.IMAGENET1K_V1), kwargs)


def resnext101_64x4d(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ResNeXt101_64X4D_Weights.IMAGENET1K_V1
    kwargs["groups"] = 64
    kwargs["width_per_group"] = 4
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, kwargs)


def wide_resnet50_2(*, weights=None, progress=True, pretrained=False, **kwargs):
    kwargs["width_per_group"] = 128
    return _resnet(Bottleneck, [3, 4, 6, 3], _legacy(weights, pretrained, Wide_ResNet50_2_Weights.IMAGENET1K_V1), kwargs)


def wide_resnet101_2(*, weights=None, progress=True, pretrained=False, **kwargs):
    kwargs["width_per_group"] = 128
    return _resnet(Bottleneck, [3, 4, 23, 3], _legacy(weights, pretrained, Wide_ResNet101_2_Weights.IMAGENET1K_V1), kwargs)
