"""Shape stub: gluoncv.model_zoo HRNet classifiers (`hrnet_w18_small_v1_c`, `hrnet_w18_small_v2_c`,
`hrnet_w18_c`, `hrnet_w30_c`, `hrnet_w32_c`, `hrnet_w40_c`, `hrnet_w44_c`, `hrnet_w48_c`,
`hrnet_w64_c`).

Architecture from Wang et al., "Deep High-Resolution Representation Learning for Visual
Recognition" (TPAMI 2020; the HRNet-Image-Classification configurations), as GluonCV 0.10 builds
it (`gluoncv/model_zoo/hrnet.py`, NCHW, unbiased convolutions each with a batch norm):

- a stem of two 3x3 stride-2 convolutions to 64 channels (their input channels are inferred;
  pretrained weights fix them at 3);
- stage 1: bottlenecks (1x1, 3x3, 1x1 to 4x the width, a 1x1 projection on the first);
- stages 2-4 add a branch each at half the resolution and twice the width (w, 2w, 4w, 8w); a
  transition makes the new branch with a 3x3 stride-2 convolution from the lowest one (and a 3x3
  convolution where a branch's width changes); each stage repeats a module of two (small v1, small
  v2) or four basic blocks per branch followed by the fusion: branch i receives every other
  branch j, a lower one through a 1x1 convolution and a nearest-neighbour `UpSampling` by
  2^(j-i) added with `broadcast_add`, a higher one through i-j 3x3 stride-2 convolutions;
- the classification head: a bottleneck per branch to 128, 256, 512 and 1024 channels, merged
  from the highest resolution down by biased 3x3 stride-2 convolutions, a biased 1x1 convolution
  to 2048, global average pooling and a Dense with `in_units=2048`.

Shapes: the stride-2 convolutions round up (ceil(h / 2)) and the upsampling doubles, so the
fusion needs each branch's map to be exactly twice the next one's: inputs divisible by 32 (224,
256 ...) pass; others (200: branches 50, 25, 13) fail in the fusion's `broadcast_add`, as in
MXNet. Where a map has shrunk to 1x1, `broadcast_add` broadcasts it instead, as MXNet does.

`get_hrnet`'s class count is `num_classes` (GluonCV's `classes=` is swallowed by the model's
`**kwargs`, so it gives 1000 classes). Segmentation (`purpose='seg'`, the `_s` models) is not
stubbed.
"""
from mxnet.gluon import HybridBlock, contrib, nn

__all__ = ["HighResolutionClsNet", "get_hrnet", "hrnet_w18_small_v1_c", "hrnet_w18_small_v2_c", "hrnet_w18_c", "hrnet_w30_c",
           "hrnet_w32_c", "hrnet_w40_c", "hrnet_w44_c", "hrnet_w48_c", "hrnet_w64_c"]


def _hr_conv_bn(channels, kernel, stride, in_channels=0, relu=True, use_bias=False):
    """A padded convolution (same size at stride 1, ceil(h / 2) at stride 2), a batch norm and optionally ReLU."""
    unit = nn.HybridSequential(prefix="")
    unit.add(nn.Conv2D(channels, kernel, stride, kernel // 2, use_bias=use_bias, in_channels=in_channels))
    unit.add(nn.BatchNorm())
    if relu:
        unit.add(nn.Activation("relu"))
    return unit


class HRResidual(HybridBlock):
    """A residual block: ReLU(body(x) + x), the input projected by a 1x1 convolution when `downsample` is set."""

    def hybrid_forward(self, F, x):
        out = self.body(x)
        residual = x if self.downsample is None else self.downsample(x)
        return F.Activation(out + residual, act_type="relu")


class HRBasicBlock(HRResidual):
    """Two 3x3 convolutions."""

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super(HRBasicBlock, self).__init__()
        self.body = nn.HybridSequential(prefix="")
        self.body.add(nn.Conv2D(channels, 3, stride, 1, use_bias=False, in_channels=in_channels), nn.BatchNorm(), nn.Activation("relu"))
        self.body.add(nn.Conv2D(channels, 3, 1, 1, use_bias=False, in_channels=channels), nn.BatchNorm())
        self.downsample = _hr_conv_bn(channels, 1, stride, in_channels, relu=False) if downsample else None


class HRBottleneck(HRResidual):
    """1x1 to a quarter of `channels`, 3x3 (strided), 1x1 to `channels`; all unbiased, as HRNet's own."""

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super(HRBottleneck, self).__init__()
        width = channels // 4
        self.body = nn.HybridSequential(prefix="")
        self.body.add(nn.Conv2D(width, 1, use_bias=False), nn.BatchNorm(), nn.Activation("relu"))
        self.body.add(nn.Conv2D(width, 3, stride, 1, use_bias=False, in_channels=width), nn.BatchNorm(), nn.Activation("relu"))
        self.body.add(nn.Conv2D(channels, 1, use_bias=False), nn.BatchNorm())
        self.downsample = _hr_conv_bn(channels, 1, stride, in_channels, relu=False) if downsample else None


def _hr_blocks(block, count, channels, in_channels):
    """`count` blocks to `channels`; the first projects its input when the width differs."""
    blocks = nn.HybridSequential()
    blocks.add(block(channels, 1, in_channels != channels, in_channels))
    for _ in range(1, count):
        blocks.add(block(channels, 1, False, channels))
    return blocks


def _hr_fuse_into(i, widths):
    """The paths from each branch j to branch i: 1x1 (then upsampled) from below, 3x3 stride-2 steps from above."""
    paths = nn.HybridSequential()
    for j in range(len(widths)):
        if j > i:
            paths.add(_hr_conv_bn(widths[i], 1, 1, relu=False))
        elif j == i:
            paths.add(contrib.nn.Identity())
        else:
            steps = nn.HybridSequential()
            for k in range(i - j):
                last = k == i - j - 1
                steps.add(_hr_conv_bn(widths[i] if last else widths[j], 3, 2, relu=not last))
            paths.add(steps)
    return paths


class HighResolutionModule(HybridBlock):
    """Basic blocks on each branch, then every branch fused into every other (exchange units)."""

    def __init__(self, block, num_blocks, widths, interp_type="nearest", **kwargs):
        super(HighResolutionModule, self).__init__()
        self.num_branches = len(widths)
        self.interp_type = interp_type
        self.branches = nn.HybridSequential()
        for width in widths:
            self.branches.add(_hr_blocks(block, num_blocks, width, width))
        self.fuse_layers = None
        if self.num_branches > 1:
            self.fuse_layers = nn.HybridSequential()
            for i in range(self.num_branches):
                self.fuse_layers.add(_hr_fuse_into(i, widths))

    def _upsample(self, F, x, scale, like):
        if self.interp_type == "nearest":
            return F.UpSampling(x, scale=scale, sample_type="nearest")
        if self.interp_type == "bilinear":
            return F.contrib.BilinearResize2D(x, scale_height=scale, scale_width=scale, align_corners=False)
        if self.interp_type == "bilinear_like":
            return F.contrib.BilinearResize2D(x, like=like, mode="like", align_corners=False)
        raise NotImplementedError

    def hybrid_forward(self, F, x, *rest):
        inputs = [x] + list(rest)
        xs = [self.branches[b](inputs[b]) for b in range(self.num_branches)]
        if self.fuse_layers is None:
            return xs
        fused = []
        for i in range(self.num_branches):
            paths = self.fuse_layers[i]
            y = xs[0] if i == 0 else paths[0](xs[0])
            for j in range(1, self.num_branches):
                if j > i:
                    y = F.broadcast_add(y, self._upsample(F, paths[j](xs[j]), 2 ** (j - i), xs[i]))
                else:
                    y = y + paths[j](xs[j])
            fused.append(F.relu(y))
        return fused


def _hr_transition(widths_before, widths_after):
    """Adapts each kept branch's width (3x3) and makes the new branch from the lowest one (3x3 stride 2)."""
    transition = nn.HybridSequential()
    for i, width in enumerate(widths_after):
        if i < len(widths_before):
            before = widths_before[i]
            transition.add(_hr_conv_bn(width, 3, 1, before) if width != before else contrib.nn.Identity())
        else:
            lowest = widths_before[-1]
            steps = nn.HybridSequential()
            for j in range(i + 1 - len(widths_before)):
                steps.add(_hr_conv_bn(width if j == i - len(widths_before) else lowest, 3, 2, lowest))
            transition.add(steps)
    return transition


def _hr_stage(modules, num_blocks, widths, interp_type):
    stage = nn.HybridSequential()
    for _ in range(modules):
        stage.add(HighResolutionModule(HRBasicBlock, num_blocks, widths, interp_type))
    return stage


def _hr_head(widths):
    """The classification head: a bottleneck per branch, merged downwards by stride-2 convolutions, and a 1x1 to 2048."""
    head_widths = [128, 256, 512, 1024]
    incre_blocks = nn.HybridSequential()
    for width, head_width in zip(widths, head_widths):
        incre_blocks.add(_hr_blocks(HRBottleneck, 1, head_width, width))
    downsamp_blocks = nn.HybridSequential()
    for i in range(len(widths) - 1):
        downsamp_blocks.add(_hr_conv_bn(head_widths[i + 1], 3, 2, head_widths[i], use_bias=True))
    final_layer = _hr_conv_bn(2048, 1, 1, head_widths[3], use_bias=True)
    return incre_blocks, downsamp_blocks, final_layer


class HighResolutionClsNet(HybridBlock):
    """HRNet for ImageNet classification. `spec`: (stage-1 bottlenecks, their width, modules of stages 2-4, basic blocks per branch, w)."""
    # `pretrained_in_channels` stands for the loaded weights, which fix the input channels at 3 (0: inferred).

    def __init__(self, spec, stage_interp_type="nearest", norm_layer=None, norm_kwargs=None, num_classes=1000,
                 pretrained_in_channels=0, **kwargs):
        super(HighResolutionClsNet, self).__init__()
        bottlenecks, bottleneck_width, modules, num_blocks, w = spec
        self.conv1 = nn.Conv2D(64, kernel_size=3, strides=2, padding=1, use_bias=False, in_channels=pretrained_in_channels)
        self.bn1 = nn.BatchNorm()
        self.conv2 = nn.Conv2D(64, kernel_size=3, strides=2, padding=1, use_bias=False)
        self.bn2 = nn.BatchNorm()
        self.layer1 = _hr_blocks(HRBottleneck, bottlenecks, bottleneck_width * 4, 64)
        widths = [[w * 2 ** b for b in range(n)] for n in (2, 3, 4)]
        self.transition1 = _hr_transition([bottleneck_width * 4], widths[0])
        self.stage2 = _hr_stage(modules[0], num_blocks, widths[0], stage_interp_type)
        self.transition2 = _hr_transition(widths[0], widths[1])
        self.stage3 = _hr_stage(modules[1], num_blocks, widths[1], stage_interp_type)
        self.transition3 = _hr_transition(widths[1], widths[2])
        self.stage4 = _hr_stage(modules[2], num_blocks, widths[2], stage_interp_type)
        self.incre_blocks, self.downsamp_blocks, self.final_layer = _hr_head(widths[2])
        self.avg = nn.GlobalAvgPool2D()
        self.classifier = nn.Dense(num_classes, in_units=2048)

    def hybrid_forward(self, F, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        ys = [self.layer1(x)]
        for transition, stage in ((self.transition1, self.stage2), (self.transition2, self.stage3), (self.transition3, self.stage4)):
            # A kept branch passes its own map on; the new (lowest) one starts from the lowest map so far.
            xs = [transition[i](ys[min(i, len(ys) - 1)]) for i in range(len(ys) + 1)]
            for module in stage:
                xs = module(*xs)
            ys = xs
        y = self.incre_blocks[0](ys[0])
        for i in range(len(ys) - 1):
            y = self.incre_blocks[i + 1](ys[i + 1]) + self.downsamp_blocks[i](y)
        y = self.avg(self.final_layer(y))
        return self.classifier(y)


_HRNET_SPECS = {
    # name: (stage-1 bottlenecks, their width, modules in stages 2, 3, 4, basic blocks per branch, w)
    "w18_small_v1": (1, 32, (1, 1, 1), 2, 16),
    "w18_small_v2": (2, 64, (1, 3, 2), 2, 18),
    "w18": (4, 64, (1, 4, 3), 4, 18),
    "w30": (4, 64, (1, 4, 3), 4, 30),
    "w32": (4, 64, (1, 4, 3), 4, 32),
    "w40": (4, 64, (1, 4, 3), 4, 40),
    "w44": (4, 64, (1, 4, 3), 4, 44),
    "w48": (4, 64, (1, 4, 3), 4, 48),
    "w64": (4, 64, (1, 4, 3), 4, 64),
}


def get_hrnet(model_name, stage_interp_type="nearest", purpose="cls", pretrained=False, ctx=None, root=None, norm_layer=None,
              norm_kwargs=None, num_classes=1000, **kwargs):
    if model_name not in _HRNET_SPECS:
        raise NotImplementedError
    if purpose != "cls":
        return None
    return HighResolutionClsNet(_HRNET_SPECS[model_name], stage_interp_type, norm_layer, norm_kwargs, num_classes,
                                pretrained_in_channels=3 if pretrained else 0, **kwargs)


def hrnet_w18_small_v1_c(**kwargs):
    return get_hrnet("w18_small_v1", **kwargs)


def hrnet_w18_small_v2_c(**kwargs):
    return get_hrnet("w18_small_v2", **kwargs)


def hrnet_w18_c(**kwargs):
    return get_hrnet("w18", **kwargs)


def hrnet_w30_c(**kwargs):
    return get_hrnet("w30", **kwargs)


def hrnet_w32_c(**kwargs):
    return get_hrnet("w32", **kwargs)


def hrnet_w40_c(**kwargs):
    return get_hrnet("w40", **kwargs)


def hrnet_w44_c(**kwargs):
    return get_hrnet("w44", **kwargs)


def hrnet_w48_c(**kwargs):
    return get_hrnet("w48", **kwargs)


def hrnet_w64_c(**kwargs):
    return get_hrnet("w64", **kwargs)
