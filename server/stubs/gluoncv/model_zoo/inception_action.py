"""Shape stub: gluoncv.model_zoo Inception v1 and v3 action recognition: TSN (`inceptionv1_kinetics400`,
`inceptionv1_ucf101`, `inceptionv1_hmdb51`, `inceptionv1_sthsthv2`, `inceptionv3_kinetics400`,
`inceptionv3_ucf101`, `inceptionv3_hmdb51`, `inceptionv3_sthsthv2`) and I3D
(`i3d_inceptionv1_kinetics400`, `i3d_inceptionv3_kinetics400`).

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

Inception v3 (Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", 2016)
is GluonCV's `inception_v3` (`gluoncv/model_zoo/inception.py`, the Gluon model zoo's layers,
without the auxiliary head): a stem of 3x3 convolutions and 3x3/2 max pools, modules A (x3), B,
C (x4), D and E (x2), then a fixed 8x8 average pool and dropout. Its TSN models
(`action_recognition/actionrec_inceptionv3.py`) take frames of 299x299 (8x8 at the end; 224x224
leaves 5x5 and fails in that pool) and classify 2048 features with a Dense of fixed `in_units`. The
I3D version (`action_recognition/i3d_inceptionv3.py`) inflates a k_h x k_w kernel to
max(k_h, k_w) x k_h x k_w with temporal padding, strides time by 2 in its first convolution and in
modules B and D, and ends in a global average pool: any clip length, frames of 75 px or more.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["ActionRecInceptionV1", "I3D_InceptionV1", "inceptionv1_kinetics400", "inceptionv1_ucf101", "inceptionv1_hmdb51",
           "inceptionv1_sthsthv2", "i3d_inceptionv1_kinetics400", "ActionRecInceptionV3", "I3D_InceptionV3", "inceptionv3_kinetics400",
           "inceptionv3_ucf101", "inceptionv3_hmdb51", "inceptionv3_sthsthv2", "i3d_inceptionv3_kinetics400"]

# Inception modules: in_channels, 1x1, (reduce, 3x3), (reduce, 3x3), pool projection.
_INCEPTION_V1 = {
    "3a": (192, 64, (96, 128), (16, 32), 32), "3b": (256, 128, (128, 192), (32, 96), 64),
    "4a": (480, 192, (96, 208), (16, 48), 64), "4b": (512, 160, (112, 224), (24, 64), 64),
    "4c": (512, 128, (128, 256), (24, 64), 64), "4d": (512, 112, (144, 288), (32, 64), 64),
    "4e": (528, 256, (160, 320), (32, 128), 128), "5a": (832, 256, (160, 320), (32, 128), 128),
    "5b": (832, 384, (192, 384), (48, 128), 128),
}


def _v1_cell(dims, in_channels, channels, kernel_size=1, strides=1, padding=0):
    """An unbiased convolution, batch norm and ReLU (GluonCV's _make_basic_conv), 2-D or 3-D."""
    conv = nn.Conv3D if dims == 3 else nn.Conv2D
    cell = nn.HybridSequential(prefix="")
    cell.add(conv(in_channels=in_channels, channels=channels, kernel_size=kernel_size, strides=strides, padding=padding, use_bias=False))
    cell.add(nn.BatchNorm(in_channels=channels, epsilon=0.001))
    cell.add(nn.Activation("relu"))
    return cell


class InceptionMixed(HybridBlock):
    """Branches on the same input concatenated on axis 1 (GluonCV's HybridConcatenate(axis=1))."""

    def __init__(self, branches, **kwargs):
        super(InceptionMixed, self).__init__()
        self.branches = nn.HybridSequential(prefix="")
        for branch in branches:
            self.branches.add(branch)

    def hybrid_forward(self, F, x):
        return F.concat(*[b(x) for b in self.branches], dim=1)


def _v1_mixed(dims, name):
    in_channels, c1, (r3, c3), (r5, c5), pool_features = _INCEPTION_V1[name]
    branches = [_v1_cell(dims, in_channels, c1)]
    for reduce, channels in ((r3, c3), (r5, c5)):
        branch = nn.HybridSequential(prefix="")
        branch.add(_v1_cell(dims, in_channels, reduce))
        branch.add(_v1_cell(dims, reduce, channels, kernel_size=3, padding=1))
        branches.append(branch)
    pool = nn.HybridSequential(prefix="")
    pool.add((nn.MaxPool3D if dims == 3 else nn.MaxPool2D)(pool_size=3, strides=1, padding=1))
    pool.add(_v1_cell(dims, in_channels, pool_features))
    branches.append(pool)
    return InceptionMixed(branches)


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


def _v3_cell(dims, in_channels, channels, kernel_size=(1, 1), strides=1, padding=(0, 0)):
    """A 2-D Inception v3 cell, or its I3D inflation: kernel (kh, kw) -> (max(kh, kw), kh, kw), padding
    (ph, pw) -> (kt // 2, ph, pw); a stride applies to every axis."""
    if dims == 2:
        return _v1_cell(2, in_channels, channels, kernel_size, strides, padding)
    kt = max(kernel_size[0], kernel_size[1])
    return _v1_cell(3, in_channels, channels, (kt,) + tuple(kernel_size), strides, (kt // 2,) + tuple(padding))


def _v3_branch(dims, pool, *convs):
    """An optional pool ('avg' 3x3/1 padded, 'max' 3x3/2) then cells (in, out, (kh, kw), strides, (ph, pw))."""
    out = nn.HybridSequential(prefix="")
    if pool == "avg":
        out.add((nn.AvgPool3D if dims == 3 else nn.AvgPool2D)(pool_size=3, strides=1, padding=1))
    elif pool == "max":
        out.add(nn.MaxPool3D(pool_size=3, strides=2, padding=(1, 0, 0)) if dims == 3 else nn.MaxPool2D(pool_size=3, strides=2))
    for cin, cout, kernel, strides, padding in convs:
        out.add(_v3_cell(dims, cin, cout, kernel, strides, padding))
    return out


def _v3_mixed(dims, *branches):
    return InceptionMixed(branches)


def _v3_a(dims, cin, pool_features):
    return _v3_mixed(dims, _v3_branch(dims, None, (cin, 64, (1, 1), 1, (0, 0))),
                     _v3_branch(dims, None, (cin, 48, (1, 1), 1, (0, 0)), (48, 64, (5, 5), 1, (2, 2))),
                     _v3_branch(dims, None, (cin, 64, (1, 1), 1, (0, 0)), (64, 96, (3, 3), 1, (1, 1)), (96, 96, (3, 3), 1, (1, 1))),
                     _v3_branch(dims, "avg", (cin, pool_features, (1, 1), 1, (0, 0))))


def _v3_b(dims):
    return _v3_mixed(dims, _v3_branch(dims, None, (288, 384, (3, 3), 2, (0, 0))),
                     _v3_branch(dims, None, (288, 64, (1, 1), 1, (0, 0)), (64, 96, (3, 3), 1, (1, 1)), (96, 96, (3, 3), 2, (0, 0))),
                     _v3_branch(dims, "max"))


def _v3_c(dims, c7):
    return _v3_mixed(dims, _v3_branch(dims, None, (768, 192, (1, 1), 1, (0, 0))),
                     _v3_branch(dims, None, (768, c7, (1, 1), 1, (0, 0)), (c7, c7, (1, 7), 1, (0, 3)), (c7, 192, (7, 1), 1, (3, 0))),
                     _v3_branch(dims, None, (768, c7, (1, 1), 1, (0, 0)), (c7, c7, (7, 1), 1, (3, 0)), (c7, c7, (1, 7), 1, (0, 3)),
                                (c7, c7, (7, 1), 1, (3, 0)), (c7, 192, (1, 7), 1, (0, 3))),
                     _v3_branch(dims, "avg", (768, 192, (1, 1), 1, (0, 0))))


def _v3_d(dims):
    return _v3_mixed(dims, _v3_branch(dims, None, (768, 192, (1, 1), 1, (0, 0)), (192, 320, (3, 3), 2, (0, 0))),
                     _v3_branch(dims, None, (768, 192, (1, 1), 1, (0, 0)), (192, 192, (1, 7), 1, (0, 3)), (192, 192, (7, 1), 1, (3, 0)),
                                (192, 192, (3, 3), 2, (0, 0))),
                     _v3_branch(dims, "max"))


def _v3_split(dims):
    """The 1x3 | 3x1 pair on 384 channels that module E concatenates."""
    return _v3_mixed(dims, _v3_branch(dims, None, (384, 384, (1, 3), 1, (0, 1))), _v3_branch(dims, None, (384, 384, (3, 1), 1, (1, 0))))


def _v3_e(dims, cin):
    b3 = nn.HybridSequential(prefix="")
    b3.add(_v3_branch(dims, None, (cin, 384, (1, 1), 1, (0, 0))))
    b3.add(_v3_split(dims))
    b3dbl = nn.HybridSequential(prefix="")
    b3dbl.add(_v3_branch(dims, None, (cin, 448, (1, 1), 1, (0, 0)), (448, 384, (3, 3), 1, (1, 1))))
    b3dbl.add(_v3_split(dims))
    return _v3_mixed(dims, _v3_branch(dims, None, (cin, 320, (1, 1), 1, (0, 0))), b3, b3dbl, _v3_branch(dims, "avg", (cin, 192, (1, 1), 1, (0, 0))))


def _v3_features(dims):
    """Inception v3 up to module E2: 2-D as Gluon's Inception3, or inflated as GluonCV's I3D."""
    f = nn.HybridSequential(prefix="")
    stem_pool = (lambda: nn.MaxPool3D(pool_size=3, strides=(1, 2, 2), padding=(1, 0, 0))) if dims == 3 else (lambda: nn.MaxPool2D(pool_size=3, strides=2))
    f.add(_v3_cell(dims, 3, 32, (3, 3), 2))
    f.add(_v3_cell(dims, 32, 32, (3, 3)))
    f.add(_v3_cell(dims, 32, 64, (3, 3), 1, (1, 1)))
    f.add(stem_pool())
    f.add(_v3_cell(dims, 64, 80, (1, 1)))
    f.add(_v3_cell(dims, 80, 192, (3, 3)))
    f.add(stem_pool())
    f.add(_v3_a(dims, 192, 32))
    f.add(_v3_a(dims, 256, 64))
    f.add(_v3_a(dims, 288, 64))
    f.add(_v3_b(dims))
    for c7 in (128, 160, 160, 192):
        f.add(_v3_c(dims, c7))
    f.add(_v3_d(dims))
    f.add(_v3_e(dims, 1280))
    f.add(_v3_e(dims, 2048))
    return f


class InceptionTSN(HybridBlock):
    """A 2-D network on frames (N * num_segments, 3, H, W), its segments averaged, a Dense of fixed in_units."""

    def __init__(self, features, feat_dim, nclass, num_segments=1, num_crop=1, **kwargs):
        super(InceptionTSN, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_dim = feat_dim
        self.features = features
        self.output = nn.Dense(units=nclass, in_units=feat_dim)

    def hybrid_forward(self, F, x):
        x = F.reshape(self.features(x), shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        return self.output(F.mean(x, axis=1))


class InceptionI3D(HybridBlock):
    """An inflated network on clips (N, 3, T, H, W): global pooling, segments averaged, dropout and a Dense head."""

    def __init__(self, features, feat_dim, nclass, num_segments=1, num_crop=1, dropout_ratio=0.5, **kwargs):
        super(InceptionI3D, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_dim = feat_dim
        self.features = features
        self.features.add(nn.GlobalAvgPool3D())
        self.head = nn.HybridSequential(prefix="")
        self.head.add(nn.Dropout(rate=dropout_ratio))
        self.head.add(nn.Dense(units=nclass, in_units=feat_dim))

    def hybrid_forward(self, F, x):
        x = F.squeeze(self.features(x), axis=(2, 3, 4))
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        return self.head(F.mean(x, axis=1))


def ActionRecInceptionV1(nclass, dropout_ratio=0.5, num_segments=1, num_crop=1, **kwargs):
    """GoogLeNet's features, a fixed 7x7 average pool and dropout on 1024 features."""
    features = _v1_features(2)
    features.add(nn.AvgPool2D(pool_size=7))
    features.add(nn.Dropout(dropout_ratio))
    return InceptionTSN(features, 1024, nclass, num_segments, num_crop)


def ActionRecInceptionV3(nclass, dropout_ratio=0.8, num_segments=1, num_crop=1, **kwargs):
    """Inception v3's features, a fixed 8x8 average pool and dropout on 2048 features."""
    features = _v3_features(2)
    features.add(nn.AvgPool2D(pool_size=8))
    features.add(nn.Dropout(dropout_ratio))
    return InceptionTSN(features, 2048, nclass, num_segments, num_crop)


def I3D_InceptionV1(nclass=1000, num_segments=1, num_crop=1, dropout_ratio=0.5, **kwargs):
    return InceptionI3D(_v1_features(3), 1024, nclass, num_segments, num_crop, dropout_ratio)


def I3D_InceptionV3(nclass=1000, num_segments=1, num_crop=1, dropout_ratio=0.5, **kwargs):
    return InceptionI3D(_v3_features(3), 2048, nclass, num_segments, num_crop, dropout_ratio)


def _inception_tsn(build, nclass, dropout_ratio, pretrained=False, pretrained_base=True, num_segments=1, num_crop=1, partial_bn=True, ctx=None, root=None,
         **kwargs):
    return build(nclass, dropout_ratio=dropout_ratio, num_segments=num_segments, num_crop=num_crop)


def inceptionv1_ucf101(nclass=101, **kwargs):
    return _inception_tsn(ActionRecInceptionV1, nclass, 0.8, **kwargs)


def inceptionv1_hmdb51(nclass=51, **kwargs):
    return _inception_tsn(ActionRecInceptionV1, nclass, 0.8, **kwargs)


def inceptionv1_kinetics400(nclass=400, **kwargs):
    return _inception_tsn(ActionRecInceptionV1, nclass, 0.5, **kwargs)


def inceptionv1_sthsthv2(nclass=174, **kwargs):
    return _inception_tsn(ActionRecInceptionV1, nclass, 0.5, **kwargs)


def inceptionv3_ucf101(nclass=101, **kwargs):
    return _inception_tsn(ActionRecInceptionV3, nclass, 0.8, **kwargs)


def inceptionv3_hmdb51(nclass=51, **kwargs):
    return _inception_tsn(ActionRecInceptionV3, nclass, 0.8, **kwargs)


def inceptionv3_kinetics400(nclass=400, **kwargs):
    return _inception_tsn(ActionRecInceptionV3, nclass, 0.5, **kwargs)


def inceptionv3_sthsthv2(nclass=174, **kwargs):
    return _inception_tsn(ActionRecInceptionV3, nclass, 0.5, **kwargs)


def i3d_inceptionv1_kinetics400(nclass=400, pretrained=False, pretrained_base=True, ctx=None, root=None, num_segments=1, num_crop=1, partial_bn=False, **kwargs):
    return I3D_InceptionV1(nclass=nclass, num_segments=num_segments, num_crop=num_crop)


def i3d_inceptionv3_kinetics400(nclass=400, pretrained=False, pretrained_base=True, ctx=None, root=None, num_segments=1, num_crop=1, partial_bn=False, **kwargs):
    return I3D_InceptionV3(nclass=nclass, num_segments=num_segments, num_crop=num_crop)
