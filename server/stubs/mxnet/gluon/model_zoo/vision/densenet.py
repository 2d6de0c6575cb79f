"""Shape stub: mxnet.gluon.model_zoo.vision DenseNet 121, 161, 169 and 201.

Architecture from Huang et al., "Densely Connected Convolutional Networks" (2017), DenseNet-BC
as the Gluon model zoo builds it (NCHW, converted from torchvision): a 7x7 stride-2 stem and
max pool, four dense blocks (each layer: BN, ReLU, 1x1 conv to bn_size * growth, BN, ReLU,
3x3 conv to growth, concatenated onto its input) with transitions halving channels and size,
a final BN and ReLU, a fixed 7x7 average pool (the last feature map must be at least 7x7:
224x224 inputs give exactly 7x7) and a Dense head.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["DenseNet", "get_densenet", "densenet121", "densenet161", "densenet169", "densenet201"]

_DENSENET_SPEC = {
    121: (64, 32, [6, 12, 24, 16]),
    161: (96, 48, [6, 12, 36, 24]),
    169: (64, 32, [6, 12, 32, 32]),
    201: (64, 32, [6, 12, 48, 32]),
}


class DenseLayer(HybridBlock):
    """One dense layer; Gluon concatenates input and new features with a HybridConcurrent on axis 1."""

    def __init__(self, growth_rate, bn_size, dropout, **kwargs):
        super(DenseLayer, self).__init__(**kwargs)
        self.new_features = nn.HybridSequential(prefix="")
        self.new_features.add(nn.BatchNorm())
        self.new_features.add(nn.Activation("relu"))
        self.new_features.add(nn.Conv2D(bn_size * growth_rate, kernel_size=1, use_bias=False))
        self.new_features.add(nn.BatchNorm())
        self.new_features.add(nn.Activation("relu"))
        self.new_features.add(nn.Conv2D(growth_rate, kernel_size=3, padding=1, use_bias=False))
        if dropout:
            self.new_features.add(nn.Dropout(dropout))

    def hybrid_forward(self, F, x):
        return F.concat(x, self.new_features(x), dim=1)


class DenseNet(HybridBlock):
    def __init__(self, num_init_features, growth_rate, block_config, bn_size=4, dropout=0, classes=1000, **kwargs):
        super(DenseNet, self).__init__(**kwargs)
        self.features = nn.HybridSequential(prefix="")
        self.features.add(nn.Conv2D(num_init_features, kernel_size=7, strides=2, padding=3, use_bias=False))
        self.features.add(nn.BatchNorm())
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.MaxPool2D(pool_size=3, strides=2, padding=1))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = nn.HybridSequential(prefix="")
            for _ in range(num_layers):
                block.add(DenseLayer(growth_rate, bn_size, dropout))
            self.features.add(block)
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add(nn.BatchNorm())
                self.features.add(nn.Activation("relu"))
                self.features.add(nn.Conv2D(num_features // 2, kernel_size=1, use_bias=False))
                self.features.add(nn.AvgPool2D(pool_size=2, strides=2))
                num_features = num_features // 2
        self.features.add(nn.BatchNorm())
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.AvgPool2D(pool_size=7))
        self.features.add(nn.Flatten())
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_densenet(num_layers, pretrained=False, ctx=None, root=None, **kwargs):
    num_init_features, growth_rate, block_config = _DENSENET_SPEC[num_layers]
    return DenseNet(num_init_features, growth_rate, block_config, **kwargs)


def densenet121(**kwargs):
    return get_densenet(121, **kwargs)


def densenet161(**kwargs):
    return get_densenet(161, **kwargs)


def densenet169(**kwargs):
    return get_densenet(169, **kwargs)


def densenet201(**kwargs):
    return get_densenet(201, **kwargs)
