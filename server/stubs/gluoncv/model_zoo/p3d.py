"""Shape stub: gluoncv.model_zoo P3D (`p3d_resnet50_kinetics400`, `p3d_resnet101_kinetics400`).

Architecture from Qiu et al., "Learning Spatio-Temporal Representation with Pseudo-3D Residual
Networks" (2017), as GluonCV builds it (`gluoncv/model_zoo/action_recognition/p3d.py`, NCTHW
clips (N, 3, T, H, W)): a 1x7x7/(1, 2, 2) stem, batch norm, ReLU and a 2x3x3/2 max pool; the first
three ResNet-50/101 stages are pseudo-3D bottlenecks cycling through designs A, B and C (a 1x3x3
spatial and a 3x1x1 temporal convolution in series, in parallel, or in series with a skip), each
stage followed by a 2x1x1/2 temporal max pool; the remaining time steps are then folded into the
batch (reshape (-1, 0, 1, 0, 0) and squeeze), the fourth stage is 2-D, and a global average pool,
the segments averaged after a reshape to (-1, num_segments * num_crop, 2048), dropout and a Dense
head of fixed `in_units` classify. The four temporal halvings need clips of at least 16 frames
(a shorter clip fails in a 2x1x1 pool); 16 frames leave one time step; longer clips multiply the
output rows as MXNet does. A 4-D image batch fails in the first Conv3D.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["P3D", "p3d_resnet50_kinetics400", "p3d_resnet101_kinetics400"]


class P3DBottleneck(HybridBlock):
    """A pseudo-3D bottleneck (`design` A, B or C) for the first three stages, else a 2-D one."""

    def __init__(self, inplanes, planes, conv1_strides=1, downsample=None, design=None, **kwargs):
        super(P3DBottleneck, self).__init__()
        self.design = design
        self.downsample = downsample
        if design is not None:
            self.conv1 = nn.Conv3D(in_channels=inplanes, channels=planes, kernel_size=1, strides=conv1_strides, use_bias=False)
            self.conv2 = nn.Conv3D(in_channels=planes, channels=planes, kernel_size=(1, 3, 3), padding=(0, 1, 1), use_bias=False)
            self.conv_temporal = nn.Conv3D(in_channels=planes, channels=planes, kernel_size=(3, 1, 1), padding=(1, 0, 0), use_bias=False)
            self.bn_temporal = nn.BatchNorm(in_channels=planes)
            self.conv3 = nn.Conv3D(in_channels=planes, channels=planes * 4, kernel_size=1, use_bias=False)
        else:
            self.conv1 = nn.Conv2D(in_channels=inplanes, channels=planes, kernel_size=1, strides=conv1_strides, use_bias=False)
            self.conv2 = nn.Conv2D(in_channels=planes, channels=planes, kernel_size=3, strides=1, padding=1, use_bias=False)
            self.conv3 = nn.Conv2D(in_channels=planes, channels=planes * 4, kernel_size=1, use_bias=False)
        self.bn1 = nn.BatchNorm(in_channels=planes)
        self.bn2 = nn.BatchNorm(in_channels=planes)
        self.bn3 = nn.BatchNorm(in_channels=planes * 4)
        self.relu = nn.Activation("relu")

    def spatial_temporal(self, x):
        spatial = self.relu(self.bn2(self.conv2(x)))
        if self.design == "A":
            return self.relu(self.bn_temporal(self.conv_temporal(spatial)))
        if self.design == "B":
            return spatial + self.relu(self.bn_temporal(self.conv_temporal(x)))
        return spatial + self.relu(self.bn_temporal(self.conv_temporal(spatial)))

    def hybrid_forward(self, F, x):
        out = self.relu(self.bn1(self.conv1(x)))
        if self.design is not None:
            out = self.spatial_temporal(out)
        else:
            out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return F.Activation(out + identity, act_type="relu")


class P3D(HybridBlock):
    def __init__(self, nclass, layers, block_design=("A", "B", "C"), dropout_ratio=0.5, num_segments=1, num_crop=1, feat_ext=False, **kwargs):
        super(P3D, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_ext = feat_ext
        self.feat_dim = 2048
        self.block_design = block_design
        self.inplanes = 64
        self.depth_3d = sum(layers[:3])
        self.layer_cnt = 0
        self.conv1 = nn.Conv3D(in_channels=3, channels=64, kernel_size=(1, 7, 7), strides=(1, 2, 2), padding=(0, 3, 3), use_bias=False)
        self.bn1 = nn.BatchNorm(in_channels=64)
        self.relu = nn.Activation("relu")
        self.pool = nn.MaxPool3D(pool_size=(2, 3, 3), strides=2, padding=(0, 1, 1))
        self.pool2 = nn.MaxPool3D(pool_size=(2, 1, 1), strides=(2, 1, 1), padding=0)
        self.layer1 = self._make_res_layer(64, layers[0], 1)
        self.layer2 = self._make_res_layer(128, layers[1], 2)
        self.layer3 = self._make_res_layer(256, layers[2], 2)
        self.layer4 = self._make_res_layer(512, layers[3], 2)
        self.avgpool = nn.GlobalAvgPool2D()
        self.dropout = nn.Dropout(rate=dropout_ratio)
        self.fc = nn.Dense(in_units=self.feat_dim, units=nclass)

    def _make_res_layer(self, planes, blocks, spatial_stride):
        is_3d = self.layer_cnt < self.depth_3d
        downsample = None
        if spatial_stride != 1 or self.inplanes != planes * 4:
            downsample = nn.HybridSequential(prefix="")
            if is_3d:
                downsample.add(nn.Conv3D(in_channels=self.inplanes, channels=planes * 4, kernel_size=1, strides=(1, spatial_stride, spatial_stride),
                                         use_bias=False))
            else:
                downsample.add(nn.Conv2D(in_channels=self.inplanes, channels=planes * 4, kernel_size=1, strides=spatial_stride, use_bias=False))
            downsample.add(nn.BatchNorm(in_channels=planes * 4))
        layers = nn.HybridSequential(prefix="")
        for b in range(blocks):
            layers.add(self._block(planes, spatial_stride if b == 0 else 1, downsample if b == 0 else None))
            self.inplanes = planes * 4
        return layers

    def _block(self, planes, spatial_stride, downsample):
        """GluonCV's stride rule: a 3-D block with a projection strides its 1x1 by (1, 2, 2) (not the
        very first block); the first 2-D block strides by 2."""
        n = self.layer_cnt
        self.layer_cnt += 1
        if n < self.depth_3d:
            strides = (1, 2, 2) if downsample is not None and n > 0 else (spatial_stride if n > 0 else 1)
            design = self.block_design[n % len(self.block_design)]
            return P3DBottleneck(self.inplanes, planes, strides, downsample, design)
        return P3DBottleneck(self.inplanes, planes, 2 if n == self.depth_3d else 1, downsample)

    def hybrid_forward(self, F, x):
        x = self.pool(self.relu(self.bn1(self.conv1(x))))
        x = self.pool2(self.layer1(x))
        x = self.pool2(self.layer2(x))
        x = self.pool2(self.layer3(x))
        x = F.squeeze(F.reshape(x, (-1, 0, 1, 0, 0)), axis=2)
        x = self.layer4(x)
        x = F.squeeze(self.avgpool(x), axis=(2, 3))
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        x = F.mean(x, axis=1)
        if self.feat_ext:
            return x
        return self.fc(self.dropout(x))


def _p3d(layers, nclass, pretrained=False, pretrained_base=True, root=None, num_segments=1, num_crop=1, feat_ext=False, ctx=None, **kwargs):
    return P3D(nclass, layers, num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext)


def p3d_resnet50_kinetics400(nclass=400, **kwargs):
    return _p3d([3, 4, 6, 3], nclass, **kwargs)


def p3d_resnet101_kinetics400(nclass=400, **kwargs):
    return _p3d([3, 4, 23, 3], nclass, **kwargs)
