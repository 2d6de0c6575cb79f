"""Shape stub of torchvision.models.vision_transformer (ViT).

Architecture facts from Dosovitskiy et al. 2021 ("An Image is Worth 16x16 Words", Table 1:
B = 12 layers, width 768, MLP 3072, 12 heads; L = 24, 1024, 4096, 16; H = 32, 1280, 5120, 16)
as torchvision documents it: a patch-size convolution to the hidden width, a learned class
token and position embedding for (image_size / patch)^2 + 1 tokens, pre-norm encoder blocks
(LayerNorm eps 1e-6, multi-head self-attention, MLP with GELU), a final LayerNorm and a linear
head on the class token. `image_size` is fixed when the model is built (224 by default; the
weights set it: 384, 512 or 518 for the SWAG end-to-end weights) and the forward pass asserts
the input's height and width equal it.
"""
import torch
import torch.nn as nn

__all__ = [
    "VisionTransformer", "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14",
    "ViT_B_16_Weights", "ViT_B_32_Weights", "ViT_L_16_Weights", "ViT_L_32_Weights", "ViT_H_14_Weights",
]


class ViT_B_16_Weights:
    IMAGENET1K_V1 = "ViT_B_16_Weights.IMAGENET1K_V1"
    IMAGENET1K_SWAG_E2E_V1 = "ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1"
    IMAGENET1K_SWAG_LINEAR_V1 = "ViT_B_16_Weights.IMAGENET1K_SWAG_LINEAR_V1"
    DEFAULT = IMAGENET1K_V1


class ViT_B_32_Weights:
    IMAGENET1K_V1 = "ViT_B_32_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ViT_L_16_Weights:
    IMAGENET1K_V1 = "ViT_L_16_Weights.IMAGENET1K_V1"
    IMAGENET1K_SWAG_E2E_V1 = "ViT_L_16_Weights.IMAGENET1K_SWAG_E2E_V1"
    IMAGENET1K_SWAG_LINEAR_V1 = "ViT_L_16_Weights.IMAGENET1K_SWAG_LINEAR_V1"
    DEFAULT = IMAGENET1K_V1


class ViT_L_32_Weights:
    IMAGENET1K_V1 = "ViT_L_32_Weights.IMAGENET1K_V1"
    DEFAULT = IMAGENET1K_V1


class ViT_H_14_Weights:
    IMAGENET1K_SWAG_E2E_V1 = "ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1"
    IMAGENET1K_SWAG_LINEAR_V1 = "ViT_H_14_Weights.IMAGENET1K_SWAG_LINEAR_V1"
    DEFAULT = IMAGENET1K_SWAG_E2E_V1


# The image size each set of weights was trained at (their documented minimum size); others 224.
_WEIGHTS_IMAGE_SIZE = {
    "ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1": 384,
    "ViT_L_16_Weights.IMAGENET1K_SWAG_E2E_V1": 512,
    "ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1": 518,
}


def mlp_block(in_dim, mlp_dim, dropout):
    return nn.Sequential(nn.Linear(in_dim, mlp_dim), nn.GELU(), nn.Dropout(dropout), nn.Linear(mlp_dim, in_dim), nn.Dropout(dropout))


class EncoderBlock(nn.Module):
    def __init__(self, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout):
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = nn.LayerNorm(hidden_dim, eps=1e-6)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads, dropout=attention_dropout, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = nn.LayerNorm(hidden_dim, eps=1e-6)
        self.mlp = mlp_block(hidden_dim, mlp_dim, dropout)

    def forward(self, input):
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x)
        x = x + input
        y = self.mlp(self.ln_2(x))
        return x + y


class Encoder(nn.Module):
    def __init__(self, seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout):
        super().__init__()
        self.pos_embedding = nn.Parameter(torch.zeros(1, seq_length, hidden_dim))
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.Sequential(*[EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout, attention_dropout) for _ in range(num_layers)])
        self.ln = nn.LayerNorm(hidden_dim, eps=1e-6)

    def forward(self, input):
        input = input + self.pos_embedding
        return self.ln(self.layers(self.dropout(input)))


class VisionTransformer(nn.Module):
    def __init__(self, image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, dropout=0.0, attention_dropout=0.0,
                 num_classes=1000, representation_size=None):
        super().__init__()
        if image_size % patch_size != 0:
            torch._assert(image_size % patch_size == 0, "Input shape indivisible by patch size!")
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.conv_proj = nn.Conv2d(3, hidden_dim, kernel_size=patch_size, stride=patch_size)
        seq_length = (image_size // patch_size) ** 2 + 1
        self.class_token = nn.Parameter(torch.zeros(1, 1, hidden_dim))
        self.encoder = Encoder(seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout)
        if representation_size is None:
            self.heads = nn.Sequential(nn.Linear(hidden_dim, num_classes))
        else:
            self.heads = nn.Sequential(nn.Linear(hidden_dim, representation_size), nn.Tanh(), nn.Linear(representation_size, num_classes))

    def _process_input(self, x):
        n, c, h, w = x.shape
        p = self.patch_size
        if h != self.image_size:
            torch._assert(h == self.image_size, f"Wrong image height! Expected {self.image_size} but got {h}!")
        if w != self.image_size:
            torch._assert(w == self.image_size, f"Wrong image width! Expected {self.image_size} but got {w}!")
        n_h = h // p
        n_w = w // p
        x = self.conv_proj(x)
        x = x.reshape(n, self.hidden_dim, n_h * n_w)
        return x.permute(0, 2, 1)

    def forward(self, x):
        x = self._process_input(x)
        n = x.shape[0]
        batch_class_token = self.class_token.expand(n, -1, -1)
        x = torch.cat([batch_class_token, x], dim=1)
        x = self.encoder(x)
        x = x[:, 0]
        return self.heads(x)


def _vision_transformer(patch_size, num_layers, num_heads, hidden_dim, mlp_dim, weights, kwargs):
    if weights is not None:
        if "num_classes" in kwargs:
            if kwargs["num_classes"] != 1000:
                raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {kwargs['num_classes']} instead.")
        else:
            kwargs["num_classes"] = 1000
        size = _WEIGHTS_IMAGE_SIZE.get(weights, 224)
        if "image_size" in kwargs:
            if kwargs["image_size"] != size:
                raise ValueError(f"The parameter 'image_size' expected value {size} but got {kwargs['image_size']} instead.")
        else:
            kwargs["image_size"] = size
    image_size = kwargs.pop("image_size", 224)
    return VisionTransformer(image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, **kwargs)


def _weights(weights, enum, prefix):
    # Weights may be given by enum member, by name, or as "DEFAULT".
    if weights == "DEFAULT":
        return enum.DEFAULT
    if weights is not None:
        if "." not in weights:
            return prefix + weights
    return weights


def vit_b_16(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ViT_B_16_Weights.IMAGENET1K_V1
    return _vision_transformer(16, 12, 12, 768, 3072, _weights(weights, ViT_B_16_Weights, "ViT_B_16_Weights."), kwargs)


def vit_b_32(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ViT_B_32_Weights.IMAGENET1K_V1
    return _vision_transformer(32, 12, 12, 768, 3072, _weights(weights, ViT_B_32_Weights, "ViT_B_32_Weights."), kwargs)


def vit_l_16(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ViT_L_16_Weights.IMAGENET1K_V1
    return _vision_transformer(16, 24, 16, 1024, 4096, _weights(weights, ViT_L_16_Weights, "ViT_L_16_Weights."), kwargs)


def vit_l_32(*, weights=None, progress=True, pretrained=False, **kwargs):
    if pretrained:
        weights = ViT_L_32_Weights.IMAGENET1K_V1
    return _vision_transformer(32, 24, 16, 1024, 4096, _weights(weights, ViT_L_32_Weights, "ViT_L_32_Weights."), kwargs)


def vit_h_14(*, weights=None, progress=True, **kwargs):
    return _vision_transformer(14, 32, 16, 1280, 5120, _weights(weights, ViT_H_14_Weights, "ViT_H_14_Weights."), kwargs)
