"""Shape stub: gluoncv.model_zoo DLA-34 (`dla34`), Deep Layer Aggregation as a classifier.

Architecture from Yu et al., "Deep Layer Aggregation" (CVPR 2018), as GluonCV builds it
(`gluoncv/model_zoo/dla.py`, NCHW, unbiased convolutions each with a batch norm):

- a 7x7 convolution to 16 channels whose `in_channels` is fixed at 3 (every DLA-34 takes RGB);
- level 0: a 3x3 convolution (16); level 1: a 3x3 stride-2 convolution (32);
- levels 2-5 (64, 128, 256, 512 channels): aggregation trees of depth 1, 2, 2, 1 over basic
  blocks (two 3x3 convolutions and a residual). Each tree halves the resolution: its first block's
  first convolution has stride 2, while the block's residual is the tree's input max-pooled 2x2
  (and projected by a 1x1 convolution where the width changes); a root concatenates the last
  block, the earlier ones and (levels 3-5) the pooled input, then a 1x1 convolution.
- GluonCV's classifier pools every level globally and concatenates them (16 + 32 + 64 + 128 +
  256 + 512 = 1008 features) into a Dense whose inputs are inferred.

Shapes: a padded stride-2 convolution gives ceil(h / 2) rows, the 2x2 max pool floor(h / 2), so
each of levels 2-5 needs an even map and the input must be divisible by 32 (or one less: 223
halves to 112 in level 1): 224 and 256 pass; 200 fails in level 4's first block (a 13x13 map
plus a 12x12 residual: NDArray `+` is `broadcast_add`, as in MXNet); 16 px leaves level 5's 2x2
pool a 1x1 map.
With `use_feature=True` the network returns the six levels' maps.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["DLA", "get_dla", "dla34"]


class DLABasicBlock(HybridBlock):
    """Two 3x3 convolutions; the residual is the input unless the tree passes one in."""

    def __init__(self, inplanes, planes, stride=1, dilation=1, **kwargs):
        super(DLABasicBlock, self).__init__()
        self.conv1 = nn.Conv2D(planes, 3, stride, dilation, dilation, use_bias=False, in_channels=inplanes)
        self.bn1 = nn.BatchNorm(in_channels=planes)
        self.relu = nn.Activation("relu")
        self.conv2 = nn.Conv2D(planes, 3, 1, dilation, dilation, use_bias=False, in_channels=planes)
        self.bn2 = nn.BatchNorm(in_channels=planes)

    def hybrid_forward(self, F, x, residual=None):
        if residual is None:
            residual = x
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(out + residual)


class DLARoot(HybridBlock):
    """Concatenates its inputs on the channels and mixes them with a 1x1 convolution."""

    def __init__(self, in_channels, out_channels, kernel_size, residual, **kwargs):
        super(DLARoot, self).__init__()
        self.conv = nn.Conv2D(out_channels, 1, 1, (kernel_size - 1) // 2, use_bias=False, in_channels=in_channels)
        self.bn = nn.BatchNorm(in_channels=out_channels)
        self.relu = nn.Activation("relu")
        self.residual = residual

    def hybrid_forward(self, F, *x):
        out = self.bn(self.conv(F.concat(*x, dim=1)))
        if self.residual:
            out = out + x[0]
        return self.relu(out)


class DLATree(HybridBlock):
    """A tree of `levels`: two blocks and a root at depth 1, else two subtrees whose outputs the second one's root aggregates."""

    def __init__(self, levels, block, in_channels, out_channels, stride=1, level_root=False, root_dim=0, root_kernel_size=1,
                 dilation=1, root_residual=False, **kwargs):
        super(DLATree, self).__init__()
        if root_dim == 0:
            root_dim = 2 * out_channels
        if level_root:
            root_dim += in_channels
        self.downsample = nn.HybridSequential()
        self.project = nn.HybridSequential()
        if levels == 1:
            self.tree1 = block(in_channels, out_channels, stride, dilation=dilation)
            self.tree2 = block(out_channels, out_channels, 1, dilation=dilation)
            if in_channels != out_channels:
                self.project.add(nn.Conv2D(out_channels, 1, 1, use_bias=False, in_channels=in_channels),
                                 nn.BatchNorm(in_channels=out_channels))
            self.root = DLARoot(root_dim, out_channels, root_kernel_size, root_residual)
        else:
            self.tree1 = DLATree(levels - 1, block, in_channels, out_channels, stride, root_dim=0, root_kernel_size=root_kernel_size,
                                 dilation=dilation, root_residual=root_residual)
            self.tree2 = DLATree(levels - 1, block, out_channels, out_channels, root_dim=root_dim + out_channels,
                                 root_kernel_size=root_kernel_size, dilation=dilation, root_residual=root_residual)
        if stride > 1:
            self.downsample.add(nn.MaxPool2D(stride, strides=stride))
        self.level_root = level_root
        self.levels = levels

    def hybrid_forward(self, F, x, residual=None, children=None):
        children = [] if children is None else children
        # The empty sequentials (stride 1, same width) pass their input through, as in Gluon.
        bottom = self.downsample(x)
        residual = self.project(bottom)
        if self.level_root:
            children.append(bottom)
        x1 = self.tree1(x, residual)
        if self.levels == 1:
            x2 = self.tree2(x1)
            return self.root(x2, x1, *children)
        children.append(x1)
        return self.tree2(x1, None, children)


def _dla_conv_level(inplanes, planes, convs, stride=1, dilation=1):
    level = nn.HybridSequential()
    for i in range(convs):
        level.add(nn.Conv2D(planes, 3, stride if i == 0 else 1, dilation, dilation, use_bias=False, in_channels=inplanes),
                  nn.BatchNorm(), nn.Activation("relu"))
        inplanes = planes
    return level


class DLA(HybridBlock):
    def __init__(self, levels, channels, classes=1000, block=DLABasicBlock, momentum=0.9, norm_layer=None, norm_kwargs=None,
                 residual_root=False, linear_root=False, use_feature=False, **kwargs):
        super(DLA, self).__init__()
        self._use_feature = use_feature
        self.channels = channels
        self.base_layer = nn.HybridSequential()
        self.base_layer.add(nn.Conv2D(channels[0], 7, 1, 3, use_bias=False, in_channels=3), nn.BatchNorm(in_channels=channels[0]),
                            nn.Activation("relu"))
        self.level0 = _dla_conv_level(channels[0], channels[0], levels[0])
        self.level1 = _dla_conv_level(channels[0], channels[1], levels[1], stride=2)
        self.level2 = DLATree(levels[2], block, channels[1], channels[2], 2, level_root=False, root_residual=residual_root)
        self.level3 = DLATree(levels[3], block, channels[2], channels[3], 2, level_root=True, root_residual=residual_root)
        self.level4 = DLATree(levels[4], block, channels[3], channels[4], 2, level_root=True, root_residual=residual_root)
        self.level5 = DLATree(levels[5], block, channels[4], channels[5], 2, level_root=True, root_residual=residual_root)
        if not use_feature:
            self.global_avg_pool = nn.GlobalAvgPool2D()
            self.fc = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        x = self.base_layer(x)
        outputs = []
        for level in (self.level0, self.level1, self.level2, self.level3, self.level4, self.level5):
            x = level(x)
            outputs.append(x if self._use_feature else F.flatten(self.global_avg_pool(x)))
        if self._use_feature:
            return outputs
        return self.fc(F.concat(*outputs, dim=1))


def get_dla(layers, pretrained=False, ctx=None, root=None, **kwargs):
    return DLA(**kwargs)


def dla34(**kwargs):
    return get_dla(34, levels=[1, 1, 1, 2, 2, 1], channels=[16, 32, 64, 128, 256, 512], block=DLABasicBlock, **kwargs)
