/**
 * Coverage of the MXNet catalogue against MXNet 1.9.1's public lists (test/oracle/mxnet-api.json).
 * MXNet cannot be installed here, so the list was transcribed from MXNet's source (the files are
 * named in the JSON): the Gluon blocks of `gluon.nn`, `gluon.rnn` and `gluon.contrib.{nn,rnn,cnn}`,
 * and the operators every `mx.nd`/`mx.sym` module exposes at its top level. Writes the MXNet part
 * of docs/coverage.md (`node out/test/oracle/mxnet-coverage.js`); mxnet-coverage.test.ts keeps it
 * current. An operator counts as covered when both `mx.nd.X` and `mx.sym.X` are catalogued.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_LAYERS } from '../../server/src/engine/layers/index';

export interface MxnetApi {
  mxnet: string;
  sources: Record<string, string[]>;
  gluon: Record<string, string[]>;
  ops: string[];
}

export type Kind = 'shape-changing' | 'same-shape' | 'loss' | 'not a layer';

/** Base classes, containers and cell combinators: the interpreter's business, not the catalogue's. */
const NOT_LAYER_BLOCKS = new Set([
  'Block', 'HybridBlock', 'SymbolBlock', 'Sequential', 'HybridSequential', 'Concatenate', 'HybridConcatenate', 'Concurrent', 'HybridConcurrent',
  'RecurrentCell', 'HybridRecurrentCell', 'ModifierCell', 'SequentialRNNCell', 'HybridSequentialRNNCell', 'BidirectionalCell', 'Lambda', 'HybridLambda',
]);

const SAME_SHAPE_BLOCKS = new Set([
  'Dropout', 'BatchNorm', 'BatchNormReLU', 'InstanceNorm', 'LayerNorm', 'GroupNorm', 'Identity', 'Activation', 'LeakyReLU', 'PReLU', 'ELU', 'SELU', 'Swish', 'GELU',
  'SyncBatchNorm',
]);

/** Operators that are not model layers: user-defined ops and mixed-precision/storage plumbing. */
const NOT_LAYER_OPS = new Set(['Custom', 'amp_cast', 'amp_multicast', 'cast_storage']);
const LOSS_OPS = new Set(['CTCLoss', 'ctc_loss', 'softmax_cross_entropy']);
const SAME_SHAPE_OPS = new Set([
  'Activation', 'BatchNorm', 'BatchNorm_v1', 'Dropout', 'LayerNorm', 'GroupNorm', 'InstanceNorm', 'LRN', 'softmax', 'log_softmax', 'softmin', 'SoftmaxActivation',
  'LeakyReLU', 'SoftmaxOutput', 'Softmax', 'LinearRegressionOutput', 'LogisticRegressionOutput', 'MAERegressionOutput', 'SVMOutput', 'MakeLoss', 'make_loss',
  'IdentityAttachKLSparseReg', 'L2Normalization', 'SequenceMask', 'SequenceReverse', 'clip', 'reverse', 'flip', 'Cast', 'cast', 'sort', 'argsort',
  'elemwise_add', 'elemwise_sub', 'elemwise_mul', 'elemwise_div', 'add_n', 'ElementWiseSum', 'where', 'zeros_like', 'ones_like', 'identity', 'BlockGrad',
  'stop_gradient', 'shuffle', 'smooth_l1', 'abs', 'sign', 'round', 'rint', 'ceil', 'floor', 'trunc', 'fix', 'square', 'sqrt', 'rsqrt', 'cbrt', 'rcbrt', 'exp',
  'log', 'log10', 'log2', 'log1p', 'expm1', 'reciprocal', 'negative', 'relu', 'sigmoid', 'hard_sigmoid', 'softsign', 'tanh', 'sin', 'cos', 'tan', 'arcsin',
  'arccos', 'arctan', 'sinh', 'cosh', 'arcsinh', 'arccosh', 'arctanh', 'degrees', 'radians', 'gamma', 'gammaln', 'erf', 'erfinv', 'logical_not',
]);

export function blockKind(name: string): Kind {
  if (NOT_LAYER_BLOCKS.has(name)) return 'not a layer';
  return SAME_SHAPE_BLOCKS.has(name) || name === 'DropoutCell' ? 'same-shape' : 'shape-changing';
}

export function opKind(name: string): Kind {
  if (NOT_LAYER_OPS.has(name)) return 'not a layer';
  if (LOSS_OPS.has(name)) return 'loss';
  return SAME_SHAPE_OPS.has(name) ? 'same-shape' : 'shape-changing';
}

const catalogued = new Set(ALL_LAYERS.flatMap((d) => d.names));

export interface Row {
  name: string;
  kind: Kind;
  covered: boolean;
}

export interface MxnetCoverage {
  /** One list per Gluon module (`nn`, `rnn`, `contrib.nn`, ...), then the operators. */
  lists: { label: string; rows: Row[] }[];
}

export function mxnetCoverage(api: MxnetApi): MxnetCoverage {
  const lists = Object.entries(api.gluon).map(([mod, names]) => ({
    label: `\`gluon.${mod}\``,
    rows: names.map((n) => ({ name: n, kind: blockKind(n), covered: catalogued.has(`mxnet.gluon.${mod}.${n}`) })),
  }));
  const ops = api.ops.map((n) => ({ name: n, kind: opKind(n), covered: catalogued.has(`mxnet.ndarray.${n}`) && catalogued.has(`mxnet.symbol.${n}`) }));
  return { lists: [...lists, { label: '`mx.nd` / `mx.sym` operators', rows: ops }] };
}

function share(rows: Row[], kind: Kind): { covered: number; total: number } {
  const of = rows.filter((r) => r.kind === kind);
  return { covered: of.filter((r) => r.covered).length, total: of.length };
}

function percentText({ covered, total }: { covered: number; total: number }): string {
  return `${covered}/${total} (${total ? `${((100 * covered) / total).toFixed(1)}%` : '–'})`;
}

/** The shape-changing share of all lists together: the headline number. */
export function mxnetShapeChangingPercent(c: MxnetCoverage): number {
  const s = share(c.lists.flatMap((l) => l.rows), 'shape-changing');
  return (100 * s.covered) / s.total;
}

export const BEGIN = '<!-- mxnet-coverage:begin -->';
export const END = '<!-- mxnet-coverage:end -->';

export function mxnetCoverageMarkdown(api: MxnetApi): string {
  const c = mxnetCoverage(api);
  const sourceLines = Object.entries(api.sources).map(([k, files]) => `  - ${k}: ${files.map((f) => `\`${f}\``).join(', ')}`);
  const lines = [
    BEGIN,
    '<!-- Generated by test/oracle/mxnet-coverage.ts from test/oracle/mxnet-api.json; do not edit by hand. -->',
    '',
    `## MXNet ${api.mxnet} (Gluon and the symbol/NDArray operators)`,
    '',
    'MXNet cannot be installed in this project\'s oracle environment, so the list it is measured against',
    `(\`test/oracle/mxnet-api.json\`) was transcribed from MXNet ${api.mxnet}'s source:`,
    '',
    ...sourceLines,
    '',
    'It holds every Gluon block class of those modules and the operators `mx.nd` and `mx.sym` expose at',
    'their top level (the `contrib`, `linalg`, `random`, `image` and `sparse` submodules and the',
    'optimizer update ops are not listed). An operator is covered when both `mx.nd.X` and `mx.sym.X`',
    'are catalogued. Kinds are as in the PyTorch section; containers, base classes and cell',
    'combinators are handled by the interpreter (`mx.rnn` cells and their `unroll` too), and `Custom`',
    'and the mixed-precision/storage ops are not layers.',
    '',
    'An operator or block that is not catalogued never cuts a model: it becomes an op or layer with',
    'an unknown output and an unknown parameter count (so the model total is unknown, not wrong).',
    '',
    `**Shape-changing coverage: ${mxnetShapeChangingPercent(c).toFixed(1)}%** of all lists together.`,
    '',
    '| list | shape-changing | same-shape | losses (not counted) |',
    '| --- | --- | --- | --- |',
    ...c.lists.map((l) => `| ${l.label} | ${percentText(share(l.rows, 'shape-changing'))} | ${percentText(share(l.rows, 'same-shape'))} | ${share(l.rows, 'loss').covered}/${share(l.rows, 'loss').total} |`),
    '',
    '### Not covered',
    '',
    ...c.lists.map((l) => {
      const missing = l.rows.filter((r) => !r.covered && (r.kind === 'shape-changing' || r.kind === 'same-shape'));
      return `- ${l.label}: ${missing.length ? missing.map((r) => `\`${r.name}\``).join(', ') : 'none'}`;
    }),
    '',
    '### Every entry',
    '',
  ];
  for (const l of c.lists) {
    lines.push(`<details><summary>${l.label} (${l.rows.length})</summary>`, '', '| name | kind | covered |', '| --- | --- | --- |');
    lines.push(...l.rows.map((r) => `| \`${r.name}\` | ${r.kind} | ${r.covered ? 'yes' : 'no'} |`), '', '</details>', '');
  }
  lines.push(END);
  return lines.join('\n');
}

/** The MXNet section of the document, or null when it has none. */
export function mxnetSection(doc: string): string | null {
  const i = doc.indexOf(BEGIN), j = doc.indexOf(END);
  return i < 0 || j < i ? null : doc.slice(i, j + END.length);
}

const REPO = path.resolve(__dirname, '..', '..', '..');
export const MXNET_API_JSON = path.join(REPO, 'test', 'oracle', 'mxnet-api.json');
export const COVERAGE_DOC = path.join(REPO, 'docs', 'coverage.md');

export function readMxnetApi(): MxnetApi {
  return JSON.parse(readFileSync(MXNET_API_JSON, 'utf8')) as MxnetApi;
}

if (require.main === module) {
  const doc = existsSync(COVERAGE_DOC) ? readFileSync(COVERAGE_DOC, 'utf8') : '# Layer and op coverage\n';
  const section = mxnetCoverageMarkdown(readMxnetApi());
  const old = mxnetSection(doc);
  writeFileSync(COVERAGE_DOC, old !== null ? doc.replace(old, section) : `${doc.trimEnd()}\n\n${section}\n`);
  process.stdout.write(`wrote ${path.relative(REPO, COVERAGE_DOC)}\n`);
}
