/**
 * The correct-code corpus (`test/fixtures/engine/corpus/`): real-world-style models that work.
 * shapelint must report nothing on them, and its inline `# shape:`/`# params:` expectations
 * must hold. Every PyTorch and Keras file is also run under the real framework (one Python
 * process, `test/engine/corpus_oracle.py`): it must run without exception, every layer output
 * shape shapelint knows must be one the framework produced for the layer built on that line,
 * every model parameter total must equal the framework's, and every `# shape:` comment must be
 * a shape the framework produced on that line (where the framework saw a layer there).
 * Gluon/symbol files are checked against their hand-computed expectations only; files for Keras 1
 * or 2 only (ORACLE_SKIP) by shapelint alone. tf.keras files run under the venv's TensorFlow
 * (Keras 3), and Keras dataset downloads are replaced by small arrays of the documented shapes.
 *
 * Interpreter: `.oracle-venv/bin/python` (test/oracle/setup-venv.sh) or $SHAPELINT_ORACLE_PYTHON.
 * Without one the oracle part fails under CI and is skipped elsewhere.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { formatShape, type Dim, type EngineResult, type Shape } from '../../server/src/engine/index';
import { analyze, lineOf } from '../helpers/engine';
import { parseExpectations } from '../helpers/expectations';
import { FIXTURES, REPO_ROOT } from '../helpers/paths';
import { runOracle as runCached } from '../oracle/oracle-cache';

/**
 * Corpus files shapelint currently gets wrong (file → one-line reason). The test asserts they
 * still fail: when an engine fix makes one pass, remove it from this list.
 */
const KNOWN_FAILURES: Record<string, string> = {};

/** Files the oracle cannot run (file → reason); shapelint is still checked on them. */
const ORACLE_SKIP: Record<string, string> = {
  'torch_unknown_libraries.py': 'torchvision is not installed in the oracle venv',
  'keras1_mnist_cnn.py': 'Keras 1 only (Convolution2D(n, 3, 3), border_mode, nb_epoch); the venv has Keras 3',
  'keras1_imdb_lstm.py': 'Keras 1 only (dropout_W/dropout_U, nb_words, nb_epoch); the venv has Keras 3',
  'keras1_functional_merge.py': 'Keras 1 only (merge(mode=...), Model(input=, output=), dim_ordering); the venv has Keras 3',
  'keras2_cifar10_legacy_paths.py': 'Keras 2.0-2.3 only (keras.layers.convolutional, rmsprop(lr=), fit_generator); the venv has Keras 3',
  'keras2_vgg_like.py': 'Keras 2 only (SGD(lr=..., decay=...)); the venv has Keras 3',
};

const CORPUS = path.join(FIXTURES, 'engine', 'corpus');
const files = readdirSync(CORPUS).filter((f) => f.endsWith('.py')).sort();

function frameworkOf(text: string): 'torch' | 'keras' | 'mxnet' {
  if (/^\s*import torch\b/m.test(text)) return 'torch';
  if (/^\s*(import|from) (tensorflow\.)?keras\b|^\s*from tensorflow import keras\b/m.test(text)) return 'keras';
  return 'mxnet';
}

function oraclePython(): string | null {
  const venv = path.join(REPO_ROOT, '.oracle-venv', 'bin', 'python');
  if (existsSync(venv)) return venv;
  const env = process.env.SHAPELINT_ORACLE_PYTHON;
  return env && existsSync(env) ? env : null;
}

interface OracleCall {
  type: string;
  line: number | null;
  callLine: number | null;
  shape: (number | null)[] | null;
}
interface OracleObject {
  type: string;
  line: number | null;
  classLine: number | null;
  params: number | null;
}
interface OracleFile {
  file: string;
  error: string | null;
  calls: OracleCall[];
  objects: OracleObject[];
}

function runOracle(python: string, paths: string[]): Map<string, OracleFile> {
  const script = path.join(REPO_ROOT, 'test', 'engine', 'corpus_oracle.py');
  const r = runCached(python, [script, ...paths], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  if (r.status !== 0) throw new Error(`corpus oracle failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const out = JSON.parse(r.stdout) as { results: OracleFile[] };
  return new Map(out.results.map((o) => [path.basename(o.file), o]));
}

/** A shapelint dim agrees with a framework dim when it is that number, or unknown/symbolic. */
function dimAgrees(mine: Dim, theirs: number | null): boolean {
  return typeof mine === 'number' ? mine === theirs : true;
}

function shapeAgrees(mine: Shape, theirs: (number | null)[]): boolean {
  if (mine.open) {
    if (mine.dims.length > theirs.length) return false;
    const tail = theirs.slice(theirs.length - mine.dims.length);
    return mine.dims.every((d, i) => dimAgrees(d, tail[i]));
  }
  return mine.dims.length === theirs.length && mine.dims.every((d, i) => dimAgrees(d, theirs[i]));
}

function formatOracle(s: (number | null)[]): string {
  const parts = s.map((d) => (d === null ? 'N' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** Problems with shapelint's result on its own: diagnostics and inline expectations. */
function checkShapelint(text: string, result: EngineResult): string[] {
  const problems: string[] = [];
  if (result.internalError) problems.push(`internal error: ${result.internalError.split('\n')[0]}`);
  for (const d of result.diagnostics) problems.push(`diagnostic on line ${lineOf(text, d.range.start)}: [${d.rule}] ${d.message}`);
  const exp = parseExpectations(text);
  const apps = result.models.flatMap((m) => m.layers);
  for (const s of exp.shapes) {
    const got = [
      ...apps.filter((a) => lineOf(text, a.appliedAt.start) === s.line).map((a) => formatShape(a.outputShape)),
      ...result.tensors.filter((t) => lineOf(text, t.range.start) === s.line).map((t) => formatShape(t.shape)),
    ];
    if (!got.includes(s.shape)) problems.push(`line ${s.line}: expected shape ${s.shape}, shapelint has ${JSON.stringify(got)}`);
  }
  for (const p of exp.params) {
    const model = result.models.find((m) => lineOf(text, m.range.start) === p.line);
    if (!model) problems.push(`line ${p.line}: no model (expected ${p.count} params)`);
    else if (model.totalParams !== p.count) problems.push(`line ${p.line}: ${model.name} has ${model.totalParams} params, expected ${p.count}`);
  }
  return problems;
}

interface Agreement {
  problems: string[];
  shapesCompared: number;
  shapesAgreed: number;
  paramsCompared: number;
  paramsAgreed: number;
  expectationsValidated: number;
}

/** Compares shapelint with what the framework did on the same file. */
function checkOracle(text: string, result: EngineResult, o: OracleFile): Agreement {
  const a: Agreement = { problems: [], shapesCompared: 0, shapesAgreed: 0, paramsCompared: 0, paramsAgreed: 0, expectationsValidated: 0 };
  if (o.error) a.problems.push(`the framework raised ${o.error}`);
  for (const model of result.models) {
    for (const layer of model.layers) {
      if (!layer.outputShape) continue;
      const line = lineOf(text, layer.definedAt.start);
      const onLine = o.calls.filter((c) => c.line === line && c.shape);
      const sameType = onLine.filter((c) => c.type === layer.type);
      const candidates = sameType.length ? sameType : onLine;
      if (!candidates.length) continue;
      a.shapesCompared++;
      if (candidates.some((c) => shapeAgrees(layer.outputShape!, c.shape!))) a.shapesAgreed++;
      else
        a.problems.push(
          `${layer.type} built on line ${line} (applied on line ${lineOf(text, layer.appliedAt.start)}): shapelint ${formatShape(layer.outputShape)}, framework ${[...new Set(candidates.map((c) => formatOracle(c.shape!)))].join(' | ')}`,
        );
    }
    if (model.totalParams === null) continue;
    const line = lineOf(text, model.range.start);
    const candidates = o.objects.filter((x) => (x.line === line || x.classLine === line) && x.params !== null);
    if (!candidates.length) continue;
    a.paramsCompared++;
    if (candidates.some((x) => x.params === model.totalParams)) a.paramsAgreed++;
    else a.problems.push(`${model.name} (line ${line}): shapelint ${model.totalParams} params, framework ${[...new Set(candidates.map((x) => x.params))].join(' | ')}`);
  }
  // The corpus' own `# shape:`/`# params:` comments must be what the framework does.
  const exp = parseExpectations(text);
  for (const s of exp.shapes) {
    const seen = o.calls.filter((c) => (c.callLine === s.line || c.line === s.line) && c.shape).map((c) => formatOracle(c.shape!));
    if (!seen.length) continue;
    a.expectationsValidated++;
    if (!seen.includes(s.shape)) a.problems.push(`line ${s.line}: the comment says ${s.shape}, the framework produced ${[...new Set(seen)].join(' | ')}`);
  }
  for (const p of exp.params) {
    const counts = o.objects.filter((x) => (x.line === p.line || x.classLine === p.line) && x.params !== null).map((x) => x.params);
    if (!counts.length) continue;
    a.expectationsValidated++;
    if (!counts.includes(p.count)) a.problems.push(`line ${p.line}: the comment says ${p.count} params, the framework counts ${[...new Set(counts)].join(' | ')}`);
  }
  return a;
}

describe('correct-code corpus', () => {
  const results = new Map<string, { text: string; result: EngineResult }>();
  before(async () => {
    for (const f of files) {
      const text = readFileSync(path.join(CORPUS, f), 'utf8');
      // A file's `# options:` line pins what the code cannot show (its Keras version).
      results.set(f, { text, result: await analyze(text, parseExpectations(text).options) });
    }
  });

  it('covers all three frameworks', () => {
    const kinds = files.map((f) => frameworkOf(readFileSync(path.join(CORPUS, f), 'utf8')));
    for (const k of ['torch', 'keras', 'mxnet'] as const) assert.ok(kinds.filter((x) => x === k).length >= 3, `too few ${k} files`);
    for (const f of [...Object.keys(KNOWN_FAILURES), ...Object.keys(ORACLE_SKIP)]) assert.ok(files.includes(f), `listed file ${f} is not in the corpus`);
  });

  const python = oraclePython();
  const missing = 'oracle interpreter not found: run test/oracle/setup-venv.sh (creates .oracle-venv/) or set SHAPELINT_ORACLE_PYTHON';
  let oracle: Map<string, OracleFile> | null = null;
  const oracleFiles = files.filter((f) => !ORACLE_SKIP[f] && frameworkOf(readFileSync(path.join(CORPUS, f), 'utf8')) !== 'mxnet');

  it('has an oracle interpreter', { skip: !python && !process.env.CI ? missing : false }, () => {
    assert.ok(python, missing);
  });

  const totals = { shapesCompared: 0, shapesAgreed: 0, paramsCompared: 0, paramsAgreed: 0, expectationsValidated: 0 };
  function oracleFor(f: string): OracleFile {
    if (!oracle) oracle = runOracle(python!, oracleFiles.map((x) => path.join(CORPUS, x)));
    const o = oracle.get(f);
    assert.ok(o, `no oracle result for ${f}`);
    return o;
  }

  for (const f of files) {
    const useOracle = oracleFiles.includes(f);
    const skip = useOracle && !python && !process.env.CI ? missing : false;
    it(f, { skip, timeout: 300_000 }, () => {
      const { text, result } = results.get(f)!;
      const problems = checkShapelint(text, result);
      if (useOracle) {
        assert.ok(python, missing);
        const a = checkOracle(text, result, oracleFor(f));
        problems.push(...a.problems);
        for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += a[k];
      }
      if (KNOWN_FAILURES[f]) {
        assert.ok(problems.length > 0, `${f} is listed in KNOWN_FAILURES (${KNOWN_FAILURES[f]}) but now passes: remove it from the list`);
        return;
      }
      assert.deepEqual(problems, [], `${f}:\n  ${problems.join('\n  ')}`);
    });
  }

  it('reports oracle agreement', { skip: !python ? missing : false }, () => {
    const known = Object.keys(KNOWN_FAILURES).length;
    console.log(
      `corpus: ${files.length} files (${oracleFiles.length} run under the framework, ${known} known failures); ` +
        `layer shapes ${totals.shapesAgreed}/${totals.shapesCompared} agree, model params ${totals.paramsAgreed}/${totals.paramsCompared} agree, ` +
        `${totals.expectationsValidated} inline expectations confirmed by the framework`,
    );
  });
});
