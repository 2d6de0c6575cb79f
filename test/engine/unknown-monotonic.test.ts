/**
 * Property: an unknown never produces an error. For every engine fixture, the examples and a
 * generated corpus, the input-shape sources in the text (tensor factories, `input_shape=`,
 * `shape=`, `Input(...)`, `summary(...)`, `data_shapes=`, the `# shapelint: input=` directive,
 * jaxtyping strings) are rewritten so that one known dim, or the whole shape, becomes a value
 * the engine cannot know (`int(sys.argv[1])`, `*sys.argv`, `?`). The diagnostics of the
 * rewritten text, compared by rule and line, must be a subset of the original's: a model that
 * passed still passes, and one that failed can only lose errors. One allowance: an error the
 * rewrite removes may uncover one behind it that the first hid (PyTorch stops at the first).
 *
 * Every rewrite is checked (about 1,050, ~15 s); UNKNOWN_PER_FILE caps them per file (seeded sample).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyze, lineOf } from '../helpers/engine';
import { parseExpectations } from '../helpers/expectations';
import { generatedModelFile, pythonFiles, rng } from '../helpers/corpus';
import { EXAMPLES, FIXTURES } from '../helpers/paths';

const UNKNOWN_INT = 'int(sys.argv[1])';
const PER_FILE = Number(process.env.UNKNOWN_PER_FILE ?? 1000);
const SEED = 7;

interface Rewrite {
  what: string;
  text: string;
}

/** Heads after which a bracketed region holds an input shape (or a factory's size arguments). */
const HEADS: RegExp[] = [
  /\btorch\.(?:randn|rand|zeros|ones|empty|full|randint|FloatTensor|Tensor)\(/g,
  /\b(?:nd|ndarray|np|numpy|npx)\.(?:random\.)?(?:zeros|ones|empty|uniform|normal|randn|rand|random|full)\(/g,
  /\b(?:batch_)?input_shape\s*=\s*(?=[([])/g,
  /\b(?:input_size|shape|data_shape)\s*=\s*(?=[([])/g,
  /\bdata_shapes\s*=\s*(?=[([])/g,
  /\bInput\(/g,
  /\bsummary\([^,()]*,\s*(?=[([])/g,
  /\.build\(/g,
  // Data sources: dataset image sizes, transforms' sizes, loader and pipeline arguments.
  /\b(?:image_size|target_size)\s*=\s*(?=[([])/g,
  /\b(?:Resize|CenterCrop|RandomCrop|RandomResizedCrop|Pad|DataLoader|TensorDataset|from_tensor_slices|batch|to_categorical|pad_sequences)\(/g,
];

/** Index of the bracket closing the one at `open`, or -1. Strings and comments are not special here. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      depth--;
      if (depth === 0) return i;
    } else if (c === '\n' && depth === 0) return -1;
  }
  return -1;
}

/** Integer literals in text[start, end): start offsets and lengths. */
function intLiterals(text: string, start: number, end: number): { at: number; len: number }[] {
  const out: { at: number; len: number }[] = [];
  const re = /(?<![\w.])\d+(?![\w.])/g;
  re.lastIndex = start;
  for (let m = re.exec(text); m && m.index < end; m = re.exec(text)) out.push({ at: m.index, len: m[0].length });
  return out;
}

function splice(text: string, at: number, len: number, by: string): string {
  return text.slice(0, at) + by + text.slice(at + len);
}

/** Every rewrite of one known dim, or of one whole shape, into an unknown. */
export function unknownRewrites(text: string): Rewrite[] {
  const out: Rewrite[] = [];
  const seen = new Set<number>();
  for (const head of HEADS) {
    head.lastIndex = 0;
    for (let m = head.exec(text); m; m = head.exec(text)) {
      const open = m[0].endsWith('(') ? m.index + m[0].length - 1 : m.index + m[0].length;
      if (seen.has(open) || !'(['.includes(text[open] ?? '')) continue;
      seen.add(open);
      const close = closing(text, open);
      if (close < 0) continue;
      const line = lineOf(text, open);
      for (const lit of intLiterals(text, open + 1, close))
        out.push({ what: `line ${line}: ${text.slice(lit.at, lit.at + lit.len)} → unknown`, text: splice(text, lit.at, lit.len, UNKNOWN_INT) });
      // The whole shape: a call's arguments become `*sys.argv`, a tuple becomes `tuple(sys.argv)`.
      const whole = m[0].endsWith('(') ? '*sys.argv' : null;
      if (whole) out.push({ what: `line ${line}: all arguments → unknown`, text: splice(text, open + 1, close - open - 1, whole) });
      else out.push({ what: `line ${line}: whole shape → unknown`, text: splice(text, open, close - open + 1, 'tuple(sys.argv)') });
    }
  }
  directiveRewrites(text, /#\s*shapelint:\s*input(?:-shape)?\s*=\s*[([]([^)\]\n]*)[)\]]/g, out);
  jaxtypingRewrites(text, out);
  return out;
}

/** In the directive a dim becomes `?`; the whole shape goes by removing the directive. */
function directiveRewrites(text: string, re: RegExp, out: Rewrite[]): void {
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const line = lineOf(text, m.index);
    const inner = m.index + m[0].indexOf(m[1]);
    for (const lit of intLiterals(text, inner, inner + m[1].length))
      out.push({ what: `line ${line}: directive dim → ?`, text: splice(text, lit.at, lit.len, '?') });
    out.push({ what: `line ${line}: directive removed`, text: splice(text, m.index, m[0].length, '#') });
  }
}

/** jaxtyping strings (`Float[Tensor, "batch 3 32 32"]`): a numeric token becomes `?`. */
function jaxtypingRewrites(text: string, out: Rewrite[]): void {
  const re = /\b(?:Float|Int|Shaped|Num|Real|Bool)\[\s*\w+(?:\.\w+)*\s*,\s*(["'])([^"'\n]*)\1\s*\]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const inner = m.index + m[0].indexOf(m[2]);
    for (const lit of intLiterals(text, inner, inner + m[2].length))
      out.push({ what: `line ${lineOf(text, m.index)}: jaxtyping dim → ?`, text: splice(text, lit.at, lit.len, '?') });
  }
}

/** Rule and line of each diagnostic: messages may change (an unknown prints as ?). */
async function findings(text: string, options: Record<string, unknown>): Promise<{ keys: Set<string>; internalError?: string }> {
  const r = await analyze(text, options);
  return { keys: new Set(r.diagnostics.map((d) => `${d.rule}@${lineOf(text, d.range.start)}`)), internalError: r.internalError };
}

function sample<T>(items: T[], n: number, next: () => number): T[] {
  const pool = [...items];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}

const corpus: { name: string; text: string; options: Record<string, unknown> }[] = [
  ...[...pythonFiles(EXAMPLES), ...pythonFiles(path.join(FIXTURES, 'engine'))].map((f) => {
    const text = readFileSync(f, 'utf8');
    const options = f.includes('channels_first') ? { kerasDataFormat: 'channels_first' } : parseExpectations(text).options;
    return { name: path.relative(path.dirname(EXAMPLES), f), text, options };
  }),
  ...[1, 2, 3, 4, 5, 6].map((seed) => ({ name: `generated corpus (seed ${seed})`, text: generatedModelFile(120, seed), options: {} })),
];

describe('unknown input dims never add an error', () => {
  const next = rng(SEED);
  let rewritten = 0;
  for (const file of corpus) {
    const rewrites = sample(unknownRewrites(file.text), PER_FILE, next);
    if (rewrites.length === 0) continue;
    it(file.name, async () => {
      const before = await findings(file.text, file.options);
      for (const rw of rewrites) {
        const after = await findings(rw.text, file.options);
        if (!before.internalError) assert.equal(after.internalError, undefined, `${rw.what}: internal error`);
        const added = [...after.keys].filter((k) => !before.keys.has(k));
        const removed = [...before.keys].filter((k) => !after.keys.has(k));
        // After an error the framework stops, so the engine stops that flow too: when the rewrite
        // removes an error, the code behind it is checked and may fail further on.
        if (removed.length === 0) assert.deepEqual(added, [], `${rw.what} adds ${added.join(', ')}`);
        rewritten++;
      }
    });
  }
  it('rewrote input sources in many files', (t) => {
    t.diagnostic(`${rewritten} rewrites checked`);
    assert.ok(rewritten >= 300, `only ${rewritten} rewrites checked`);
  });
});
