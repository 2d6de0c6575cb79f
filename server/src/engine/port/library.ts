/**
 * Library models (torchvision.models, keras.applications, the Gluon model zoo) are ported to the
 * target library's own constructor of the same family, not layer by layer: the libraries build
 * the "same" network differently (Keras' ResNet convolutions have biases and its v1 blocks stride
 * in the first 1x1 convolution, torchvision's v1.5 blocks in the 3x3), so the parameter counts
 * differ and the port says so instead of failing the count check. A family the target library
 * does not have becomes a marked stub. Where keras.applications and torchvision build the same
 * layers (VGG, DenseNet), `--with-weights` maps them one to one; any other pair is refused.
 */
import { analyzeText } from '../index';
import type { PythonParser } from '../syntax/tree';
import type { AnalyzeOptions, Dim, ModelSummary } from '../types';
import { shapeText, toChannelsFirst, toChannelsLast, type PortFramework } from './ir';
import { pyTuple } from './plan';
import type { PortResult } from './index';

/**
 * `weights`: keras.applications and torchvision build the same layers, so `--with-weights` maps
 * them one to one: a VGG's convolutions per block (then three dense layers), a DenseNet's layers
 * per dense block.
 */
export interface Family { torch?: string; keras?: string; gluon?: string; differs: Difference[]; weights?: { kind: 'vgg' | 'densenet'; blocks: number[] } }

/**
 * One way the libraries' versions of a family differ. `odd` names the libraries on one side of
 * the difference: it matters to a port only when exactly one of its two libraries is odd (Keras
 * and Gluon both count BatchNorm's moving statistics, so a Keras → Gluon port does not mention
 * it), and the text then names that library. Without `odd`, it holds for every pair.
 */
export interface Difference { text: string | ((oddLibrary: string) => string); odd?: PortFramework[] }

const SHORT_NAME: Record<PortFramework, string> = { torch: 'torchvision', keras: 'Keras', gluon: 'Gluon' };

/** The differences that matter between `a` and `b`, as one clause list for a note or a comment. */
export function differencesBetween(family: Family, a: PortFramework, b: PortFramework): string {
  const clauses = family.differs.flatMap((d) => {
    if (!d.odd) return [typeof d.text === 'string' ? d.text : d.text('')];
    if (d.odd.includes(a) === d.odd.includes(b)) return [];
    const odd = SHORT_NAME[d.odd.includes(a) ? a : b];
    return [typeof d.text === 'string' ? d.text : d.text(odd)];
  });
  return clauses.join(', ') || 'the same layers';
}

const BN_STATISTICS: Difference = { text: (lib) => `${lib} counts BatchNorm's moving statistics`, odd: ['keras', 'gluon'] };
const RESNET: Difference[] = [
  { text: "Keras' ResNet convolutions have biases", odd: ['keras'] },
  BN_STATISTICS,
  { text: (lib) => `${lib}'s v1 blocks stride in the first 1x1 convolution, torchvision's (v1.5) in the 3x3`, odd: ['keras', 'gluon'] },
];
const VGG: Difference[] = [{ text: 'the same layers' }, { text: (lib) => `${lib} adds dropout in the classifier`, odd: ['torch', 'gluon'] }];
const DENSENET: Difference[] = [{ text: 'the same blocks' }, BN_STATISTICS];
export const FAMILIES: Family[] = [
  { torch: 'resnet18', gluon: 'resnet18_v1', differs: RESNET },
  { torch: 'resnet34', gluon: 'resnet34_v1', differs: RESNET },
  { torch: 'resnet50', keras: 'ResNet50', gluon: 'resnet50_v1', differs: RESNET },
  { torch: 'resnet101', keras: 'ResNet101', gluon: 'resnet101_v1', differs: RESNET },
  { torch: 'resnet152', keras: 'ResNet152', gluon: 'resnet152_v1', differs: RESNET },
  { torch: 'vgg16', keras: 'VGG16', gluon: 'vgg16', differs: VGG, weights: { kind: 'vgg', blocks: [2, 2, 3, 3, 3] } },
  { torch: 'vgg19', keras: 'VGG19', gluon: 'vgg19', differs: VGG, weights: { kind: 'vgg', blocks: [2, 2, 4, 4, 4] } },
  { torch: 'mobilenet_v2', keras: 'MobileNetV2', gluon: 'mobilenet_v2_1_0', differs: [{ text: 'the same blocks' }, { text: 'the libraries differ in BatchNorm epsilon and padding' }] },
  { torch: 'densenet121', keras: 'DenseNet121', gluon: 'densenet121', differs: DENSENET, weights: { kind: 'densenet', blocks: [6, 12, 24, 16] } },
  { torch: 'densenet169', keras: 'DenseNet169', gluon: 'densenet169', differs: DENSENET, weights: { kind: 'densenet', blocks: [6, 12, 32, 32] } },
  { torch: 'densenet201', keras: 'DenseNet201', gluon: 'densenet201', differs: DENSENET, weights: { kind: 'densenet', blocks: [6, 12, 48, 32] } },
  { torch: 'alexnet', gluon: 'alexnet', differs: [{ text: 'torchvision pools adaptively to 6x6 before the classifier' }] },
  { torch: 'squeezenet1_0', gluon: 'squeezenet1_0', differs: [{ text: 'the same fire modules' }] },
  { torch: 'squeezenet1_1', gluon: 'squeezenet1_1', differs: [{ text: 'the same fire modules' }] },
  { torch: 'inception_v3', keras: 'InceptionV3', differs: [{ text: "torchvision's has an auxiliary classifier (used in training only)" }] },
];

export const LIBRARY: Record<PortFramework, string> = { torch: 'torchvision.models', keras: 'keras.applications', gluon: 'the Gluon model zoo' };

/** The constructor a library model was built with (`models.resnet50(weights=None)` → resnet50) and its class count. */
function constructorOf(text: string, m: ModelSummary): { name: string; classes: number | null; headless: boolean; logits: boolean } | null {
  const call = text.slice(m.range.start, m.range.end);
  const callee = /([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(?:name\s*=\s*)?(?:['"]([\w.]+)['"])?/.exec(call);
  // `vision.get_model('resnet18_v1')` names its model in a string.
  const name = callee?.[1] === 'get_model' && callee[2] ? callee[2].toLowerCase() : callee?.[1];
  if (!name) return null;
  const classes = /\b(?:num_classes|classes)\s*=\s*(\d+)/.exec(call);
  return { name, classes: classes ? Number(classes[1]) : null, headless: /\binclude_top\s*=\s*False/.test(call), logits: /\bclassifier_activation\s*=\s*None\b/.test(call) };
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
  const inputDims = source === 'keras' ? toChannelsFirst(input.dims) : input.dims;
  const refusal = withWeights ? libraryWeightsRefusal(family, source, to, ctor.name, target, inputDims) : null;
  if (refusal) return { ...base, problems: [`--with-weights: ${refusal}`] };
  const demo = to === 'keras' ? toChannelsLast(inputDims) : inputDims;
  const classes = ctor.classes ?? newHeadClasses(parser, m, source, ctor.name, options) ?? 1000;
  const loader = withWeights && family.weights ? libraryWeightLoader(family.weights, source, ctor.name, target) : [];
  const code = libraryCode(m, source, ctor.name, to, target, differencesBetween(family, source, to), classes, demo, !ctor.logits, loader);
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
    notes.push(`parameter counts differ between the libraries: ${LIBRARY[source]} ${ctor.name} has ${fmt(m.totalParams)}, ${LIBRARY[to]} ${target} ${fmt(ported.totalParams)} (${differencesBetween(family, source, to)})`);
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

/** Why a library model's weights cannot be converted for the target, or null. */
function libraryWeightsRefusal(family: Family, source: PortFramework, to: PortFramework, from: string, target: string, inputDims: Dim[]): string | null {
  const pair = `${LIBRARY[source]} ${from} and ${LIBRARY[to]} ${target}`;
  if (!family.weights) return `${pair} are different networks (${differencesBetween(family, source, to)}): their weights do not map one to one; load the pretrained ${target} of ${LIBRARY[to]} instead`;
  if (source === 'gluon' || to === 'gluon') return `the weight conversion of ${pair} is not written (only between keras.applications and torchvision, checked in both frameworks); load the pretrained ${target} of ${LIBRARY[to]} instead`;
  if (family.weights.kind === 'vgg' && (inputDims[2] !== 224 || inputDims[3] !== 224)) return `Keras' VGG classifier reads the (H/32, W/32, 512) feature map and torchvision's pools it to 7x7 first: the two have the same weights at 224x224 only, and this model reads ${shapeText(inputDims)}`;
  return null;
}

/** keras.applications layer name → torchvision module path, in order: each convolution (and its ReLU) and each block's pooling are one module of `features`. */
function vggLayers(blocks: number[]): string[] {
  const pairs: [string, string][] = [];
  let index = 0;
  blocks.forEach((convs, b) => {
    for (let c = 0; c < convs; c++, index += 2) pairs.push([`block${b + 1}_conv${c + 1}`, `features.${index}`]);
    index += 1;
  });
  pairs.push(['fc1', 'classifier.0'], ['fc2', 'classifier.3'], ['predictions', 'classifier.6']);
  return ['# keras.applications layer, torchvision module: the same layers one to one.', 'LAYERS = [', ...pairs.map(([k, t]) => `    (${JSON.stringify(k)}, ${JSON.stringify(t)}),`), ']', '', ''];
}

/** The same table for a DenseNet, built from its dense blocks' layer counts (Keras: conv2_block1_1_conv; torchvision: features.denseblock1.denselayer1.conv1). */
function denseNetLayers(blocks: number[]): string[] {
  return [
    'def _layers(blocks):',
    '    """keras.applications layer, torchvision module: the same layers one to one."""',
    '    pairs = [("conv1_conv", "features.conv0"), ("conv1_bn", "features.norm0")]',
    '    for b, count in enumerate(blocks, start=1):',
    '        for i in range(1, count + 1):',
    '            k, t = f"conv{b + 1}_block{i}", f"features.denseblock{b}.denselayer{i}"',
    '            pairs += [(f"{k}_0_bn", f"{t}.norm1"), (f"{k}_1_conv", f"{t}.conv1")]',
    '            pairs += [(f"{k}_1_bn", f"{t}.norm2"), (f"{k}_2_conv", f"{t}.conv2")]',
    '        if b < len(blocks):',
    '            t = f"features.transition{b}"',
    '            pairs += [(f"pool{b + 1}_bn", f"{t}.norm"), (f"pool{b + 1}_conv", f"{t}.conv")]',
    '    return pairs + [("bn", "features.norm5"), ("predictions", "classifier")]',
    '',
    '',
    `LAYERS = _layers(${pyTuple(blocks)})`,
    '', ''];
}

/**
 * `load_weights` for a library model whose two libraries build the same layers: one to one by
 * `LAYERS`, kernels HWIO ↔ OIHW, dense kernels transposed, BatchNorm's scale, offset and moving
 * statistics, and (VGG) fc1's rows reordered between Keras' (7, 7, 512) flatten and
 * torchvision's (512, 7, 7).
 */
function libraryWeightLoader(weights: NonNullable<Family['weights']>, source: PortFramework, from: string, target: string): string[] {
  const vgg = weights.kind === 'vgg';
  const table = vgg ? vggLayers(weights.blocks) : denseNetLayers(weights.blocks);
  const bn = ['weight', 'bias', 'running_mean', 'running_var'].map((x) => JSON.stringify(x)).join(', ');
  if (source === 'keras') {
    return [...table,
      'def load_weights(model, path):',
      `    """Copies a saved keras.applications ${from} (.keras or .h5) into this ${target}, converted."""`,
      '    import keras',
      '    import numpy as np',
      '',
      '    saved = keras.models.load_model(path, compile=False)',
      '    state = {}',
      '    for keras_name, module in LAYERS:',
      '        arrays = saved.get_layer(keras_name).get_weights()',
      '        if arrays[0].ndim == 4:  # Conv2D (kh, kw, in, out) -> (out, in, kh, kw)',
      '            names, arrays = ["weight", "bias"], [arrays[0].transpose(3, 2, 0, 1), *arrays[1:]]',
      '        elif arrays[0].ndim == 2:',
      '            kernel = arrays[0]',
      ...(vgg ? [
        '            if keras_name == "fc1":',
        "                # Flatten order: Keras' rows are (7, 7, 512) features, torchvision's (512, 7, 7).",
        '                kernel = kernel.reshape(7, 7, 512, -1).transpose(2, 0, 1, 3).reshape(kernel.shape)'] : []),
      '            names, arrays = ["weight", "bias"], [kernel.T, *arrays[1:]]  # Dense (in, out) -> Linear (out, in)',
      '        else:  # BatchNormalization: gamma, beta, moving mean and variance',
      `            names = [${bn}]`,
      '            state[f"{module}.num_batches_tracked"] = torch.tensor(0)',
      '        for name, array in zip(names, arrays):',
      '            state[f"{module}.{name}"] = torch.from_numpy(np.ascontiguousarray(array))',
      '    # Strict: every parameter and buffer of the port is named, none is left over.',
      '    model.load_state_dict(state, strict=True)',
      '', ''];
  }
  return [...table,
    'def load_weights(model, path):',
    `    """Copies a saved torchvision ${from} state_dict into this keras.applications ${target}, converted."""`,
    '    import torch',
    '',
    '    state = {k: v.numpy() for k, v in torch.load(path, map_location="cpu").items()}',
    '    for keras_name, module in LAYERS:',
    '        if f"{module}.running_mean" in state:  # BatchNorm: scale, offset, running statistics',
    `            arrays = [state.pop(f"{module}.{name}") for name in (${bn})]`,
    '            state.pop(f"{module}.num_batches_tracked", None)',
    '        else:',
    '            kernel = state.pop(f"{module}.weight")',
    '            bias = [state.pop(f"{module}.bias")] if f"{module}.bias" in state else []',
    '            if kernel.ndim == 4:  # Conv2d (out, in, kh, kw) -> (kh, kw, in, out)',
    '                kernel = kernel.transpose(2, 3, 1, 0)',
    '            else:',
    '                kernel = kernel.T  # Linear (out, in) -> Dense (in, out)',
    ...(vgg ? [
      '                if keras_name == "fc1":',
      "                    # Flatten order: torchvision's rows are (512, 7, 7) features, Keras' (7, 7, 512).",
      '                    kernel = kernel.reshape(512, 7, 7, -1).transpose(1, 2, 0, 3).reshape(kernel.shape)'] : []),
      '            arrays = [kernel, *bias]',
    '        model.get_layer(keras_name).set_weights(arrays)',
    '    if state:',
    '        raise ValueError(f"weights this port does not read: {sorted(state)}")',
    '', ''];
}

function libraryCode(m: ModelSummary, source: PortFramework, from: string, to: PortFramework, target: string, differs: string, classes: number, demo: Dim[], probabilities: boolean, loader: string[]): string {
  const dims = demo.map((d, i) => (i === 0 ? (typeof d === 'number' ? d : 2) : d));
  const head = [
    `"""${m.name} (${LIBRARY[source]} ${from}), ported to ${LIBRARY[to]} ${target} by shapelint port.`,
    '',
    `The same family of network, built by another library: ${differs}.`,
    '"""',
  ];
  // Keras applications end in softmax unless classifier_activation=None; torchvision and the Gluon zoo return logits.
  probabilities = probabilities && source === 'keras';
  const load = loader.length ? ['    # load_weights(model, "weights-file")  # the source\'s saved weights'] : [];
  if (to === 'torch') {
    return [...head, 'import torch', 'from torchvision import models', '', '',
      'def build_model():',
      `    return models.${target}(weights=None, num_classes=${classes})`,
      '', '', ...loader, 'if __name__ == "__main__":', '    model = build_model()', ...load, `    x = torch.randn(${dims.join(', ')})`, '    model.eval()',
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
      '', '', ...loader, 'if __name__ == "__main__":', '    model = build_model()', ...load, `    x = np.random.rand(${dims.join(', ')}).astype("float32")`,
      '    y = model(x)', '    print("output shape:", tuple(y.shape))', '    print("parameters:", model.count_params())', ''].join('\n');
  }
  return [...head, 'from mxnet import nd', 'from mxnet.gluon.model_zoo import vision', '', '', 'def build_model():',
    `    return vision.${target}(classes=${classes})`,
    '', '', 'if __name__ == "__main__":', '    net = build_model()', '    net.initialize()', `    x = nd.random.uniform(shape=${pyTuple(dims as number[])})`,
    ...(probabilities ? ['    # The Keras model ends in softmax (classifier_activation); the Gluon zoo returns logits.', '    y = nd.softmax(net(x))'] : ['    y = net(x)']), '    print("output shape:", y.shape)', '    print("parameters:", sum(p.data().size for p in net.collect_params().values()))', ''].join('\n');
}
