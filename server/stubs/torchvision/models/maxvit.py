"""Shape stub of torchvision.models.maxvit (MaxViT-T).

Architecture facts from Tu et al. 2022 ("MaxViT: Multi-Axis Vision Transformer", section 3 and
table 1: a stem of two 3x3 convolutions, the first with stride 2; four blocks of 2, 2, 5 and 2
layers with 64, 128, 256 and 512 channels; each layer is an MBConv (expansion 4,
squeeze-excitation 0.25, the first of a block with stride 2) followed by block (window)
attention and grid attention over 7x7 partitions, each with a pre-norm MLP of ratio 4; heads of
dimension 32 with a relative position bias table) as torchvision 0.28 builds it: batch norm
with eps 0.001, GELU, a shortcut of 3x3/2 average pool and 1x1 convolution on the strided
MBConv, and a head of average pool, LayerNorm, Linear, tanh and a Linear without bias.

The model is built for one `input_size` (224x224 unless given): every block's map must split
into whole 7x7 partitions, checked when the model is built with torchvision's `ValueError`; the
partition and departition reshapes use the sizes fixed then, so another input size fails in
them as in torchvision.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["MaxVit", "maxvit_t", "MaxVit_T_Weights"]


class MaxVit_T_Weights:
    IMAGENET1K_V1 = "MaxVit_T_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


def _conv_output_size(size):
    """A 3x3 convolution with stride 2 and padding 1."""
    return ((size[0] - 1) // 2 + 1, (size[1] - 1) // 2 + 1)


def _block_input_sizes(input_size, n_blocks):
    sizes = []
    size = _conv_output_size(input_size)
    for _ in range(n_blocks):
        size = _conv_output_size(size)
        sizes.append(size)
    return sizes


class MBConv(nn.Module):
    def __init__(self, in_channels, out_channels, expansion_ratio, squeeze_ratio, stride):
        super().__init__()
        mid = int(out_channels * expansion_ratio)
        squeeze = int(out_channels * squeeze_ratio)
        if stride != 1 or in_channels != out_channels:
            self.proj = nn.Sequential(nn.AvgPool2d(kernel_size=3, stride=stride, padding=1), nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=True))
        else:
            self.proj = nn.Identity()
        self.pre_norm = nn.BatchNorm2d(in_channels, eps=0.001, momentum=0.01)
        self.conv_a = nn.Sequential(nn.Conv2d(in_channels, mid, 1, bias=False), nn.BatchNorm2d(mid, eps=0.001, momentum=0.01), nn.GELU())
        self.conv_b = nn.Sequential(nn.Conv2d(mid, mid, 3, stride=stride, padding=1, groups=mid, bias=False), nn.BatchNorm2d(mid, eps=0.001, momentum=0.01), nn.GELU())
        self.se_fc1 = nn.Conv2d(mid, squeeze, 1)
        self.se_fc2 = nn.Conv2d(squeeze, mid, 1)
        self.conv_c = nn.Conv2d(mid, out_channels, 1, bias=True)

    def forward(self, x):
        res = self.proj(x)
        x = self.conv_b(self.conv_a(self.pre_norm(x)))
        scale = torch.sigmoid(self.se_fc2(F.silu(self.se_fc1(F.adaptive_avg_pool2d(x, 1)))))
        x = self.conv_c(x * scale)
        return res + x


class RelativePositionalMultiHeadAttention(nn.Module):
    def __init__(self, feat_dim, head_dim, partition_size):
        super().__init__()
        self.n_heads = feat_dim // head_dim
        self.head_dim = head_dim
        self.to_qkv = nn.Linear(feat_dim, self.n_heads * head_dim * 3)
        self.merge = nn.Linear(self.n_heads * head_dim, feat_dim)
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * partition_size - 1) * (2 * partition_size - 1), self.n_heads))

    def forward(self, x):
        # x: (B, G, P, D), G partitions of P tokens; the bias lookup moves values, not shapes.
        b, g, p, d = x.shape
        h = self.n_heads
        qkv = self.to_qkv(x)
        q, k, v = torch.chunk(qkv, 3, dim=-1)
        q = q.reshape(b, g, p, h, self.head_dim).permute(0, 1, 3, 2, 4)
        k = k.reshape(b, g, p, h, self.head_dim).permute(0, 1, 3, 2, 4)
        v = v.reshape(b, g, p, h, self.head_dim).permute(0, 1, 3, 2, 4)
        attn = F.softmax(torch.matmul(q, k.transpose(-2, -1)), dim=-1)
        out = torch.matmul(attn, v).permute(0, 1, 3, 2, 4).reshape(b, g, p, h * self.head_dim)
        return self.merge(out)


class PartitionAttentionLayer(nn.Module):
    """Window attention (7x7 windows) or grid attention (a 7x7 grid of strided positions)."""

    def __init__(self, in_channels, head_dim, partition_size, partition_type, grid_size, mlp_ratio):
        super().__init__()
        self.partition_type = partition_type
        self.grid_size = grid_size
        if partition_type == "window":
            self.p = partition_size
        else:
            self.p = grid_size[0] // partition_size
        self.attn_norm = nn.LayerNorm(in_channels)
        self.attn = RelativePositionalMultiHeadAttention(in_channels, head_dim, partition_size)
        self.mlp = nn.Sequential(nn.LayerNorm(in_channels), nn.Linear(in_channels, in_channels * mlp_ratio), nn.GELU(),
                                 nn.Linear(in_channels * mlp_ratio, in_channels), nn.Dropout(0.0))

    def forward(self, x):
        gh = self.grid_size[0] // self.p
        gw = self.grid_size[1] // self.p
        p = self.p
        # Partition the map (B, C, H, W) into (B, H/p * W/p, p * p, C), from its own size.
        b, c, h, w = x.shape
        x = x.reshape(b, c, h // p, p, w // p, p)
        # -1 for the partition count: after a failed split the count stays unknown (torch stops there).
        x = x.permute(0, 2, 4, 3, 5, 1).reshape(b, -1, p * p, c)
        if self.partition_type == "grid":
            x = x.transpose(-2, -3)
        x = x + self.attn(self.attn_norm(x))
        x = x + self.mlp(x)
        if self.partition_type == "grid":
            x = x.transpose(-2, -3)
        # Departition with the partition counts fixed when the model was built.
        x = x.reshape(b, gh, gw, p, p, c)
        return x.permute(0, 5, 1, 3, 2, 4).reshape(b, c, gh * p, gw * p)


class MaxVitLayer(nn.Module):
    def __init__(self, in_channels, out_channels, squeeze_ratio, expansion_ratio, stride, head_dim, mlp_ratio, partition_size, grid_size):
        super().__init__()
        self.MBconv = MBConv(in_channels, out_channels, expansion_ratio, squeeze_ratio, stride)
        self.window_attention = PartitionAttentionLayer(out_channels, head_dim, partition_size, "window", grid_size, mlp_ratio)
        self.grid_attention = PartitionAttentionLayer(out_channels, head_dim, partition_size, "grid", grid_size, mlp_ratio)

    def forward(self, x):
        return self.grid_attention(self.window_attention(self.MBconv(x)))


class MaxVitBlock(nn.Module):
    def __init__(self, in_channels, out_channels, squeeze_ratio, expansion_ratio, mlp_ratio, head_dim, partition_size, input_grid_size, n_layers):
        super().__init__()
        self.grid_size = _conv_output_size(input_grid_size)
        layers = []
        for idx in range(n_layers):
            layers.append(MaxVitLayer(in_channels if idx == 0 else out_channels, out_channels, squeeze_ratio, expansion_ratio,
                                      2 if idx == 0 else 1, head_dim, mlp_ratio, partition_size, self.grid_size))
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class MaxVit(nn.Module):
    def __init__(self, input_size, stem_channels, partition_size, block_channels, block_layers, head_dim, stochastic_depth_prob,
                 norm_layer=None, activation_layer=None, squeeze_ratio=0.25, expansion_ratio=4, mlp_ratio=4, mlp_dropout=0.0,
                 attention_dropout=0.0, num_classes=1000):
        super().__init__()
        block_input_sizes = _block_input_sizes(input_size, len(block_channels))
        for idx, block_input_size in enumerate(block_input_sizes):
            if block_input_size[0] % partition_size != 0 or block_input_size[1] % partition_size != 0:
                raise ValueError(
                    f"Input size {block_input_size} of block {idx} is not divisible by partition size {partition_size}. "
                    f"Consider changing the partition size or the input size.\n"
                    f"Current configuration yields the following block input sizes: {block_input_sizes}."
                )
        self.stem = nn.Sequential(
            nn.Conv2d(3, stem_channels, 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(stem_channels, eps=0.001, momentum=0.01),
            nn.GELU(),
            nn.Conv2d(stem_channels, stem_channels, 3, stride=1, padding=1, bias=True),
        )
        input_size = _conv_output_size(input_size)
        blocks = []
        in_channels = stem_channels
        for out_channels, n_layers in zip(block_channels, block_layers):
            block = MaxVitBlock(in_channels, out_channels, squeeze_ratio, expansion_ratio, mlp_ratio, head_dim, partition_size, input_size, n_layers)
            blocks.append(block)
            input_size = block.grid_size
            in_channels = out_channels
        self.blocks = nn.ModuleList(blocks)
        self.classifier = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.LayerNorm(block_channels[-1]),
            nn.Linear(block_channels[-1], block_channels[-1]),
            nn.Tanh(),
            nn.Linear(block_channels[-1], num_classes, bias=False),
        )

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return self.classifier(x)


def maxvit_t(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = MaxVit_T_Weights.IMAGENET1K_V1
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
        if "input_size" in kwargs:
            if kwargs["input_size"] != (224, 224):
                raise ValueError(f"The parameter 'input_size' expected value (224, 224) but got {kwargs['input_size']} instead.")
        else:
            kwargs["input_size"] = (224, 224)
    input_size = kwargs.pop("input_size", (224, 224))
    return MaxVit(input_size, 64, 7, [64, 128, 256, 512], [2, 2, 5, 2], 32, 0.2, **kwargs)
