"""Shape stub of torchvision.models.vgg.

Architecture facts from Simonyan & Zisserman 2014 (configurations A, B, D, E = VGG 11, 13, 16,
19: 3x3 convolutions with padding 1, 2x2/2 max pools), with torchvision's optional batch norm
after each convolution, a 7x7 adaptive average pool and a 4096-4096 classifier.
"""
import torch
import torch.nn as nn

__all__ = [
    "VGG", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
    "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights",
    "VGG16_Weights", "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights",
]


class VGG11_Weights:
    IMAGENET1K_V1 = "VGG11_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights:
    IMAGENET1K_V1 = "VGG11_BN_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights:
    IMAGENET1K_V1 = "VGG13_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class VGG13_BN_Weights:
    IMAGENET1K_V1 = "VGG13_BN_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights:
    IMAGENET1K_V1 = "VGG16_Weights.IMAGENET1K_V1"
    IMAGENET1K_FEATURES = "VGG16_Weights.IMAGENET1K_FEATURES"
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights:
    IMAGENET1K_V1 = "VGG16_BN_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights:
    IMAGENET1K_V1 = "VGG19_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class VGG19_BN_Weights:
    IMAGENET1K_V1 = "VGG19_BN_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


CFGS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))
        x = torch.flatten(x, 1)
        return self.classifier(x)


def _vgg(cfg, batch_norm, weights, pretrained, legacy, kwargs):
    if pretrained:
        weights = legacy
    if weights is not None:
        kwargs["init_weights"] = False
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return VGG(make_layers(CFGS[cfg], batch_norm), **kwargs)


def vgg11(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("A", False, weights, pretrained, VGG11_Weights.IMAGENET1K_V1, kwargs)


def vgg11_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("A", True, weights, pretrained, VGG11_BN_Weights.IMAGENET1K_V1, kwargs)


def vgg13(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("B", False, weights, pretrained, VGG13_Weights.IMAGENET1K_V1, kwargs)


def vgg13_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("B", True, weights, pretrained, VGG13_BN_Weights.IMAGENET1K_V1, kwargs)


def vgg16(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("D", False, weights, pretrained, VGG16_Weights.IMAGENET1K_V1, kwargs)


def vgg16_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("D", True, weights, pretrained, VGG16_BN_Weights.IMAGENET1K_V1, kwargs)


def vgg19(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("E", False, weights, pretrained, VGG19_Weights.IMAGENET1K_V1, kwargs)


def vgg19_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("E", True, weights, pretrained, VGG19_BN_Weights.IMAGENET1K_V1, kwargs)
