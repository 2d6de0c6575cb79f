"""Shape stub: gluoncv.model_zoo NASNet-A (`nasnet_4_1056`, `nasnet_5_1538`, `nasnet_7_1920`, `nasnet_6_4032`).

Architecture from Zoph et al., "Learning Transferable Architectures for Scalable Image
Recognition" (2018, figure 4: the NASNet-A normal and reduction cells), as GluonCV builds it
(`gluoncv/model_zoo/nasnet.py`, NCHW; `nasnet_R_P` has R normal cells per stack and P
penultimate filters, so the cells are F = P // 24 wide): an unpadded 3x3/2 stem convolution
to `stem_filters` (96 for every name) with batch norm; two stem reduction cells (F / 4, F / 2
wide); three stacks of R normal cells (F, 2F, 4F wide) with reduction cells between them; a
ReLU, a global average pool, dropout and a Dense head. A branch is a ReLU, a depthwise k x k
and a pointwise 1x1 convolution (all unbiased), batch norm, and the same again at stride 1.

Shapes: every normal cell concatenates six branches (6 x its width), every reduction cell four.
The first normal cell of a stack reduces the previous cell's output with two 1x1 paths: an
average pool 1/2 of the map, and the same of the map shifted by one pixel (padded at the
bottom and right, then cropped at the top and left), which gives ceil(n / 2). The first
reduction cell pads the top and left by one, convolves or pools at stride 2 and crops the top
row and left column, which gives floor(n / 2). The two agree only on an even map, so the input
must give the first reduction cell an even map: 331x331 (165, 83, 42, 21, 11) and 224x224 (111,
56, 28, 14, 7) do; 200x200 gives 25 there, and the cell's 12x12 branch meets the 13x13 reduced
one in an addition that MXNet rejects.

With `use_aux=True` (the default) the network also runs its auxiliary head after the second
stack (a 5x5 adaptive average pool, a 1x1 convolution to F / 3, a 5x5 convolution to 2F, each
with batch norm, and a Dense) and returns `(output, aux_output)`; `use_aux=False` returns the
output alone.
"""
from mxnet.gluon import HybridBlock, nn

__all__ = ["NASNetALarge", "get_nasnet", "nasnet_4_1056", "nasnet_5_1538", "nasnet_7_1920", "nasnet_6_4032"]


def _nas_bn():
    return nn.BatchNorm(momentum=0.1, epsilon=0.001)


def _nas_separable(in_channels, channels, kernel, stride, padding):
    """A depthwise k x k convolution and a pointwise 1x1, both unbiased."""
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(in_channels, kernel_size=kernel, strides=stride, padding=padding, groups=in_channels, use_bias=False))
    out.add(nn.Conv2D(channels, kernel_size=1, use_bias=False))
    return out


def _nas_adapt(channels):
    """ReLU, an unbiased 1x1 convolution and batch norm: how a cell adapts its inputs."""
    out = nn.HybridSequential(prefix="")
    out.add(nn.Activation("relu"))
    out.add(nn.Conv2D(channels, 1, use_bias=False))
    out.add(_nas_bn())
    return out


def _nas_branch(in_channels, channels, kernel, stride, mid_channels=None, shifted=False):
    """ReLU, separable conv (to `mid_channels`, default in_channels), BN, ReLU, separable conv at stride 1,
    BN. `shifted`: the first reduction cell's branch, whose first convolution pads and crops."""
    mid = in_channels if mid_channels is None else mid_channels
    first = _nas_separable(in_channels, mid, kernel, stride, kernel // 2)
    out = nn.HybridSequential(prefix="")
    if shifted:
        out.add(ShiftedReduction(first, relu_first=True))
    else:
        out.add(nn.Activation("relu"))
        out.add(first)
    out.add(_nas_bn())
    out.add(nn.Activation("relu"))
    out.add(_nas_separable(mid, channels, kernel, 1, kernel // 2))
    out.add(_nas_bn())
    return out


class ShiftedReduction(HybridBlock):
    """The first reduction cell's branches: pad the top and left by one, run `body` at stride 2, crop the
    top row and left column (floor(n / 2) on an n x n map). `body` is a pool, or a branch whose ReLU
    comes before the padding."""

    def __init__(self, body, relu_first=False, **kwargs):
        super(ShiftedReduction, self).__init__()
        self.relu_first = relu_first
        self.body = body

    def hybrid_forward(self, F, x):
        if self.relu_first:
            x = F.Activation(x, act_type="relu")
        x = F.pad(x, mode="constant", constant_value=0, pad_width=(0, 0, 0, 0, 1, 0, 1, 0))
        return F.slice(self.body(x), begin=(0, 0, 1, 1), end=(None, None, None, None))


class FactorizedReduction(HybridBlock):
    """Halves the previous cell's map for a first normal cell (or the second stem cell): two 1x1 paths on
    the ReLU of the map, one average-pooled 1/2, one on the map shifted by a pixel, concatenated, BN."""

    def __init__(self, half_channels, **kwargs):
        super(FactorizedReduction, self).__init__()
        self.path_1 = nn.HybridSequential(prefix="")
        self.path_1.add(nn.AvgPool2D(1, strides=2, count_include_pad=False))
        self.path_1.add(nn.Conv2D(half_channels, 1, use_bias=False))
        self.path_2 = nn.HybridSequential(prefix="")
        self.path_2.add(nn.AvgPool2D(1, strides=2, count_include_pad=False))
        self.path_2.add(nn.Conv2D(half_channels, 1, use_bias=False))
        self.final_path_bn = _nas_bn()

    def hybrid_forward(self, F, x):
        x = F.Activation(x, act_type="relu")
        shifted = F.pad(x, mode="constant", constant_value=0, pad_width=(0, 0, 0, 0, 0, 1, 0, 1))
        shifted = F.slice(shifted, begin=(0, 0, 1, 1), end=(None, None, None, None))
        return self.final_path_bn(F.concat(self.path_1(x), self.path_2(shifted), dim=1))


class ReductionCell(HybridBlock):
    """A NASNet-A reduction cell on `left` (the previous cell, already adapted) and `right` (this input,
    adapted): four stride-2 combinations, concatenated. `shifted` marks the first reduction cell of the
    body, whose stride-2 branches pad and crop (floor(n / 2))."""

    def __init__(self, left_in, channels, shifted=False, **kwargs):
        super(ReductionCell, self).__init__()
        if shifted:
            branch = lambda k, s: _nas_branch(channels, channels, k, s, shifted=True)
            max_pool = lambda: ShiftedReduction(nn.MaxPool2D(3, strides=2, padding=1))
            avg_pool = lambda: ShiftedReduction(nn.AvgPool2D(3, strides=2, padding=1, count_include_pad=False))
        else:
            branch = lambda k, s: _nas_branch(channels, channels, k, s)
            max_pool = lambda: nn.MaxPool2D(3, strides=2, padding=1)
            avg_pool = lambda: nn.AvgPool2D(3, strides=2, padding=1, count_include_pad=False)
        left_branch = lambda k: branch(k, 2) if left_in == channels else _nas_branch(left_in, channels, k, 2, mid_channels=channels)
        self.comb_iter_0_left = branch(5, 2)
        self.comb_iter_0_right = left_branch(7)
        self.comb_iter_1_left = max_pool()
        self.comb_iter_1_right = left_branch(7)
        self.comb_iter_2_left = avg_pool()
        self.comb_iter_2_right = left_branch(5)
        self.comb_iter_3_right = nn.AvgPool2D(3, strides=1, padding=1, count_include_pad=False)
        self.comb_iter_4_left = branch(3, 1)
        self.comb_iter_4_right = max_pool()

    def combine(self, F, right, left):
        x0 = self.comb_iter_0_left(right) + self.comb_iter_0_right(left)
        x1 = self.comb_iter_1_left(right) + self.comb_iter_1_right(left)
        x2 = self.comb_iter_2_left(right) + self.comb_iter_2_right(left)
        x3 = self.comb_iter_3_right(x0) + x1
        x4 = self.comb_iter_4_left(x0) + self.comb_iter_4_right(right)
        return F.concat(x1, x2, x3, x4, dim=1)


class CellStem0(ReductionCell):
    """The first stem cell: a reduction cell on the stem convolution's output alone (its left input is
    the raw stem map, whose separable branches narrow it to the cell's width)."""

    def __init__(self, stem_filters, num_filters, **kwargs):
        super(CellStem0, self).__init__(stem_filters, num_filters)
        self.conv_1x1 = _nas_adapt(num_filters)

    def hybrid_forward(self, F, x):
        return self.combine(F, self.conv_1x1(x), x)


class CellStem1(ReductionCell):
    """The second stem cell: the first stem cell's output and the factorized reduction of the stem map."""

    def __init__(self, num_filters, **kwargs):
        super(CellStem1, self).__init__(num_filters, num_filters)
        self.conv_1x1 = _nas_adapt(num_filters)
        self.prev = FactorizedReduction(num_filters // 2)

    def hybrid_forward(self, F, x_conv0, x_stem_0):
        return self.combine(F, self.conv_1x1(x_stem_0), self.prev(x_conv0))


class BodyReductionCell(ReductionCell):
    """A reduction cell between two stacks; returns (output, its input) like every body cell."""

    def __init__(self, channels, shifted, **kwargs):
        super(BodyReductionCell, self).__init__(channels, channels, shifted)
        self.conv_prev_1x1 = _nas_adapt(channels)
        self.conv_1x1 = _nas_adapt(channels)

    def hybrid_forward(self, F, x, x_prev):
        return self.combine(F, self.conv_1x1(x), self.conv_prev_1x1(x_prev)), x


class NormalCell(HybridBlock):
    """A NASNet-A normal cell `channels` wide: five combinations of separable branches, 3x3 average pools
    and identities on `left` (the previous cell, adapted) and `right` (this input, adapted), concatenated
    with `left`. The first cell of a stack halves the previous cell's map (`reduce_prev`: two 1x1 paths
    of channels / 2)."""

    def __init__(self, channels, reduce_prev=False, **kwargs):
        super(NormalCell, self).__init__()
        self.conv_prev_1x1 = FactorizedReduction(channels // 2) if reduce_prev else _nas_adapt(channels)
        self.conv_1x1 = _nas_adapt(channels)
        self.comb_iter_0_left = _nas_branch(channels, channels, 5, 1)
        self.comb_iter_0_right = _nas_branch(channels, channels, 3, 1)
        self.comb_iter_1_left = _nas_branch(channels, channels, 5, 1)
        self.comb_iter_1_right = _nas_branch(channels, channels, 3, 1)
        self.comb_iter_2_left = nn.AvgPool2D(3, strides=1, padding=1, count_include_pad=False)
        self.comb_iter_3_left = nn.AvgPool2D(3, strides=1, padding=1, count_include_pad=False)
        self.comb_iter_3_right = nn.AvgPool2D(3, strides=1, padding=1, count_include_pad=False)
        self.comb_iter_4_left = _nas_branch(channels, channels, 3, 1)

    def hybrid_forward(self, F, x, x_prev):
        left = self.conv_prev_1x1(x_prev)
        right = self.conv_1x1(x)
        x0 = self.comb_iter_0_left(right) + self.comb_iter_0_right(left)
        x1 = self.comb_iter_1_left(left) + self.comb_iter_1_right(left)
        x2 = self.comb_iter_2_left(right) + left
        x3 = self.comb_iter_3_left(left) + self.comb_iter_3_right(left)
        x4 = self.comb_iter_4_left(right) + right
        return F.concat(left, x0, x1, x2, x3, x4, dim=1), x


def _nas_stack(repeat, filters):
    """A stack of `repeat` normal cells `filters` wide, the first one reducing the previous cell's map."""
    cells = nn.HybridSequential(prefix="")
    cells.add(NormalCell(filters, reduce_prev=True))
    for _ in range(repeat - 1):
        cells.add(NormalCell(filters))
    return cells


class NASNetALarge(HybridBlock):
    # `pretrained_in_channels` stands for the loaded weights, which fix the input channels at 3 (0: inferred).
    def __init__(self, repeat=6, penultimate_filters=4032, stem_filters=96, filters_multiplier=2, classes=1000, use_aux=True,
                 pretrained_in_channels=0, **kwargs):
        super(NASNetALarge, self).__init__()
        filters = penultimate_filters // 24
        self.conv0 = nn.HybridSequential(prefix="")
        self.conv0.add(nn.Conv2D(stem_filters, 3, padding=0, strides=2, use_bias=False, in_channels=pretrained_in_channels))
        self.conv0.add(_nas_bn())
        self.cell_stem_0 = CellStem0(stem_filters, filters // (filters_multiplier ** 2))
        self.cell_stem_1 = CellStem1(filters // filters_multiplier)
        self.norm_1 = _nas_stack(repeat, filters)
        self.reduction_cell_0 = BodyReductionCell(2 * filters, shifted=True)
        self.norm_2 = _nas_stack(repeat, 2 * filters)
        self.out_aux = None
        if use_aux:
            self.out_aux = nn.HybridSequential(prefix="")
            self.out_aux.add(nn.Conv2D(filters // 3, kernel_size=1, use_bias=False))
            self.out_aux.add(nn.BatchNorm(epsilon=0.001))
            self.out_aux.add(nn.Activation("relu"))
            self.out_aux.add(nn.Conv2D(2 * filters, kernel_size=5, use_bias=False))
            self.out_aux.add(nn.BatchNorm(epsilon=0.001))
            self.out_aux.add(nn.Activation("relu"))
            self.out_aux.add(nn.Dense(classes))
        self.reduction_cell_1 = BodyReductionCell(4 * filters, shifted=False)
        self.norm_3 = _nas_stack(repeat, 4 * filters)
        self.out = nn.HybridSequential(prefix="")
        self.out.add(nn.Activation("relu"))
        self.out.add(nn.GlobalAvgPool2D())
        self.out.add(nn.Dropout(0.5))
        self.out.add(nn.Dense(classes))

    def hybrid_forward(self, F, x):
        x_conv0 = self.conv0(x)
        x_prev = self.cell_stem_0(x_conv0)
        x = self.cell_stem_1(x_conv0, x_prev)
        for cell in self.norm_1:
            x, x_prev = cell(x, x_prev)
        x, x_prev = self.reduction_cell_0(x, x_prev)
        for cell in self.norm_2:
            x, x_prev = cell(x, x_prev)
        if self.out_aux is not None:
            x_aux = self.out_aux(F.contrib.AdaptiveAvgPooling2D(x, output_size=5))
        x, x_prev = self.reduction_cell_1(x, x_prev)
        for cell in self.norm_3:
            x, x_prev = cell(x, x_prev)
        x = self.out(x)
        if self.out_aux is not None:
            return x, x_aux
        return x


def get_nasnet(repeat=6, penultimate_filters=4032, pretrained=False, ctx=None, root=None, **kwargs):
    assert repeat >= 2, "Invalid number of repeat: %d. It should be at least two" % (repeat)
    return NASNetALarge(repeat=repeat, penultimate_filters=penultimate_filters, pretrained_in_channels=3 if pretrained else 0, **kwargs)


def nasnet_4_1056(**kwargs):
    return get_nasnet(repeat=4, penultimate_filters=1056, **kwargs)


def nasnet_5_1538(**kwargs):
    return get_nasnet(repeat=5, penultimate_filters=1538, **kwargs)


def nasnet_7_1920(**kwargs):
    return get_nasnet(repeat=7, penultimate_filters=1920, **kwargs)


def nasnet_6_4032(**kwargs):
    return get_nasnet(repeat=6, penultimate_filters=4032, **kwargs)
