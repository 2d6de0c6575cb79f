/**
 * Library models (torchvision.models, keras.applications, the Gluon model zoo) are ported to the
 * target library's own constructor of the same family, not layer by layer: the libraries build
 * the "same" network differently (Keras' ResNet convolutions have biases and its v1 blocks stride
 * in the first 1x1 convolution, torchvision's v1.5 blocks in the 3x3), so the parameter counts
 * differ and the port says so instead of failing the count check. A family the target library
 * does not have becomes a marked stub.
 */
import { analyzeText } from '../index';
import type { PythonParser } from '../syntax/tree';
import type { AnalyzeOptions, Dim, ModelSummary } from '../types';
import { shapeText, toChannelsFirst, toChannelsLast, type PortFramework } from './ir';
import { pyTuple } from './plan';
import type { PortResult } from './index';

export interface Family { torch?: string; keras?: string; gluon?: string; differs: string }

const RESNET = "Keras' ResNet convolutions have biases, Keras and Gluon count BatchNorm's moving statistics, and Keras' and Gluon's v1 blocks stride in the first 1x1 convolution, torchvision's (v1.5) in the 3x3";
export const FAMILIES: Family[] = [
  { torch: 'resnet18', gluon: 'resnet18_v1', differs: RESNET },
  { torch: 'resnet34', gluon: 'resnet34_v1', differs: RESNET },
  { torch: 'resnet50', keras: 'ResNet50', gluon: 'resnet50_v1', differs: RESNET },
  { torch: 'resnet101', keras: 'ResNet101', gluon: 'resnet101_v1', differs: RESNET },
  { torch: 'resnet152', keras: 'ResNet152', gluon: 'resnet152_v1', differs: RESNET },
  { torch: 'vgg16', keras: 'VGG16', gluon: 'vgg16', differs: 'the same layers; torchvision and Gluon add dropout in the classifier' },
  { torch: 'vgg19', keras: 'VGG19', gluon: 'vgg19', differs: 'the same layers; torchvision and Gluon add dropout in the classifier' },
  { torch: 'mobilenet_v2', keras: 'MobileNetV2', gluon: 'mobilenet_v2_1_0', differs: 'the same blocks; the libraries differ in BatchNorm epsilon and padding' },
  { torch: 'densenet121', keras: 'DenseNet121', gluon: 'densenet121', differs: 'the same blocks; Keras counts BatchNorm moving statistics' },
  { torch: 'densenet169', keras: 'DenseNet169', gluon: 'densenet169', differs: 'the same blocks; Keras counts BatchNorm moving statistics' },
  { torch: 'densenet201', keras: 'DenseNet201', gluon: 'densenet201', differs: 'the same blocks; Keras counts BatchNorm moving statistics' },
  { torch: 'alexnet', gluon: 'alexnet', differs: 'torchvision pools adaptively to 6x6 before the classifier' },
  { torch: 'squeezenet1_0', gluon: 'squeezenet1_0', differs: 'the same fire modules' },
  { torch: 'squeezenet1_1', gluon: 'squeezenet1_1', differs: 'the same fire modules' },
  { torch: 'inception_v3', keras: 'InceptionV3', differs: "torchvision's has an auxiliary classifier (used in training only)" },
];

export const LIBRARY: Record<PortFramework, string> = { torch: 'torchvision.models', keras: 'keras.applications', gluon: 'the Gluon model zoo' };

/** The constructor a library model was built with (`models.resnet50(weights=None)` → resnet50) and its class count. */
function constructorOf(text: string, m: ModelSummary): { name: string; classes: number | null; headless: boolean } | null {
  const call = text.slice(m.range.start, m.range.end);
  const callee = /([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(?:name\s*=\s*)?(?:['"]([\w.]+)['"])?/.exec(call);
  // `vision.get_model('resnet18_v1')` names its model in a string.
  const name = callee?.[1] === 'get_model' && callee[2] ? callee[2].toLowerCase() : callee?.[1];
  if (!name) return null;
  const classes = /\b(?:num_classes|classes)\s*=\s*(\d+)/.exec(call);
  return { name, classes: classes ? Number(classes[1]) : null, headless: /\binclude_top\s*=\s*False/.test(call) };
}

export function portLibraryModel(parser: PythonParser, text: string, m: ModelSummary, options: AnalyzeOptions, to: PortFramework, withWeights: boolean): PortResult {
  const source = m.framework as PortFramework;
  const ctor = constructorOf(text, m);
  const family = ctor && FAMILIES.find((f) => f[source] === ctor.name);
  const input = m.inputShapes[0];
  const base = { source, modelName: m.name, stubs: 0 };
  // `nn.Sequential(*list(models.resnet50().children())[:-1])` on its own: a cut, not the family's model.
  if (ctor && /^(Sequential|HybridSequential)$/.test(ctor.name)) {
    return { ...base, problems: [`not ported: ${m.name} is a cut of a library model's children on its own; port the model that holds it with its head (its backbone then ports as the target library's cut), or the library model itself`] };
  }
  if (!ctor || !family || !input || input.open) return { ...base, problems: [`the library model ${ctor?.name ?? m.name} is not in the port's table of library equivalents`] };
  const target = family[to];
  if (!target) {
    return { ...base, stubs: 1, problems: [`not ported: ${LIBRARY[source]} ${ctor.name} has no equivalent in ${LIBRARY[to]}; write it by hand or pick another architecture`] };
  }
  if (ctor.headless) return { ...base, problems: ['include_top=False (a feature extractor) is not ported yet: the libraries cut their networks at different layers'] };
  if (withWeights) return { ...base, problems: [`--with-weights: the libraries' weights differ in architecture; load ${LIBRARY[to]}'s own pretrained ${target} instead`] };
  const inputDims = source === 'keras' ? toChannelsFirst(input.dims) : input.dims;
  const demo = to === 'keras' ? toChannelsLast(inputDims) : inputDims;
  const classes = ctor.classes ?? newHeadClasses(parser, m, source, ctor.name, options) ?? 1000;
  const code = libraryCode(m, source, ctor.name, to, target, family.differs, classes, demo);
  const notes: string[] = [];
  const problems: string[] = [];
  // The demo block runs for sure here: as an unknown branch it would lose the Gluon zoo's deferred shapes.
  const r = analyzeText(parser, code.replace('if __name__ == "__main__":', 'if True:'), options);
  const ported = r.models.find((x) => x.framework === to);
  const y = [...r.tensors].reverse().find((t) => t.name === 'y' && !t.use);
  for (const d of r.diagnostics) if (d.severity !== 'info') problems.push(`the port raises ${d.code} ${d.rule}: ${d.message.split('\n')[0]}`);
  if (!ported) problems.push('shapelint found no model in the generated code (is the library stub importable?)');
  const outputShape = y ? y.shape.dims : null;
  const want = m.layers.length ? m.layers[m.layers.length - 1].outputShape?.dims ?? null : null;
  if (want && outputShape && !sameAfterBatch(outputShape, want)) problems.push(`the port's output is ${shapeText(outputShape)}, the source's ${shapeText(want)}`);
  if (ported && ported.totalParams !== m.totalParams) {
    notes.push(`parameter counts differ between the libraries: ${LIBRARY[source]} ${ctor.name} has ${fmt(m.totalParams)}, ${LIBRARY[to]} ${target} ${fmt(ported.totalParams)} (${family.differs})`);
  }
  return {
    ...base, code, problems, notes,
    check: { problems, layersCompared: 0, sourceTotal: m.totalParams, targetTotal: ported?.totalParams ?? null, outputShape },
  };
}

/**
 * The class count of a head the user put in place of the library's (`model.fc =
 * nn.Linear(model.fc.in_features, 2)`, Gluon's `net.output = nn.Dense(2)`) when that model is
 * exactly the constructor with that class count: the engine analyses the constructor with it
 * and the parameter counts and outputs must agree. Null for any other head (hidden layers).
 */
function newHeadClasses(parser: PythonParser, m: ModelSummary, source: PortFramework, name: string, options: AnalyzeOptions): number | null {
  const out = m.output?.shape ?? m.layers[m.layers.length - 1]?.outputShape;
  const input = m.inputShapes[0];
  const n = out && !out.open && out.dims.length === 2 ? out.dims[1] : null;
  if (typeof n !== 'number' || n === 1000 || !input || input.open) return null;
  const dims = input.dims.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 2 : 1));
  const program =
    source === 'torch' ? `import torch\nfrom torchvision import models\nmodel = models.${name}(weights=None, num_classes=${n})\ny = model(torch.randn(${dims.join(', ')}))\n`
    : source === 'gluon' ? `from mxnet import nd\nfrom mxnet.gluon.model_zoo import vision\nmodel = vision.${name}(classes=${n})\nmodel.initialize()\ny = model(nd.random.uniform(shape=${pyTuple(dims)}))\n`
    : null;
  if (!program) return null;
  const r = analyzeText(parser, program, options);
  const built = r.models.find((x) => x.library && x.inputShapes.every((s) => s && !s.open));
  return built && built.totalParams !== null && built.totalParams === m.totalParams ? n : null;
}

function sameAfterBatch(a: Dim[], b: Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => i === 0 || d === b[i]);
}

function fmt(n: number | null): string {
  return n === null ? '?' : n.toLocaleString('en-US');
}

function libraryCode(m: ModelSummary, source: PortFramework, from: string, to: PortFramework, target: string, differs: string, classes: number, demo: Dim[]): string {
  const dims = demo.map((d, i) => (i === 0 ? (typeof d === 'number' ? d : 2) : d));
  const head = [
    `"""${m.name} (${LIBRARY[source]} ${from}), ported to ${LIBRARY[to]} ${target} by shapelint port.`,
    '',
    `The same family of network, built by another library: ${differs}.`,
    '"""',
  ];
  // Keras applications end in softmax by default; torchvision and the Gluon zoo return logits.
  const probabilities = source === 'keras';
  if (to === 'torch') {
    return [...head, 'import torch', 'from torchvision import models', '', '',
      'def build_model():',
      `    return models.${target}(weights=None, num_classes=${classes})`,
      '', '', 'if __name__ == "__main__":', '    model = build_model()', `    x = torch.randn(${dims.join(', ')})`, '    model.eval()',
      '    with torch.no_grad():',
      ...(probabilities ? ['        # The Keras model ends in softmax (classifier_activation); torchvision returns logits.', '        y = torch.softmax(model(x), dim=1)'] : ['        y = model(x)']),
      '    print("output shape:", tuple(y.shape))',
      '    print("parameters:", sum(p.numel() for p in model.parameters()))', ''].join('\n');
  }
  if (to === 'keras') {
    const size = dims.slice(1);
    const shapeArg = size[0] === 224 && size[1] === 224 ? '' : `, input_shape=${pyTuple(size as number[])}`;
    const act = probabilities ? '' : ', classifier_activation=None';
    return [...head, 'import keras', 'import numpy as np', '', '', 'def build_model():',
      ...(probabilities ? [] : [`    # The source returns logits: no softmax at the end.`]),
      `    return keras.applications.${target}(weights=None, classes=${classes}${shapeArg}${act})`,
      '', '', 'if __name__ == "__main__":', '    model = build_model()', `    x = np.random.rand(${dims.join(', ')}).astype("float32")`,
      '    y = model(x)', '    print("output shape:", tuple(y.shape))', '    print("parameters:", model.count_params())', ''].join('\n');
  }
  return [...head, 'from mxnet import nd', 'from mxnet.gluon.model_zoo import vision', '', '', 'def build_model():',
    `    return vision.${target}(classes=${classes})`,
    '', '', 'if __name__ == "__main__":', '    net = build_model()', '    net.initialize()', `    x = nd.random.uniform(shape=${pyTuple(dims as number[])})`,
    ...(probabilities ? ['    # The Keras model ends in softmax (classifier_activation); the Gluon zoo returns logits.', '    y = nd.softmax(net(x))'] : ['    y = net(x)']), '    print("output shape:", y.shape)', '    print("parameters:", sum(p.data().size for p in net.collect_params().values()))', ''].join('\n');
}
