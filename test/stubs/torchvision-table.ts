/**
 * The torchvision stub table (docs/library-models.md) and how tests analyse a stub: until the
 * project resolver loads `server/stubs/` by module name, a stub family file and a usage snippet
 * are analysed as one program (the contract for self-contained stub files).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatShape, type EngineResult } from '../../server/src/engine/index';
import { analyze } from '../helpers/engine';
import { REPO_ROOT } from '../helpers/paths';

export const TORCHVISION_STUBS = path.join(REPO_ROOT, 'server', 'stubs', 'torchvision', 'models');

export interface StubRow {
  /** The constructor call as written in the table, e.g. `vit_b_16(weights="DEFAULT")`. */
  call: string;
  /** The builder's name (`vit_b_16`). */
  name: string;
  /** The family file (`vision_transformer.py`). */
  file: string;
  /** The published parameter count. */
  params: number;
  /** The input height and width the table analyses. */
  size: number;
}

/** The rows of the torchvision table in docs/library-models.md. */
export function torchvisionRows(): StubRow[] {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'library-models.md'), 'utf8');
  const rows: StubRow[] = [];
  for (const m of doc.matchAll(/^\| `([^`]+)` \| `([^`]+)` \| ([\d,]+) \| (\d+) \|/gm)) {
    rows.push({ call: m[1], name: m[1].replace(/\(.*$/, ''), file: m[2], params: Number(m[3].replace(/,/g, '')), size: Number(m[4]) });
  }
  return rows;
}

export function stubText(file: string): string {
  return readFileSync(path.join(TORCHVISION_STUBS, file), 'utf8');
}

/** The program the engine analyses: the stub file, then the snippet; `offset` is the snippet's first line. */
export function stubProgram(file: string, snippet: string): { text: string; offset: number } {
  const stub = stubText(file);
  const text = `${stub}\n${snippet}`;
  return { text, offset: stub.split('\n').length };
}

/** A snippet that builds the model and calls it on a batch of 2 images of `channels` x `h` x `w`. */
export function usage(call: string, h: number, w = h, channels = 3): string {
  return `model = ${call}\ny = model(torch.randn(2, ${channels}, ${h}, ${w}))\n`;
}

export interface StubAnalysis {
  result: EngineResult;
  ms: number;
  /** Parameters of the model built by the snippet (the model summary run on its input). */
  params: number | null;
  /** Shape of `y`, or of the last layer applied when `y` is unknown (a training-mode tuple). */
  output: string | null;
}

export async function analyzeStub(file: string, snippet: string): Promise<StubAnalysis> {
  const { text } = stubProgram(file, snippet);
  const start = performance.now();
  const result = await analyze(text, { clock: () => performance.now() });
  const ms = performance.now() - start;
  const model = result.models.find((m) => m.name === 'model') ?? result.models.at(-1);
  const snippetStart = text.length - snippet.length;
  const y = result.tensors.filter((t) => t.name === 'y' && t.range.start >= snippetStart).at(-1);
  const last = model?.layers.at(-1);
  const output = y ? formatShape(y.shape) : last?.outputShape ? formatShape(last.outputShape) : null;
  return { result, ms, params: model?.totalParams ?? null, output };
}
