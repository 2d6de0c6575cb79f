"""Shape stub of torchvision.models.convnext.

Architecture facts from Liu et al. 2022 ("A ConvNet for the 2020s"): a 4x4/4 patchify stem with
LayerNorm; stages of ConvNeXt blocks (7x7 depthwise convolution, LayerNorm over channels,
Linear to 4x, GELU, Linear back, a learned per-channel layer scale, residual); between stages a
LayerNorm and a 2x2/2 convolution doubling the width; widths (96, 192, 384, 768) with depths
(3, 3, 9, 3) for Tiny, (3, 3, 27, 3) for Small, widths 128.. for Base and 192.. for Large; a
global average pool, LayerNorm and linear classifier.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = [
    "ConvNeXt", "convnext_tiny", "convnext_small", "convnext_base", "convnext_large",
    "ConvNeXt_Tiny_Weights", "ConvNeXt_Small_Weights", "ConvNeXt_Base_Weights", "ConvNeXt_Large_Weights",
]


class ConvNeXt_Tiny_Weights:
    IMAGENET1K_V1 = "ConvNeXt_Tiny_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Small_Weights:
    IMAGENET1K_V1 = "ConvNeXt_Small_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Base_Weights:
    IMAGENET1K_V1 = "ConvNeXt_Base_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Large_Weights:
    IMAGENET1K_V1 = "ConvNeXt_Large_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class LayerNorm2d(nn.Module):
    """LayerNorm over the channels of an NCHW map (moved last and back)."""

    def __init__(self, num_channels, eps=1e-6):
        super().__init__()
        self.norm = nn.LayerNorm(num_channels, eps=eps)

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = self.norm(x)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    def __init__(self, dim, layer_scale=1e-6):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim, bias=True)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim, bias=True)
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)

    def forward(self, x):
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.pwconv2(self.act(self.pwconv1(self.norm(y))))
        y = y.permute(0, 3, 1, 2)
        return x + self.layer_scale * y


class ConvNeXt(nn.Module):
    def __init__(self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6, num_classes=1000):
        super().__init__()
        if not block_setting:
            raise ValueError("The block_setting should not be empty")
        first = block_setting[0][0]
        layers = [nn.Sequential(nn.Conv2d(3, first, kernel_size=4, stride=4, padding=0, bias=True), LayerNorm2d(first))]
        for input_channels, out_channels, num_layers in block_setting:
            layers.append(nn.Sequential(*[CNBlock(input_channels, layer_scale) for _ in range(num_layers)]))
            if out_channels is not None:
                layers.append(nn.Sequential(LayerNorm2d(input_channels), nn.Conv2d(input_channels, out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1][1] if block_setting[-1][1] is not None else block_setting[-1][0]
        self.classifier = nn.Sequential(LayerNorm2d(last), nn.Flatten(1), nn.Linear(last, num_classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(x)


def _convnext(block_setting, weights, kwargs):
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return ConvNeXt(block_setting, **kwargs)


def convnext_tiny(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ConvNeXt_Tiny_Weights.IMAGENET1K_V1
    return _convnext([(96, 192, 3), (192, 384, 3), (384, 768, 9), (768, None, 3)], weights, kwargs)


def convnext_small(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ConvNeXt_Small_Weights.IMAGENET1K_V1
    return _convnext([(96, 192, 3), (192, 384, 3), (384, 768, 27), (768, None, 3)], weights, kwargs)


def convnext_base(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ConvNeXt_Base_Weights.IMAGENET1K_V1
    return _convnext([(128, 256, 3), (256, 512, 3), (512, 1024, 27), (1024, None, 3)], weights, kwargs)


def convnext_large(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ConvNeXt_Large_Weights.IMAGENET1K_V1
    return _convnext([(192, 384, 3), (384, 768, 3), (768, 1536, 27), (1536, None, 3)], weights, kwargs)
