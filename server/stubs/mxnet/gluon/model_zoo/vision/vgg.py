"""Shape stub: mxnet.gluon.model_zoo.vision VGG 11/13/16/19, with and without batch norm.

Architecture from Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale
Image Recognition" (2014), as the Gluon model zoo builds it (NCHW): 3x3 padded convolutions
(each followed by batch norm in the `_bn` variants) in five blocks closed by 2x2 max pools,
then Dense 4096, Dropout, Dense 4096, Dropout and the classifier. The first Dense infers its
`in_units` from the input, except with `pretrained=True`: the loaded weights fix it at
512 * 7 * 7 = 25088, the size a 224x224 input gives.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["VGG", "get_vgg", "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn"]

_VGG_SPEC = {
    11: ([1, 1, 2, 2, 2], [64, 128, 256, 512, 512]),
    13: ([2, 2, 2, 2, 2], [64, 128, 256, 512, 512]),
    16: ([2, 2, 3, 3, 3], [64, 128, 256, 512, 512]),
    19: ([2, 2, 4, 4, 4], [64, 128, 256, 512, 512]),
}


class VGG(HybridBlock):
    # `pretrained_in_units` / `pretrained_in_channels` stand for the weights a pretrained model
    # loads, which fix the first Dense's input and the input channels (0: inferred).
    def __init__(self, layers, filters, classes=1000, batch_norm=False, pretrained_in_units=0, pretrained_in_channels=0, **kwargs):
        super(VGG, self).__init__(**kwargs)
        self.features = nn.HybridSequential(prefix="")
        in_channels = pretrained_in_channels
        for i, num in enumerate(layers):
            for _ in range(num):
                self.features.add(nn.Conv2D(filters[i], kernel_size=3, padding=1, in_channels=in_channels))
                in_channels = filters[i] if pretrained_in_channels else 0
                if batch_norm:
                    self.features.add(nn.BatchNorm())
                self.features.add(nn.Activation("relu"))
            self.features.add(nn.MaxPool2D(strides=2))
        self.features.add(nn.Dense(4096, activation="relu", in_units=pretrained_in_units))
        self.features.add(nn.Dropout(rate=0.5))
        self.features.add(nn.Dense(4096, activation="relu"))
        self.features.add(nn.Dropout(rate=0.5))
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_vgg(num_layers, pretrained=False, ctx=None, root=None, **kwargs):
    layers, filters = _VGG_SPEC[num_layers]
    if pretrained:
        return VGG(layers, filters, pretrained_in_units=512 * 7 * 7, pretrained_in_channels=3, **kwargs)
    return VGG(layers, filters, **kwargs)


def vgg11(**kwargs):
    return get_vgg(11, **kwargs)


def vgg13(**kwargs):
    return get_vgg(13, **kwargs)


def vgg16(**kwargs):
    return get_vgg(16, **kwargs)


def vgg19(**kwargs):
    return get_vgg(19, **kwargs)


def vgg11_bn(**kwargs):
    return get_vgg(11, batch_norm=True, **kwargs)


def vgg13_bn(**kwargs):
    return get_vgg(13, batch_norm=True, **kwargs)


def vgg16_bn(**kwargs):
    return get_vgg(16, batch_norm=True, **kwargs)


def vgg19_bn(**kwargs):
    return get_vgg(19, batch_norm=True, **kwargs)
