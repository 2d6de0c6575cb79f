"""Shape stub: gluoncv.model_zoo GoogLeNet (`googlenet`).

Architecture from Szegedy et al., "Going Deeper with Convolutions" (2015) with batch norm (Ioffe
and Szegedy, 2015), as GluonCV builds it (`gluoncv/model_zoo/googlenet.py`, NCHW): the layers up
to inception 5b are the ones its Inception v1 action-recognition models use
(`inception_action.py`: the first convolution takes exactly 3 channels), then a fixed 7x7
average pool, dropout and a Dense head of fixed `in_units=1024`. 224x224 gives exactly 7x7; an
input whose last map is under 7x7 (160x160 leaves 5x5) fails in that pool, and one whose map
pools to more than 1x1 (448x448: 14x14, so 2x2) gives the Dense 4096 inputs.

With `aux_logits=True` the two auxiliary heads run after inception 4a and 4d (a fixed 5x5/3
average pool, a 1x1 convolution to 128 with batch norm, Dense layers of fixed `in_units` 2048 ->
1024 -> classes: the 14x14 maps of a 224x224 input pool to 4x4) and the network returns
`(output, aux2, aux1)`.

torchvision's `googlenet` has the same layers and parameters but pools adaptively (any size
classifies), uses a ceil-mode 2x2 pool before inception 5a, pools its auxiliary heads adaptively
to 4x4 and builds them by default.
"""
from mxnet.gluon import HybridBlock, nn

from .inception_action import _v1_cell, _v1_features

__all__ = ["GoogLeNet", "googlenet"]

# Where GoogLeNet's auxiliary heads tap the features: after inception 4a (512 channels) and 4d (528).
_AUX_TAPS = {8: 512, 11: 528}


def _googlenet_aux(in_channels, classes):
    out = nn.HybridSequential(prefix="")
    out.add(nn.AvgPool2D(pool_size=5, strides=3))
    out.add(_v1_cell(2, in_channels, 128))
    out.add(nn.Flatten())
    out.add(nn.Dense(units=1024, in_units=2048))
    out.add(nn.Activation("relu"))
    out.add(nn.Dropout(0.7))
    out.add(nn.Dense(units=classes, in_units=1024))
    return out


class GoogLeNet(HybridBlock):
    def __init__(self, classes=1000, dropout_ratio=0.4, aux_logits=False, **kwargs):
        super(GoogLeNet, self).__init__()
        self.aux_logits = aux_logits
        self.features = _v1_features(2)
        self.aux = None
        if aux_logits:
            self.aux = nn.HybridSequential(prefix="")
            for in_channels in _AUX_TAPS.values():
                self.aux.add(_googlenet_aux(in_channels, classes))
        self.head = nn.HybridSequential(prefix="")
        self.head.add(nn.AvgPool2D(pool_size=7))
        self.head.add(nn.Dropout(dropout_ratio))
        self.head.add(nn.Dense(units=classes, in_units=1024))

    def hybrid_forward(self, F, x):
        taps = []
        index = 0
        for layer in self.features:
            x = layer(x)
            if self.aux_logits and index in _AUX_TAPS:
                taps.append(self.aux[len(taps)](x))
            index += 1
        x = self.head(x)
        if self.aux_logits:
            return x, taps[1], taps[0]
        return x


def googlenet(classes=1000, pretrained=False, pretrained_base=True, ctx=None, dropout_ratio=0.4, aux_logits=False, root=None, partial_bn=False,
              **kwargs):
    return GoogLeNet(classes=classes, dropout_ratio=dropout_ratio, aux_logits=aux_logits)
