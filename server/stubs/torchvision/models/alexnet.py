"""Shape stub of torchvision.models.alexnet.

Architecture facts from Krizhevsky et al. 2012 in the single-tower form of Krizhevsky 2014
("One weird trick"), which torchvision implements: five convolutions (64, 192, 384, 256, 256
channels), three 3x3/2 max pools, a 6x6 adaptive average pool and a 4096-4096 classifier.
"""
import torch
import torch.nn as nn

__all__ = ["AlexNet", "alexnet", "AlexNet_Weights"]


class AlexNet_Weights:
    IMAGENET1K_V1 = "AlexNet_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))
        x = torch.flatten(x, 1)
        return self.classifier(x)


def alexnet(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = AlexNet_Weights.IMAGENET1K_V1
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return AlexNet(**kwargs)
