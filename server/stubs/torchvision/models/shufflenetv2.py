"""Shape stub of torchvision.models.shufflenetv2.

Architecture facts from Ma et al. 2018 ("ShuffleNet V2", Table 5: stage repeats 4, 8, 4 and the
output widths of the 0.5x, 1x, 1.5x and 2x models): a 3x3/2 stem of 24 and a 3x3/2 max pool;
units that either split the channels in half (stride 1) or feed both branches the whole input
(stride 2, the left branch a depthwise 3x3/2 and a 1x1), concatenate the branches and shuffle
channels in two groups; a 1x1 last convolution, a global mean and the classifier.
"""
import torch
import torch.nn as nn

__all__ = [
    "ShuffleNetV2", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
    "ShuffleNet_V2_X0_5_Weights", "ShuffleNet_V2_X1_0_Weights", "ShuffleNet_V2_X1_5_Weights", "ShuffleNet_V2_X2_0_Weights",
]


class ShuffleNet_V2_X0_5_Weights:
    IMAGENET1K_V1 = "ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_0_Weights:
    IMAGENET1K_V1 = "ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_5_Weights:
    IMAGENET1K_V1 = "ShuffleNet_V2_X1_5_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X2_0_Weights:
    IMAGENET1K_V1 = "ShuffleNet_V2_X2_0_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


def channel_shuffle(x, groups):
    batchsize, num_channels, height, width = x.shape
    channels_per_group = num_channels // groups
    x = x.view(batchsize, groups, channels_per_group, height, width)
    x = torch.transpose(x, 1, 2).contiguous()
    return x.view(batchsize, num_channels, height, width)


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride):
        super().__init__()
        if not (1 <= stride and stride <= 3):
            raise ValueError("illegal stride value")
        self.stride = stride
        branch_features = oup // 2
        if stride > 1:
            self.branch1 = nn.Sequential(
                nn.Conv2d(inp, inp, 3, stride, 1, groups=inp, bias=False),
                nn.BatchNorm2d(inp),
                nn.Conv2d(inp, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
                nn.BatchNorm2d(branch_features),
                nn.ReLU(inplace=True),
            )
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride > 1 else branch_features, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(branch_features),
            nn.ReLU(inplace=True),
            nn.Conv2d(branch_features, branch_features, 3, stride, 1, groups=branch_features, bias=False),
            nn.BatchNorm2d(branch_features),
            nn.Conv2d(branch_features, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(branch_features),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    def __init__(self, stages_repeats, stages_out_channels, num_classes=1000):
        super().__init__()
        if len(stages_repeats) != 3:
            raise ValueError("expected stages_repeats as list of 3 positive ints")
        if len(stages_out_channels) != 5:
            raise ValueError("expected stages_out_channels as list of 5 positive ints")
        input_channels = 3
        output_channels = stages_out_channels[0]
        self.conv1 = nn.Sequential(
            nn.Conv2d(input_channels, output_channels, 3, 2, 1, bias=False),
            nn.BatchNorm2d(output_channels),
            nn.ReLU(inplace=True),
        )
        input_channels = output_channels
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.stage2 = self._make_stage(input_channels, stages_out_channels[1], stages_repeats[0])
        self.stage3 = self._make_stage(stages_out_channels[1], stages_out_channels[2], stages_repeats[1])
        self.stage4 = self._make_stage(stages_out_channels[2], stages_out_channels[3], stages_repeats[2])
        output_channels = stages_out_channels[-1]
        self.conv5 = nn.Sequential(
            nn.Conv2d(stages_out_channels[3], output_channels, 1, 1, 0, bias=False),
            nn.BatchNorm2d(output_channels),
            nn.ReLU(inplace=True),
        )
        self.fc = nn.Linear(output_channels, num_classes)

    def _make_stage(self, input_channels, output_channels, repeats):
        seq = [InvertedResidual(input_channels, output_channels, 2)]
        for i in range(repeats - 1):
            seq.append(InvertedResidual(output_channels, output_channels, 1))
        return nn.Sequential(*seq)

    def forward(self, x):
        x = self.maxpool(self.conv1(x))
        x = self.stage2(x)
        x = self.stage3(x)
        x = self.stage4(x)
        x = self.conv5(x)
        x = x.mean([2, 3])
        return self.fc(x)


def _shufflenetv2(weights, repeats, channels, kwargs):
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return ShuffleNetV2(repeats, channels, **kwargs)


def shufflenet_v2_x0_5(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1
    return _shufflenetv2(weights, [4, 8, 4], [24, 48, 96, 192, 1024], kwargs)


def shufflenet_v2_x1_0(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1
    return _shufflenetv2(weights, [4, 8, 4], [24, 116, 232, 464, 1024], kwargs)


def shufflenet_v2_x1_5(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ShuffleNet_V2_X1_5_Weights.IMAGENET1K_V1
    return _shufflenetv2(weights, [4, 8, 4], [24, 176, 352, 704, 1024], kwargs)


def shufflenet_v2_x2_0(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ShuffleNet_V2_X2_0_Weights.IMAGENET1K_V1
    return _shufflenetv2(weights, [4, 8, 4], [24, 244, 488, 976, 2048], kwargs)
