/**
 * Parameter counts of torchvision networks whose layers GluonCV's models share, computed in real
 * PyTorch by test/oracle/gluoncv_torch_counts.py (each plus its batch norms' running statistics,
 * which Gluon counts); test/oracle/gluoncv-torch-oracle.test.ts recomputes them, and
 * test/stubs/gluoncv-params.test.ts checks the stubs against them.
 */
export const TORCH_COUNTS = {
  /** GoogLeNet (aux_logits=False) without its fc: GluonCV's googlenet features. */
  googlenet_features: 5_614_464,
  /** The same with each k x k convolution weight inflated to k x k x k (GluonCV's I3D Inception v1). */
  googlenet_inflated: 12_301_824,
  /** Inception v3 (aux_logits=False) without its fc. */
  inception_v3_features: 21_820_000,
  /** The same inflated to max(kh, kw) x kh x kw (GluonCV's I3D Inception v3). */
  inception_v3_inflated: 72_177_952,
  /** torchvision's video R(2+1)D-18 and its 3-4-6-3 version with 400 classes. */
  r2plus1d_18: 31_530_675,
  r2plus1d_34: 61_881_139,
  /** torchvision's ResNeXt (1000 classes); SE adds two biased 1x1 convolutions 4c -> c/4 -> 4c per block. */
  resnext50_32x4d: 25_097_128,
  resnext101_32x4d: 44_315_560,
  resnext101_64x4d: 83_658_152,
  se_resnext50_32x4d: 27_628_120,
  se_resnext101_32x4d: 49_093_272,
  se_resnext101_64x4d: 88_435_864,
  /** torchvision's video R(2+1)D on bottlenecks (3-4-6-3, 3-4-23-3, 3-8-36-3 blocks) with 400 classes. */
  r2plus1d_50: 54_023_375,
  r2plus1d_101: 100_063_455,
  r2plus1d_152: 137_987_791,
  // ShuffleNet (V1 g=3, V2 1x)
  /** torchvision's ShuffleNet V2 1x (1000 classes): GluonCV's shufflenet_v2 has its layers. */
  shufflenet_v2_x1_0: 2_294_784,
};
