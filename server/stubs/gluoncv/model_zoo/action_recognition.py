"""Shape stub: gluoncv.model_zoo action recognition, C3D and the VGG16 TSN models.

C3D from Tran et al., "Learning Spatiotemporal Features with 3D Convolutional Networks"
(2015), as GluonCV builds it: a 3-D network on clips (N, 3, T, H, W) of eight 3x3x3
convolutions and five max pools (the last padded in height and width), then Dense layers whose
`in_units` are fixed: the clip must give 512 * 1 * 4 * 4 = 8192 features per sample, which a
16x112x112 clip does. The VGG16 models are 2-D temporal segment networks (Wang et al., "Temporal
Segment Networks", 2016): the VGG16 convolutions and first two Dense layers of the ImageNet
model (in_units fixed at 25088 by the pretrained base, so 224x224 frames) run on each frame of
(N * num_segments, 3, 224, 224), the segments are averaged and a Dense head classifies. Both
reshape to (-1, num_segments * num_crop, feature size) before averaging.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["C3D", "ActionRecVGG16", "c3d_kinetics400", "vgg16_ucf101", "vgg16_hmdb51", "vgg16_kinetics400", "vgg16_sthsthv2"]


class C3D(HybridBlock):
    def __init__(self, nclass, dropout_ratio=0.5, num_segments=1, num_crop=1, feat_ext=False, init_std=0.001, ctx=None, **kwargs):
        super(C3D, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_ext = feat_ext
        self.feat_dim = 8192
        self.conv1 = nn.Conv3D(in_channels=3, channels=64, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.pool1 = nn.MaxPool3D(pool_size=(1, 2, 2), strides=(1, 2, 2))
        self.conv2 = nn.Conv3D(in_channels=64, channels=128, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.pool2 = nn.MaxPool3D(pool_size=(2, 2, 2), strides=(2, 2, 2))
        self.conv3a = nn.Conv3D(in_channels=128, channels=256, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.conv3b = nn.Conv3D(in_channels=256, channels=256, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.pool3 = nn.MaxPool3D(pool_size=(2, 2, 2), strides=(2, 2, 2))
        self.conv4a = nn.Conv3D(in_channels=256, channels=512, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.conv4b = nn.Conv3D(in_channels=512, channels=512, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.pool4 = nn.MaxPool3D(pool_size=(2, 2, 2), strides=(2, 2, 2))
        self.conv5a = nn.Conv3D(in_channels=512, channels=512, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.conv5b = nn.Conv3D(in_channels=512, channels=512, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.pool5 = nn.MaxPool3D(pool_size=(2, 2, 2), strides=(2, 2, 2), padding=(0, 1, 1))
        self.fc6 = nn.Dense(in_units=8192, units=4096)
        self.fc7 = nn.Dense(in_units=4096, units=4096)
        self.fc8 = nn.Dense(in_units=4096, units=nclass)
        self.dropout = nn.Dropout(rate=dropout_ratio)
        self.relu = nn.Activation("relu")

    def hybrid_forward(self, F, x):
        x = self.pool1(self.relu(self.conv1(x)))
        x = self.pool2(self.relu(self.conv2(x)))
        x = self.pool3(self.relu(self.conv3b(self.relu(self.conv3a(x)))))
        x = self.pool4(self.relu(self.conv4b(self.relu(self.conv4a(x)))))
        x = self.pool5(self.relu(self.conv5b(self.relu(self.conv5a(x)))))
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        x = F.mean(x, axis=1)
        x = self.dropout(self.relu(self.fc6(x)))
        if self.feat_ext:
            return x
        x = self.dropout(self.relu(self.fc7(x)))
        return self.fc8(x)


class ActionRecVGG16(HybridBlock):
    def __init__(self, nclass, pretrained_base=True, dropout_ratio=0.9, init_std=0.001, feat_dim=4096, num_segments=1, num_crop=1, **kwargs):
        super(ActionRecVGG16, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_dim = feat_dim
        # The VGG16 feature extractor of the ImageNet model: a pretrained base fixes its input.
        self.features = nn.HybridSequential(prefix="")
        in_channels = 3 if pretrained_base else 0
        for filters, convs in zip((64, 128, 256, 512, 512), (2, 2, 3, 3, 3)):
            for _ in range(convs):
                self.features.add(nn.Conv2D(filters, kernel_size=3, padding=1, in_channels=in_channels))
                self.features.add(nn.Activation("relu"))
                in_channels = filters if pretrained_base else 0
            self.features.add(nn.MaxPool2D(strides=2))
        self.features.add(nn.Dense(4096, activation="relu", in_units=512 * 7 * 7 if pretrained_base else 0))
        self.features.add(nn.Dropout(rate=0.5))
        self.features.add(nn.Dense(4096, activation="relu"))
        self.features.add(nn.Dropout(rate=0.5))
        self.output = nn.HybridSequential(prefix="")
        self.output.add(nn.Dropout(rate=dropout_ratio))
        self.output.add(nn.Dense(units=nclass, in_units=feat_dim))

    def hybrid_forward(self, F, x):
        x = self.features(x)
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        x = F.mean(x, axis=1)
        return self.output(x)


def c3d_kinetics400(nclass=400, pretrained=False, ctx=None, root=None, num_segments=1, num_crop=1, feat_ext=False, **kwargs):
    return C3D(nclass=nclass, num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext, **kwargs)


def _vgg16_tsn(nclass, pretrained=False, pretrained_base=True, ctx=None, root=None, num_segments=1, num_crop=1, **kwargs):
    return ActionRecVGG16(nclass=nclass, pretrained_base=pretrained_base or pretrained, num_segments=num_segments, num_crop=num_crop, **kwargs)


def vgg16_ucf101(nclass=101, **kwargs):
    return _vgg16_tsn(nclass, **kwargs)


def vgg16_hmdb51(nclass=51, **kwargs):
    return _vgg16_tsn(nclass, **kwargs)


def vgg16_kinetics400(nclass=400, **kwargs):
    return _vgg16_tsn(nclass, **kwargs)


def vgg16_sthsthv2(nclass=174, **kwargs):
    return _vgg16_tsn(nclass, **kwargs)
