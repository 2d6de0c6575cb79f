/** Inputs shared by fuzzing and benchmarks: the bundled examples, the fixtures, generated models. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLES, FIXTURES } from './paths';

export function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return pythonFiles(p);
    return f.endsWith('.py') ? [p] : [];
  });
}

/** The texts of every example and engine fixture. */
export function seedTexts(): string[] {
  return [...pythonFiles(EXAMPLES), ...pythonFiles(path.join(FIXTURES, 'engine'))].map((f) => readFileSync(f, 'utf8'));
}

/** A deterministic PRNG (mulberry32), so fuzz and bench runs are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A generated model file of about `lines` lines: many PyTorch, Keras and Gluon models in the
 * styles the engine handles, each called on a known input, so every layer is analysed.
 */
export function generatedModelFile(lines: number, seed = 1): string {
  const r = rng(seed);
  const out = [
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'from tensorflow import keras',
    'from mxnet import gluon, nd',
    '',
  ];
  let i = 0;
  while (out.length < lines) {
    const kind = Math.floor(r() * 3);
    const c = 8 * (1 + Math.floor(r() * 4));
    if (kind === 0) {
      out.push(
        `class Net${i}(nn.Module):`,
        '    def __init__(self):',
        '        super().__init__()',
        `        self.conv1 = nn.Conv2d(3, ${c}, 3, padding=1)`,
        `        self.conv2 = nn.Conv2d(${c}, ${2 * c}, 3, padding=1)`,
        '        self.pool = nn.MaxPool2d(2)',
        `        self.fc = nn.Linear(${2 * c} * 8 * 8, 10)`,
        '',
        '    def forward(self, x):',
        '        x = self.pool(F.relu(self.conv1(x)))',
        '        x = self.pool(F.relu(self.conv2(x)))',
        '        x = torch.flatten(x, 1)',
        '        return self.fc(x)',
        '',
        `net${i} = Net${i}()`,
        `y${i} = net${i}(torch.randn(4, 3, 32, 32))`,
        '',
      );
    } else if (kind === 1) {
      out.push(
        `model${i} = keras.Sequential([`,
        `    keras.layers.Conv2D(${c}, 3, padding="same", activation="relu", input_shape=(32, 32, 3)),`,
        '    keras.layers.MaxPooling2D(),',
        `    keras.layers.Conv2D(${2 * c}, 3, activation="relu"),`,
        '    keras.layers.Flatten(),',
        '    keras.layers.Dense(10, activation="softmax"),',
        '])',
        '',
      );
    } else {
      out.push(
        `gnet${i} = gluon.nn.HybridSequential()`,
        `with gnet${i}.name_scope():`,
        `    gnet${i}.add(gluon.nn.Conv2D(${c}, kernel_size=3, padding=1, activation="relu"))`,
        `    gnet${i}.add(gluon.nn.MaxPool2D(pool_size=2, strides=2))`,
        `    gnet${i}.add(gluon.nn.Flatten())`,
        `    gnet${i}.add(gluon.nn.Dense(10))`,
        `gout${i} = gnet${i}(nd.zeros((2, 3, 28, 28)))`,
        '',
      );
    }
    i++;
  }
  return out.join('\n') + '\n';
}

/**
 * A model zoo of about `lines` lines in the styles users write: copies of the founding examples
 * and of the reported-bug reproductions (so it has errors), between working corpus files.
 */
export function modelZooFile(lines: number): string {
  const read = (dir: string) => pythonFiles(dir).sort().map((f) => readFileSync(f, 'utf8'));
  const pool = [...read(EXAMPLES), ...read(path.join(FIXTURES, 'engine', 'bugs')), ...read(path.join(FIXTURES, 'engine', 'corpus'))];
  return joinUntil(pool, lines);
}

/** The texts of `pool` in turn, joined until they make `lines` lines. */
function joinUntil(pool: string[], lines: number): string {
  const parts: string[] = [];
  for (let n = 0, i = 0; n < lines; i++) {
    const text = pool[i % pool.length];
    parts.push(text);
    n += text.split('\n').length;
  }
  return parts.join('\n');
}

/**
 * A file of about `lines` lines made of the engine fixtures that expect errors (`# error:`):
 * many models with errors, whose messages name lines (`Conv2D (line 111): ...`). Without star
 * imports and budgets run out, which make the incremental analysis fall back to one whole run.
 */
export function errorZooFile(lines: number): string {
  const dirs = ['bugs', 'torch', 'keras', 'gluon', 'mxsym', 'data', 'rules', 'forms', 'values'];
  const pool = dirs.flatMap((d) => pythonFiles(path.join(FIXTURES, 'engine', d)).sort().map((f) => readFileSync(f, 'utf8')).filter((t) => t.includes('# error:') && !/import \*|\[analysis-incomplete\]/.test(t)));
  return joinUntil(pool, lines);
}
