/**
 * The torchvision oracle: the same stub files the engine analyses are run in real PyTorch next
 * to real torchvision 0.28 (test/oracle/torchvision_oracle.py). For every constructor in
 * docs/library-models.md the parameter counts of stub-in-torch, real torchvision and the engine
 * agree; for a set of models at two or three input sizes (including too-small inputs and a
 * wrong channel count) the output shapes agree, and where torchvision raises, the stub raises
 * the same message in real torch and the engine flags that message on the same stub line.
 * Skipped without the oracle venv (or without torchvision in it), except under CI.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { analyze, lineOf } from '../helpers/engine';
import { analyzeStub, stubProgram, stubText, TORCHVISION_STUBS, torchvisionRows, usage, type StubRow } from '../stubs/torchvision-table';
import { oraclePython, runOracleScript } from './torch-oracle-run';
import { runOracle } from './oracle-cache';

/** Input sizes (height = width, 3 channels unless `[c, s]`) run for these constructors. */
const FORWARD: Record<string, (number | [number, number])[]> = {
  'alexnet()': [224, 97, 32],
  'vgg11()': [224, 97, 16],
  'vgg11_bn()': [160, 16],
  'resnet18()': [224, 97, 8, [1, 224]],
  'resnet50()': [224, 129],
  'resnext50_32x4d()': [160],
  'wide_resnet50_2()': [97],
  'densenet121()': [224, 97, 16],
  'squeezenet1_0()': [224, 97, 16],
  'squeezenet1_1()': [224, 97, 8],
  'googlenet()': [224, 97, 16],
  'googlenet(aux_logits=False)': [224, 16],
  'inception_v3()': [299, 160, 40],
  'mobilenet_v2()': [224, 97, 8],
  'mobilenet_v3_large()': [224, 8],
  'mobilenet_v3_small()': [224, 97],
  'shufflenet_v2_x1_0()': [224, 97, 8],
  'mnasnet1_0()': [224, 8],
  'efficientnet_b0()': [224, 97, 8],
  'efficientnet_v2_s()': [224, 8],
  'regnet_y_400mf()': [224, 97, 8],
  'regnet_x_400mf()': [224, 8],
  'convnext_tiny()': [224, 97, 2],
  'swin_t()': [224, 97, 2],
  'swin_v2_t()': [256, 224, 16],
  'maxvit_t()': [224, 256, 448],
  'vit_b_32()': [224, 256, [1, 224]],
  'vit_b_16()': [224],
};

/**
 * Disagreements that are understood (case id → reason); keep this short. ViT's size check is a
 * `torch._assert` in the stub: until the engine reports raises reached inside stubs (built on
 * another branch), it flags the next error on that path instead, the position embedding's add.
 */
const KNOWN: Record<string, string> = {
  'vit_b_32() 3x256x256': 'torch._assert in a stub: needs the stub-raise mechanism',
};

interface Run {
  shape: number[] | null;
  /** The output was a tuple (Inception v3 / GoogLeNet in training mode). */
  tuple?: boolean;
  error: { type: string; message: string; line: number | null } | null;
}

interface OracleRecord {
  id: string;
  stub_params: number;
  real_params: number;
  stub_runs?: Run[];
  real_runs?: Run[];
}

interface OracleCase {
  id: string;
  file: string;
  call: string;
  real: string;
  inputs: [number, number, number][];
  /** Run after `model.eval()` (the default is training mode, as built). */
  eval?: boolean;
}

function inputsOf(row: StubRow): [number, number, number][] {
  return (FORWARD[row.call] ?? []).map((s) => (Array.isArray(s) ? [s[0], s[1], s[1]] : [3, s, s]));
}

/** The real builder: weights are not loadable offline, so the image size they fix is passed instead. */
function realCall(row: StubRow): string {
  return row.call.includes('weights=') ? `${row.name}(image_size=${row.size})` : row.call;
}

/** The import shim: torchvision's compiled ops need not match the venv's CPU torch build (model definitions are pure Python). */
const IMPORT_TORCHVISION = 'import torch.library; torch.library.register_fake = lambda *a, **k: (lambda f: f); import torchvision';
const python = oraclePython();
const hasTorchvision = !!python && runOracle(python, ['-c', IMPORT_TORCHVISION], { encoding: 'utf8' }).status === 0;
const missing = 'oracle venv with torchvision not found: run test/oracle/setup-venv.sh (or set ORACLE_PYTHON)';

function runTorchvisionOracle(cases: OracleCase[]): OracleRecord[] {
  // The script reads the stubs it builds from the folder named in the input: their texts count too.
  const reads = [...new Set(cases.map((c) => c.file))].map(stubText);
  return runOracleScript<OracleRecord>(python!, 'torchvision_oracle.py', 'torchvision', { stubs: TORCHVISION_STUBS, cases }, { timeoutMs: 1_500_000, maxBuffer: 64 * 1024 * 1024, reads });
}

const shapeText = (s: number[]) => `(${s.join(', ')})`;

describe('torchvision oracle', { skip: !hasTorchvision && !process.env.CI ? missing : false }, () => {
  it('has torchvision in its venv', () => assert.ok(hasTorchvision, missing));

  it('stubs agree with torchvision 0.28 on parameters, output shapes and errors', { timeout: 1_800_000 }, async () => {
    assert.ok(hasTorchvision, missing);
    const rows = torchvisionRows();
    const cases = rows.map((row) => ({ id: row.call, file: row.file, call: row.call, real: realCall(row), inputs: inputsOf(row) }));
    const results = runTorchvisionOracle(cases);
    const bad: string[] = [];
    let runs = 0;
    let raised = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const o = results[i];
      assert.equal(o.id, row.call);
      if (o.stub_params !== o.real_params) bad.push(`${row.call}: stub has ${o.stub_params} parameters in torch, torchvision ${o.real_params}`);
      for (const [k, input] of cases[i].inputs.entries()) {
        const id = `${row.call} ${input.join('x')}`;
        const real = o.real_runs![k];
        const stub = o.stub_runs![k];
        runs++;
        if (real.error) raised++;
        const reasons = await compareRun(row, input, real, stub);
        if (reasons.length && !KNOWN[id]) bad.push(`${id}: ${reasons.join('; ')}`);
      }
    }
    console.log(`torchvision oracle: ${rows.length} constructors, ${runs} runs (${raised} raise in torchvision), ${bad.length} disagreements`);
    assert.ok(raised >= 8, 'the sizes must include inputs torchvision rejects');
    assert.equal(bad.length, 0, bad.join('\n'));
  });
});

/** The models whose forward depends on train/eval mode, run both ways at sizes where it matters (75: Inception's auxiliary head fails). */
const MODE_CASES: { call: string; file: string; size: number }[] = [
  { call: 'inception_v3()', file: 'inception.py', size: 75 },
  { call: 'inception_v3()', file: 'inception.py', size: 299 },
  { call: 'googlenet()', file: 'googlenet.py', size: 224 },
];

describe('torchvision oracle: train/eval mode', { skip: !hasTorchvision && !process.env.CI ? missing : false }, () => {
  it('the engine follows model.eval() as torchvision does (output kind, auxiliary-head errors)', { timeout: 600_000 }, async () => {
    assert.ok(hasTorchvision, missing);
    const cases = MODE_CASES.flatMap((m) => [false, true].map((ev) => ({ id: `${m.call} ${m.size} ${ev ? 'eval' : 'train'}`, file: m.file, call: m.call, real: m.call, inputs: [[3, m.size, m.size]] as [number, number, number][], eval: ev })));
    const results = runTorchvisionOracle(cases);
    const bad: string[] = [];
    for (const [i, c] of cases.entries()) {
      const real = results[i].real_runs![0];
      const stub = results[i].stub_runs![0];
      if (!!real.error !== !!stub.error || real.tuple !== stub.tuple) bad.push(`${c.id}: the stub in torch differs from torchvision`);
      const snippet = `model = ${c.call}\n${c.eval ? 'model.eval()\n' : ''}y = model(torch.randn(2, 3, ${c.inputs[0][1]}, ${c.inputs[0][2]}))\n`;
      const { text } = stubProgram(c.file, snippet);
      const a = await analyze(text, { stubCodeEnd: text.length - snippet.length });
      const flagged = a.diagnostics.map((d) => d.message);
      const y = a.tensors.filter((t) => t.name === 'y' && t.range.start >= text.length - snippet.length).at(-1);
      if (real.error && !flagged.some((m) => m.includes(real.error!.message))) bad.push(`${c.id}: torchvision raises "${real.error.message}", the engine flags ${JSON.stringify(flagged)}`);
      if (!real.error && flagged.length) bad.push(`${c.id}: torchvision runs, the engine flags ${JSON.stringify(flagged)}`);
      // A tensor result is a tensor fact for y with torchvision's shape; a tuple is none.
      if (!real.error && !real.tuple && (!y || formatShape(y.shape) !== shapeText(real.shape!))) bad.push(`${c.id}: torchvision returns a tensor ${shapeText(real.shape!)}, the engine ${y ? formatShape(y.shape) : 'no tensor'}`);
      if (!real.error && real.tuple && y) bad.push(`${c.id}: torchvision returns a tuple, the engine a tensor ${formatShape(y.shape)}`);
    }
    console.log(`torchvision oracle, train/eval: ${cases.length} runs, ${bad.length} disagreements`);
    assert.equal(bad.length, 0, bad.join('\n'));
  });
});

async function compareRun(row: StubRow, input: [number, number, number], real: Run, stub: Run): Promise<string[]> {
  const reasons: string[] = [];
  // The stub in real torch behaves as torchvision does.
  if (!!real.error !== !!stub.error) reasons.push(`torchvision ${real.error ? `raises "${real.error.message}"` : 'runs'}, the stub in torch ${stub.error ? `raises "${stub.error.message}"` : 'runs'}`);
  else if (real.error && stub.error && real.error.message !== stub.error.message) reasons.push(`torchvision raises "${real.error.message}", the stub "${stub.error.message}"`);
  else if (real.shape && stub.shape && shapeText(real.shape) !== shapeText(stub.shape)) reasons.push(`torchvision gives ${shapeText(real.shape)}, the stub ${shapeText(stub.shape)}`);
  return [...reasons, ...(await compareEngine(row, input, real, stub))];
}

/** The engine on stub + snippet: silent with torchvision's output shape, or torchvision's error on the stub line that raised in torch. */
async function compareEngine(row: StubRow, [c, h, w]: [number, number, number], real: Run, stub: Run): Promise<string[]> {
  const snippet = usage(row.call, h, w, c);
  const { text } = stubProgram(row.file, snippet);
  const a = await analyzeStub(row.file, snippet);
  if (a.result.internalError) return [`internal error: ${a.result.internalError.split('\n')[0]}`];
  const diags = a.result.diagnostics.map((d) => ({ line: lineOf(text, d.range.start), message: d.message }));
  const listed = diags.map((d) => `line ${d.line}: ${d.message}`).join(' | ') || 'none';
  if (!real.error) {
    if (diags.length) return [`torchvision runs, the engine flags ${listed}`];
    if (real.shape && a.output !== shapeText(real.shape)) return [`torchvision gives ${shapeText(real.shape)}, the engine ${a.output}`];
    return [];
  }
  const hit = diags.find((d) => d.message.includes(real.error!.message) && d.line === stub.error?.line);
  return hit ? [] : [`torchvision raises "${real.error.message}" (stub line ${stub.error?.line}), the engine flags ${listed}`];
}
