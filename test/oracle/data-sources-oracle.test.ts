/**
 * The data-sources oracle: seeded random data pipelines (torchvision transforms v1 and v2 on
 * FakeData and on a folder of images, DataLoader batch sizes and drop_last, TensorDataset,
 * tf.data from_tensor_slices / map with tf.image.resize / batch, to_categorical,
 * pad_sequences, image_dataset_from_directory) run under the real libraries in the oracle venv.
 * Every dim shapelint knows must equal the real one in every batch (the batch symbol N matches
 * any size) and every dtype it knows must equal the real dtype; a pipeline that raises in the
 * library (a crop larger than the image, PIL images reaching the default collate) is flagged by
 * shapelint in the library's words or not at all, and working pipelines get no error. Nothing is downloaded.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';
import type { Dim } from '../../server/src/engine/types';
import { REPO_ROOT } from '../helpers/paths';
import { oraclePython } from './torch-oracle-run';
import { runOracle } from './oracle-cache';

interface Case {
  id: string;
  /** Analysed by shapelint and run by Python. */
  source: string;
  /** Appended for Python only: turns a probe into the list of every batch. */
  pythonTail: string;
  probes: string[];
}

/** Mulberry32: a small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TORCH_HEAD = 'import torch\nfrom torch.utils.data import DataLoader, TensorDataset\nfrom torchvision import datasets, transforms\nfrom torchvision.transforms import v2\n';
const TF_HEAD = 'import numpy as np\nimport tensorflow as tf\nimport keras\n';

function torchCase(r: () => number, i: number): Case {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const ns = pick(['transforms', 'v2']);
  const folder = r() < 0.2;
  const [c, h, w] = [pick([1, 3]), int(16, 48), int(16, 48)];
  const steps: string[] = [];
  for (let k = int(0, 3); k > 0; k--) {
    steps.push(
      pick([
        `${ns}.Resize(${int(8, 40)})`,
        `${ns}.Resize((${int(8, 40)}, ${int(8, 40)}))`,
        `${ns}.CenterCrop(${int(8, 40)})`,
        `${ns}.CenterCrop((${int(8, 40)}, ${int(8, 40)}))`,
        `${ns}.RandomCrop(${int(4, 16)})`,
        `${ns}.RandomCrop(${int(12, 52)}, padding=${int(1, 4)})`,
        `${ns}.RandomCrop((${int(12, 52)}, ${int(12, 52)}), pad_if_needed=${pick(['True', 'False'])})`,
        `${ns}.RandomResizedCrop(${int(8, 32)})`,
        `${ns}.Pad(${int(0, 4)})`,
        `${ns}.Pad((${int(0, 3)}, ${int(0, 3)}))`,
        `${ns}.Pad((${int(0, 3)}, ${int(0, 3)}, ${int(0, 3)}, ${int(0, 3)}))`,
        `${ns}.Grayscale(${pick([1, 3])})`,
        `${ns}.RandomHorizontalFlip()`,
        `${ns}.ColorJitter(0.2, 0.2)`,
      ]),
    );
  }
  const toTensor = ns === 'v2' ? pick(['v2.ToImage(), v2.ToDtype(torch.float32, scale=True)', 'v2.PILToTensor()', 'v2.ToImage()']) : pick(['transforms.ToTensor()', 'transforms.PILToTensor()']);
  // One pipeline in eight forgets the conversion: the DataLoader's default collate gets PIL images.
  const forgets = r() < 0.125;
  if (!forgets) steps.push(toTensor);
  if (!forgets && (toTensor.includes('float32') || toTensor.includes('ToTensor()'))) steps.push(`${ns}.Normalize([0.5] * ${c === 1 && !steps.some((s) => s.includes('Grayscale(3)')) ? 1 : 3}, [0.5])`);
  const size = int(3, 20);
  const bs = int(1, 6);
  const dropLast = pick(['', ', drop_last=True', ', drop_last=False']);
  const dataset = folder
    ? `datasets.ImageFolder(IMAGE_DIR, transform=${ns}.Compose([${steps.join(', ')}]))`
    : `datasets.FakeData(size=${size}, image_size=(${c}, ${h}, ${w}), num_classes=4, transform=${ns}.Compose([${steps.join(', ')}]))`;
  const source = `${TORCH_HEAD}ds = ${dataset}\nsample, label = ds[0]\nloader = DataLoader(ds, batch_size=${bs}${dropLast})\nfor xb, yb in loader:\n    px = xb\n    py = yb\n`;
  return { id: `torch-${i}`, source, pythonTail: 'px = [b[0] for b in loader]\npy = [b[1] for b in loader]\n', probes: ['sample', 'px', 'py'] };
}

function tensorDatasetCase(r: () => number, i: number): Case {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const [n, f, bs] = [int(2, 30), int(1, 9), int(1, 8)];
  const drop = r() < 0.3 ? ', drop_last=True' : '';
  const source = `${TORCH_HEAD}ds = TensorDataset(torch.randn(${n}, ${f}), torch.zeros(${n}, dtype=torch.long))\na, b = ds[0]\nloader = DataLoader(ds, batch_size=${bs}, shuffle=True${drop})\nfor xb, yb in loader:\n    px = xb\n`;
  return { id: `tensords-${i}`, source, pythonTail: 'px = [b[0] for b in loader]\n', probes: ['a', 'px'] };
}

function tfCase(r: () => number, i: number): Case {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const [n, h, w, c, bs] = [int(2, 20), int(4, 20), int(4, 20), pick([1, 3]), int(1, 6)];
  const resize = r() < 0.6 ? `    image = tf.image.resize(image, (${int(2, 24)}, ${int(2, 24)}))\n` : '';
  const drop = pick(['', ', drop_remainder=True']);
  const source =
    `${TF_HEAD}x = np.zeros((${n}, ${h}, ${w}, ${c}), dtype='uint8')\ny = np.zeros((${n},), dtype='int64')\n` +
    `def prep(image, label):\n${resize}    return tf.cast(image, tf.float32), label\n` +
    `ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(8).map(prep).batch(${bs}${drop}).prefetch(1)\nfor xb, yb in ds:\n    px = xb\n    py = yb\n` +
    `oh = keras.utils.to_categorical(${pick(['y', 'y.reshape(-1, 1)'])}, ${int(2, 12)})\n` +
    `seqs = keras.utils.pad_sequences([[1, 2, 3], [4]] * ${int(1, 5)}, maxlen=${int(1, 9)})\n`;
  return { id: `tf-${i}`, source, pythonTail: 'px = [b[0] for b in ds]\npy = [b[1] for b in ds]\n', probes: ['px', 'py', 'oh', 'seqs'] };
}

function directoryCase(r: () => number, i: number): Case {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const mode = pick(["'int'", "'categorical'", "'binary'"]);
  const color = pick(["'rgb'", "'grayscale'", "'rgba'"]);
  const source =
    `${TF_HEAD}ds = keras.utils.image_dataset_from_directory(IMAGE_DIR, label_mode=${mode}, color_mode=${color}, image_size=(${int(4, 30)}, ${int(4, 30)}), batch_size=${int(1, 4)})\n` +
    'for xb, yb in ds:\n    px = xb\n    py = yb\n';
  return { id: `dir-${i}`, source, pythonTail: 'px = [b[0] for b in ds]\npy = [b[1] for b in ds]\n', probes: ['px', 'py'] };
}

function cases(): Case[] {
  const r = rng(20240610);
  const out: Case[] = [];
  for (let i = 0; i < 160; i++) out.push(torchCase(r, i));
  for (let i = 0; i < 40; i++) out.push(tensorDatasetCase(r, i));
  for (let i = 0; i < 60; i++) out.push(tfCase(r, i));
  for (let i = 0; i < 12; i++) out.push(directoryCase(r, i));
  return out;
}

type Real = [number[], string] | null;

/** Disagreements of one probe: a known dim or dtype that differs from the real one in some batch. */
function compare(shape: { dims: Dim[]; open: boolean } | null, dtype: string | undefined, reals: Real[]): string[] {
  const bad: string[] = [];
  for (const real of reals) {
    if (!real) continue;
    const [dims, realDtype] = real;
    if (dtype && dtype !== realDtype) bad.push(`dtype ${dtype} ≠ ${realDtype}`);
    if (!shape || shape.open) continue;
    if (shape.dims.length !== dims.length) {
      bad.push(`rank ${shape.dims.length} ≠ ${dims.length} (${JSON.stringify(dims)})`);
      continue;
    }
    shape.dims.forEach((d, k) => {
      if (typeof d === 'number' && d !== dims[k]) bad.push(`axis ${k}: ${d} ≠ ${dims[k]} (${JSON.stringify(dims)})`);
    });
  }
  return bad;
}

const python = oraclePython();
const missing = 'oracle venv not found: run test/oracle/setup-venv.sh (or set ORACLE_PYTHON)';

describe('data sources oracle', { skip: !python && !process.env.CI ? missing : false }, () => {
  it('agrees with torchvision, torch.utils.data, tf.data and keras.utils on every known dim and dtype', { timeout: 600_000 }, async () => {
    assert.ok(python, missing);
    const all = cases();
    const dir = mkdtempSync(path.join(tmpdir(), 'shapelint-data-oracle-'));
    let results: { id: string; probes?: Record<string, Real[]>; error?: string }[];
    try {
      const file = path.join(dir, 'cases.json');
      writeFileSync(file, JSON.stringify(all.map((c) => ({ id: c.id, source: c.source + c.pythonTail, probes: c.probes }))));
      const script = path.join(REPO_ROOT, 'test', 'oracle', 'data_sources_oracle.py');
      const run = runOracle(python!, [script, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 540_000 });
      assert.equal(run.status, 0, run.stderr.slice(-2000));
      results = JSON.parse(run.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const parser = await loadParser('wasm');
    const bad: string[] = [];
    let [compared, knownDims, allDims, raised, flagged] = [0, 0, 0, 0, 0];
    const missed = new Map<string, number>();
    for (const [i, c] of all.entries()) {
      const o = results[i];
      assert.equal(o.id, c.id);
      const result = analyzeText(parser, c.source);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      if (o.error) {
        // A pipeline the library rejects: shapelint says nothing, or quotes that very error.
        raised++;
        if (errors.length) flagged++;
        else missed.set(o.error.slice(0, 40), (missed.get(o.error.slice(0, 40)) ?? 0) + 1);
        const real = o.error.replace(/^\w+: /, '');
        if (errors.length > 1 || (errors.length === 1 && errors[0].message !== real)) bad.push(`${c.id} raises "${o.error}", shapelint: ${errors.map((d) => d.message).join(' | ')}\n${c.source}`);
        continue;
      }
      assert.deepEqual(errors, [], `${c.id} is working code:\n${c.source}`);
      for (const name of c.probes) {
        const facts = result.tensors.filter((t) => t.name === name && !t.use);
        const fact = facts[facts.length - 1];
        const reals = o.probes![name];
        compared++;
        const rank = reals.find((x) => x)?.[0].length ?? 0;
        allDims += rank;
        knownDims += fact && !fact.shape.open && fact.shape.dims.length === rank ? fact.shape.dims.filter((d) => d !== null).length : 0;
        const dtype = dtypeOf(result, name);
        const problems = compare(fact ? fact.shape : null, dtype, reals);
        if (problems.length) bad.push(`${c.id} ${name}: ${problems.join('; ')}\n${c.source}`);
      }
    }
    console.log(`data sources oracle: ${all.length} pipelines (${raised} raise in the libraries, ${flagged} of them flagged in the same words), ${compared} probes compared, ${knownDims}/${allDims} dims known to shapelint`);
    assert.equal(bad.length, 0, `${bad.length} disagreements:\n${bad.slice(0, 10).join('\n')}`);
    assert.ok(knownDims > allDims * 0.8, 'most dims must be known');
    console.log(`rejected pipelines shapelint leaves silent, by error: ${JSON.stringify([...missed])}`);
    assert.ok(flagged > 0, 'some pipelines the libraries reject must be flagged');
  });
});

/** The dtype shapelint gives a probe (its last assignment's fact). */
function dtypeOf(result: ReturnType<typeof analyzeText>, name: string): string | undefined {
  const facts = result.tensors.filter((t) => t.name === name && !t.use);
  return facts[facts.length - 1]?.dtype;
}
