"""Shape stub: gluoncv.model_zoo I3D ResNet action recognition (`i3d_resnet50_v1_kinetics400` ...).

Architecture from Carreira and Zisserman, "Quo Vadis, Action Recognition? A New Model and the
Kinetics Dataset" (2017): a 2-D ResNet-50/101 inflated to 3-D, as GluonCV builds it
(`gluoncv/model_zoo/action_recognition/i3d_resnet.py`, NCTHW clips (N, 3, T, H, W)): a
5x7x7 stem convolution with strides (2, 2, 2), batch norm, ReLU and a 1x3x3 max pool with
strides (2, 2, 2); bottleneck stages whose first convolution is inflated to 3x1x1 in the blocks
GluonCV lists ((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0) for ResNet-50) and 1x1x1
elsewhere, a 1x3x3 second convolution carrying the spatial stride, and 1x1x1 projections; a
2x1x1 temporal max pool after the first stage; a global spatio-temporal average pool, the
segments averaged after a reshape to (-1, num_segments * num_crop, 2048), dropout and a Dense
head of fixed `in_units`. A clip needs at least 5 frames (the temporal pool after the first
stage needs 2); a 4-D image batch fails in the first Conv3D.

The non-local versions (`i3d_nl5_*`, `i3d_nl10_*`; Wang et al., "Non-local Neural Networks",
2018; `gluoncv/model_zoo/action_recognition/non_local.py`) append a gaussian non-local block to
the blocks GluonCV's `nonlocal_freq` marks in the second and third stages (5 or 10 in all): biased
1x1x1 theta, phi and g convolutions to half the channels (phi and g max-pooled 1x2x2), the
attention of every position over the pooled ones by two batch_dots, the result reshaped back to
(N, C/2, T, H, W), a biased 1x1x1 convolution back to C and a batch norm, added to the block's
output. The pools need H and W of at least 2 there, which any input that passes the stem gives.

`i3d_resnet50_v1_custom` is the Kinetics I3D ResNet-50 with `nclass` outputs (dropout 0.8) that
GluonCV's fine-tuning tutorial builds. `i3d_slow_resnet101_f16s4_kinetics700`
(`gluoncv/model_zoo/action_recognition/i3d_slow.py`: the slow pathway of SlowFast alone) is
ResNet-101 with a 1x7x7 stem and a 1x3x3 max pool that keep every frame, no 2x1x1 pool, 3x1x1
first convolutions only in the last two stages: any clip length. `feat_ext=True` returns the
averaged features before the dropout and the head.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["I3D_ResNetV1", "i3d_resnet50_v1_kinetics400", "i3d_resnet101_v1_kinetics400", "i3d_resnet50_v1_sthsthv2",
           "i3d_resnet50_v1_hmdb51", "i3d_resnet50_v1_ucf101", "i3d_nl5_resnet50_v1_kinetics400", "i3d_nl10_resnet50_v1_kinetics400",
           "i3d_nl5_resnet101_v1_kinetics400", "i3d_nl10_resnet101_v1_kinetics400", "i3d_resnet50_v1_custom",
           "i3d_slow_resnet101_f16s4_kinetics700"]

_INFLATE = {
    50: ((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
    101: ((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1), (0, 1, 0)),
}

# Which blocks of each stage carry a non-local block (GluonCV's nonlocal_freq per model).
_NONLOCAL = {
    "nl5_50": ((0, 0, 0), (0, 1, 0, 1), (0, 1, 0, 1, 0, 1), (0, 0, 0)),
    "nl10_50": ((0, 0, 0), (1, 1, 1, 1), (1, 1, 1, 1, 1, 1), (0, 0, 0)),
    "nl5_101": ((0, 0, 0), (0, 1, 0, 1), (0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0), (0, 0, 0)),
    "nl10_101": ((0, 0, 0), (1, 1, 1, 1), (0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1), (0, 0, 0)),
}


class NonLocal3D(HybridBlock):
    """A gaussian embedded non-local block with sub-sampling and a batch-normed output projection."""

    def __init__(self, in_channels, **kwargs):
        super(NonLocal3D, self).__init__()
        embed = in_channels // 2
        self.theta = nn.Conv3D(in_channels=in_channels, channels=embed, kernel_size=(1, 1, 1))
        self.sub_phi = nn.HybridSequential(prefix="")
        self.sub_phi.add(nn.Conv3D(in_channels=in_channels, channels=embed, kernel_size=(1, 1, 1)))
        self.sub_phi.add(nn.MaxPool3D(pool_size=(1, 2, 2)))
        self.sub_g = nn.HybridSequential(prefix="")
        self.sub_g.add(nn.Conv3D(in_channels=in_channels, channels=embed, kernel_size=(1, 1, 1)))
        self.sub_g.add(nn.MaxPool3D(pool_size=(1, 2, 2)))
        self.W_bn = nn.HybridSequential(prefix="")
        self.W_bn.add(nn.Conv3D(in_channels=embed, channels=in_channels, kernel_size=(1, 1, 1)))
        self.W_bn.add(nn.BatchNorm(in_channels=in_channels))

    def hybrid_forward(self, F, x):
        theta = F.reshape(self.theta(x), (0, 0, -1))
        phi = F.reshape(self.sub_phi(x), (0, 0, -1))
        g = F.reshape(self.sub_g(x), (0, 0, -1))
        attn = F.softmax(F.batch_dot(theta, phi, transpose_a=True), axis=2)
        y = F.batch_dot(g, attn, transpose_b=True)
        y = F.reshape_like(y, x, lhs_begin=2, lhs_end=None, rhs_begin=2, rhs_end=None)
        return self.W_bn(y) + x


class Bottleneck3D(HybridBlock):
    expansion = 4

    def __init__(self, inplanes, planes, spatial_stride=1, downsample=None, inflate=True, nonlocal_block=False, **kwargs):
        super(Bottleneck3D, self).__init__()
        if inflate:
            self.conv1 = nn.Conv3D(in_channels=inplanes, channels=planes, kernel_size=(3, 1, 1), padding=(1, 0, 0), use_bias=False)
        else:
            self.conv1 = nn.Conv3D(in_channels=inplanes, channels=planes, kernel_size=1, use_bias=False)
        self.bn1 = nn.BatchNorm(in_channels=planes)
        self.conv2 = nn.Conv3D(in_channels=planes, channels=planes, kernel_size=(1, 3, 3), strides=(1, spatial_stride, spatial_stride),
                               padding=(0, 1, 1), use_bias=False)
        self.bn2 = nn.BatchNorm(in_channels=planes)
        self.conv3 = nn.Conv3D(in_channels=planes, channels=planes * 4, kernel_size=1, use_bias=False)
        self.bn3 = nn.BatchNorm(in_channels=planes * 4)
        self.relu = nn.Activation("relu")
        self.downsample = downsample
        self.nonlocal_block = NonLocal3D(planes * 4) if nonlocal_block else None

    def hybrid_forward(self, F, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        out = F.Activation(out + identity, act_type="relu")
        if self.nonlocal_block is not None:
            out = self.nonlocal_block(out)
        return out


class I3D_ResNetV1(HybridBlock):
    # `slow_only`: GluonCV's i3d_slow.py network, whose stem and pool keep every frame (no 2x1x1 pool either).
    def __init__(self, nclass, depth, num_segments=1, num_crop=1, dropout_ratio=0.5, inflate_freq=None, nonlocal_freq=None,
                 feat_ext=False, slow_only=False, **kwargs):
        super(I3D_ResNetV1, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_ext = feat_ext
        self.feat_dim = 2048
        stage_blocks = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3)}[depth]
        if inflate_freq is None:
            inflate_freq = _INFLATE[depth]
        self.first_stage = nn.HybridSequential(prefix="")
        kernel_t, stride_t = (1, 1) if slow_only else (5, 2)
        self.first_stage.add(nn.Conv3D(in_channels=3, channels=64, kernel_size=(kernel_t, 7, 7), strides=(stride_t, 2, 2),
                                       padding=((kernel_t - 1) // 2, 3, 3), use_bias=False))
        self.first_stage.add(nn.BatchNorm(in_channels=64))
        self.first_stage.add(nn.Activation("relu"))
        self.first_stage.add(nn.MaxPool3D(pool_size=(1, 3, 3), strides=(stride_t, 2, 2), padding=(0, 1, 1)))
        self.pool2 = None if slow_only else nn.MaxPool3D(pool_size=(2, 1, 1), strides=(2, 1, 1), padding=(0, 0, 0))
        layers = []
        inplanes = 64
        for i, num_blocks in enumerate(stage_blocks):
            planes = 64 * 2 ** i
            stride = 1 if i == 0 else 2
            downsample = nn.HybridSequential(prefix="")
            downsample.add(nn.Conv3D(in_channels=inplanes, channels=planes * 4, kernel_size=1, strides=(1, stride, stride), use_bias=False))
            downsample.add(nn.BatchNorm(in_channels=planes * 4))
            layer = nn.HybridSequential(prefix="")
            nl = nonlocal_freq[i] if nonlocal_freq is not None else (0,) * num_blocks
            layer.add(Bottleneck3D(inplanes, planes, stride, downsample, inflate_freq[i][0] == 1, nl[0] == 1))
            inplanes = planes * 4
            for b in range(1, num_blocks):
                layer.add(Bottleneck3D(inplanes, planes, 1, None, inflate_freq[i][b] == 1, nl[b] == 1))
            layers.append(layer)
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.st_avg = nn.GlobalAvgPool3D()
        self.head = nn.HybridSequential(prefix="")
        self.head.add(nn.Dropout(rate=dropout_ratio))
        self.head.add(nn.Dense(in_units=self.feat_dim, units=nclass))

    def hybrid_forward(self, F, x):
        x = self.layer1(self.first_stage(x))
        if self.pool2 is not None:
            x = self.pool2(x)
        x = self.layer4(self.layer3(self.layer2(x)))
        x = F.squeeze(self.st_avg(x), axis=(2, 3, 4))
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        x = F.mean(x, axis=1)
        if self.feat_ext:
            return x
        return self.head(x)


def _i3d(depth, nclass, pretrained=False, pretrained_base=True, ctx=None, root=None, num_segments=1, num_crop=1, dropout_ratio=0.5,
         nonlocal_freq=None, feat_ext=False, **kwargs):
    return I3D_ResNetV1(nclass, depth, num_segments=num_segments, num_crop=num_crop, dropout_ratio=dropout_ratio, nonlocal_freq=nonlocal_freq,
                        feat_ext=feat_ext)


def i3d_resnet50_v1_kinetics400(nclass=400, **kwargs):
    return _i3d(50, nclass, **kwargs)


def i3d_resnet101_v1_kinetics400(nclass=400, **kwargs):
    return _i3d(101, nclass, **kwargs)


def i3d_resnet50_v1_sthsthv2(nclass=174, **kwargs):
    return _i3d(50, nclass, **kwargs)


def i3d_resnet50_v1_hmdb51(nclass=51, **kwargs):
    return _i3d(50, nclass, dropout_ratio=0.8, **kwargs)


def i3d_resnet50_v1_ucf101(nclass=101, **kwargs):
    return _i3d(50, nclass, dropout_ratio=0.8, **kwargs)


def i3d_nl5_resnet50_v1_kinetics400(nclass=400, **kwargs):
    return _i3d(50, nclass, nonlocal_freq=_NONLOCAL["nl5_50"], **kwargs)


def i3d_nl10_resnet50_v1_kinetics400(nclass=400, **kwargs):
    return _i3d(50, nclass, nonlocal_freq=_NONLOCAL["nl10_50"], **kwargs)


def i3d_nl5_resnet101_v1_kinetics400(nclass=400, **kwargs):
    return _i3d(101, nclass, nonlocal_freq=_NONLOCAL["nl5_101"], **kwargs)


def i3d_nl10_resnet101_v1_kinetics400(nclass=400, **kwargs):
    return _i3d(101, nclass, nonlocal_freq=_NONLOCAL["nl10_101"], **kwargs)


def i3d_resnet50_v1_custom(nclass=400, **kwargs):
    """GluonCV's I3D ResNet-50 for fine-tuning on one's own classes (the Kinetics weights loaded, the head new)."""
    return _i3d(50, nclass, dropout_ratio=0.8, **kwargs)


def i3d_slow_resnet101_f16s4_kinetics700(nclass=700, pretrained=False, pretrained_base=True, ctx=None, root=None, num_segments=1, num_crop=1,
                                         feat_ext=False, **kwargs):
    """The slow-only pathway (GluonCV's i3d_slow.py): 1x1x1 first convolutions in the first two stages, 3x1x1 in the last two."""
    inflate = ((0, 0, 0), (0, 0, 0, 0), (1,) * 23, (1, 1, 1))
    return I3D_ResNetV1(nclass, 101, num_segments=num_segments, num_crop=num_crop, inflate_freq=inflate, feat_ext=feat_ext, slow_only=True)
