/**
 * The parameter counts of MXNet's Gluon model zoo table (docs/api/python/gluon/model_zoo.md in
 * MXNet 1.x; Gluon counts each batch norm's running mean and variance), shared by the Gluon
 * model zoo and GluonCV stub tests.
 */
/** [get_model name, published parameter count, input size when not 224]. */
export const GLUON_MODEL_ZOO: [string, number, number?][] = [
  ['alexnet', 61_100_840],
  ['densenet121', 8_062_504],
  ['densenet161', 28_900_936],
  ['densenet169', 14_307_880],
  ['densenet201', 20_242_984],
  ['inceptionv3', 23_869_000, 299],
  ['mobilenet0.25', 475_544],
  ['mobilenet0.5', 1_342_536],
  ['mobilenet0.75', 2_601_976],
  ['mobilenet1.0', 4_253_864],
  ['mobilenetv2_1.0', 3_539_136],
  ['mobilenetv2_0.75', 2_653_864],
  ['mobilenetv2_0.5', 1_983_104],
  ['mobilenetv2_0.25', 1_526_856],
  ['resnet18_v1', 11_699_112],
  ['resnet34_v1', 21_814_696],
  ['resnet50_v1', 25_629_032],
  ['resnet101_v1', 44_695_144],
  ['resnet152_v1', 60_404_072],
  ['resnet18_v2', 11_695_796],
  ['resnet34_v2', 21_811_380],
  ['resnet50_v2', 25_595_060],
  ['resnet101_v2', 44_639_412],
  ['resnet152_v2', 60_329_140],
  ['squeezenet1.0', 1_248_424],
  ['squeezenet1.1', 1_235_496],
  ['vgg11', 132_863_336],
  ['vgg13', 133_047_848],
  ['vgg16', 138_357_544],
  ['vgg19', 143_667_240],
  ['vgg11_bn', 132_874_344],
  ['vgg13_bn', 133_059_624],
  ['vgg16_bn', 138_374_440],
  ['vgg19_bn', 143_689_256],
];
