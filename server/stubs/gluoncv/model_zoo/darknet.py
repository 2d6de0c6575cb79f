"""Shape stub: gluoncv.model_zoo DarkNet-53 (`darknet53`), the YOLOv3 backbone as a classifier.

Architecture from Redmon and Farhadi, "YOLOv3: An Incremental Improvement" (2018, table 1), as
GluonCV builds it (`gluoncv/model_zoo/yolo/darknet.py`, NCHW): cells of an unbiased convolution,
a batch norm and LeakyReLU(0.1); a 3x3 stem to 32 channels, then five stages, each a 3x3
stride-2 cell to 64, 128, 256, 512 and 1024 channels followed by 1, 2, 8, 8 and 4 residual blocks
(a 1x1 cell to half the channels and a 3x3 cell back, added to the block's input). A global
average `Pooling` (the padded stride-2 cells take any image size) and a Dense head whose inputs
are inferred. With `pretrained=True` the weights fix the input channels at 3.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["DarknetV3", "get_darknet", "darknet53"]


def _darknet_cell(channels, kernel, padding, stride, in_channels=0):
    cell = nn.HybridSequential(prefix="")
    cell.add(nn.Conv2D(channels, kernel_size=kernel, strides=stride, padding=padding, use_bias=False, in_channels=in_channels))
    cell.add(nn.BatchNorm(epsilon=1e-5, momentum=0.9))
    cell.add(nn.LeakyReLU(0.1))
    return cell


class DarknetBasicBlockV3(HybridBlock):
    def __init__(self, channels, **kwargs):
        super(DarknetBasicBlockV3, self).__init__()
        self.body = nn.HybridSequential(prefix="")
        self.body.add(_darknet_cell(channels, 1, 0, 1))
        self.body.add(_darknet_cell(channels * 2, 3, 1, 1))

    def hybrid_forward(self, F, x):
        return self.body(x) + x


class DarknetV3(HybridBlock):
    # `pretrained_in_channels` stands for the loaded weights, which fix the input channels at 3 (0: inferred).
    def __init__(self, layers, channels, classes=1000, pretrained_in_channels=0, **kwargs):
        super(DarknetV3, self).__init__()
        assert len(layers) == len(channels) - 1, "len(channels) should equal to len(layers) + 1, given {} vs {}".format(len(channels), len(layers))
        self.features = nn.HybridSequential()
        self.features.add(_darknet_cell(channels[0], 3, 1, 1, pretrained_in_channels))
        for nlayer, channel in zip(layers, channels[1:]):
            assert channel % 2 == 0, "channel {} cannot be divided by 2".format(channel)
            self.features.add(_darknet_cell(channel, 3, 1, 2))
            for _ in range(nlayer):
                self.features.add(DarknetBasicBlockV3(channel // 2))
        self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        x = self.features(x)
        x = F.Pooling(x, kernel=(7, 7), global_pool=True, pool_type="avg")
        return self.output(x)


_DARKNET_SPEC = {"v3": {53: ([1, 2, 8, 8, 4], [32, 64, 128, 256, 512, 1024])}}


def get_darknet(darknet_version, num_layers, pretrained=False, ctx=None, root=None, **kwargs):
    assert darknet_version in _DARKNET_SPEC, "Invalid darknet version: {}. Options are {}".format(darknet_version, str(_DARKNET_SPEC.keys()))
    specs = _DARKNET_SPEC[darknet_version]
    assert num_layers in specs, "Invalid number of layers: {}. Options are {}".format(num_layers, str(specs.keys()))
    layers, channels = specs[num_layers]
    return DarknetV3(layers, channels, pretrained_in_channels=3 if pretrained else 0, **kwargs)


def darknet53(**kwargs):
    return get_darknet("v3", 53, **kwargs)
