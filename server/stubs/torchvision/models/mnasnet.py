"""Shape stub of torchvision.models.mnasnet.

Architecture facts from Tan et al. 2019 ("MnasNet", Figure 7, the B1 model): a 3x3/2 stem, a
depthwise-separable block, six stacks of inverted residuals (kernel, stride, expansion,
repeats: 3/2/3/3, 5/2/3/3, 5/2/6/3, 3/1/6/2, 5/2/6/4, 3/1/6/1) with a residual when stride 1
keeps the width, a 1x1 convolution to 1280, a global mean and a linear classifier. Depths
(32, 16, 24, 40, 80, 96, 192, 320) scale by `alpha` rounded to multiples of 8.
"""
import torch
import torch.nn as nn

__all__ = [
    "MNASNet", "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
    "MNASNet0_5_Weights", "MNASNet0_75_Weights", "MNASNet1_0_Weights", "MNASNet1_3_Weights",
]


class MNASNet0_5_Weights:
    IMAGENET1K_V1 = "MNASNet0_5_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class MNASNet0_75_Weights:
    IMAGENET1K_V1 = "MNASNet0_75_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class MNASNet1_0_Weights:
    IMAGENET1K_V1 = "MNASNet1_0_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class MNASNet1_3_Weights:
    IMAGENET1K_V1 = "MNASNet1_3_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


_BN_MOMENTUM = 1 - 0.9997


class _InvertedResidual(nn.Module):
    def __init__(self, in_ch, out_ch, kernel_size, stride, expansion_factor, bn_momentum=0.1):
        super().__init__()
        if stride not in [1, 2]:
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        if kernel_size not in [3, 5]:
            raise ValueError(f"kernel_size should be 3 or 5 instead of {kernel_size}")
        mid_ch = in_ch * expansion_factor
        self.apply_residual = in_ch == out_ch and stride == 1
        self.layers = nn.Sequential(
            nn.Conv2d(in_ch, mid_ch, 1, bias=False),
            nn.BatchNorm2d(mid_ch, momentum=bn_momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_ch, mid_ch, kernel_size, padding=kernel_size // 2, stride=stride, groups=mid_ch, bias=False),
            nn.BatchNorm2d(mid_ch, momentum=bn_momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_ch, out_ch, 1, bias=False),
            nn.BatchNorm2d(out_ch, momentum=bn_momentum),
        )

    def forward(self, x):
        if self.apply_residual:
            return self.layers(x) + x
        return self.layers(x)


def _stack(in_ch, out_ch, kernel_size, stride, exp_factor, repeats, bn_momentum):
    if repeats < 1:
        raise ValueError(f"repeats should be >= 1, instead got {repeats}")
    first = _InvertedResidual(in_ch, out_ch, kernel_size, stride, exp_factor, bn_momentum=bn_momentum)
    remaining = []
    for _ in range(1, repeats):
        remaining.append(_InvertedResidual(out_ch, out_ch, kernel_size, 1, exp_factor, bn_momentum=bn_momentum))
    return nn.Sequential(first, *remaining)


def _round_to_multiple_of(val, divisor, round_up_bias=0.9):
    new_val = max(divisor, int(val + divisor / 2) // divisor * divisor)
    return new_val if new_val >= round_up_bias * val else new_val + divisor


def _get_depths(alpha):
    return [_round_to_multiple_of(depth * alpha, 8) for depth in [32, 16, 24, 40, 80, 96, 192, 320]]


class MNASNet(nn.Module):
    def __init__(self, alpha, num_classes=1000, dropout=0.2):
        super().__init__()
        if alpha <= 0.0:
            raise ValueError(f"alpha should be greater than 0.0 instead of {alpha}")
        self.alpha = alpha
        self.num_classes = num_classes
        depths = _get_depths(alpha)
        layers = [
            nn.Conv2d(3, depths[0], 3, padding=1, stride=2, bias=False),
            nn.BatchNorm2d(depths[0], momentum=_BN_MOMENTUM),
            nn.ReLU(inplace=True),
            nn.Conv2d(depths[0], depths[0], 3, padding=1, stride=1, groups=depths[0], bias=False),
            nn.BatchNorm2d(depths[0], momentum=_BN_MOMENTUM),
            nn.ReLU(inplace=True),
            nn.Conv2d(depths[0], depths[1], 1, padding=0, stride=1, bias=False),
            nn.BatchNorm2d(depths[1], momentum=_BN_MOMENTUM),
            _stack(depths[1], depths[2], 3, 2, 3, 3, _BN_MOMENTUM),
            _stack(depths[2], depths[3], 5, 2, 3, 3, _BN_MOMENTUM),
            _stack(depths[3], depths[4], 5, 2, 6, 3, _BN_MOMENTUM),
            _stack(depths[4], depths[5], 3, 1, 6, 2, _BN_MOMENTUM),
            _stack(depths[5], depths[6], 5, 2, 6, 4, _BN_MOMENTUM),
            _stack(depths[6], depths[7], 3, 1, 6, 1, _BN_MOMENTUM),
            nn.Conv2d(depths[7], 1280, 1, padding=0, stride=1, bias=False),
            nn.BatchNorm2d(1280, momentum=_BN_MOMENTUM),
            nn.ReLU(inplace=True),
        ]
        self.layers = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(1280, num_classes))

    def forward(self, x):
        x = self.layers(x)
        x = x.mean([2, 3])
        return self.classifier(x)


def _mnasnet(alpha, weights, kwargs):
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return MNASNet(alpha, **kwargs)


def mnasnet0_5(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = MNASNet0_5_Weights.IMAGENET1K_V1
    return _mnasnet(0.5, weights, kwargs)


def mnasnet0_75(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = MNASNet0_75_Weights.IMAGENET1K_V1
    return _mnasnet(0.75, weights, kwargs)


def mnasnet1_0(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = MNASNet1_0_Weights.IMAGENET1K_V1
    return _mnasnet(1.0, weights, kwargs)


def mnasnet1_3(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = MNASNet1_3_Weights.IMAGENET1K_V1
    return _mnasnet(1.3, weights, kwargs)
