"""Shape stub: gluoncv.model_zoo Inception v1 action recognition: TSN (`inceptionv1_kinetics400`,
`inceptionv1_ucf101`, `inceptionv1_hmdb51`, `inceptionv1_sthsthv2`) and I3D
(`i3d_inceptionv1_kinetics400`).

Architecture from Szegedy et al., "Going Deeper with Convolutions" (2015) with batch norm (Ioffe
and Szegedy, 2015), as GluonCV's `googlenet` builds it (`gluoncv/model_zoo/googlenet.py`, NCHW):
cells of an unbiased convolution, batch norm and ReLU; a 7x7/2 stem (`in_channels` fixed at 3),
a 1x1 and a 3x3 convolution, max pools 3x3/2 with ceil mode, nine inception modules (3a-3b,
4a-4e, 5a-5b; branches 1x1 | 1x1 -> 3x3 | 1x1 -> 3x3 | 3x3 max pool -> 1x1, concatenated) and
a 2x2/2 max pool before 5a. The TSN models (`action_recognition/actionrec_inceptionv1.py`;
Wang et al., "Temporal Segment Networks", 2016) run it on frames (N * num_segments, 3, H, W) and
end in a fixed 7x7 average pool: 224x224 frames give exactly 7x7, a frame under 193 px fails in
that pool; the segments are averaged after a reshape to (-1, num_segments * num_crop, 1024) and a
Dense head of fixed `in_units` classifies. I3D (`action_recognition/i3d_inceptionv1.py`; Carreira
and Zisserman, 2017) inflates every convolution to k x k x k and the pools to 1x3x3/(1, 2, 2)
(stem), 3x3x3/2 and 2x2x2/2, ends in a global average pool and needs clips (N, 3, T, H, W) of at
least 5 frames.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["ActionRecInceptionV1", "I3D_InceptionV1", "inceptionv1_kinetics400", "inceptionv1_ucf101", "inceptionv1_hmdb51",
           "inceptionv1_sthsthv2", "i3d_inceptionv1_kinetics400"]

# Inception modules: in_channels, 1x1, (reduce, 3x3), (reduce, 3x3), pool projection.
_INCEPTION_V1 = {
    "3a": (192, 64, (96, 128), (16, 32), 32), "3b": (256, 128, (128, 192), (32, 96), 64),
    "4a": (480, 192, (96, 208), (16, 48), 64), "4b": (512, 160, (112, 224), (24, 64), 64),
    "4c": (512, 128, (128, 256), (24, 64), 64), "4d": (512, 112, (144, 288), (32, 64), 64),
    "4e": (528, 256, (160, 320), (32, 128), 128), "5a": (832, 256, (160, 320), (32, 128), 128),
    "5b": (832, 384, (192, 384), (48, 128), 128),
}


def _v1_cell(dims, in_channels, channels, kernel_size=1, strides=1, padding=0):
    conv = nn.Conv3D if dims == 3 else nn.Conv2D
    cell = nn.HybridSequential(prefix="")
    cell.add(conv(in_channels=in_channels, channels=channels, kernel_size=kernel_size, strides=strides, padding=padding, use_bias=False))
    cell.add(nn.BatchNorm(in_channels=channels, epsilon=0.001))
    cell.add(nn.Activation("relu"))
    return cell


class InceptionV1Mixed(HybridBlock):
    """Branches on the same input concatenated on axis 1 (GluonCV's HybridConcatenate(axis=1))."""

    def __init__(self, **kwargs):
        super(InceptionV1Mixed, self).__init__()
        self.branches = nn.HybridSequential(prefix="")

    def add(self, branch):
        self.branches.add(branch)

    def hybrid_forward(self, F, x):
        return F.concat(*[b(x) for b in self.branches], dim=1)


def _v1_mixed(dims, name):
    in_channels, c1, (r3, c3), (r5, c5), pool_features = _INCEPTION_V1[name]
    out = InceptionV1Mixed()
    out.add(_v1_cell(dims, in_channels, c1))
    for reduce, channels in ((r3, c3), (r5, c5)):
        branch = nn.HybridSequential(prefix="")
        branch.add(_v1_cell(dims, in_channels, reduce))
        branch.add(_v1_cell(dims, reduce, channels, kernel_size=3, padding=1))
        out.add(branch)
    pool = nn.HybridSequential(prefix="")
    pool.add((nn.MaxPool3D if dims == 3 else nn.MaxPool2D)(pool_size=3, strides=1, padding=1))
    pool.add(_v1_cell(dims, in_channels, pool_features))
    out.add(pool)
    return out


def _v1_features(dims):
    """GoogLeNet's layers up to inception 5b, 2-D as GluonCV's googlenet or inflated as its I3D."""
    f = nn.HybridSequential(prefix="")
    if dims == 2:
        stem_pool = lambda: nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True)
        pool3, pool4 = stem_pool, lambda: nn.MaxPool2D(pool_size=2, strides=2)
    else:
        stem_pool = lambda: nn.MaxPool3D(pool_size=(1, 3, 3), strides=(1, 2, 2), padding=(0, 1, 1))
        pool3, pool4 = lambda: nn.MaxPool3D(pool_size=3, strides=2, padding=1), lambda: nn.MaxPool3D(pool_size=2, strides=2)
    f.add(_v1_cell(dims, 3, 64, kernel_size=7, strides=2, padding=3))
    f.add(stem_pool())
    f.add(_v1_cell(dims, 64, 64))
    f.add(_v1_cell(dims, 64, 192, kernel_size=3, padding=1))
    f.add(stem_pool())
    for name in ("3a", "3b"):
        f.add(_v1_mixed(dims, name))
    f.add(pool3())
    for name in ("4a", "4b", "4c", "4d", "4e"):
        f.add(_v1_mixed(dims, name))
    f.add(pool4())
    for name in ("5a", "5b"):
        f.add(_v1_mixed(dims, name))
    return f


class ActionRecInceptionV1(HybridBlock):
    def __init__(self, nclass, dropout_ratio=0.5, num_segments=1, num_crop=1, **kwargs):
        super(ActionRecInceptionV1, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_dim = 1024
        self.features = _v1_features(2)
        self.avgpool = nn.AvgPool2D(pool_size=7)
        self.dropout = nn.Dropout(dropout_ratio)
        self.output = nn.Dense(units=nclass, in_units=self.feat_dim)

    def hybrid_forward(self, F, x):
        x = self.dropout(self.avgpool(self.features(x)))
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        return self.output(F.mean(x, axis=1))


class I3D_InceptionV1(HybridBlock):
    def __init__(self, nclass=1000, num_segments=1, num_crop=1, dropout_ratio=0.5, **kwargs):
        super(I3D_InceptionV1, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_dim = 1024
        self.features = _v1_features(3)
        self.features.add(nn.GlobalAvgPool3D())
        self.head = nn.HybridSequential(prefix="")
        self.head.add(nn.Dropout(rate=dropout_ratio))
        self.head.add(nn.Dense(units=nclass, in_units=self.feat_dim))

    def hybrid_forward(self, F, x):
        x = F.squeeze(self.features(x), axis=(2, 3, 4))
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        return self.head(F.mean(x, axis=1))


def _tsn_v1(nclass, dropout_ratio, pretrained=False, pretrained_base=True, num_segments=1, num_crop=1, partial_bn=True, ctx=None, root=None, **kwargs):
    return ActionRecInceptionV1(nclass, dropout_ratio=dropout_ratio, num_segments=num_segments, num_crop=num_crop)


def inceptionv1_ucf101(nclass=101, **kwargs):
    return _tsn_v1(nclass, 0.8, **kwargs)


def inceptionv1_hmdb51(nclass=51, **kwargs):
    return _tsn_v1(nclass, 0.8, **kwargs)


def inceptionv1_kinetics400(nclass=400, **kwargs):
    return _tsn_v1(nclass, 0.5, **kwargs)


def inceptionv1_sthsthv2(nclass=174, **kwargs):
    return _tsn_v1(nclass, 0.5, **kwargs)


def i3d_inceptionv1_kinetics400(nclass=400, pretrained=False, pretrained_base=True, ctx=None, root=None, num_segments=1, num_crop=1, partial_bn=False, **kwargs):
    return I3D_InceptionV1(nclass=nclass, num_segments=num_segments, num_crop=num_crop)
