"""Shape stub of torchvision.models.densenet.

Architecture facts from Huang et al. 2017 (DenseNet-BC): a 7x7/2 stem and 3x3/2 max pool, dense
blocks whose layers (BN-ReLU-1x1 conv to bn_size*growth, BN-ReLU-3x3 conv to growth) concatenate
their output to their input, transitions (BN-ReLU-1x1 conv halving the channels, 2x2/2 average
pool), a final BN, ReLU, global average pool and linear classifier.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = [
    "DenseNet", "densenet121", "densenet161", "densenet169", "densenet201",
    "DenseNet121_Weights", "DenseNet161_Weights", "DenseNet169_Weights", "DenseNet201_Weights",
]


class DenseNet121_Weights:
    IMAGENET1K_V1 = "DenseNet121_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class DenseNet161_Weights:
    IMAGENET1K_V1 = "DenseNet161_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class DenseNet169_Weights:
    IMAGENET1K_V1 = "DenseNet169_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class DenseNet201_Weights:
    IMAGENET1K_V1 = "DenseNet201_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size, drop_rate):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)

    def forward(self, x):
        out = self.conv1(self.relu1(self.norm1(x)))
        out = self.conv2(self.relu2(self.norm2(out)))
        # The layer's input is the concatenation of every earlier feature map of its block.
        return torch.cat([x, out], 1)


class _DenseBlock(nn.Module):
    # torchvision names the layers denselayer1..N in a ModuleDict; a ModuleList has the same shapes.
    def __init__(self, num_layers, num_input_features, bn_size, growth_rate, drop_rate):
        super().__init__()
        self.layers = nn.ModuleList(
            [_DenseLayer(num_input_features + i * growth_rate, growth_rate, bn_size, drop_rate) for i in range(num_layers)]
        )

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class DenseNet(nn.Module):
    def __init__(self, growth_rate=32, block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4, drop_rate=0, num_classes=1000,
                 memory_efficient=False):
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False))
        self.features.add_module("norm0", nn.BatchNorm2d(num_init_features))
        self.features.add_module("relu0", nn.ReLU(inplace=True))
        self.features.add_module("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = _DenseBlock(num_layers, num_features, bn_size, growth_rate, drop_rate)
            self.features.add_module("denseblock%d" % (i + 1), block)
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                trans = nn.Sequential(
                    nn.BatchNorm2d(num_features),
                    nn.ReLU(inplace=True),
                    nn.Conv2d(num_features, num_features // 2, kernel_size=1, stride=1, bias=False),
                    nn.AvgPool2d(kernel_size=2, stride=2),
                )
                self.features.add_module("transition%d" % (i + 1), trans)
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)

    def forward(self, x):
        features = self.features(x)
        out = F.relu(features, inplace=True)
        out = F.adaptive_avg_pool2d(out, (1, 1))
        out = torch.flatten(out, 1)
        return self.classifier(out)


def _densenet(growth_rate, block_config, num_init_features, weights, kwargs):
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return DenseNet(growth_rate, block_config, num_init_features, **kwargs)


def densenet121(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = DenseNet121_Weights.IMAGENET1K_V1
    return _densenet(32, (6, 12, 24, 16), 64, weights, kwargs)


def densenet161(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = DenseNet161_Weights.IMAGENET1K_V1
    return _densenet(48, (6, 12, 36, 24), 96, weights, kwargs)


def densenet169(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = DenseNet169_Weights.IMAGENET1K_V1
    return _densenet(32, (6, 12, 32, 32), 64, weights, kwargs)


def densenet201(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = DenseNet201_Weights.IMAGENET1K_V1
    return _densenet(32, (6, 12, 48, 32), 64, weights, kwargs)
