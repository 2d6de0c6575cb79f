"""Parameter counts, in real Keras and PyTorch, of networks whose layers GluonCV's NASNet, ResNeXt
"e", GoogLeNet and GroupNorm ResNet stubs share.

Gluon counts each batch norm's running mean and variance among a model's parameters; Keras does
too, and the torch counts here add them (a group norm has none). Prints one JSON object:
  nasnet_R_P: Keras' NASNet(penultimate_filters=P, num_blocks=R, stem_block_filters=96), 1000
  classes, without GluonCV's auxiliary head (GluonCV gives every NASNet a 96-filter stem; 1538 is
  no multiple of 96, which Keras requires, but 1538 // 24 == 1536 // 24: the same cells);
  nasnet_mobile: Keras' NASNetMobile (32-filter stem), the published 5.3M;
  resnext101e_64x4d: torchvision's ResNeXt-101 64x4d with the deep stem
  (3x3 convolutions to 64, 64, 128) swapped in and the first stage taking 128 channels (the
  average-pooled shortcuts add no parameters);
  googlenet_aux: torchvision's GoogLeNet with its two auxiliary heads, 1000 classes;
  resnet50_v1b_gn / resnet101_v1b_gn: torchvision's ResNet-50/101 with GroupNorm(32, c) for every
  batch norm.
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import torch  # noqa: E402
import torch.library  # noqa: E402

torch.library.register_fake = lambda *a, **k: (lambda f: f)  # torchvision's compiled ops need not match this torch build
import torchvision  # noqa: E402
from keras.src.applications import nasnet  # noqa: E402
from torch import nn  # noqa: E402
from torchvision.models import resnet  # noqa: E402


def keras_nasnet(penultimate, repeat, stem):
    model = nasnet.NASNet(input_shape=(224, 224, 3), penultimate_filters=penultimate, num_blocks=repeat,
                          stem_block_filters=stem, skip_reduction=False, filter_multiplier=2, include_top=True,
                          weights=None, classes=1000, default_size=224)
    return model.count_params()


def gluon_count(model):
    """torch's parameters plus the batch norms' running mean and variance, which Gluon counts."""
    running = [b for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var"))]
    return sum(t.numel() for t in [*model.parameters(), *running])


def resnext101e():
    model = resnet.ResNet(resnet.Bottleneck, [3, 4, 23, 3], groups=64, width_per_group=4)
    model.conv1 = nn.Sequential(nn.Conv2d(3, 64, 3, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                                nn.Conv2d(64, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                                nn.Conv2d(64, 128, 3, 1, 1, bias=False))
    model.bn1 = nn.BatchNorm2d(128)
    first = model.layer1[0]
    first.conv1 = nn.Conv2d(128, first.conv1.out_channels, 1, bias=False)
    first.downsample[0] = nn.Conv2d(128, 256, 1, bias=False)
    return model


def group_norm(channels):
    return nn.GroupNorm(32, channels)


resnext_e = resnext101e()
counts = {
    "nasnet_4_1056": keras_nasnet(1056, 4, 96),
    "nasnet_5_1538": keras_nasnet(1536, 5, 96),
    "nasnet_7_1920": keras_nasnet(1920, 7, 96),
    "nasnet_6_4032": keras_nasnet(4032, 6, 96),
    "nasnet_mobile": keras_nasnet(1056, 4, 32),
    "resnext101e_64x4d": gluon_count(resnext_e),
    "googlenet_aux": gluon_count(torchvision.models.googlenet(weights=None, aux_logits=True, init_weights=False)),
    "resnet50_v1b_gn": gluon_count(torchvision.models.resnet50(norm_layer=group_norm)),
    "resnet101_v1b_gn": gluon_count(torchvision.models.resnet101(norm_layer=group_norm)),
}
print(json.dumps(counts))
