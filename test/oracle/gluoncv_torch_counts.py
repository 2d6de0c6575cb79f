"""Parameter counts, in real PyTorch, of torchvision networks whose layers GluonCV's models share.

Gluon counts each batch norm's running mean and variance among a model's parameters, so every count
here adds the running statistics to torch's parameters. Prints one JSON object:
  googlenet_features / inception_v3_features: the network without its fc (aux heads off);
  *_inflated: the same with each k_h x k_w convolution weight inflated to max(k_h, k_w) x k_h x k_w (I3D);
  r2plus1d_18 / r2plus1d_34: torchvision's video R(2+1)D with 400 classes (34: 3-4-6-3 blocks);
  r2plus1d_50 / 101 / 152: the same on bottlenecks (3-4-6-3, 3-4-23-3, 3-8-36-3 blocks);
  resnext*/se_resnext*: torchvision's ResNeXt with 1000 classes (SE adds two biased 1x1 convolutions 4c -> c/4 -> 4c per block);
  shufflenet_v2_x1_0: torchvision's ShuffleNet V2 1x with 1000 classes (GluonCV's shufflenet_v2 layers).
"""
import json

import torch
import torch.library

torch.library.register_fake = lambda *a, **k: (lambda f: f)  # torchvision's compiled ops need not match this torch build
import torchvision  # noqa: E402
from torchvision.models import video  # noqa: E402


def gluon_count(model):
    stats = sum(b.numel() for name, b in model.named_buffers() if "running" in name)
    return sum(p.numel() for p in model.parameters()) + stats


def without_fc(model):
    return gluon_count(model) - sum(p.numel() for p in model.fc.parameters())


def inflated(model):
    total = 0
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            total += m.weight.numel() * max(m.kernel_size)
        elif isinstance(m, torch.nn.BatchNorm2d):
            total += 4 * m.num_features
    return total


def se_gates(model):
    """Two biased 1x1 convolutions 4c -> c/4 -> 4c per bottleneck (c = its stage's 64 * 2**i)."""
    total = 0
    for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
        for block in layer:
            out = block.conv3.out_channels
            mid = out // 16
            total += out * mid + mid + mid * out + out
    return total


googlenet = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False)
inception = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False)
r21d_34 = video.VideoResNet(block=video.resnet.BasicBlock, conv_makers=[video.resnet.Conv2Plus1D] * 4, layers=[3, 4, 6, 3],
                            stem=video.resnet.R2Plus1dStem, num_classes=400)
resnexts = {
    "resnext50_32x4d": torchvision.models.resnext50_32x4d(),
    "resnext101_32x4d": torchvision.models.resnet.ResNet(torchvision.models.resnet.Bottleneck, [3, 4, 23, 3], groups=32, width_per_group=4),
    "resnext101_64x4d": torchvision.models.resnext101_64x4d(),
}
counts = {
    "googlenet_features": without_fc(googlenet),
    "googlenet_inflated": inflated(googlenet),
    "inception_v3_features": without_fc(inception),
    "inception_v3_inflated": inflated(inception),
    "r2plus1d_18": gluon_count(video.r2plus1d_18(num_classes=400)),
    "r2plus1d_34": gluon_count(r21d_34),
}
for depth, layers in (("50", [3, 4, 6, 3]), ("101", [3, 4, 23, 3]), ("152", [3, 8, 36, 3])):
    counts["r2plus1d_" + depth] = gluon_count(video.VideoResNet(block=video.resnet.Bottleneck, conv_makers=[video.resnet.Conv2Plus1D] * 4,
                                                                layers=layers, stem=video.resnet.R2Plus1dStem, num_classes=400))
for name, model in resnexts.items():
    counts[name] = gluon_count(model)
    counts["se_" + name] = gluon_count(model) + se_gates(model)
# ShuffleNet (V1 g=3, V2 1x)
counts["shufflenet_v2_x1_0"] = gluon_count(torchvision.models.shufflenet_v2_x1_0())
print(json.dumps(counts))
