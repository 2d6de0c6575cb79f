"""Shape stub: mxnet.gluon.model_zoo.vision AlexNet.

Architecture from Krizhevsky, "One weird trick for parallelizing convolutional neural
networks" (2014), as the Gluon model zoo builds it (NCHW, converted from torchvision): five
convolutions (64, 192, 384, 256, 256 channels) with three 3x3 stride-2 max pools, then
Dense 4096, Dropout, Dense 4096, Dropout and the classifier. The first Dense infers its
`in_units` from the input, except with `pretrained=True`: the loaded weights fix it at
256 * 6 * 6 = 9216, the size a 224x224 input gives.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["AlexNet", "alexnet"]


class AlexNet(HybridBlock):
    # `pretrained_in_units` / `pretrained_in_channels` stand for the weights a pretrained model
    # loads, which fix the first Dense's input and the input channels (0: inferred).
    def __init__(self, classes=1000, pretrained_in_units=0, pretrained_in_channels=0, **kwargs):
        super(AlexNet, self).__init__(**kwargs)
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.Conv2D(64, kernel_size=11, strides=4, padding=2, activation="relu", in_channels=pretrained_in_channels))
        self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
        self.features.add(nn.Conv2D(192, kernel_size=5, padding=2, activation="relu"))
        self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
        self.features.add(nn.Conv2D(384, kernel_size=3, padding=1, activation="relu"))
        self.features.add(nn.Conv2D(256, kernel_size=3, padding=1, activation="relu"))
        self.features.add(nn.Conv2D(256, kernel_size=3, padding=1, activation="relu"))
        self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
        self.features.add(nn.Flatten())
        self.features.add(nn.Dense(4096, activation="relu", in_units=pretrained_in_units))
        self.features.add(nn.Dropout(0.5))
        self.features.add(nn.Dense(4096, activation="relu"))
        self.features.add(nn.Dropout(0.5))
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def alexnet(pretrained=False, ctx=None, root=None, **kwargs):
    if pretrained:
        return AlexNet(pretrained_in_units=256 * 6 * 6, pretrained_in_channels=3, **kwargs)
    return AlexNet(**kwargs)
