/**
 * A user's model built on a library model (a backbone: `self.backbone = resnet18()` with a new
 * head, a Keras application under a pooling and Dense head, a zoo model's `features`) ports as
 * the target library's constructor of the same family, cut where the source cut it, followed by
 * the user's head ported layer by layer. What the source's backbone computes is decided by the
 * engine, not by its name: the source library's canonical cut (the convolutional features, or
 * those globally average-pooled, flat or keeping 1x1 axes) must have the same layers, shape and
 * parameter count as the user's backbone; any other cut (a `children()` slice that stops
 * elsewhere) is a marked stub. The assembled port is analysed again like every port.
 */
import { analyzeText } from '../index';
import type { PythonParser } from '../syntax/tree';
import type { AnalyzeOptions, BackboneSummary, Dim, LayerApplication, ModelSummary } from '../types';
import { shapeText, toChannelsFirst, toChannelsLast, type Layout, type PortFramework } from './ir';
import { differencesBetween, FAMILIES, LIBRARY, type Family } from './library';
import { pyTuple } from './plan';
import { LineIndex } from '../positions';
import { pep8Lines } from './pep8';
import { readModel } from './read';
import type { PortRequest, PortResult } from './index';

/** Where the backbone stops: its last feature map, that map average-pooled to a vector, or pooled keeping 1x1 axes. */
type Cut = 'spatial' | 'pooled' | 'pooledkeep';

type PortGraphFn = (parser: PythonParser, graph: Exclude<ReturnType<typeof readModel>, string>, req: PortRequest) => PortResult;

export function portBackboneModel(parser: PythonParser, text: string, m: ModelSummary, options: AnalyzeOptions, req: PortRequest, portGraph: PortGraphFn): PortResult {
  const source = m.framework as PortFramework;
  const to = req.to;
  const base = { source, modelName: m.name, stubs: 0 };
  const b = m.backbones![0];
  const end = lastIndexOf(m.layers, b.block);
  if (m.backbones!.length > 1 || m.layers.slice(0, end + 1).some((l) => l.block !== b.block)) {
    return { ...base, problems: ['not ported: a model with layers of its own before its library backbone, or with several backbones, is not ported yet'] };
  }
  if (req.withWeights) return { ...base, problems: ["--with-weights: a library backbone's weights differ between the libraries; load the target library's own pretrained model instead"] };
  const input = b.inputShape;
  const output = b.outputShape;
  if (!input || input.open || !output || output.open) return { ...base, problems: ['the backbone has no known input or output shape: give the model one (a `# shapelint: input=(N, ...)` directive)'] };
  const family = FAMILIES.find((f) => f[source] === b.library);
  const cut = family ? cutOf(source, family, m.layers.slice(0, end + 1), b, parser, options) : null;
  const targetName = family?.[to];
  const inputCl = channelsLastDims(input.dims, source);
  const outChannels = channelsLastDims(output.dims, source).at(-1) ?? null;
  let expr = family && cut && targetName ? backboneExpr(to, targetName, cut, inputCl, outChannels) : null;
  // A feature map the head pools globally right away: a library whose feature extractor ends in
  // that pooling (the Gluon zoo's) gives the head a 1x1 map, which its own pooling passes on.
  if (!expr && cut === 'spatial' && targetName && globalAveragePool(m.layers[end + 1])) expr = backboneExpr(to, targetName, 'pooledkeep', inputCl, outChannels);
  const headResult = portHead(parser, m, end, b, text, req, portGraph);
  if (typeof headResult === 'string') return { ...base, problems: [headResult] };
  const reason = !family
    ? `${LIBRARY[source]} ${b.library} is not in the port's table of library equivalents`
    : !cut
      ? `the backbone ${b.block} (${b.library}) is cut where ${LIBRARY[source]}'s own feature extractor is not (a children() slice, a part of its blocks)`
      : !targetName
        ? `${LIBRARY[source]} ${b.library} has no equivalent in ${LIBRARY[to]}`
        : `${LIBRARY[to]} ${targetName} has no ${cut === 'spatial' ? 'feature-map' : 'pooled'} cut like the source's`;
  const demo = demoDims(m.inputShapes[0]?.dims ?? input.dims, source, to);
  const code = pep8Lines(assemble(to, headResult, b, expr, family ? differencesBetween(family, source, to) : '', targetName ?? b.library, demo, cut, output.dims, source, expr ? null : reason));
  const problems = [...headResult.problems];
  if (!expr) problems.push(`not ported: ${reason}; a marked stub that must give ${shapeText(targetDims(output.dims, source, to))} stands in its place`);
  const notes: string[] = [];
  const r = analyzeText(parser, code.replace('if __name__ == "__main__":', 'if True:'), options);
  // The whole model holds the backbone and the head (each is summarised on its own too, and the
  // library model a cut was taken from is probed as a library model).
  const ported = r.models.filter((x) => x.framework === to && !x.library).reduce<ModelSummary | undefined>((a, x) => (!a || (x.totalParams ?? -1) > (a.totalParams ?? -1) ? x : a), undefined);
  const y = [...r.tensors].reverse().find((t) => t.name === 'y' && !t.use);
  if (expr) {
    for (const d of r.diagnostics) if (d.severity !== 'info') problems.push(`the port raises ${d.code} ${d.rule}: ${d.message.split('\n')[0]}`);
    const want = m.output?.shape ?? m.layers[m.layers.length - 1]?.outputShape ?? null;
    if (!y) problems.push('the port gives no output shapelint can follow');
    else if (want && !want.open && !sameAfterBatch(y.shape.dims, targetDims(want.dims, source, to))) problems.push(`the port's output is ${shapeText(y.shape.dims)}, the source's ${shapeText(want.dims)}`);
    const sourceBackbone = blockParams(m, b.block);
    const headTotal = headResult.check?.targetTotal ?? null;
    const portBackbone = ported?.totalParams != null && headTotal !== null ? ported.totalParams - headTotal : null;
    if (portBackbone !== sourceBackbone) {
      notes.push(`parameter counts differ between the libraries: the backbone ${LIBRARY[source]} ${b.library} has ${fmt(sourceBackbone)}, ${LIBRARY[to]} ${targetName} ${fmt(portBackbone)} (${differencesBetween(family!, source, to)}); the head has ${fmt(headTotal)} in both`);
    }
  }
  return {
    ...base, code, problems, notes, stubs: headResult.stubs + (expr ? 0 : 1),
    check: { problems, layersCompared: headResult.check?.layersCompared ?? 0, sourceTotal: m.totalParams, targetTotal: expr ? ported?.totalParams ?? null : null, outputShape: y ? y.shape.dims : null },
  };
}

function globalAveragePool(l: LayerApplication | undefined): boolean {
  if (!l) return false;
  const out = l.outputShape?.dims ?? [];
  return /^(GlobalAveragePooling2D|GlobalAvgPool2D)$/.test(l.type) || (/^(AdaptiveAvgPool2d|adaptive_avg_pool2d)$/.test(l.type.includes('.') ? l.name : l.type) && out.length === 4 && out[2] === 1 && out[3] === 1);
}

function lastIndexOf(layers: LayerApplication[], block: string): number {
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i].block === block) return i;
  return -1;
}

function blockParams(m: ModelSummary, block: string): number | null {
  let n: number | null = 0;
  for (const l of m.layers) if (l.block === block) n = n === null || l.params === null ? null : n + (l.reused ? 0 : l.params);
  return n;
}

/**
 * The cut of the source library's network that the user's backbone is: the one whose canonical
 * expression, analysed by the engine on the same input, has the same layers (activations and
 * poolings included, flattens and identities aside), output shape and parameters.
 */
function cutOf(source: PortFramework, family: Family, layers: LayerApplication[], b: BackboneSummary, parser: PythonParser, options: AnalyzeOptions): Cut | null {
  const out = b.outputShape!.dims;
  const candidates: Cut[] = out.length === 2 ? ['pooled'] : out.length === 4 ? ['spatial', 'pooledkeep'] : [];
  const dims = channelsLastDims(b.inputShape!.dims, source);
  for (const cut of candidates) {
    const expr = backboneExpr(source, family[source]!, cut, dims, channelsLastDims(out, source).at(-1) ?? null);
    if (!expr) continue;
    const program = `${expr.imports.join('\n')}\n\n${expr.build.join('\n')}\n${callCode(source, 'backbone', toSource(dims, source))}\n`;
    const r = analyzeText(parser, program, { ...options, recordOps: true });
    // The model the program ran (a zoo model's `features` keeps its own name).
    const model = r.models.find((x) => x.inputShapes.length > 0 && x.inputShapes.every((s) => s && !s.open));
    const y = [...r.tensors].reverse().find((t) => t.name === 'y' && !t.use);
    if (!model || !y || r.diagnostics.some((d) => d.severity === 'error')) continue;
    const sameParams = model.totalParams !== null && model.totalParams === sum(layers);
    if (sameParams && sameAfterBatch(y.shape.dims, out) && sameKinds(model.layers, layers)) return cut;
  }
  return null;
}

function sum(layers: LayerApplication[]): number | null {
  let n: number | null = 0;
  for (const l of layers) n = n === null || l.params === null ? null : n + (l.reused ? 0 : l.params);
  return n;
}

/** Layers and recorded ops that compute something, as kinds (`relu` for nn.ReLU and F.relu alike). */
const NEUTRAL = new Set(['identity', 'flatten', 'dropout', 'view', 'reshape']);
function sameKinds(a: LayerApplication[], b: LayerApplication[]): boolean {
  const kinds = (ls: LayerApplication[]) => ls.map((l) => (l.type.includes('.') ? l.name : l.type).toLowerCase().replace(/_/g, '')).filter((k) => !NEUTRAL.has(k)).sort().join(' ');
  return kinds(a) === kinds(b);
}

interface Expr {
  imports: string[];
  /** Statements that bind `backbone` (with a comment where the cut needs one). */
  build: string[];
  /** Where the backbone keeps its channels. */
  layout: 'cf' | 'cl';
}

/** The canonical expression of a cut in one library (null: that library has no such cut of this family). */
function backboneExpr(fw: PortFramework, name: string, cut: Cut, inputCl: Dim[], channels: Dim = null): Expr | null {
  if (fw === 'torch') {
    const parts = /^resnet/.test(name)
      ? [`*list(models.${name}(weights=None).children())[:-2]`]
      : /^(vgg|mobilenet_v2)/.test(name)
        ? [`models.${name}(weights=None).features`]
        : /^densenet/.test(name)
          ? [`models.${name}(weights=None).features`, 'nn.ReLU()']
          : null;
    if (!parts) return null;
    const pool = cut === 'spatial' ? [] : ['nn.AdaptiveAvgPool2d(1)', ...(cut === 'pooled' ? ['nn.Flatten()'] : [])];
    return { imports: ['import torch', 'from torch import nn', 'from torchvision import models'], build: [`backbone = nn.Sequential(${[...parts, ...pool].join(', ')})`], layout: 'cf' };
  }
  if (fw === 'keras') {
    const size = inputCl.slice(1);
    if (size.some((d) => typeof d !== 'number')) return null;
    const pooling = cut === 'spatial' ? '' : ', pooling="avg"';
    const build = [`backbone = keras.applications.${name}(include_top=False, weights=None, input_shape=${pyTuple(size as number[])}${pooling})`];
    // Pooled with the 1x1 axes kept (a cut that ends in PyTorch's adaptive pooling): a reshape after.
    if (cut === 'pooledkeep') {
      if (typeof channels !== 'number') return null;
      build.push(`backbone = keras.Sequential([backbone, layers.Reshape((1, 1, ${channels}))])`);
    }
    return { imports: ['import keras', 'import numpy as np', 'from keras import layers'], build, layout: 'cl' };
  }
  // The Gluon zoo's ResNet and MobileNetV2 `features` end in a global average pooling (1x1 axes kept).
  if (!/^(resnet\d+_v1|mobilenet_v2)/.test(name) || cut === 'spatial') return null;
  const flat = cut === 'pooled' ? ['backbone.add(nn.Flatten())'] : [];
  return { imports: ['from mxnet import gluon, nd', 'from mxnet.gluon import nn', 'from mxnet.gluon.model_zoo import vision'], build: [`backbone = vision.${name}().features`, ...flat], layout: 'cf' };
}

function channelsLastDims(dims: Dim[], fw: PortFramework): Dim[] {
  return fw === 'keras' ? [...dims] : toChannelsLast(dims);
}

function toSource(cl: Dim[], fw: PortFramework): Dim[] {
  return fw === 'keras' ? cl : toChannelsFirst(cl);
}

/** A shape of the source in the target's layout (rank-2 vectors are the same in both). */
function targetDims(dims: Dim[], source: PortFramework, to: PortFramework): Dim[] {
  const cl = channelsLastDims(dims, source);
  return to === 'keras' ? cl : toChannelsFirst(cl);
}

function demoDims(dims: Dim[], source: PortFramework, to: PortFramework): number[] {
  return targetDims(dims, source, to).map((d, i) => (typeof d === 'number' ? d : i === 0 ? 2 : 1));
}

function callCode(fw: PortFramework, model: string, dims: Dim[]): string {
  const shape = dims.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 2 : 1));
  if (fw === 'torch') return `y = ${model}(torch.randn(${shape.join(', ')}))`;
  if (fw === 'keras') return `y = ${model}(np.zeros(${pyTuple(shape)}, dtype="float32"))`;
  return `${model}.initialize()\ny = ${model}(nd.random.uniform(shape=${pyTuple(shape)}))`;
}

/** The user's layers after the backbone as a model of their own, ported by the usual machinery. */
function portHead(parser: PythonParser, m: ModelSummary, end: number, b: BackboneSummary, text: string, req: PortRequest, portGraph: PortGraphFn): PortResult | string {
  const layers = m.layers.slice(end + 1).map((l) => ({ ...l, inputsFrom: l.inputsFrom?.map((i) => (i === null ? null : i === end ? -1 : i > end ? i - end - 1 : null)) }));
  if (layers.length === 0) return 'the model is its library backbone alone: port the library model itself';
  if (layers.some((l) => l.inputsFrom?.some((i) => i === null))) return 'not ported: the head reads a tensor from inside the backbone (a skip connection)';
  const from = m.output?.from;
  const head: ModelSummary = {
    ...m, name: 'Head', layers, backbones: undefined, inputShapes: [b.outputShape], inputSource: null,
    layerInputs: layers.map((l) => l.inputsFrom?.map((i) => i ?? -1) ?? [-1]),
    totalParams: m.totalParams === null ? null : m.totalParams - (blockParams(m, b.block) ?? 0),
    ...(m.output ? { output: { ...m.output, from: from === null || from === undefined ? null : from === end ? -1 : from - end - 1 } } : {}),
  };
  const index = new LineIndex(text);
  const graph = readModel(head, (offset) => index.lineOf(offset) + 1, (s, e) => text.slice(s, e));
  if (typeof graph === 'string') return graph;
  return portGraph(parser, graph, { ...req, model: undefined });
}

const COMMENT = (target: string, library: string, differs: string): string[] => [
  `# The backbone: ${library} ${target}, built without pretrained weights.`,
  "# Weights do not transfer between the libraries' versions of the family",
  `# (${differs}):`,
  `# load ${library}'s own pretrained ${target} if you need them.`,
];

/** The whole program: the ported head, the backbone, the model that chains them and the demo. */
function assemble(to: PortFramework, head: PortResult, b: BackboneSummary, expr: Expr | null, differs: string, target: string, demo: number[], cut: Cut | null, out: Dim[], source: PortFramework, stubReason: string | null): string {
  // The head's note on transposing the data belongs to the model's input, not to the head's.
  const headCode = withImport((head.code ?? '').split('\nif __name__ == "__main__":')[0].replace(/^"""[^\n]*"""\n/, '').replace(/\n *# The source reads channels[^\n]*\n *# transpose the data once[^\n]*/, '').trimEnd(), LIBRARY_IMPORT[to]);
  const docstring = `"""${b.block} (${LIBRARY[source]} ${b.library}) and its head, ported to ${LIBRARY[to]} by shapelint port."""`;
  const outDims = targetDims(out, source, to);
  // A feature map handed to a head that reads the other layout: one transpose between them.
  const relayout = relayoutTo(head, outDims);
  const [toLast, toFirst] = [relayout === 'cl', relayout === 'cf'];
  const comment = COMMENT(target, LIBRARY[to], differs);
  const stubMessage = `NOT PORTED: ${stubReason}; it must give ${shapeText(outDims)}`;
  if (to === 'torch') {
    const build = expr ? expr.build[0].replace(/^backbone = /, '') : 'BackboneStub()';
    const stub = expr ? [] : ['', '', 'class BackboneStub(nn.Module):', `    """${stubMessage}."""`, '', '    def forward(self, x):', `        raise NotImplementedError(${JSON.stringify(stubMessage)})`];
    return [docstring, headCode, ...stub, '', '',
      'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()',
      ...(expr ? comment.map((c) => `        ${c}`) : []), `        self.backbone = ${build}`, '        self.head = Head()', '',
      '    def forward(self, x):', '        x = self.backbone(x)',
      ...(toLast ? ['        # The backbone gives channels first; the head reads channels last.', '        x = x.permute(0, 2, 3, 1)'] : []),
      ...(toFirst ? ['        # The backbone gives channels last; the head reads channels first.', '        x = x.permute(0, 3, 1, 2)'] : []),
      '        return self.head(x)', '', '',
      'if __name__ == "__main__":', '    model = Net()', `    x = torch.randn(${demo.join(', ')})`, '    model.eval()', '    with torch.no_grad():', '        y = model(x)',
      '    print("output shape:", tuple(y.shape))', '    print("parameters:", sum(p.numel() for p in model.parameters()))', ''].join('\n');
  }
  if (to === 'keras') {
    const size = demo.slice(1);
    const build = expr ? [...comment, ...expr.build] : [`def backbone(x):  # ${stubMessage.split(';')[0]}`, `    raise NotImplementedError(${JSON.stringify(stubMessage)})`];
    return [docstring, headCode.replace('def build_model():', 'def build_head():'), '', '',
      'def build_model():', ...build.map((l) => `    ${l}`), `    inputs = keras.Input(shape=${pyTuple(size)})`, '    x = backbone(inputs)',
      ...(toFirst ? ['    # The backbone gives channels last; the head reads channels first.', '    x = layers.Permute((3, 1, 2))(x)'] : []),
      ...(toLast ? ['    # The backbone gives channels first; the head reads channels last.', '    x = layers.Permute((2, 3, 1))(x)'] : []),
      '    outputs = build_head()(x)', '    return keras.Model(inputs, outputs)', '', '',
      'if __name__ == "__main__":', '    model = build_model()', `    x = np.random.rand(${demo.join(', ')}).astype("float32")`, '    y = model(x)',
      '    print("output shape:", tuple(y.shape))', '    print("parameters:", model.count_params())', ''].join('\n');
  }
  const build = expr ? [...comment, ...expr.build] : ['backbone = BackboneStub()'];
  const stub = expr ? [] : ['', '', 'class BackboneStub(gluon.HybridBlock):', `    """${stubMessage}."""`, '', '    def hybrid_forward(self, F, x):', `        raise NotImplementedError(${JSON.stringify(stubMessage)})`];
  return [docstring, headCode, ...stub, '', '',
    'class Net(gluon.HybridBlock):', '    def __init__(self, **kwargs):', '        super(Net, self).__init__(**kwargs)', '        with self.name_scope():',
    ...build.map((l) => `            ${l.replace(/^backbone/, 'self.backbone')}`), '            self.head = Head()', '',
    '    def hybrid_forward(self, F, x):', '        x = self.backbone(x)',
    ...(toLast ? ['        # The backbone gives channels first; the head reads channels last.', '        x = F.transpose(x, axes=(0, 2, 3, 1))'] : []),
    ...(toFirst ? ['        # The backbone gives channels last; the head reads channels first.', '        x = F.transpose(x, axes=(0, 3, 1, 2))'] : []),
    '        return self.head(x)', '', '',
    'if __name__ == "__main__":', '    net = Net()', '    net.initialize()', `    x = nd.random.uniform(shape=${pyTuple(demo)})`, '    y = net(x)',
    '    print("output shape:", y.shape)', '    print("parameters:", sum(p.data().size for p in net.collect_params().values()))', ''].join('\n');
}

/**
 * The transpose between the backbone's output (`gives`, in the target's layout) and the input the
 * ported head reads (its graph's input in the layout the port keeps it): null when none is needed.
 */
function relayoutTo(head: PortResult, gives: Dim[]): Layout | null {
  const input = head.graph?.nodes[0]?.shape;
  if (!input || gives.length < 3) return null;
  const wants = head.layouts?.input === 'cf' ? toChannelsFirst(input) : input;
  if (sameAfterBatch(wants, gives)) return null;
  if (sameAfterBatch(wants, toChannelsLast(gives))) return 'cl';
  if (sameAfterBatch(wants, toChannelsFirst(gives))) return 'cf';
  return null;
}

const LIBRARY_IMPORT: Record<PortFramework, string> = { torch: 'from torchvision import models', keras: '', gluon: 'from mxnet.gluon.model_zoo import vision' };

/** The head's code with the library's import added after its own imports. */
function withImport(code: string, line: string): string {
  if (!line) return code;
  const lines = code.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '' && !/^(import|from) /.test(l));
  const imports = lines.slice(0, first < 0 ? lines.length : first).map((l, i) => (/^(import|from) /.test(l) ? i : -1));
  lines.splice(Math.max(...imports) + 1, 0, line);
  return lines.join('\n');
}

function sameAfterBatch(a: Dim[], b: Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => i === 0 || d === b[i]);
}

function fmt(n: number | null): string {
  return n === null ? '?' : n.toLocaleString('en-US');
}
