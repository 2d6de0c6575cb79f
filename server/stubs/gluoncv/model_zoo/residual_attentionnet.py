"""Shape stub: gluoncv.model_zoo Residual Attention Networks (`residualattentionnet56`, `92`, `128`,
`164`, `200`, `236`, `452`; `cifar_residualattentionnet56`, `92`, `452`).

Architecture from Wang et al., "Residual Attention Network for Image Classification" (2017), as
GluonCV builds it (`gluoncv/model_zoo/residual_attentionnet.py`, NCHW). Every unit is a
pre-activation bottleneck (He et al., 2016): batch norm and ReLU, then unbiased 1x1 (c / 4),
3x3 (c / 4, carrying the stride) and 1x1 (c) convolutions with a batch norm and ReLU between them;
an unbiased 1x1 projection of the pre-activated input where the stride or width changes.

An attention module (scale p, t, r) runs p units, then a trunk of t units beside a mask branch:
the branch max-pools (3x3/2, padding 1) down `levels` times with r units per level (2r at the
deepest) and a skip unit on every level but the deepest, then resizes back up, each time to a
FIXED size (`F.contrib.BilinearResize2D`, bilinear), adding the level's output and skip unit and
running r more units; the last resize is added to the trunk, a batch norm, ReLU, 1x1, batch norm,
ReLU, 1x1 and sigmoid head gives the mask M and the module returns one unit on (1 + M) * trunk.

ImageNet (224x224): an unbiased 7x7/2 stem to 64 with a batch norm and ReLU, a 3x3/2 max pool,
a unit to 256, m1 modules of 3 levels (resizes to 56, 28, 14), a strided unit to 512, m2 modules of
2 levels (28, 14), a strided unit to 1024, m3 modules of 1 level (14), a strided unit to 2048, two
more units, a batch norm, ReLU, a fixed 7x7 average pool and a biased 1x1 convolution to `classes`
(1000), flattened. CIFAR (32x32): an unbiased 3x3 stem to 32 with a batch norm and ReLU, a unit
to 128, m1 modules of 2 levels (32, 16), a strided unit to 256, m2 modules of 1 level (16), a
strided unit to 512, m3 modules without pooling, a unit to 1024, two more, a batch norm, ReLU, a
fixed 8x8 average pool and the 1x1 classifier (`classes`, 10). (m1, m2, m3) and (p, t, r) per depth
are GluonCV's `attention_spec`.

Because the resizes have fixed sizes, only images whose first module sees exactly the size it was
built for work: 221 to 224 pixels a side for ImageNet (the stem and pool map them all to 56), 32
for CIFAR. Any other size fails at the first element-wise addition of a resized map (MXNet's
"Incompatible attr in node ..."), before the fixed average pool is reached. The stem infers its
input channels (GluonCV loads no weights here, even with `pretrained=True`).

GluonCV calls `F.contrib.BilinearResize2D(x, size, size)` positionally; MXNet versions whose
operator takes a second `like` input bind the size to `like` there and raise an AssertionError.
This stub resizes by keyword (the architecture's intent, and the older MXNet's binding): a
version-dependent failure is not reported.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["ResidualAttentionModel", "cifar_ResidualAttentionModel", "residualattentionnet56", "residualattentionnet92",
           "residualattentionnet128", "residualattentionnet164", "residualattentionnet200", "residualattentionnet236",
           "residualattentionnet452", "cifar_residualattentionnet56", "cifar_residualattentionnet92", "cifar_residualattentionnet452"]


def _attention_norm(norm_layer, norm_kwargs):
    return norm_layer(**({} if norm_kwargs is None else norm_kwargs))


class AttentionBottleneck(HybridBlock):
    """GluonCV's ResidualBlock: a pre-activation bottleneck; in_channels only decides the projection."""

    def __init__(self, channels, in_channels=None, stride=1, norm_layer=nn.BatchNorm, norm_kwargs=None):
        super(AttentionBottleneck, self).__init__()
        self.project = stride != 1 or (in_channels or channels) != channels
        self.bn1 = _attention_norm(norm_layer, norm_kwargs)
        self.conv1 = nn.Conv2D(channels // 4, 1, 1, use_bias=False)
        self.bn2 = _attention_norm(norm_layer, norm_kwargs)
        self.conv2 = nn.Conv2D(channels // 4, 3, stride, padding=1, use_bias=False)
        self.bn3 = _attention_norm(norm_layer, norm_kwargs)
        self.conv3 = nn.Conv2D(channels, 1, 1, use_bias=False)
        if self.project:
            self.conv4 = nn.Conv2D(channels, 1, stride, use_bias=False)

    def hybrid_forward(self, F, x):
        pre = F.Activation(self.bn1(x), act_type="relu")
        out = self.conv1(pre)
        out = self.conv2(F.Activation(self.bn2(out), act_type="relu"))
        out = self.conv3(F.Activation(self.bn3(out), act_type="relu"))
        residual = self.conv4(pre) if self.project else x
        return out + residual


def _attention_units(count, channels, norm_layer, norm_kwargs):
    units = nn.HybridSequential(prefix="")
    for _ in range(count):
        units.add(AttentionBottleneck(channels, norm_layer=norm_layer, norm_kwargs=norm_kwargs))
    return units


class AttentionResize(HybridBlock):
    """GluonCV's UpsamplingBilinear2d: a bilinear resize to a fixed size x size."""

    def __init__(self, size):
        super(AttentionResize, self).__init__()
        self.size = size

    def hybrid_forward(self, F, x):
        return F.contrib.BilinearResize2D(x, height=self.size, width=self.size)


class AttentionMaskLevel(HybridBlock):
    """One level of the mask branch and the levels under it: a max pool and r units (2r at the
    deepest level); above the deepest, a skip unit, the next level, two element-wise additions and
    r units; then the resize back to sizes[0], the fixed size of this level's input."""

    def __init__(self, channels, sizes, r, norm_layer=nn.BatchNorm, norm_kwargs=None):
        super(AttentionMaskLevel, self).__init__()
        self.deepest = len(sizes) == 1
        self.pool = nn.MaxPool2D(pool_size=3, strides=2, padding=1)
        self.down = _attention_units(2 * r if self.deepest else r, channels, norm_layer, norm_kwargs)
        if not self.deepest:
            self.skip = AttentionBottleneck(channels, norm_layer=norm_layer, norm_kwargs=norm_kwargs)
            self.inner = AttentionMaskLevel(channels, sizes[1:], r, norm_layer, norm_kwargs)
            self.up = _attention_units(r, channels, norm_layer, norm_kwargs)
        self.resize = AttentionResize(sizes[0])

    def hybrid_forward(self, F, x):
        y = self.down(self.pool(x))
        if not self.deepest:
            skip = self.skip(y)
            y = self.up(F.elemwise_add(F.elemwise_add(self.inner(y), y), skip))
        return self.resize(y)


class AttentionModule(HybridBlock):
    """GluonCV's AttentionModule_stage1..4: p units, a trunk of t units and a mask branch of
    len(sizes) levels (3, 2, 1, or none: 2r units on the input), (1 + mask) * trunk, one unit."""

    def __init__(self, channels, sizes, scale=(1, 2, 1), norm_layer=nn.BatchNorm, norm_kwargs=None):
        super(AttentionModule, self).__init__()
        p, t, r = scale
        self.first = _attention_units(p, channels, norm_layer, norm_kwargs)
        self.trunk = _attention_units(t, channels, norm_layer, norm_kwargs)
        self.pooled = len(sizes) > 0
        if self.pooled:
            self.branch = AttentionMaskLevel(channels, sizes, r, norm_layer, norm_kwargs)
        else:
            self.branch = _attention_units(2 * r, channels, norm_layer, norm_kwargs)
        self.mask = nn.HybridSequential(prefix="")
        self.mask.add(_attention_norm(norm_layer, norm_kwargs))
        self.mask.add(nn.Activation("relu"))
        self.mask.add(nn.Conv2D(channels, kernel_size=1, use_bias=False))
        self.mask.add(_attention_norm(norm_layer, norm_kwargs))
        self.mask.add(nn.Activation("relu"))
        self.mask.add(nn.Conv2D(channels, kernel_size=1, use_bias=False))
        self.mask.add(nn.Activation("sigmoid"))
        self.last = AttentionBottleneck(channels, norm_layer=norm_layer, norm_kwargs=norm_kwargs)

    def hybrid_forward(self, F, x):
        x = self.first(x)
        trunk = self.trunk(x)
        y = F.elemwise_add(self.branch(x), trunk) if self.pooled else self.branch(x)
        mask = self.mask(y)
        out = F.elemwise_mul(F.elemwise_add(F.ones_like(mask), mask), trunk)
        return self.last(out)


class _AttentionNet(HybridBlock):
    """The shared body: the stem (stem_channels wide); per stage i < 3 a unit to widths[i] (stride strides[i]) and
    m[i] attention modules whose mask branches resize to sizes[i]; a unit to widths[3] (strides[3]) and two more;
    a batch norm, ReLU, the fixed pool x pool average pool and the 1x1 classifier, flattened."""

    def __init__(self, stem, stem_channels, widths, strides, sizes, scale, m, pool, classes, norm_layer, norm_kwargs):
        super(_AttentionNet, self).__init__()
        assert len(scale) == 3 and len(m) == 3
        self.features = nn.HybridSequential(prefix="")
        for layer in stem:
            self.features.add(layer)
        in_channels = stem_channels
        for stage in range(3):
            self.features.add(AttentionBottleneck(widths[stage], in_channels=in_channels, stride=strides[stage], norm_layer=norm_layer, norm_kwargs=norm_kwargs))
            for _ in range(m[stage]):
                self.features.add(AttentionModule(widths[stage], sizes[stage], scale, norm_layer, norm_kwargs))
            in_channels = widths[stage]
        self.features.add(AttentionBottleneck(widths[3], in_channels=in_channels, stride=strides[3], norm_layer=norm_layer, norm_kwargs=norm_kwargs))
        self.features.add(AttentionBottleneck(widths[3], norm_layer=norm_layer, norm_kwargs=norm_kwargs))
        self.features.add(AttentionBottleneck(widths[3], norm_layer=norm_layer, norm_kwargs=norm_kwargs))
        self.features.add(_attention_norm(norm_layer, norm_kwargs))
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.AvgPool2D(pool_size=pool, strides=1))
        self.fc = nn.Conv2D(classes, kernel_size=1)

    def hybrid_forward(self, F, x):
        return F.Flatten(self.fc(self.features(x)))


class ResidualAttentionModel(_AttentionNet):
    def __init__(self, scale, m, classes=1000, norm_layer=nn.BatchNorm, norm_kwargs=None, **kwargs):
        stem = [nn.Conv2D(64, kernel_size=7, strides=2, padding=3, use_bias=False), _attention_norm(norm_layer, norm_kwargs),
                nn.Activation("relu"), nn.MaxPool2D(pool_size=3, strides=2, padding=1)]
        super(ResidualAttentionModel, self).__init__(stem, 64, (256, 512, 1024, 2048), (1, 2, 2, 2), ((56, 28, 14), (28, 14), (14,)),
                                                     scale, m, 7, classes, norm_layer, norm_kwargs)


class cifar_ResidualAttentionModel(_AttentionNet):
    def __init__(self, scale, m, classes=10, norm_layer=nn.BatchNorm, norm_kwargs=None, **kwargs):
        stem = [nn.Conv2D(32, kernel_size=3, strides=1, padding=1, use_bias=False), _attention_norm(norm_layer, norm_kwargs), nn.Activation("relu")]
        super(cifar_ResidualAttentionModel, self).__init__(stem, 32, (128, 256, 512, 1024), (1, 2, 2, 1), ((32, 16), (16,), ()),
                                                           scale, m, 8, classes, norm_layer, norm_kwargs)


# Depth: (modules per stage (m1, m2, m3), scale (p, t, r)).
_ATTENTION_SPEC = {56: ((1, 1, 1), (1, 2, 1)), 92: ((1, 2, 3), (1, 2, 1)), 128: ((2, 3, 4), (1, 2, 1)), 164: ((3, 4, 5), (1, 2, 1)),
                   200: ((4, 5, 6), (1, 2, 1)), 236: ((5, 6, 7), (1, 2, 1)), 452: ((5, 6, 7), (2, 4, 3))}


def get_residualAttentionModel(input_size, num_layers, pretrained=None, ctx=None, root=None, **kwargs):
    assert input_size in (32, 224)
    m, scale = _ATTENTION_SPEC[num_layers]
    if input_size == 32:
        return cifar_ResidualAttentionModel(scale, m, **kwargs)
    return ResidualAttentionModel(scale, m, **kwargs)


def residualattentionnet56(**kwargs):
    return get_residualAttentionModel(224, 56, **kwargs)


def residualattentionnet92(**kwargs):
    return get_residualAttentionModel(224, 92, **kwargs)


def residualattentionnet128(**kwargs):
    return get_residualAttentionModel(224, 128, **kwargs)


def residualattentionnet164(**kwargs):
    return get_residualAttentionModel(224, 164, **kwargs)


def residualattentionnet200(**kwargs):
    return get_residualAttentionModel(224, 200, **kwargs)


def residualattentionnet236(**kwargs):
    return get_residualAttentionModel(224, 236, **kwargs)


def residualattentionnet452(**kwargs):
    return get_residualAttentionModel(224, 452, **kwargs)


def cifar_residualattentionnet56(**kwargs):
    return get_residualAttentionModel(32, 56, **kwargs)


def cifar_residualattentionnet92(**kwargs):
    return get_residualAttentionModel(32, 92, **kwargs)


def cifar_residualattentionnet452(**kwargs):
    return get_residualAttentionModel(32, 452, **kwargs)
