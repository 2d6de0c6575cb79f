/**
 * Parameter counts of real-framework networks whose layers GluonCV's NASNet, GoogLeNet and GroupNorm
 * ResNet models share, computed by test/oracle/gluoncv_nas_counts.py (Keras counts batch norms'
 * moving statistics, as Gluon does); test/oracle/gluoncv-nas-oracle.test.ts recomputes them and
 * test/stubs/gluoncv-params.test.ts checks the stubs against them.
 */
export const NAS_COUNTS = {
  /** Keras' NASNet with GluonCV's configuration (96-filter stem), 1000 classes, no auxiliary head. */
  nasnet_4_1056: 5_340_796,
  nasnet_5_1538: 12_327_704,
  nasnet_7_1920: 24_720_484,
  nasnet_6_4032: 88_949_818,
  /** Keras' NASNetMobile (32-filter stem): the published 5.3M. */
  nasnet_mobile: 5_326_716,
  /**
   * torchvision's ResNeXt-101 64x4d with the deep stem swapped in (first stage on 128 channels) plus
   * running statistics.
   */
  resnext101e_64x4d: 83_794_600,
  /** torchvision's GoogLeNet with both auxiliary heads, 1000 classes, plus running statistics. */
  googlenet_aux: 13_019_960,
  /** torchvision's ResNet-50/101 with GroupNorm(32, c) for every batch norm (no running statistics). */
  resnet50_v1b_gn: 25_557_032,
  resnet101_v1b_gn: 44_549_160,
};
