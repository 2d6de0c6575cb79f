/**
 * Coverage of the PyTorch catalogue against PyTorch's own public lists (test/oracle/torch-api.json,
 * written by torch_api.py from the installed torch). Writes the PyTorch part of docs/coverage.md;
 * `node out/test/oracle/torch-coverage.js` regenerates the file, torch-coverage.test.ts keeps it current.
 *
 * What counts: a module or function is *shape-changing* unless its output has its input's shape
 * for every valid input (*same-shape*: elementwise activations, dropout, normalisation, channel
 * shuffles), which the catalogue covers as a family that keeps the shape and checks what it can.
 * Containers and base classes are not layers; losses are where a model meets its target (a later
 * issue's sinks) and are listed apart; torch's dispatch helpers are not ops. Other frameworks may
 * add their own sections to the same document; this generator only rewrites its own.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_LAYERS } from '../../server/src/engine/layers/index';

export interface TorchApi {
  torch: string;
  modules: string[];
  functional: string[];
  tensorOps: { name: string; function: boolean; method: boolean }[];
}

export type Kind = 'shape-changing' | 'same-shape' | 'loss' | 'not a layer';

const NOT_LAYER_MODULES = new Set(['Module', 'Container', 'Sequential', 'ModuleList', 'ModuleDict', 'ParameterList', 'ParameterDict', 'DataParallel', 'RNNBase', 'RNNCellBase']);
const HELPER_FUNCTIONS = new Set(['assert_int_or_pair', 'boolean_dispatch', 'handle_torch_function', 'has_torch_function', 'has_torch_function_unary', 'has_torch_function_variadic']);

const SAME_SHAPE_MODULES = new Set([
  'AlphaDropout', 'BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'CELU', 'ChannelShuffle', 'CrossMapLRN2d', 'Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'ELU',
  'FeatureAlphaDropout', 'GELU', 'GroupNorm', 'Hardshrink', 'Hardsigmoid', 'Hardswish', 'Hardtanh', 'Identity', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d',
  'LayerNorm', 'LazyBatchNorm1d', 'LazyBatchNorm2d', 'LazyBatchNorm3d', 'LazyInstanceNorm1d', 'LazyInstanceNorm2d', 'LazyInstanceNorm3d', 'LeakyReLU', 'LocalResponseNorm',
  'LogSigmoid', 'LogSoftmax', 'Mish', 'PReLU', 'RMSNorm', 'RReLU', 'ReLU', 'ReLU6', 'SELU', 'SiLU', 'Sigmoid', 'Softmax', 'Softmax2d', 'Softmin', 'Softplus', 'Softshrink',
  'Softsign', 'SyncBatchNorm', 'Tanh', 'Tanhshrink', 'Threshold',
]);

const SAME_SHAPE_FUNCTIONS = new Set([
  'alpha_dropout', 'batch_norm', 'celu', 'celu_', 'channel_shuffle', 'dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'elu', 'elu_', 'feature_alpha_dropout', 'gelu',
  'group_norm', 'gumbel_softmax', 'hardshrink', 'hardsigmoid', 'hardswish', 'hardtanh', 'hardtanh_', 'instance_norm', 'layer_norm', 'leaky_relu', 'leaky_relu_',
  'local_response_norm', 'log_softmax', 'logsigmoid', 'mish', 'native_channel_shuffle', 'normalize', 'prelu', 'relu', 'relu6', 'relu_', 'rms_norm', 'rrelu', 'rrelu_',
  'selu', 'selu_', 'sigmoid', 'silu', 'softmax', 'softmin', 'softplus', 'softshrink', 'softsign', 'tanh', 'tanhshrink', 'threshold', 'threshold_',
]);

const LOSS_FUNCTION = /(_loss|^binary_cross_entropy(_with_logits)?|^cross_entropy|^kl_div|^linear_cross_entropy)$/;

export function moduleKind(name: string): Kind {
  if (NOT_LAYER_MODULES.has(name)) return 'not a layer';
  if (/Loss(2d)?$/.test(name)) return 'loss';
  return SAME_SHAPE_MODULES.has(name) ? 'same-shape' : 'shape-changing';
}

export function functionKind(name: string): Kind {
  if (HELPER_FUNCTIONS.has(name)) return 'not a layer';
  if (LOSS_FUNCTION.test(name)) return 'loss';
  return SAME_SHAPE_FUNCTIONS.has(name) ? 'same-shape' : 'shape-changing';
}

const catalogued = new Set(ALL_LAYERS.flatMap((d) => d.names));

interface Row {
  name: string;
  kind: Kind;
  covered: boolean;
}

export interface Coverage {
  modules: Row[];
  functional: Row[];
  tensorOps: Row[];
}

export function torchCoverage(api: TorchApi): Coverage {
  return {
    modules: api.modules.map((n) => ({ name: n, kind: moduleKind(n), covered: catalogued.has(`torch.nn.${n}`) })),
    functional: api.functional.map((n) => ({ name: n, kind: functionKind(n), covered: catalogued.has(`torch.nn.functional.${n}`) })),
    tensorOps: api.tensorOps.flatMap((o) => [
      ...(o.function ? [{ name: `torch.${o.name}`, kind: 'shape-changing' as Kind, covered: catalogued.has(`torch.${o.name}`) }] : []),
      ...(o.method ? [{ name: `Tensor.${o.name}`, kind: 'shape-changing' as Kind, covered: catalogued.has(`torch.Tensor.${o.name}`) }] : []),
    ]),
  };
}

function pct(covered: number, total: number): string {
  return total === 0 ? '–' : `${((100 * covered) / total).toFixed(1)}%`;
}

function tally(rows: Row[], kind: Kind): { covered: number; total: number } {
  const of = rows.filter((r) => r.kind === kind);
  return { covered: of.filter((r) => r.covered).length, total: of.length };
}

/** The shape-changing share of all three lists together: the headline number. */
export function shapeChangingPercent(c: Coverage): number {
  const rows = [...c.modules, ...c.functional, ...c.tensorOps].filter((r) => r.kind === 'shape-changing');
  return (100 * rows.filter((r) => r.covered).length) / rows.length;
}

export function coverageMarkdown(api: TorchApi): string {
  const c = torchCoverage(api);
  const lists: [string, Row[]][] = [['`torch.nn` modules', c.modules], ['`torch.nn.functional`', c.functional], ['tensor shape ops', c.tensorOps]];
  const lines = [
    BEGIN,
    '<!-- Generated by test/oracle/torch-coverage.ts from test/oracle/torch-api.json; do not edit by hand. -->',
    '',
    `## PyTorch ${api.torch}`,
    '',
    'Measured against the lists PyTorch itself exports (`test/oracle/torch_api.py` reads them from the',
    'installed torch): every `nn.Module` class in `torch.nn`, every public function of',
    '`torch.nn.functional`, and the torch functions and `Tensor` methods that reshape, split, join,',
    'reorder or contract tensors.',
    '',
    '- **shape-changing**: the output shape can differ from the input shape. Each is modelled with',
    '  its own shape rule and checks.',
    '- **same-shape**: the output always has the input\'s shape (elementwise activations, dropout,',
    '  normalisation, channel shuffles). Covered as a family that keeps the shape and checks what',
    '  it can (ranks, channel counts, normalized shapes).',
    '- **loss**: where the model meets its target; not layers of the model, listed apart.',
    '- Containers and base classes (`Module`, `Sequential`, `ModuleList`, ...) are handled by the',
    '  interpreter, not the catalogue; torch\'s dispatch helpers are not ops.',
    '',
    'A `torch.nn` module that is not catalogued never cuts a model: it becomes a layer with an',
    'unknown output and an unknown parameter count (so the model total is unknown, not wrong).',
    '',
    `**Shape-changing coverage: ${shapeChangingPercent(c).toFixed(1)}%** of the three lists together.`,
    '',
    '| list | shape-changing | same-shape | losses (not counted) |',
    '| --- | --- | --- | --- |',
  ];
  for (const [label, rows] of lists) {
    const sc = tally(rows, 'shape-changing'), ss = tally(rows, 'same-shape'), loss = tally(rows, 'loss');
    lines.push(`| ${label} | ${sc.covered}/${sc.total} (${pct(sc.covered, sc.total)}) | ${ss.covered}/${ss.total} (${pct(ss.covered, ss.total)}) | ${loss.covered}/${loss.total} |`);
  }
  lines.push('', '### Not covered', '');
  for (const [label, rows] of lists) {
    const missing = rows.filter((r) => !r.covered && (r.kind === 'shape-changing' || r.kind === 'same-shape'));
    lines.push(`- ${label}: ${missing.length ? missing.map((r) => `\`${r.name}\``).join(', ') : 'none'}`);
  }
  lines.push('', '### Every entry', '');
  for (const [label, rows] of lists) {
    lines.push(`<details><summary>${label} (${rows.length})</summary>`, '', '| name | kind | covered |', '| --- | --- | --- |');
    for (const r of rows) lines.push(`| \`${r.name}\` | ${r.kind} | ${r.covered ? 'yes' : 'no'} |`);
    lines.push('', '</details>', '');
  }
  lines.push(END);
  return lines.join('\n');
}

/** docs/coverage.md holds one generated section per framework, between its markers. */
const BEGIN = '<!-- torch-coverage:begin -->';
const END = '<!-- torch-coverage:end -->';

/** The PyTorch section of the document, or null when it has none. */
export function torchSection(doc: string): string | null {
  const i = doc.indexOf(BEGIN), j = doc.indexOf(END);
  return i < 0 || j < i ? null : doc.slice(i, j + END.length);
}

/** `doc` with its PyTorch section replaced (or appended). */
export function withTorchSection(doc: string, section: string): string {
  const old = torchSection(doc);
  if (old !== null) return doc.replace(old, section);
  return `${doc || '# Layer and op coverage\n'}\n${section}\n`;
}

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const API_JSON = path.join(REPO, 'test', 'oracle', 'torch-api.json');
export const COVERAGE_MD = path.join(REPO, 'docs', 'coverage.md');

export function readApi(): TorchApi {
  return JSON.parse(readFileSync(API_JSON, 'utf8')) as TorchApi;
}

if (require.main === module) {
  const doc = existsSync(COVERAGE_MD) ? readFileSync(COVERAGE_MD, 'utf8') : '';
  writeFileSync(COVERAGE_MD, withTorchSection(doc, coverageMarkdown(readApi())));
  process.stdout.write(`wrote ${path.relative(REPO, COVERAGE_MD)}\n`);
}
