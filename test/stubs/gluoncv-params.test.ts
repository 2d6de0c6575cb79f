/**
 * gluoncv.model_zoo stubs against their parameter formulas. GluonCV publishes no parameter
 * counts for its action-recognition models and MXNet does not install here, so the expected
 * numbers are summed below from the per-layer formulas (a convolution has
 * k_t * k_h * k_w * c_in * c_out + c_out parameters, a Dense in * out + out) over the
 * architectures of the C3D paper and GluonCV's documentation, independently of the engine.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatShape } from '../../server/src/engine/index';
import { REPO_ROOT } from '../helpers/paths';
import { analyzeWithStub, STUBS } from '../helpers/stubs';
import { parser } from '../helpers/engine';
import { fileModuleProvider } from '../../server/src/host/project';
import { GLUON_MODEL_ZOO } from './gluon-zoo-counts';
import { TORCH_COUNTS } from './gluoncv-torch-counts';
import { PRUNED_SHAPES, type PrunedShapes } from './gluoncv-pruned-shapes';
// HRNet and DLA-34.
import { DLA34_PUBLISHED, dla34, HRNET_DLA_CASES, HRNET_PUBLISHED, HRNET_SPECS, hrnet } from './gluoncv-hrnet-dla-counts';
// Residual Attention Networks (issue 9).
import { ATTENTION_CASES } from './gluoncv-attention-counts';
import { NAS_COUNTS } from './gluoncv-nas-counts';

const conv = (kernel: number, cin: number, cout: number) => kernel * cin * cout + cout;
const dense = (cin: number, cout: number) => cin * cout + cout;

/** C3D: eight 3x3x3 convolutions, fc6 8192 -> 4096, fc7 4096 -> 4096, fc8 4096 -> classes. */
const c3d = (classes: number) =>
  conv(27, 3, 64) + conv(27, 64, 128) + conv(27, 128, 256) + conv(27, 256, 256) + conv(27, 256, 512) + 3 * conv(27, 512, 512) +
  dense(8192, 4096) + dense(4096, 4096) + dense(4096, classes);

/** VGG16 convolutions (2-2-3-3-3 of 64-128-256-512-512), its two 4096 Dense layers, a Dense head. */
function vgg16Tsn(classes: number): number {
  let total = 0;
  let cin = 3;
  for (const [filters, convs] of [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]]) {
    for (let i = 0; i < convs; i++) {
      total += conv(9, cin, filters);
      cin = filters;
    }
  }
  return total + dense(512 * 7 * 7, 4096) + dense(4096, 4096) + dense(4096, classes);
}

/** Gluon counts a batch norm's gamma, beta, running mean and running variance. */
const bn = (c: number) => 4 * c;
const convNoBias = (kernel: number, cin: number, cout: number) => kernel * cin * cout;

/**
 * GluonCV ResNetV1b (unbiased convolutions, each with a batch norm): the 7x7 stem, or for
 * v1c/v1d the deep stem of three 3x3 convolutions (w, w, 2w with w = 32; 64 for v1e/v1s); basic
 * blocks (18, 34) or bottlenecks; 1x1 projections where the shape changes (v1d's average pool
 * adds none); `head` classes on a Dense of 512 * expansion inputs. The same sums come from
 * torchvision's ResNets (same layers) with their running statistics, in real torch.
 */
function resnetV1b(depth: number, stemWidth: number | null, head: number): number {
  const layers: Record<number, number[]> = { 18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3] };
  const expansion = depth < 50 ? 1 : 4;
  let total = 0;
  let inplanes = 64;
  if (stemWidth === null) total += convNoBias(49, 3, 64) + bn(64);
  else {
    const w = stemWidth;
    total += convNoBias(9, 3, w) + bn(w) + convNoBias(9, w, w) + bn(w) + convNoBias(9, w, 2 * w) + bn(2 * w);
    inplanes = 2 * w;
  }
  layers[depth].forEach((blocks, stage) => {
    const planes = 64 * 2 ** stage;
    for (let i = 0; i < blocks; i++) {
      if (expansion === 1) total += convNoBias(9, i ? planes : inplanes, planes) + bn(planes) + convNoBias(9, planes, planes) + bn(planes);
      else total += convNoBias(1, i ? planes * 4 : inplanes, planes) + bn(planes) + convNoBias(9, planes, planes) + bn(planes) + convNoBias(1, planes, planes * 4) + bn(planes * 4);
      if (i === 0 && (stage > 0 || inplanes !== planes * expansion)) total += convNoBias(1, inplanes, planes * expansion) + bn(planes * expansion);
    }
    inplanes = planes * expansion;
  });
  return total + dense(512 * expansion, head);
}

/**
 * GluonCV I3D ResNet-50/101: the ResNetV1b layers inflated to 3-D (the stem 5x7x7; a block's
 * first convolution 3x1x1 where GluonCV's inflate list says 1, else 1x1x1), the same batch norms,
 * and a `classes` head on 2048 inputs. `nonlocal` lists, per stage, the blocks followed by a
 * non-local block on C channels: biased 1x1x1 theta, phi, g (C -> C/2) and W (C/2 -> C)
 * convolutions and a batch norm.
 */
function i3dResnet(inflate: number[][], classes: number, nonlocal: number[][] = []): number {
  const nonLocalBlock = (c: number) => 3 * conv(1, c, c / 2) + conv(1, c / 2, c) + bn(c);
  let total = convNoBias(5 * 49, 3, 64) + bn(64);
  let inplanes = 64;
  inflate.forEach((stage, i) => {
    const planes = 64 * 2 ** i;
    stage.forEach((inflated, b) => {
      const cin = b === 0 ? inplanes : planes * 4;
      total += convNoBias(inflated ? 3 : 1, cin, planes) + bn(planes) + convNoBias(9, planes, planes) + bn(planes) + convNoBias(1, planes, planes * 4) + bn(planes * 4);
      if (b === 0) total += convNoBias(1, inplanes, planes * 4) + bn(planes * 4);
      if (nonlocal[i]?.[b]) total += nonLocalBlock(planes * 4);
    });
    inplanes = planes * 4;
  });
  return total + dense(2048, classes);
}
const INFLATE_50 = [[1, 1, 1], [1, 0, 1, 0], [1, 0, 1, 0, 1, 0], [0, 1, 0]];
const INFLATE_101 = [[1, 1, 1], [1, 0, 1, 0], Array.from({ length: 23 }, (_, i) => (i % 2 === 0 ? 1 : 0)), [0, 1, 0]];
/** GluonCV's nonlocal_freq of the nl5/nl10 models (the 1s mark blocks with a non-local block). */
const every = (n: number, pick: (i: number) => boolean) => Array.from({ length: n }, (_, i) => (pick(i) ? 1 : 0));
const NL5_50 = [[], every(4, (i) => i % 2 === 1), every(6, (i) => i % 2 === 1), []];
const NL10_50 = [[], every(4, () => true), every(6, () => true), []];
const NL5_101 = [[], every(4, (i) => i % 2 === 1), every(23, (i) => i === 6 || i === 13 || i === 20), []];
const NL10_101 = [[], every(4, () => true), every(23, (i) => i % 4 === 2), []];

/**
 * R(2+1)D ResNet-18/34 with 400 classes: GluonCV's layers are those of torchvision's video
 * R(2+1)D, so these are real torch's counts (`r2plus1d_18(num_classes=400)` and the same
 * VideoResNet with 3-4-6-3 blocks) plus the batch norms' running statistics that Gluon counts.
 */
const R2PLUS1D_18 = TORCH_COUNTS.r2plus1d_18;
const R2PLUS1D_34 = TORCH_COUNTS.r2plus1d_34;

/**
 * GluonCV SlowFast ResNet-50/101 (`blocks` 3-4-6-3 or 3-4-23-3; `fusionKernel` 5, or 7 for the
 * R50 8x8): the fast pathway at 1/8 width with 3x1x1 first convolutions, four lateral k x1x1
 * convolutions doubling 8, 32, 64 and 128 channels, the slow pathway whose stages also take the
 * laterals' channels (80, 320, 640, 1280 inputs; 3x1x1 first convolutions in its last two
 * stages), and a head on 2048 + 256 features. `temporal` limits the 3x1x1 convolutions of both
 * fourth stages to their first blocks (GluonCV's num_block_temp_kernel, the `_50_50` model).
 */
function slowfast(blocks: number[], fusionKernel: number, classes: number, temporal = Infinity): number {
  const block = (cin: number, planes: number, temporalConv: boolean, project: boolean) =>
    convNoBias(temporalConv ? 3 : 1, cin, planes) + bn(planes) + convNoBias(9, planes, planes) + bn(planes) + convNoBias(1, planes, planes * 4) + bn(planes * 4) +
    (project ? convNoBias(1, cin, planes * 4) + bn(planes * 4) : 0);
  const stage = (cin: number, planes: number, n: number, temporalConv: boolean, limit = Infinity) => {
    let total = block(cin, planes, temporalConv, true);
    for (let i = 1; i < n; i++) total += block(planes * 4, planes, temporalConv && i < limit, false);
    return total;
  };
  const fast = convNoBias(5 * 49, 3, 8) + bn(8) + stage(8, 8, blocks[0], true) + stage(32, 16, blocks[1], true) + stage(64, 32, blocks[2], true, temporal) + stage(128, 64, blocks[3], true);
  const laterals = [8, 32, 64, 128].reduce((t, c) => t + convNoBias(fusionKernel, c, 2 * c) + bn(2 * c), 0);
  const slow = convNoBias(49, 3, 64) + bn(64) + stage(80, 64, blocks[0], false) + stage(320, 128, blocks[1], false) + stage(640, 256, blocks[2], true, temporal) + stage(1280, 512, blocks[3], true);
  return fast + laterals + slow + dense(2048 + 256, classes);
}
const R50 = [3, 4, 6, 3];
const R101 = [3, 4, 23, 3];

/**
 * GluonCV MobileNetV3 from its table rows [kernel, expansion, out, squeeze-excitation, stride]:
 * the 3x3 stem to 16; per unit a 1x1 expansion (unless expansion == out), the depthwise k x k,
 * squeeze-excitation (two biased 1x1 convolutions through ceil(exp / 4 / 8) * 8 channels) and the
 * 1x1 projection, each unbiased convolution with a batch norm; the 1x1 to `squeeze` with a batch
 * norm, the unbiased 1x1 to 1280 and the biased 1x1 classifier.
 */
function mobilenetV3(rows: number[][], squeeze: number, classes: number): number {
  const divisible = (x: number) => Math.ceil(x / 8) * 8;
  let total = convNoBias(9, 3, 16) + bn(16);
  let cin = 16;
  for (const [k, exp, out, se] of rows) {
    if (exp !== out) total += convNoBias(1, cin, exp) + bn(exp);
    total += k * k * exp + bn(exp);
    if (se) total += conv(1, exp, divisible(Math.floor(exp / 4))) + conv(1, divisible(Math.floor(exp / 4)), exp);
    total += convNoBias(1, exp, out) + bn(out);
    cin = out;
  }
  return total + convNoBias(1, cin, squeeze) + bn(squeeze) + convNoBias(1, squeeze, 1280) + conv(1, 1280, classes);
}
const MOBILENET_V3_LARGE = [[3, 16, 16, 0], [3, 64, 24, 0], [3, 72, 24, 0], [5, 72, 40, 1], [5, 120, 40, 1], [5, 120, 40, 1], [3, 240, 80, 0], [3, 200, 80, 0],
  [3, 184, 80, 0], [3, 184, 80, 0], [3, 480, 112, 1], [3, 672, 112, 1], [5, 672, 160, 1], [5, 960, 160, 1], [5, 960, 160, 1]];
const MOBILENET_V3_SMALL = [[3, 16, 16, 1], [3, 72, 24, 0], [3, 88, 24, 0], [5, 96, 40, 1], [5, 240, 40, 1], [5, 240, 40, 1], [5, 120, 48, 1], [5, 144, 48, 1],
  [5, 288, 96, 1], [5, 576, 96, 1], [5, 576, 96, 1]];

/**
 * GluonCV ResNeXt: the layers of torchvision's ResNeXt (`ResNet(Bottleneck, layers, groups,
 * width_per_group=4)`), so real torch's count plus running statistics; SE adds per block two
 * biased 1x1 convolutions 4c -> c/4 -> 4c (c = 64, 128, 256, 512 by stage).
 */
const RESNEXT: Record<string, number> = {
  resnext50_32x4d: TORCH_COUNTS.resnext50_32x4d, resnext101_32x4d: TORCH_COUNTS.resnext101_32x4d,
  resnext101_64x4d: TORCH_COUNTS.resnext101_64x4d, se_resnext50_32x4d: TORCH_COUNTS.se_resnext50_32x4d,
  se_resnext101_32x4d: TORCH_COUNTS.se_resnext101_32x4d, se_resnext101_64x4d: TORCH_COUNTS.se_resnext101_64x4d,
};

/**
 * GluonCV's plain ResNet V1/V2 (`gluoncv/model_zoo/resnet.py`) are the Gluon model zoo's layers:
 * the counts MXNet publishes in its Gluon model zoo table (docs/api/python/gluon/model_zoo.md).
 */
const GLUON_RESNET: Record<string, number> = {
  resnet18_v1: 11_699_112, resnet34_v1: 21_814_696, resnet50_v1: 25_629_032, resnet101_v1: 44_695_144, resnet152_v1: 60_404_072,
  resnet18_v2: 11_695_796, resnet34_v2: 21_811_380, resnet50_v2: 25_595_060, resnet101_v2: 44_639_412, resnet152_v2: 60_329_140,
};

/**
 * SE-ResNet: the published ResNet plus, per block, the gate's two unbiased Dense layers
 * C -> C // 16 -> C (C the block's output channels: 64-512 for 18/34, 256-2048 for 50-152).
 */
function seResnet(name: string): number {
  const depth = Number(/resnet(\d+)/.exec(name)?.[1]);
  const blocks: Record<number, number[]> = { 18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3] };
  const widths = depth < 50 ? [64, 128, 256, 512] : [256, 512, 1024, 2048];
  const gates = blocks[depth].reduce((t, n, i) => t + n * 2 * widths[i] * Math.floor(widths[i] / 16), 0);
  return GLUON_RESNET[name.replace('se_', '')] + gates;
}

/**
 * GluonCV DarkNet-53 (YOLOv3 paper, table 1): cells of an unbiased k x k convolution and a batch
 * norm; the 3x3 stem to 32, per stage a 3x3 stride-2 cell to c and blocks of a 1x1 cell to c/2 and
 * a 3x3 cell back to c; a Dense head on 1024 features.
 */
function darknet53(classes: number): number {
  const cell = (k: number, cin: number, cout: number) => convNoBias(k * k, cin, cout) + bn(cout);
  let total = cell(3, 3, 32);
  let cin = 32;
  [[1, 64], [2, 128], [8, 256], [8, 512], [4, 1024]].forEach(([blocks, c]) => {
    total += cell(3, cin, c) + blocks * (cell(1, c, c / 2) + cell(3, c / 2, c));
    cin = c;
  });
  return total + dense(1024, classes);
}

/**
 * GluonCV ResNeSt (radix 2, cardinality 1, deep stem of width `stem`, avg_down shortcuts): per
 * block an unbiased 1x1 to the width p, the split-attention 3x3 (a convolution to 2p in 2 groups
 * with a batch norm; biased 1x1 convolutions p -> max(p / 2, 32), with a batch norm, -> 2p) and an
 * unbiased 1x1 to 4p; a Dense head on 2048 features.
 */
function resnest(blocks: number[], stem: number, classes: number): number {
  const cell = (k: number, cin: number, cout: number, groups = 1) => (k * k * cin * cout) / groups + bn(cout);
  let total = cell(3, 3, stem) + cell(3, stem, stem) + cell(3, stem, 2 * stem);
  let inplanes = 2 * stem;
  blocks.forEach((n, i) => {
    const p = 64 * 2 ** i;
    const inter = Math.max(p / 2, 32);
    for (let b = 0; b < n; b++) {
      const cin = b ? 4 * p : inplanes;
      total += cell(1, cin, p) + cell(3, p, 2 * p, 2) + conv(1, p, inter) + bn(inter) + conv(1, inter, 2 * p) + cell(1, p, 4 * p);
      if (b === 0) total += cell(1, inplanes, 4 * p);
    }
    inplanes = 4 * p;
  });
  return total + dense(2048, classes);
}
const RESNEST: Record<string, [number[], number]> = {
  resnest14: [[1, 1, 1, 1], 32], resnest26: [[2, 2, 2, 2], 32], resnest50: [[3, 4, 6, 3], 32],
  resnest101: [[3, 4, 23, 3], 64], resnest200: [[3, 24, 36, 3], 64], resnest269: [[3, 30, 48, 8], 64],
};
/**
 * The sizes timm publishes for the same networks (`resnest14d` ... `resnest200e` on its model
 * hub, which count the batch norms' running statistics as Gluon does), in millions.
 */
const RESNEST_PUBLISHED_M: Record<string, number> = { resnest14: 10.6, resnest26: 17.1, resnest50: 27.5, resnest101: 48.4, resnest200: 70.4 };

/**
 * GluonCV's aligned Xception-65/71: a separable unit is a depthwise 3x3 on c_in with a batch norm,
 * an unbiased pointwise c_in -> c_out and a batch norm; a block of `reps` units (growing first, or
 * last for the exit block), one more unit when it strides or ends its flow, and a 1x1 projection
 * with a batch norm when its width or stride changes. `entry` lists the blocks after the first
 * (64 -> 128, stride 2): [c_in, c_out, stride].
 */
function xception(entry: number[][], classes: number): number {
  const unit = (cin: number, cout: number) => 9 * cin + bn(cin) + cin * cout + bn(cout);
  const block = (cin: number, cout: number, reps: number, stride: number, growFirst: boolean, isLast: boolean) => {
    let total = cout !== cin || stride !== 1 ? convNoBias(1, cin, cout) + bn(cout) : 0;
    total += growFirst ? unit(cin, cout) + (reps - 1) * unit(cout, cout) : (reps - 1) * unit(cin, cin) + unit(cin, cout);
    return total + (stride !== 1 || isLast ? unit(cout, cout) : 0);
  };
  let total = convNoBias(9, 3, 32) + bn(32) + convNoBias(9, 32, 64) + bn(64) + block(64, 128, 2, 2, true, false);
  entry.forEach(([cin, cout, stride], i) => { total += block(cin, cout, 2, stride, true, i === entry.length - 1); });
  total += 16 * block(728, 728, 3, 1, true, false) + block(728, 1024, 2, 2, false, true);
  return total + unit(1024, 1536) + unit(1536, 1536) + unit(1536, 2048) + dense(2048, classes);
}

/**
 * GluonCV P3D: ResNet-50/101's bottlenecks (unbiased convolutions, batch norms, 1x1 projections
 * on each stage's first block) whose 3x3 is 1x3x3 in the first three stages, where each block
 * also has a 3x1x1 temporal convolution on its width p with a batch norm; a Dense head on 2048.
 */
function p3d(blocks: number[], classes: number): number {
  let total = convNoBias(49, 3, 64) + bn(64);
  let inplanes = 64;
  blocks.forEach((n, i) => {
    const p = 64 * 2 ** i;
    const temporal = i < 3 ? convNoBias(3, p, p) + bn(p) : 0;
    for (let b = 0; b < n; b++) {
      const cin = b ? 4 * p : inplanes;
      total += convNoBias(1, cin, p) + bn(p) + convNoBias(9, p, p) + bn(p) + temporal + convNoBias(1, p, 4 * p) + bn(4 * p);
    }
    total += convNoBias(1, inplanes, 4 * p) + bn(4 * p);
    inplanes = 4 * p;
  });
  return total + dense(2048, classes);
}

/**
 * GluonCV's googlenet (Inception v1 with batch norm) has torchvision's GoogLeNet layers, and its
 * inception_v3 the Gluon model zoo's (torchvision's, without the auxiliary head): real torch's
 * counts without the fc, plus running statistics, and their I3D inflations (gluoncv-torch-counts.ts).
 * Inception v3's also equals MXNet's published `inceptionv3` count, 23,869,000, less its Dense.
 */
const GOOGLENET_FEATURES = TORCH_COUNTS.googlenet_features;
const GOOGLENET_INFLATED = TORCH_COUNTS.googlenet_inflated;
const INCEPTION_V3_FEATURES = 23_869_000 - dense(2048, 1000);
const INCEPTION_V3_INFLATED = TORCH_COUNTS.inception_v3_inflated;

/**
 * GluonCV's CIFAR ResNets (depth 6n + 2): V1 has a 3x3 stem to 16 with a batch norm and blocks of
 * two unbiased 3x3 convolutions, each with a batch norm, and a 1x1 projection with a batch norm
 * where the width changes (16 -> 32 -> 64); V2 a batch norm on the 3 input channels, a stem without
 * one, blocks with a batch norm before each convolution, unnormalised projections and a final
 * batch norm. A Dense head on 64 features. (ResNet-20 V1 without running statistics has the
 * 272,474 trainable parameters commonly cited for it.)
 */
function cifarResnet(version: 1 | 2, depth: number, classes: number): number {
  const n = (depth - 2) / 6;
  let total = version === 1 ? convNoBias(9, 3, 16) + bn(16) : bn(3) + convNoBias(9, 3, 16);
  let cin = 16;
  for (const c of [16, 32, 64]) {
    for (let i = 0; i < n; i++) {
      const from = i ? c : cin;
      const project = from !== c ? convNoBias(1, from, c) + (version === 1 ? bn(c) : 0) : 0;
      total += convNoBias(9, from, c) + convNoBias(9, c, c) + (version === 1 ? 2 * bn(c) : bn(from) + bn(c)) + project;
    }
    cin = c;
  }
  return total + (version === 2 ? bn(64) : 0) + dense(64, classes);
}
const CIFAR_RESNET: [string, number][] = ([1, 2] as const).flatMap((v) => [20, 56, 110].map((d): [string, number] => [`cifar_resnet${d}_v${v}`, cifarResnet(v, d, 10)]));

/**
 * GluonCV's CIFAR Wide ResNets (depth 6n + 4, width k): a batch norm on the 3 input channels, the
 * stem to 16 with a batch norm, pre-activation blocks (a batch norm before each unbiased 3x3
 * convolution, an unnormalised 1x1 projection where the width changes: 16 -> 16k -> 32k -> 64k),
 * a final batch norm and a Dense head on 64k features.
 */
function cifarWideResnet(depth: number, k: number, classes: number): number {
  const n = (depth - 4) / 6;
  let total = bn(3) + convNoBias(9, 3, 16) + bn(16);
  let cin = 16;
  for (const c of [16 * k, 32 * k, 64 * k]) {
    for (let i = 0; i < n; i++) {
      const from = i ? c : cin;
      total += bn(from) + convNoBias(9, from, c) + bn(c) + convNoBias(9, c, c) + (from !== c ? convNoBias(1, from, c) : 0);
    }
    cin = c;
  }
  return total + bn(cin) + dense(cin, classes);
}

/**
 * GluonCV's CIFAR ResNeXt-29 (cardinality g, bottleneck width w): the stem to 64 with a batch norm;
 * per stage (c = 64, 128, 256) three bottlenecks of a 1x1 to g * floor(c * w / 64) = gw channels,
 * a grouped 3x3 (9 * gw / g * gw weights) and a 1x1 to 4c, each unbiased with a batch norm, the
 * first with a 1x1 projection and a batch norm; a Dense head on 1024 features.
 */
function cifarResnext29(g: number, w: number, classes: number): number {
  let total = convNoBias(9, 3, 64) + bn(64);
  let cin = 64;
  for (const c of [64, 128, 256]) {
    const gw = g * Math.floor((c * w) / 64);
    for (let i = 0; i < 3; i++) {
      const from = i ? 4 * c : cin;
      total += convNoBias(1, from, gw) + bn(gw) + (9 * gw * gw) / g + bn(gw) + convNoBias(1, gw, 4 * c) + bn(4 * c);
      if (i === 0) total += convNoBias(1, from, 4 * c) + bn(4 * c);
    }
    cin = 4 * c;
  }
  return total + dense(1024, classes);
}
const CIFAR_WIDE: [string, number][] = [
  ['cifar_wideresnet16_10', cifarWideResnet(16, 10, 10)], ['cifar_wideresnet28_10', cifarWideResnet(28, 10, 10)],
  ['cifar_wideresnet40_8', cifarWideResnet(40, 8, 10)], ['cifar_resnext29_32x4d', cifarResnext29(32, 4, 10)],
  ['cifar_resnext29_16x64d', cifarResnext29(16, 64, 10)],
];
/** The sizes the Wide ResNet and ResNeXt papers publish (millions, without batch norms). */
const CIFAR_PUBLISHED_M: Record<string, number> = { cifar_wideresnet16_10: 17.1, cifar_wideresnet28_10: 36.5, cifar_wideresnet40_8: 35.7, cifar_resnext29_16x64d: 68.1 };

// ShuffleNet (V1 g=3, V2 1x)
/**
 * GluonCV's ShuffleNet V1 (g = 3): a biased 3x3 stem to 24 without a batch norm; per unit a 1x1
 * to m = b / 4 (in 3 groups, except the very first unit), a depthwise 3x3 and a 1x1 in 3 groups
 * to the branch width b, each biased with a batch norm, where b is the unit's width (240, 480,
 * 960) or, in a stage's first unit, that width less its input's (the average-pooled input is
 * concatenated); 4, 8, 4 units; a Dense head on 960 features.
 */
function shufflenetV1(classes: number): number {
  const biased = (k: number, cin: number, cout: number, groups: number) => (k * cin * cout) / groups + cout + bn(cout);
  const unit = (cin: number, b: number, groupedFirst: boolean) => {
    const m = Math.floor(b / 4);
    return biased(1, cin, m, groupedFirst ? 3 : 1) + biased(9, m, m, m) + biased(1, m, b, 3);
  };
  const widths = [24, 240, 480, 960];
  let total = conv(9, 3, 24);
  [3, 7, 3].forEach((repeats, s) => {
    total += unit(widths[s], widths[s + 1] - widths[s], s > 0) + repeats * unit(widths[s + 1], widths[s + 1], true);
  });
  return total + dense(960, classes);
}
/**
 * GluonCV's ShuffleNet V2 (1x): unbiased convolutions, each with a batch norm; the 3x3 stem to 24;
 * per stage (h = 58, 116, 232, half the width) a strided unit (a depthwise 3x3 on its input c and a
 * 1x1 c -> h; a 1x1 c -> h, a depthwise 3x3 and a 1x1 h -> h) and 3, 7, 3 units of a 1x1 h -> h, a
 * depthwise 3x3 and a 1x1 h -> h on half the channels; a 1x1 to 1024 and a Dense head.
 */
function shufflenetV2(classes: number): number {
  const cell = (k: number, cin: number, cout: number, groups = 1) => (k * k * cin * cout) / groups + bn(cout);
  const branch = (cin: number, h: number) => cell(1, cin, h) + cell(3, h, h, h) + cell(1, h, h);
  let total = cell(3, 3, 24);
  let cin = 24;
  [[116, 3], [232, 7], [464, 3]].forEach(([width, repeats]) => {
    const h = width / 2;
    total += cell(3, cin, cin, cin) + cell(1, cin, h) + branch(cin, h) + repeats * branch(h, h);
    cin = width;
  });
  return total + cell(1, cin, 1024) + dense(1024, classes);
}

/** [get_model name, expected parameters, input, output shape]. */
const CASES: [string, number, string, string][] = [
  ['c3d_kinetics400', c3d(400), '(2, 3, 16, 112, 112)', '(2, 400)'],
  ['vgg16_ucf101', vgg16Tsn(101), '(2, 3, 224, 224)', '(2, 101)'],
  ['vgg16_hmdb51', vgg16Tsn(51), '(2, 3, 224, 224)', '(2, 51)'],
  ['vgg16_kinetics400', vgg16Tsn(400), '(2, 3, 224, 224)', '(2, 400)'],
  ['vgg16_sthsthv2', vgg16Tsn(174), '(2, 3, 224, 224)', '(2, 174)'],
  ['resnet18_v1b', resnetV1b(18, null, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['resnet34_v1b', resnetV1b(34, null, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['resnet50_v1b', resnetV1b(50, null, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['resnet101_v1b', resnetV1b(101, null, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['resnet152_v1b', resnetV1b(152, null, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['resnet50_v1c', resnetV1b(50, 32, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['resnet101_v1d', resnetV1b(101, 32, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['resnet152_v1d', resnetV1b(152, 32, 1000), '(2, 3, 160, 160)', '(2, 1000)'],
  ['resnet50_v1e', resnetV1b(50, 64, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['resnet50_v1d', resnetV1b(50, 32, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnet101_v1c', resnetV1b(101, 32, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnet152_v1c', resnetV1b(152, 32, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnet50_v1s', resnetV1b(50, 64, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnet101_v1e', resnetV1b(101, 64, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnet152_v1e', resnetV1b(152, 64, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnet152_v1s', resnetV1b(152, 64, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnet101_v1s', resnetV1b(101, 64, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['resnet50_v1b_kinetics400', resnetV1b(50, null, 400), '(2, 3, 224, 224)', '(2, 400)'],
  ['resnet18_v1b_kinetics400', resnetV1b(18, null, 400), '(2, 3, 224, 224)', '(2, 400)'],
  ['resnet50_v1b_sthsthv2', resnetV1b(50, null, 174), '(2, 3, 224, 224)', '(2, 174)'],
  ['resnet50_v1b_hmdb51', resnetV1b(50, null, 51), '(2, 3, 224, 224)', '(2, 51)'],
  ...Object.entries(RESNEXT).map(([name, n]): [string, number, string, string] => [name, n, '(2, 3, 224, 224)', '(2, 1000)']),
  ['mobilenetv3_large', mobilenetV3(MOBILENET_V3_LARGE, 960, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['mobilenetv3_small', mobilenetV3(MOBILENET_V3_SMALL, 576, 1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['i3d_resnet50_v1_kinetics400', i3dResnet(INFLATE_50, 400), '(2, 3, 32, 224, 224)', '(2, 400)'],
  ['i3d_resnet50_v1_ucf101', i3dResnet(INFLATE_50, 101), '(2, 3, 8, 112, 112)', '(2, 101)'],
  ['i3d_resnet101_v1_kinetics400', i3dResnet(INFLATE_101, 400), '(1, 3, 32, 224, 224)', '(1, 400)'],
  ['i3d_nl5_resnet50_v1_kinetics400', i3dResnet(INFLATE_50, 400, NL5_50), '(1, 3, 32, 224, 224)', '(1, 400)'],
  ['i3d_nl10_resnet50_v1_kinetics400', i3dResnet(INFLATE_50, 400, NL10_50), '(1, 3, 32, 224, 224)', '(1, 400)'],
  ['i3d_nl5_resnet101_v1_kinetics400', i3dResnet(INFLATE_101, 400, NL5_101), '(1, 3, 32, 224, 224)', '(1, 400)'],
  ['i3d_nl10_resnet101_v1_kinetics400', i3dResnet(INFLATE_101, 400, NL10_101), '(1, 3, 32, 224, 224)', '(1, 400)'],
  ['slowfast_4x16_resnet50_kinetics400', slowfast(R50, 5, 400), '(2, 3, 36, 224, 224)', '(2, 400)'],
  ['slowfast_8x8_resnet50_kinetics400', slowfast(R50, 7, 400), '(2, 3, 40, 224, 224)', '(2, 400)'],
  ['slowfast_8x8_resnet101_kinetics400', slowfast(R101, 5, 400), '(1, 3, 40, 224, 224)', '(1, 400)'],
  ['slowfast_16x8_resnet101_kinetics400', slowfast(R101, 5, 400), '(1, 3, 80, 224, 224)', '(1, 400)'],
  ['slowfast_16x8_resnet101_50_50_kinetics400', slowfast(R101, 5, 400, 6), '(1, 3, 80, 224, 224)', '(1, 400)'],
  ['p3d_resnet50_kinetics400', p3d(R50, 400), '(2, 3, 16, 224, 224)', '(2, 400)'],
  ['p3d_resnet101_kinetics400', p3d(R101, 400), '(1, 3, 16, 224, 224)', '(1, 400)'],
  ['inceptionv1_kinetics400', GOOGLENET_FEATURES + dense(1024, 400), '(2, 3, 224, 224)', '(2, 400)'],
  ['inceptionv1_ucf101', GOOGLENET_FEATURES + dense(1024, 101), '(2, 3, 224, 224)', '(2, 101)'],
  ['inceptionv1_hmdb51', GOOGLENET_FEATURES + dense(1024, 51), '(2, 3, 224, 224)', '(2, 51)'],
  ['inceptionv1_sthsthv2', GOOGLENET_FEATURES + dense(1024, 174), '(2, 3, 224, 224)', '(2, 174)'],
  ['i3d_inceptionv1_kinetics400', GOOGLENET_INFLATED + dense(1024, 400), '(2, 3, 32, 224, 224)', '(2, 400)'],
  ['inceptionv3_kinetics400', INCEPTION_V3_FEATURES + dense(2048, 400), '(2, 3, 299, 299)', '(2, 400)'],
  ['inceptionv3_ucf101', INCEPTION_V3_FEATURES + dense(2048, 101), '(2, 3, 299, 299)', '(2, 101)'],
  ['inceptionv3_hmdb51', INCEPTION_V3_FEATURES + dense(2048, 51), '(2, 3, 299, 299)', '(2, 51)'],
  ['inceptionv3_sthsthv2', INCEPTION_V3_FEATURES + dense(2048, 174), '(2, 3, 299, 299)', '(2, 174)'],
  ['i3d_inceptionv3_kinetics400', INCEPTION_V3_INFLATED + dense(2048, 400), '(1, 3, 32, 299, 299)', '(1, 400)'],
  ['r2plus1d_resnet18_kinetics400', R2PLUS1D_18, '(2, 3, 16, 112, 112)', '(2, 400)'],
  ['r2plus1d_resnet34_kinetics400', R2PLUS1D_34, '(2, 3, 16, 112, 112)', '(2, 400)'],
  ['darknet53', darknet53(1000), '(2, 3, 256, 256)', '(2, 1000)'],
  ['xception', xception([[128, 256, 2], [256, 728, 2]], 1000), '(1, 3, 299, 299)', '(1, 1000)'],
  ['xception71', xception([[128, 256, 1], [256, 256, 2], [256, 728, 2], [728, 728, 2]], 1000), '(1, 3, 299, 299)', '(1, 1000)'],
  ...Object.entries(RESNEST).map(([name, [blocks, stem]]): [string, number, string, string] => [name, resnest(blocks, stem, 1000), '(1, 3, 224, 224)', '(1, 1000)']),
  ...Object.entries(GLUON_RESNET).map(([name, n]): [string, number, string, string] => [name, n, '(2, 3, 224, 224)', '(2, 1000)']),
  ...Object.keys(GLUON_RESNET).map((name): [string, number, string, string] => [`se_${name}`, seResnet(`se_${name}`), '(2, 3, 224, 224)', '(2, 1000)']),
  ...[...CIFAR_RESNET, ...CIFAR_WIDE].map(([name, n]): [string, number, string, string] => [name, n, '(2, 3, 32, 32)', '(2, 10)']),
  // GluonCV's copies of the Gluon model zoo (built by its stubs): MXNet's published counts.
  ...GLUON_MODEL_ZOO.filter(([name]) => !name.startsWith('resnet')).map(([name, n, size = 224]): [string, number, string, string] => [name, n, `(2, 3, ${size}, ${size})`, '(2, 1000)']),  // HRNet classifiers and DLA-34 (gluoncv-hrnet-dla-counts.ts).
  ...HRNET_DLA_CASES,
  ...GLUON_MODEL_ZOO.filter(([name]) => !name.startsWith('resnet')).map(([name, n, size = 224]): [string, number, string, string] => [name, n, `(2, 3, ${size}, ${size})`, '(2, 1000)']),
  // ShuffleNet (V1 g=3, V2 1x)
  ['shufflenet_v1', shufflenetV1(1000), '(2, 3, 224, 224)', '(2, 1000)'],
  ['shufflenet_v2', shufflenetV2(1000), '(2, 3, 224, 224)', '(2, 1000)'],
];

/** The stubs folder as the project resolver sees it: GluonCV's get_model imports the Gluon model zoo's stubs. */
async function stubModules() {
  return fileModuleProvider({ roots: [], moduleName: '', isPackage: false }, await parser(), STUBS);
}

describe('gluoncv.model_zoo stubs: one program', () => {
  // These tests analyse the package's modules as one program (test/helpers/stubs.ts), where a
  // top-level name defined in two modules would silently replace the other's.
  it('no two modules define the same top-level name', () => {
    const dir = path.join(STUBS, 'gluoncv', 'model_zoo');
    const seen = new Map<string, string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.py') && f !== '__init__.py')) {
      for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(/^(?:def|class) (\w+)|^(\w+) =/gm)) {
        const name = m[1] ?? m[2];
        if (name === '__all__') continue;
        assert.equal(seen.get(name) ?? file, file, `${name} is defined in ${seen.get(name)} and ${file}`);
        seen.set(name, file);
      }
    }
  });
});

describe('gluoncv.model_zoo stubs: the ResNetV1b formula', () => {
  // The sums real torch gives for the same layers (torchvision's ResNets, with the deep stem
  // swapped in, counting running statistics), so the formula itself is checked.
  it('equals the counts computed in real PyTorch', () => {
    assert.deepEqual(
      [resnetV1b(18, null, 1000), resnetV1b(50, null, 1000), resnetV1b(101, 32, 1000), resnetV1b(152, 64, 1000), resnetV1b(50, null, 400)],
      [11_699_112, 25_610_152, 44_673_864, 60_468_392, 24_380_752],
    );
  });
});

describe('gluoncv.model_zoo stubs: Inception v3', () => {
  it("MXNet's published count and real torch's layers agree", () => assert.equal(INCEPTION_V3_FEATURES, TORCH_COUNTS.inception_v3_features));
});

describe('gluoncv.model_zoo stubs: the CIFAR Wide ResNet and ResNeXt formulas', () => {
  it('round to the sizes their papers publish', () => {
    for (const [name, millions] of Object.entries(CIFAR_PUBLISHED_M)) {
      const channels = name.includes('resnext') ? batchNormChannelsResnext29(name) : batchNormChannelsWide(name);
      const count = CIFAR_WIDE.find(([n]) => n === name)![1] - bn(channels);
      assert.equal(Math.round(count / 1e5) / 10, millions, name);
    }
  });
});

/** The batch-norm channels of the CIFAR nets: the papers' sizes count convolutions and the classifier only. */
function batchNormChannelsWide(name: string): number {
  const [, depth, k] = /(\d+)_(\d+)/.exec(name)!.map(Number);
  const n = (depth - 4) / 6;
  const widths = [16 * k, 32 * k, 64 * k];
  return 3 + 16 + widths.reduce((t, c, s) => t + (s ? widths[s - 1] : 16) + c + (2 * n - 1) * c, 0) + widths[2];
}
function batchNormChannelsResnext29(name: string): number {
  const [, g, w] = /(\d+)x(\d+)d/.exec(name)!.map(Number);
  return 64 + [64, 128, 256].reduce((t, c) => t + 3 * (2 * g * Math.floor((c * w) / 64) + 4 * c) + 4 * c, 0);
}

describe('gluoncv.model_zoo stubs: the ResNeSt formula', () => {
  it('rounds to the sizes timm publishes', () => {
    for (const [name, millions] of Object.entries(RESNEST_PUBLISHED_M)) {
      const [blocks, stem] = RESNEST[name];
      assert.equal(Math.round(resnest(blocks, stem, 1000) / 1e5) / 10, millions, name);
    }
  });
});

describe('gluoncv.model_zoo stubs: one error per call', () => {
  // Python stops at the first error raised inside the library call; later layers never run.
  for (const [name, input, message] of [
    ['slowfast_16x8_resnet101_kinetics400', '(1, 3, 40, 224, 224)', 'Check failed: e <= len (64 vs. 40) : slicing with end[2]=64 exceeds limit of input dimension[2]=40'],
    ['i3d_inceptionv3_kinetics400', '(1, 3, 16, 64, 64)', 'Check failed: dilated_ksize_y <= AddPad(dshape[3], param_.pad[1]) (3 vs. 2) : kernel size exceed input'],
  ]) {
    it(`${name} on ${input}`, async () => {
      const { result } = await analyzeWithStub('gluoncv.model_zoo', `import mxnet as mx\nnet = get_model('${name}')\nout = net(mx.nd.zeros(${input}))\n`);
      assert.deepEqual(result.diagnostics.map((d) => d.message), [message]);
    });
  }
});

describe('gluoncv.model_zoo stubs: the table in docs/library-models.md', () => {
  it('lists only counts this test checks', () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'library-models.md'), 'utf8');
    const section = doc.slice(doc.indexOf('\n## GluonCV'), doc.indexOf('\n## Speed'));
    const expected = new Map(CASES.map(([name, params]) => [name, params]));
    const rows = [...section.matchAll(/^\| (`[^|]+`) \| ([\d,]+) \|/gm)];
    assert.ok(rows.length > 80, `${rows.length} rows`);
    for (const [, names, count] of rows) {
      for (const [, name] of names.matchAll(/`([^`]+)`/g)) assert.equal(expected.get(name), Number(count.replace(/,/g, '')), name);
    }
  });
});

/**
 * Builds `name` through get_model, runs it on zeros of `input` into `target` (a tuple target for
 * models returning several outputs): no diagnostic, `params` parameters, `output` out.
 */
function itCountsByFormula([name, params, input, output]: [string, number, string, string], target = 'out') {
  it(`${name}: ${params.toLocaleString('en')} parameters`, async () => {
    const snippet = `import mxnet as mx\nnet = get_model('${name}')\n${target} = net(mx.nd.zeros(${input}))\n`;
    const { program, result } = await analyzeWithStub('gluoncv.model_zoo', snippet, { modules: await stubModules() });
    assert.equal(result.internalError, undefined, result.internalError);
    assert.deepEqual(result.diagnostics.map((d) => d.message), []);
    assert.equal(result.models.find((m) => m.name === 'net')?.totalParams, params);
    const out = result.tensors.find((t) => t.name === 'out' && t.range.start >= program.snippetStart);
    assert.equal(out && formatShape(out.shape), output);
  });
}

describe('gluoncv.model_zoo stubs: parameters by formula', () => {
  for (const c of CASES) itCountsByFormula(c);
});

// ---------------------------------------------------------------------------------------------
// Pruned ResNets and the remaining action-recognition names (gcvprune).

/**
 * A pruned ResNet's parameters from its JSON weight shapes (gluoncv-pruned-shapes.ts): each
 * unbiased k x k convolution out * in * k * k with a batch norm on its output, and the Dense
 * head. Also asserts that every convolution takes the channels the previous one gives (the
 * residual sums need each block to end at the stage's width), which catches a mistyped shape.
 */
function prunedResnet(shapes: PrunedShapes): number {
  const bottleneck = shapes.stem.length === 3;
  const kernels = bottleneck ? [1, 3, 1] : [3, 3];
  const cell = ([out, cin]: [number, number], k: number) => convNoBias(k * k, cin, out) + bn(out);
  let total = shapes.stem.reduce((t, s) => t + cell(s, bottleneck ? 3 : 7), 0);
  let width = shapes.stem[shapes.stem.length - 1][0];
  shapes.stages.forEach(([down, ...convs], stage) => {
    const out = convs[kernels.length - 1][0];
    if (down) {
      assert.deepEqual(down, [out, width], `stage ${stage + 1} projection`);
      total += cell(down, 1);
    } else assert.equal(out, width, `stage ${stage + 1} keeps its width without a projection`);
    convs.forEach((shape, i) => {
      const position = i % kernels.length;
      const input = position > 0 ? convs[i - 1][0] : i === 0 ? width : out;
      assert.equal(shape[1], input, `stage ${stage + 1} convolution ${i} input`);
      if (position === kernels.length - 1) assert.equal(shape[0], out, `stage ${stage + 1} block ${Math.floor(i / kernels.length)} output`);
      total += cell(shape, kernels[position]);
    });
    width = out;
  });
  assert.equal(shapes.dense[1], width, 'Dense in_units');
  return total + dense(shapes.dense[1], shapes.dense[0]);
}

describe('gluoncv.model_zoo stubs: pruned ResNets', () => {
  // GluonCV names each pruned model by the share of its unpruned network's parameters it keeps
  // (truncated to two decimals): an independent check of the transcribed JSON shapes.
  const unpruned: Record<string, number> = { resnet18_v1b: resnetV1b(18, null, 1000), resnet50_v1d: resnetV1b(50, 32, 1000), resnet101_v1d: resnetV1b(101, 32, 1000) };
  for (const [name, shapes] of Object.entries(PRUNED_SHAPES)) {
    it(`${name} keeps ${name.split('_').pop()} of ${name.replace(/_0\.\d+$/, '')}'s parameters`, () => {
      const share = prunedResnet(shapes) / unpruned[name.replace(/_0\.\d+$/, '')];
      assert.equal(Math.floor(share * 100) / 100, Number(name.split('_').pop()));
    });
  }
});

/**
 * GluonCV's slow-only I3D (i3d_slow.py): the I3D ResNet-101 formula with 3x1x1 first convolutions
 * in every block of the last two stages only, and a 1x7x7 stem instead of 5x7x7.
 */
const i3dSlow101 = (classes: number) =>
  i3dResnet([[0, 0, 0], [0, 0, 0, 0], every(23, () => true), [1, 1, 1]], classes) - convNoBias(5 * 49, 3, 64) + convNoBias(49, 3, 64);

const GCVPRUNE_CASES: [string, number, string, string][] = [
  ...Object.entries(PRUNED_SHAPES).map(([name, shapes]): [string, number, string, string] => [name, prunedResnet(shapes), '(2, 3, 224, 224)', '(2, 1000)']),
  ['i3d_resnet50_v1_custom', i3dResnet(INFLATE_50, 400), '(2, 3, 32, 224, 224)', '(2, 400)'],
  ['slowfast_4x16_resnet50_custom', slowfast(R50, 5, 400), '(2, 3, 36, 224, 224)', '(2, 400)'],
  ['slowfast_4x16_resnet101_kinetics400', slowfast(R101, 5, 400), '(1, 3, 36, 224, 224)', '(1, 400)'],
  ['resnet50_v1b_custom', resnetV1b(50, null, 400), '(2, 3, 224, 224)', '(2, 400)'],
  ['resnet18_v1b_custom', resnetV1b(18, null, 400), '(2, 3, 224, 224)', '(2, 400)'],
  ['resnet50_v1b_ucf101', resnetV1b(50, null, 101), '(2, 3, 224, 224)', '(2, 101)'],
  ['r2plus1d_resnet50_kinetics400', TORCH_COUNTS.r2plus1d_50, '(2, 3, 16, 112, 112)', '(2, 400)'],
  ['r2plus1d_resnet101_kinetics400', TORCH_COUNTS.r2plus1d_101, '(1, 3, 16, 112, 112)', '(1, 400)'],
  ['r2plus1d_resnet152_kinetics400', TORCH_COUNTS.r2plus1d_152, '(1, 3, 16, 112, 112)', '(1, 400)'],
  ['i3d_slow_resnet101_f16s4_kinetics700', i3dSlow101(700), '(1, 3, 16, 224, 224)', '(1, 700)'],
];
CASES.push(...GCVPRUNE_CASES);

describe('gluoncv.model_zoo stubs: parameters by formula (gcvprune)', () => {
  for (const c of GCVPRUNE_CASES) itCountsByFormula(c);
});

// HRNet classifiers and DLA-34.
describe('gluoncv.model_zoo stubs: the HRNet and DLA-34 formulas', () => {
  it('equal, without running statistics, the published HRNet counts', () => {
    for (const [name, count] of Object.entries(HRNET_PUBLISHED)) assert.equal(hrnet(HRNET_SPECS[name], 1000, 2), count, name);
  });
  it("equal the published DLA-34 count with the original classifier in place of GluonCV's", () => {
    // GluonCV's Dense reads all six levels' pooled features (1008); the original a 1x1 convolution on 512.
    assert.equal(dla34(1000, 2) - (1008 * 1000 + 1000) + (512 * 1000 + 1000), DLA34_PUBLISHED);
  });
});
// Residual Attention Networks (issue 9): checked in gluoncv-attention.test.ts; listed here for the docs table test, which reads CASES when it runs.
CASES.push(...ATTENTION_CASES);
// ShuffleNet (V1 g=3, V2 1x)
describe('gluoncv.model_zoo stubs: the ShuffleNet formulas', () => {
  it("V2 equals real torch's torchvision shufflenet_v2_x1_0 (the same layers) with running statistics", () => {
    assert.equal(shufflenetV2(1000), TORCH_COUNTS.shufflenet_v2_x1_0);
  });
  it("V2 less its running statistics is torchvision's published 2,278,604", () => {
    const batchNormChannels = 24 + [[24, 116, 3], [116, 232, 7], [232, 464, 3]].reduce((t, [cin, w, r]) => t + cin + w / 2 + 3 * (w / 2) * (r + 1), 0) + 1024;
    assert.equal(shufflenetV2(1000) - 2 * batchNormChannels, 2_278_604);
  });
});
// ---- NASNet, SENet-154, ResNeXt 101e, GoogLeNet and GroupNorm ResNets (gcvnas) ----

/**
 * GluonCV NASNet-A: real Keras's NASNet of the same configuration (gluoncv-nas-counts.ts; GluonCV's
 * cells, stem and head are Keras's, batch norms counting 4 per channel in both) plus, with
 * `use_aux` (the default), the auxiliary head on the second stack's 12F channels (F = P // 24):
 * an unbiased 1x1 to F // 3 and a 5x5 to 2F, each with a batch norm, and a Dense to the classes.
 */
const nasnetAux = (filters: number, classes: number) =>
  convNoBias(1, 12 * filters, Math.floor(filters / 3)) + bn(Math.floor(filters / 3)) + convNoBias(25, Math.floor(filters / 3), 2 * filters) + bn(2 * filters) + dense(2 * filters, classes);
const NASNET: [string, number][] = [['nasnet_4_1056', 1056], ['nasnet_5_1538', 1538], ['nasnet_7_1920', 1920], ['nasnet_6_4032', 4032]].map(
  ([name, p]): [string, number] => [name as string, NAS_COUNTS[name as keyof typeof NAS_COUNTS] + nasnetAux(Math.floor((p as number) / 24), 1000)],
);

/**
 * GluonCV SENet-154 (`avgDown` for senet_154e): the stem's three unbiased 3x3 convolutions (3 -> 64,
 * 64 -> 64, 64 -> 128, each with a batch norm); per block at width c (64, 128, 256, 512; 3, 8, 36
 * and 3 blocks) a 1x1 to 2c, a 3x3 in 64 groups to 4c and a 1x1 to 4c, each unbiased with a batch
 * norm, and the gate's biased 1x1 convolutions 4c -> c / 4 -> 4c; each stage's first block projects
 * with a batch norm: a 1x1 in the first stage, a 3x3 after (a 1x1 behind the average pool for
 * senet_154e); a Dense head on 2048 features.
 */
function senet154(avgDown: boolean, classes: number): number {
  let total = convNoBias(9, 3, 64) + bn(64) + convNoBias(9, 64, 64) + bn(64) + convNoBias(9, 64, 128) + bn(128);
  let cin = 128;
  [3, 8, 36, 3].forEach((n, i) => {
    const c = 64 * 2 ** i;
    for (let b = 0; b < n; b++) {
      const from = b ? 4 * c : cin;
      total += convNoBias(1, from, 2 * c) + bn(2 * c) + (9 * 2 * c * 4 * c) / 64 + bn(4 * c) + convNoBias(1, 4 * c, 4 * c) + bn(4 * c);
      total += conv(1, 4 * c, c / 4) + conv(1, c / 4, 4 * c);
    }
    total += convNoBias(i === 0 || avgDown ? 1 : 9, cin, 4 * c) + bn(4 * c);
    cin = 4 * c;
  });
  return total + dense(2048, classes);
}
/** The batch-norm channels of SENet-154, whose running statistics the published size leaves out. */
const SENET154_BN_CHANNELS = 64 + 64 + 128 + [3, 8, 36, 3].reduce((t, n, i) => t + n * 10 * 64 * 2 ** i + 4 * 64 * 2 ** i, 0);

const NAS_CASES: [string, number, string, string][] = [
  ['senet_154', senet154(false, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ['senet_154e', senet154(true, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnext101e_64x4d', NAS_COUNTS.resnext101e_64x4d, '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnext101b_64x4d', NAS_COUNTS.resnext101e_64x4d, '(1, 3, 224, 224)', '(1, 1000)'],
  // SE adds the same gates as to resnext101_64x4d: the blocks are the same.
  ['se_resnext101e_64x4d', NAS_COUNTS.resnext101e_64x4d + TORCH_COUNTS.se_resnext101_64x4d - TORCH_COUNTS.resnext101_64x4d, '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnet50_v1b_gn', NAS_COUNTS.resnet50_v1b_gn, '(1, 3, 224, 224)', '(1, 1000)'],
  ['resnet101_v1b_gn', NAS_COUNTS.resnet101_v1b_gn, '(1, 3, 224, 224)', '(1, 1000)'],
  // GluonCV's googlenet: torchvision's GoogLeNet layers (gluoncv-torch-counts.ts, gluoncv-nas-counts.ts).
  ['googlenet', GOOGLENET_FEATURES + dense(1024, 1000), '(1, 3, 224, 224)', '(1, 1000)'],
  ...NASNET.map(([name, n]): [string, number, string, string] => [name, n, name === 'nasnet_6_4032' ? '(1, 3, 331, 331)' : '(1, 3, 224, 224)', '(1, 1000)']),
];
// The docs table test reads CASES when it runs, after this block.
CASES.push(...NAS_CASES);

describe('gluoncv.model_zoo stubs (gcvnas): GoogLeNet with its auxiliary heads', () => {
  it("equals real torch's GoogLeNet with aux_logits=True (the same heads) plus running statistics", async () => {
    const snippet = `import mxnet as mx\nnet = get_model('googlenet', aux_logits=True)\nout, aux2, aux1 = net(mx.nd.zeros((1, 3, 224, 224)))\n`;
    const { result } = await analyzeWithStub('gluoncv.model_zoo', snippet, { modules: await stubModules() });
    assert.deepEqual(result.diagnostics.map((d) => d.message), []);
    assert.equal(result.models.find((m) => m.name === 'net')?.totalParams, NAS_COUNTS.googlenet_aux);
  });
});

/** The batch norms of a bottleneck ResNetV1b (stem, three per block, one per projection), by channels. */
function bottleneckNormChannels(blocks: number[]): number {
  return 64 + blocks.reduce((t, n, i) => t + n * 6 * 64 * 2 ** i + 4 * 64 * 2 ** i, 0);
}

describe('gluoncv.model_zoo stubs (gcvnas): GroupNorm ResNets', () => {
  it("the ResNetV1b formula with 2 parameters per normalised channel (GroupNorm's gamma and beta) equals real torch", () => {
    assert.equal(resnetV1b(50, null, 1000) - 2 * bottleneckNormChannels([3, 4, 6, 3]), NAS_COUNTS.resnet50_v1b_gn);
    assert.equal(resnetV1b(101, null, 1000) - 2 * bottleneckNormChannels([3, 4, 23, 3]), NAS_COUNTS.resnet101_v1b_gn);
  });
});

describe('gluoncv.model_zoo stubs (gcvnas): published sizes', () => {
  it("Keras's NASNet counts are the published NASNet-A Large 88.9M and Mobile 5.3M", () => {
    assert.equal(Math.round(NAS_COUNTS.nasnet_6_4032 / 1e5) / 10, 88.9);
    assert.equal(Math.round(NAS_COUNTS.nasnet_mobile / 1e5) / 10, 5.3);
  });
  it("SENet-154 less its running statistics is the 115.09M timm publishes for GluonCV's senet_154 weights", () => {
    assert.equal(Math.round((senet154(false, 1000) - 2 * SENET154_BN_CHANNELS) / 1e4), 11509);
  });
});

describe('gluoncv.model_zoo stubs (gcvnas): parameters by formula', () => {
  // NASNet returns (output, aux_output) by default; the first is the classifier's.
  for (const c of NAS_CASES) itCountsByFormula(c, c[0].startsWith('nasnet') ? 'out, aux' : 'out');
});
