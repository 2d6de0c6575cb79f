"""Shape stub of torchvision.models.swin_transformer (Swin-T/S/B and Swin V2-T/S/B).

Architecture facts from Liu et al. 2021 ("Swin Transformer", section 3.3: C = 96 with depths
2, 2, 6, 2 for T and 2, 2, 18, 2 for S, C = 128 with 2, 2, 18, 2 for B; heads 3, 6, 12, 24 for
T/S and 4, 8, 16, 32 for B; window 7, MLP ratio 4) as torchvision builds it on channels-last
maps: a 4x4/4 patch convolution and LayerNorm; blocks of pre-norm window attention (qkv and
output projections, a relative position bias table of (2*7-1)^2 entries per head; every second
block shifted by half a window; maps padded up to whole windows) and an MLP with GELU;
patch merging between stages (the 2x2 neighbours concatenated, LayerNorm over 4C, Linear to 2C
without bias; odd sizes padded); a final LayerNorm, global average pool and linear head.

Swin V2 from Liu et al. 2022 ("Swin Transformer V2", section 3.1-3.3), as torchvision builds it
(window 8): post-norm residual blocks (the LayerNorm after attention and after the MLP),
scaled cosine attention with a learnable per-head logit scale, and a continuous relative
position bias from a small MLP (2 -> 512, ReLU, 512 -> heads without bias) instead of a bias
table; patch merging reduces 4C -> 2C first and normalises 2C after.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["SwinTransformer", "swin_t", "swin_s", "swin_b", "Swin_T_Weights", "Swin_S_Weights", "Swin_B_Weights",
           "swin_v2_t", "swin_v2_s", "swin_v2_b", "Swin_V2_T_Weights", "Swin_V2_S_Weights", "Swin_V2_B_Weights"]


class Swin_T_Weights:
    IMAGENET1K_V1 = "Swin_T_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class Swin_S_Weights:
    IMAGENET1K_V1 = "Swin_S_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class Swin_B_Weights:
    IMAGENET1K_V1 = "Swin_B_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class Swin_V2_T_Weights:
    IMAGENET1K_V1 = "Swin_V2_T_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class Swin_V2_S_Weights:
    IMAGENET1K_V1 = "Swin_V2_S_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class Swin_V2_B_Weights:
    IMAGENET1K_V1 = "Swin_V2_B_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


def _merge_neighbours(x):
    """The 2x2 neighbours of a channels-last map side by side (odd sizes padded): (B, H/2, W/2, 4C)."""
    h = x.shape[1]
    w = x.shape[2]
    x = F.pad(x, (0, 0, 0, w % 2, 0, h % 2))
    x0 = x[:, 0::2, 0::2, :]
    x1 = x[:, 1::2, 0::2, :]
    x2 = x[:, 0::2, 1::2, :]
    x3 = x[:, 1::2, 1::2, :]
    return torch.cat([x0, x1, x2, x3], -1)


class PatchMerging(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = nn.LayerNorm(4 * dim)

    def forward(self, x):
        return self.reduction(self.norm(_merge_neighbours(x)))


class PatchMergingV2(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = nn.LayerNorm(2 * dim)

    def forward(self, x):
        return self.norm(self.reduction(_merge_neighbours(x)))


class ShiftedWindowAttention(nn.Module):
    def __init__(self, dim, window_size, shift_size, num_heads, v2=False):
        super().__init__()
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.v2 = v2
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim, bias=True)
        if v2:
            # V2's cosine attention: a per-head logit scale, and the bias MLP instead of the table.
            self.logit_scale = nn.Parameter(torch.ones((num_heads, 1, 1)))
            self.cpb_mlp = nn.Sequential(nn.Linear(2, 512, bias=True), nn.ReLU(inplace=True), nn.Linear(512, num_heads, bias=False))
        else:
            self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * window_size - 1) * (2 * window_size - 1), num_heads))

    def forward(self, x):
        b, h, w, c = x.shape
        ws = self.window_size
        if self.v2:
            # The bias MLP maps the window's relative coordinates to one bias per head (its lookup
            # into the attention, like the normalisation of q and k, moves values, not shapes).
            table = torch.zeros(1, 2 * ws - 1, 2 * ws - 1, 2)
            bias = self.cpb_mlp(table).view(-1, self.num_heads)
        # Pad the map up to whole windows; the shift only moves values, not shapes.
        pad_r = (ws - w % ws) % ws
        pad_b = (ws - h % ws) % ws
        x = F.pad(x, (0, 0, 0, pad_r, 0, pad_b))
        ph = h + pad_b
        pw = w + pad_r
        num_windows = (ph // ws) * (pw // ws)
        x = x.view(b, ph // ws, ws, pw // ws, ws, c)
        x = x.permute(0, 1, 3, 2, 4, 5).reshape(b * num_windows, ws * ws, c)
        qkv = self.qkv(x)
        qkv = qkv.reshape(b * num_windows, ws * ws, 3, self.num_heads, c // self.num_heads).permute(2, 0, 3, 1, 4)
        q = qkv[0]
        k = qkv[1]
        v = qkv[2]
        attn = torch.matmul(q, k.transpose(-2, -1))
        attn = F.softmax(attn, dim=-1)
        x = torch.matmul(attn, v).transpose(1, 2).reshape(b * num_windows, ws * ws, c)
        x = self.proj(x)
        x = x.view(b, ph // ws, pw // ws, ws, ws, c)
        x = x.permute(0, 1, 3, 2, 4, 5).reshape(b, ph, pw, c)
        return x[:, :h, :w, :]


class SwinTransformerBlock(nn.Module):
    """Pre-norm residual blocks; V2's are post-norm (the LayerNorms apply to the attention's and the MLP's outputs)."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, v2=False):
        super().__init__()
        self.v2 = v2
        self.norm1 = nn.LayerNorm(dim)
        self.attn = ShiftedWindowAttention(dim, window_size, shift_size, num_heads, v2)
        self.norm2 = nn.LayerNorm(dim)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Dropout(0.0), nn.Linear(hidden, dim), nn.Dropout(0.0))

    def forward(self, x):
        if self.v2:
            x = x + self.norm1(self.attn(x))
            return x + self.norm2(self.mlp(x))
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class SwinTransformer(nn.Module):
    def __init__(self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0,
                 stochastic_depth_prob=0.1, num_classes=1000, v2=False):
        super().__init__()
        self.num_classes = num_classes
        layers = [nn.Sequential(nn.Conv2d(3, embed_dim, kernel_size=patch_size, stride=patch_size), Permute([0, 2, 3, 1]), nn.LayerNorm(embed_dim))]
        for i_stage in range(len(depths)):
            dim = embed_dim * 2 ** i_stage
            blocks = []
            for i_layer in range(depths[i_stage]):
                shift = 0 if i_layer % 2 == 0 else window_size // 2
                blocks.append(SwinTransformerBlock(dim, num_heads[i_stage], window_size, shift, mlp_ratio, v2))
            layers.append(nn.Sequential(*blocks))
            if i_stage < len(depths) - 1:
                layers.append(PatchMergingV2(dim) if v2 else PatchMerging(dim))
        self.features = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = nn.LayerNorm(num_features)
        self.permute = Permute([0, 3, 1, 2])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = self.norm(x)
        x = self.permute(x)
        x = self.flatten(self.avgpool(x))
        return self.head(x)


class Permute(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)


def _swin(embed_dim, depths, num_heads, weights, kwargs, window_size=7, v2=False):
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
    return SwinTransformer(4, embed_dim, depths, num_heads, window_size, v2=v2, **kwargs)


def swin_t(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = Swin_T_Weights.IMAGENET1K_V1
    return _swin(96, [2, 2, 6, 2], [3, 6, 12, 24], weights, kwargs)


def swin_s(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = Swin_S_Weights.IMAGENET1K_V1
    return _swin(96, [2, 2, 18, 2], [3, 6, 12, 24], weights, kwargs)


def swin_b(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = Swin_B_Weights.IMAGENET1K_V1
    return _swin(128, [2, 2, 18, 2], [4, 8, 16, 32], weights, kwargs)


def swin_v2_t(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = Swin_V2_T_Weights.IMAGENET1K_V1
    return _swin(96, [2, 2, 6, 2], [3, 6, 12, 24], weights, kwargs, 8, True)


def swin_v2_s(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = Swin_V2_S_Weights.IMAGENET1K_V1
    return _swin(96, [2, 2, 18, 2], [3, 6, 12, 24], weights, kwargs, 8, True)


def swin_v2_b(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = Swin_V2_B_Weights.IMAGENET1K_V1
    return _swin(128, [2, 2, 18, 2], [4, 8, 16, 32], weights, kwargs, 8, True)
