"""Shape stub: gluoncv.model_zoo R(2+1)D action recognition (`r2plus1d_resnet18_kinetics400`, resnet34, 50, 101, 152).

Architecture from Tran et al., "A Closer Look at Spatiotemporal Convolutions for Action
Recognition" (2018), as GluonCV builds it (`gluoncv/model_zoo/action_recognition/r2plus1d.py`,
the layers of torchvision's video R(2+1)D; NCTHW clips (N, 3, T, H, W)): each 3x3x3
convolution factorised into a 1x3x3 spatial convolution to
(in * out * 27) // (in * 9 + 3 * out) channels, batch norm, ReLU and a 3x1x1 temporal one
(the stride on both); a stem of a 1x7x7/(1, 2, 2) convolution to 45 channels and a 3x1x1 one to
64; basic residual blocks of 64, 128, 256 and 512 channels (stride 2 in time and space from the
second stage, 1x1x1 projections), or for ResNet-50/101/152 bottlenecks (a 1x1x1 convolution to
p = 64 ... 512, the factorised 3x3x3 whose middle width counts the block's input channels, a
1x1x1 to 4p); a global spatio-temporal average pool, the segments averaged after a reshape to
(-1, num_segments * num_crop, 512 or 2048) and a Dense head of fixed `in_units`. The strided
temporal convolutions are padded, so any clip length passes.
A 4-D image batch fails in the first Conv3D.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["R2Plus1D", "r2plus1d_resnet18_kinetics400", "r2plus1d_resnet34_kinetics400", "r2plus1d_resnet50_kinetics400",
           "r2plus1d_resnet101_kinetics400", "r2plus1d_resnet152_kinetics400"]


class Conv2Plus1D(HybridBlock):
    def __init__(self, inplanes, planes, midplanes, stride=1, padding=1, **kwargs):
        super(Conv2Plus1D, self).__init__()
        self.conv1 = nn.Conv3D(in_channels=inplanes, channels=midplanes, kernel_size=(1, 3, 3), strides=(1, stride, stride),
                               padding=(0, padding, padding), use_bias=False)
        self.bn1 = nn.BatchNorm(in_channels=midplanes)
        self.relu = nn.Activation("relu")
        self.conv2 = nn.Conv3D(in_channels=midplanes, channels=planes, kernel_size=(3, 1, 1), strides=(stride, 1, 1),
                               padding=(padding, 0, 0), use_bias=False)

    def hybrid_forward(self, F, x):
        return self.conv2(self.relu(self.bn1(self.conv1(x))))


class BasicBlock(HybridBlock):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, **kwargs):
        super(BasicBlock, self).__init__()
        self.downsample = downsample
        midplanes = (inplanes * planes * 3 * 3 * 3) // (inplanes * 3 * 3 + 3 * planes)
        self.conv1 = Conv2Plus1D(inplanes, planes, midplanes, stride)
        self.bn1 = nn.BatchNorm(in_channels=planes)
        self.relu = nn.Activation("relu")
        self.conv2 = Conv2Plus1D(planes, planes, midplanes)
        self.bn2 = nn.BatchNorm(in_channels=planes)

    def hybrid_forward(self, F, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return F.Activation(out + identity, act_type="relu")


class BottleneckR2Plus1D(HybridBlock):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, **kwargs):
        super(BottleneckR2Plus1D, self).__init__()
        self.downsample = downsample
        midplanes = (inplanes * planes * 3 * 3 * 3) // (inplanes * 3 * 3 + 3 * planes)
        self.conv1 = nn.Conv3D(in_channels=inplanes, channels=planes, kernel_size=1, use_bias=False)
        self.bn1 = nn.BatchNorm(in_channels=planes)
        self.relu = nn.Activation("relu")
        self.conv2 = Conv2Plus1D(planes, planes, midplanes, stride)
        self.bn2 = nn.BatchNorm(in_channels=planes)
        self.conv3 = nn.Conv3D(in_channels=planes, channels=planes * 4, kernel_size=1, use_bias=False)
        self.bn3 = nn.BatchNorm(in_channels=planes * 4)

    def hybrid_forward(self, F, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return F.Activation(out + identity, act_type="relu")


class R2Plus1D(HybridBlock):
    def __init__(self, nclass, block, layers, dropout_ratio=0.5, num_segments=1, num_crop=1, feat_ext=False, **kwargs):
        super(R2Plus1D, self).__init__()
        self.num_segments = num_segments
        self.num_crop = num_crop
        self.feat_ext = feat_ext
        self.inplanes = 64
        self.feat_dim = 512 * block.expansion
        self.conv1 = nn.Conv3D(in_channels=3, channels=45, kernel_size=(1, 7, 7), strides=(1, 2, 2), padding=(0, 3, 3), use_bias=False)
        self.bn1 = nn.BatchNorm(in_channels=45)
        self.relu = nn.Activation("relu")
        self.conv2 = nn.Conv3D(in_channels=45, channels=64, kernel_size=(3, 1, 1), padding=(1, 0, 0), use_bias=False)
        self.bn2 = nn.BatchNorm(in_channels=64)
        self.layer1 = self._make_res_layer(block, 64, layers[0])
        self.layer2 = self._make_res_layer(block, 128, layers[1], 2)
        self.layer3 = self._make_res_layer(block, 256, layers[2], 2)
        self.layer4 = self._make_res_layer(block, 512, layers[3], 2)
        self.avgpool = nn.GlobalAvgPool3D()
        self.dropout = nn.Dropout(rate=dropout_ratio)
        self.fc = nn.Dense(in_units=self.feat_dim, units=nclass)

    def _make_res_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.HybridSequential(prefix="")
            downsample.add(nn.Conv3D(in_channels=self.inplanes, channels=planes * block.expansion, kernel_size=1,
                                     strides=(stride, stride, stride), use_bias=False))
            downsample.add(nn.BatchNorm(in_channels=planes * block.expansion))
        layers = nn.HybridSequential(prefix="")
        layers.add(block(self.inplanes, planes, stride, downsample))
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.add(block(self.inplanes, planes))
        return layers

    def hybrid_forward(self, F, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = F.squeeze(self.avgpool(x), axis=(2, 3, 4))
        x = F.reshape(x, shape=(-1, self.num_segments * self.num_crop, self.feat_dim))
        x = F.mean(x, axis=1)
        if self.feat_ext:
            return x
        return self.fc(self.dropout(x))


def _r2plus1d(layers, nclass, pretrained=False, pretrained_base=True, ctx=None, root=None, num_segments=1, num_crop=1, feat_ext=False,
              block=BasicBlock, **kwargs):
    return R2Plus1D(nclass, block, layers, num_segments=num_segments, num_crop=num_crop, feat_ext=feat_ext)


def r2plus1d_resnet18_kinetics400(nclass=400, **kwargs):
    return _r2plus1d([2, 2, 2, 2], nclass, **kwargs)


def r2plus1d_resnet34_kinetics400(nclass=400, **kwargs):
    return _r2plus1d([3, 4, 6, 3], nclass, **kwargs)



def r2plus1d_resnet50_kinetics400(nclass=400, **kwargs):
    return _r2plus1d([3, 4, 6, 3], nclass, block=BottleneckR2Plus1D, **kwargs)


def r2plus1d_resnet101_kinetics400(nclass=400, **kwargs):
    return _r2plus1d([3, 4, 23, 3], nclass, block=BottleneckR2Plus1D, **kwargs)


def r2plus1d_resnet152_kinetics400(nclass=400, **kwargs):
    return _r2plus1d([3, 8, 36, 3], nclass, block=BottleneckR2Plus1D, **kwargs)
