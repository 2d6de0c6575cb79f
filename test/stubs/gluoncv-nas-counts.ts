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
};
