/**
 * The facts delta the analysis process sends (lsp/result-delta.ts): decoded against the last
 * reply the server holds (as JSON carried it), it gives exactly the reply's summaries and tensor
 * facts, after edits that re-run blocks and lines that move them; and the items of a block that
 * ran again but did not change travel as copies, not whole, and a summary that changed as a
 * patch whose unchanged layers are copies. The server fetches facts only when it needs them, so a
 * delta may build on the facts of a reply several edits old.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalysisCache, analyzeTree, ConversionCache, type EngineResult, type PythonParser } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';
import { decodeFacts, encodeFacts, type SentFacts } from '../../server/src/lsp/result-delta';
import { errorZooFile, rng } from '../helpers/corpus';

function edited(text: string, r: () => number): string {
  const kind = r();
  if (kind < 0.5) {
    // A digit changed: the block around it runs again, and often gives the same facts for most of its lines.
    const digits = [...text.matchAll(/\d/g)];
    const at = digits[Math.floor(r() * digits.length)].index;
    return text.slice(0, at) + String(Math.floor(r() * 10)) + text.slice(at + 1);
  }
  const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
  const at = starts[Math.floor(r() * starts.length)];
  return kind < 0.8 ? text.slice(0, at) + '\n' + text.slice(at) : text.slice(0, at) + text.slice(at).replace(/\n\n/, '\n');
}

function analyse(parser: PythonParser, text: string, options: { conversionCache: ConversionCache; analysisCache: AnalysisCache }): EngineResult {
  const tree = parser.parse(text);
  try {
    return analyzeTree(tree, text, options);
  } finally {
    tree.dispose();
  }
}

type Delta = ReturnType<typeof encodeFacts>;
type Origins = Omit<SentFacts, 'seq'>;

/**
 * Edits the error zoo 60 times (`seed`); after each edit that `fetch` picks, the facts go as a delta
 * against those of the last fetched reply (as JSON carries them), and decoding it must give the
 * reply's facts. `seen` gets each delta with the origins it encoded and those it built on.
 */
async function fetchAfterEdits(seed: number, fetch: (r: () => number) => boolean, seen: (delta: Delta, origins: Origins, sent: SentFacts) => void = () => undefined): Promise<number> {
  const parser: PythonParser = await loadParser('wasm');
  try {
    const options = { conversionCache: new ConversionCache(), analysisCache: new AnalysisCache() };
    const r = rng(seed);
    let text = errorZooFile(800);
    let result = analyse(parser, text, options);
    let sent: SentFacts = { seq: 0, ...options.analysisCache.lastOrigins! };
    let held = asJson({ models: result.models, tensors: result.tensors });
    let fetched = 0;
    for (let i = 0; i < 60; i++) {
      text = edited(text, r);
      result = analyse(parser, text, options);
      const origins = options.analysisCache.lastOrigins;
      assert.ok(origins, `the analysis after ${i + 1} edits was assembled from blocks`);
      if (!fetch(r)) continue;
      fetched++;
      const delta = asJson(encodeFacts(result, origins, sent));
      held = asJson(decodeFacts(delta, held));
      assert.deepEqual(held, asJson({ models: result.models, tensors: result.tensors }), `after ${i + 1} edits`);
      seen(delta, origins, sent);
      sent = { seq: i + 1, ...origins };
    }
    return fetched;
  } finally {
    parser.dispose();
  }
}

/** What a value is once JSON carried it. */
function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe('facts delta', () => {
  it('decodes to the reply’s facts after edits; unchanged items of blocks that ran again travel as copies', { timeout: 600_000 }, async () => {
    let copied = 0;
    let rerun = 0;
    let patched = 0;
    await fetchAfterEdits(0xde1, () => true, (delta, origins, sent) => {
      // Items of runs the last reply did not use: how many were sent as copies.
      const before = new Set([...sent.models, ...sent.tensors].map((o) => o.run));
      const fresh = [...origins.models, ...origins.tensors].filter((o) => !before.has(o.run)).length;
      const whole = [...delta.models, ...delta.tensors].reduce((n, op) => n + ('items' in op ? op.items.length : 0), 0);
      rerun += fresh;
      patched += delta.models.filter((op: object) => 'patch' in op).length;
      copied += fresh - whole;
    });
    assert.ok(rerun > 100 && copied > rerun / 2, `${copied} of ${rerun} items of blocks that ran again were sent as copies`);
    assert.ok(patched >= 10, `${patched} summaries sent as patches`);
  });

  // The server fetches facts when a hover or hint needs them: most analyses are replaced before.
  it('decodes to the reply’s facts when the facts held are of a reply several edits old', { timeout: 600_000 }, async () => {
    const fetched = await fetchAfterEdits(0x5e1d, (r) => r() < 0.3);
    assert.ok(fetched >= 8 && fetched <= 30, `${fetched} of 60 replies fetched`);
  });
});
