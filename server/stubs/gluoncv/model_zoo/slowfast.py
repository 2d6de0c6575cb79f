"""Shape stub: gluoncv.model_zoo SlowFast (`slowfast_4x16_resnet50_kinetics400`, `slowfast_8x8_resnet50_kinetics400`,
`slowfast_8x8_resnet101_kinetics400`, `slowfast_16x8_resnet101_kinetics400`, `slowfast_16x8_resnet101_50_50_kinetics400`).

Architecture from Feichtenhofer et al., "SlowFast Networks for Video Recognition" (2019), as
GluonCV builds it (`gluoncv/model_zoo/action_recognition/slowfast.py`, NCTHW): one input clip
(N, 3, fast_frames + slow_frames, H, W) whose first `fast_frames` frames (32) feed the fast
pathway and the next `slow_frames` (4 for 4x16, 8 for 8x8) the slow one. The fast pathway is a
ResNet-50 of 1/8 the width (beta) with a 5x7x7 stem and 3x1x1 first convolutions in every
bottleneck; after its max pool and each of its first three stages a lateral 5x1x1 (7x1x1 for
8x8) convolution with temporal stride alpha (8 or 4) doubles the channels and is concatenated
onto the slow pathway (a full-width ResNet-50 with a 1x7x7 stem, 3x1x1 first convolutions only
in its last two stages). Both end in a global average pool; the features (2048 + 256) are
concatenated, the segments averaged after a reshape to (-1, num_segments * num_crop, 2304), and
a Dense head of fixed `in_units` classifies. The ResNet-101 versions have 3-4-23-3 blocks, lateral
kernels of 5, alpha 4, and 32 + 8 (8x8) or 64 + 16 (16x8) frames; `_50_50` keeps the 3x1x1 first
convolutions only in the first 6 blocks of each pathway's fourth stage (GluonCV's
`num_block_temp_kernel_fast/slow`), as ResNet-50 has it. A clip must hold the frames both pathways slice out,
and its fast frames must shrink by alpha to the slow frame count for the concatenations.
`slowfast_4x16_resnet50_custom` (GluonCV's fine-tuning model: `nclass` outputs) is the 4x16
ResNet-50, and `slowfast_4x16_resnet101_kinetics400` the 4x16 layout (alpha 8, 32 + 4 frames) on ResNet-101.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["SlowFast", "slowfast_4x16_resnet50_kinetics400", "slowfast_8x8_resnet50_kinetics400", "slowfast_8x8_resnet101_kinetics400",
           "slowfast_16x8_resnet101_kinetics400", "slowfast_16x8_resnet101_50_50_kinetics400", "slowfast_4x16_resnet50_custom",
           "slowfast_4x16_resnet101_kinetics400"]


class Bottleneck(HybridBlock):
    expansion = 4

    def __init__(self, inplanes, planes, strides=1, downsample=None, head_conv=1, **kwargs):
        super(Bottleneck, self).__init__()
        if head_conv == 1:
            self.conv1 = nn.Conv3D(in_channels=inplanes, channels=planes, kernel_size=1, use_bias=False)
        else:
            self.conv1 = nn.Conv3D(in_channels=inplanes, channels=planes, kernel_size=(3, 1, 1), padding=(1, 0, 0), use_bias=False)
        self.bn1 = nn.BatchNorm(in_channels=planes)
        self.conv2 = nn.Conv3D(in_channels=planes, channels=planes, kernel_size=(1, 3, 3), strides=(1, strides, strides), padding=(0, 1, 1), use_bias=False)
        self.bn2 = nn.BatchNorm(in_channels=planes)
        self.conv3 = nn.Conv3D(in_channels=planes, channels=planes * 4, kernel_size=1, strides=1, use_bias=False)
        self.bn3 = nn.BatchNorm(in_channels=planes * 4)
        self.relu = nn.Activation("relu")
        self.downsample = downsample

    def hybrid_forward(self, F, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return F.Activation(out + identity, act_type="relu")


def _res_layer(inplanes, planes, num_blocks, strides, head_conv, temporal_blocks=None):
    # `temporal_blocks` (GluonCV's num_block_temp_kernel): only the first blocks keep head_conv, the rest are 1x1x1.
    downsample = None
    if strides != 1 or inplanes != planes * 4:
        downsample = nn.HybridSequential(prefix="")
        downsample.add(nn.Conv3D(in_channels=inplanes, channels=planes * 4, kernel_size=1, strides=(1, strides, strides), use_bias=False))
        downsample.add(nn.BatchNorm(in_channels=planes * 4))
    layers = nn.HybridSequential(prefix="")
    layers.add(Bottleneck(inplanes, planes, strides, downsample, head_conv))
    for i in range(1, num_blocks):
        layers.add(Bottleneck(planes * 4, planes, 1, None, head_conv if temporal_blocks is None or i < temporal_blocks else 1))
    return layers


def _lateral(channels, alpha, fusion_kernel_size):
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv3D(in_channels=channels, channels=channels * 2, kernel_size=(fusion_kernel_size, 1, 1), strides=(alpha, 1, 1),
                      padding=(fusion_kernel_size // 2, 0, 0), use_bias=False))
    out.add(nn.BatchNorm(in_channels=channels * 2))
    out.add(nn.Activation("relu"))
    return out


class SlowFast(HybridBlock):
    def __init__(self, nclass, layers, num_segments=1, num_crop=1, feat_ext=False, dropout_ratio=0.5, alpha=8, fusion_kernel_size=5,
                 slow_frames=4, fast_frames=32, temporal_blocks=None, **kwargs):
        super(SlowFast, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_ext = feat_ext
        self.slow_frames = slow_frames
        self.fast_frames = fast_frames
        # Widths of ResNet-50 (64 per group) and of the fast pathway (1/8 of it); laterals double the fast channels.
        self.fast_conv1 = nn.Conv3D(in_channels=3, channels=8, kernel_size=(5, 7, 7), strides=(1, 2, 2), padding=(2, 3, 3), use_bias=False)
        self.fast_bn1 = nn.BatchNorm(in_channels=8)
        self.fast_relu = nn.Activation("relu")
        self.fast_maxpool = nn.MaxPool3D(pool_size=(1, 3, 3), strides=(1, 2, 2), padding=(0, 1, 1))
        self.fast_res2 = _res_layer(8, 8, layers[0], 1, 3)
        self.fast_res3 = _res_layer(32, 16, layers[1], 2, 3)
        self.fast_res4 = _res_layer(64, 32, layers[2], 2, 3, temporal_blocks)
        self.fast_res5 = _res_layer(128, 64, layers[3], 2, 3)
        self.lateral_p1 = _lateral(8, alpha, fusion_kernel_size)
        self.lateral_res2 = _lateral(32, alpha, fusion_kernel_size)
        self.lateral_res3 = _lateral(64, alpha, fusion_kernel_size)
        self.lateral_res4 = _lateral(128, alpha, fusion_kernel_size)
        self.slow_conv1 = nn.Conv3D(in_channels=3, channels=64, kernel_size=(1, 7, 7), strides=(1, 2, 2), padding=(0, 3, 3), use_bias=False)
        self.slow_bn1 = nn.BatchNorm(in_channels=64)
        self.slow_relu = nn.Activation("relu")
        self.slow_maxpool = nn.MaxPool3D(pool_size=(1, 3, 3), strides=(1, 2, 2), padding=(0, 1, 1))
        self.slow_res2 = _res_layer(64 + 16, 64, layers[0], 1, 1)
        self.slow_res3 = _res_layer(256 + 64, 128, layers[1], 2, 1)
        self.slow_res4 = _res_layer(512 + 128, 256, layers[2], 2, 3, temporal_blocks)
        self.slow_res5 = _res_layer(1024 + 256, 512, layers[3], 2, 3)
        self.avg = nn.GlobalAvgPool3D()
        self.dp = nn.Dropout(rate=dropout_ratio)
        self.feat_dim = 256 + 2048
        self.fc = nn.Dense(in_units=self.feat_dim, units=nclass, use_bias=True)

    def hybrid_forward(self, F, x):
        fast_input = F.slice(x, begin=(None, None, 0, None, None), end=(None, None, self.fast_frames, None, None))
        slow_input = F.slice(x, begin=(None, None, self.fast_frames, None, None), end=(None, None, self.fast_frames + self.slow_frames, None, None))
        fast, lateral = self.fast_path(F, fast_input)
        slow = self.slow_path(F, slow_input, lateral)
        x = F.concat(slow, fast, dim=1)
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        x = F.mean(x, axis=1)
        if self.feat_ext:
            return x
        return self.fc(self.dp(x))

    def slow_path(self, F, x, lateral):
        pool1 = self.slow_maxpool(self.slow_relu(self.slow_bn1(self.slow_conv1(x))))
        res2 = self.slow_res2(F.concat(pool1, lateral[0], dim=1))
        res3 = self.slow_res3(F.concat(res2, lateral[1], dim=1))
        res4 = self.slow_res4(F.concat(res3, lateral[2], dim=1))
        res5 = self.slow_res5(F.concat(res4, lateral[3], dim=1))
        return F.squeeze(self.avg(res5), axis=(2, 3, 4))

    def fast_path(self, F, x):
        pool1 = self.fast_maxpool(self.fast_relu(self.fast_bn1(self.fast_conv1(x))))
        res2 = self.fast_res2(pool1)
        res3 = self.fast_res3(res2)
        res4 = self.fast_res4(res3)
        res5 = self.fast_res5(res4)
        lateral = [self.lateral_p1(pool1), self.lateral_res2(res2), self.lateral_res3(res3), self.lateral_res4(res4)]
        return F.squeeze(self.avg(res5), axis=(2, 3, 4)), lateral


def slowfast_4x16_resnet50_kinetics400(nclass=400, pretrained=False, pretrained_base=True, num_segments=1, num_crop=1, feat_ext=False, ctx=None, root=None, **kwargs):
    return SlowFast(nclass, [3, 4, 6, 3], num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext, alpha=8, fusion_kernel_size=5,
                    slow_frames=4, fast_frames=32)


def slowfast_8x8_resnet50_kinetics400(nclass=400, pretrained=False, pretrained_base=True, num_segments=1, num_crop=1, feat_ext=False, ctx=None, root=None, **kwargs):
    return SlowFast(nclass, [3, 4, 6, 3], num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext, alpha=4, fusion_kernel_size=7,
                    slow_frames=8, fast_frames=32)


def _slowfast_r101(nclass, slow_frames, fast_frames, temporal_blocks=None, num_segments=1, num_crop=1, feat_ext=False, alpha=4):
    return SlowFast(nclass, [3, 4, 23, 3], num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext, alpha=alpha, fusion_kernel_size=5,
                    slow_frames=slow_frames, fast_frames=fast_frames, temporal_blocks=temporal_blocks)


def slowfast_8x8_resnet101_kinetics400(nclass=400, pretrained=False, pretrained_base=True, num_segments=1, num_crop=1, feat_ext=False, ctx=None, root=None, **kwargs):
    return _slowfast_r101(nclass, 8, 32, num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext)


def slowfast_16x8_resnet101_kinetics400(nclass=400, pretrained=False, pretrained_base=True, num_segments=1, num_crop=1, feat_ext=False, ctx=None, root=None, **kwargs):
    return _slowfast_r101(nclass, 16, 64, num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext)


def slowfast_16x8_resnet101_50_50_kinetics400(nclass=400, pretrained=False, pretrained_base=True, num_segments=1, num_crop=1, feat_ext=False, ctx=None, root=None, **kwargs):
    return _slowfast_r101(nclass, 16, 64, temporal_blocks=6, num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext)


def slowfast_4x16_resnet50_custom(nclass=400, **kwargs):
    return slowfast_4x16_resnet50_kinetics400(nclass=nclass, **kwargs)


def slowfast_4x16_resnet101_kinetics400(nclass=400, pretrained=False, pretrained_base=True, num_segments=1, num_crop=1, feat_ext=False, ctx=None, root=None, **kwargs):
    return _slowfast_r101(nclass, 4, 32, num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext, alpha=8)
