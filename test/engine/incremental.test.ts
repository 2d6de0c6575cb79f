/**
 * The incremental analysis (engine/incremental.ts) gives exactly what a fresh analysis gives:
 * diagnostics, model summaries and tensor facts, after every edit of seeded random sequences on
 * a model zoo with many models and errors, and after edits of the code models share (imports,
 * module constants, helper functions, Keras layer names that depend on earlier models).
 * test/lsp/incremental.test.ts checks the same through the language server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalysisCache, analyzeText, analyzeTree, ConversionCache, type EngineResult, type ParsedTree, type PythonParser } from '../../server/src/engine/index';
import { lintEngineResult } from '../../server/src/host/lint';
import { loadParser } from '../../server/src/host/parser';
import { treeEditBetween } from '../../server/src/lsp/text-delta';
import { CandidateMemo, candidateVersions } from '../../server/src/engine/versions';
import { errorZooFile, modelZooFile, rng } from '../helpers/corpus';

class Session {
  readonly conversions = new ConversionCache();
  readonly cache = new AnalysisCache();
  /** With `reparse`, the tree is kept and re-parsed from the last one as the language server does. */
  private kept: { tree: ParsedTree; text: string } | null = null;
  constructor(
    private readonly parser: PythonParser,
    private readonly reparse = false,
  ) {}

  analyse(text: string): EngineResult {
    if (!this.reparse) {
      const tree = this.parser.parse(text);
      try {
        return analyzeTree(tree, text, { conversionCache: this.conversions, analysisCache: this.cache });
      } finally {
        tree.dispose();
      }
    }
    const last = this.kept;
    last?.tree.edit(treeEditBetween(last.text, text));
    const tree = this.parser.parse(text, last?.tree);
    last?.tree.dispose();
    this.kept = { tree, text };
    return analyzeTree(tree, text, { conversionCache: this.conversions, analysisCache: this.cache });
  }

  dispose(): void {
    this.kept?.tree.dispose();
  }
}

/** The parts of a result an analysis computes (comments and syntax errors come from the tree). */
function facts(r: EngineResult) {
  return { diagnostics: r.diagnostics, models: r.models, tensors: r.tensors, truncated: r.truncated, internalError: r.internalError };
}

/** With `trivia`, comments and syntax errors too (a re-parsed tree's statements outside the edit are the last ones moved). */
function assertSame(parser: PythonParser, session: Session, text: string, what: string, trivia = false): EngineResult {
  const incremental = session.analyse(text);
  const fresh = analyzeText(parser, text);
  const pick = (r: EngineResult) => (trivia ? { ...facts(r), comments: r.comments, syntaxErrors: r.syntaxErrors } : facts(r));
  assert.deepEqual(pick(incremental), pick(fresh), what);
  return incremental;
}

/** An edit that keeps code Python-like: a digit changed, a line duplicated or dropped, a slice of the file pasted. */
function randomEdit(text: string, original: string, r: () => number): string {
  const at = Math.floor(r() * text.length);
  const kind = r();
  if (kind < 0.5) {
    const m = /\d/.exec(text.slice(at));
    if (!m) return text;
    const o = at + m.index;
    return text.slice(0, o) + String(Math.floor(r() * 10)) + text.slice(o + 1);
  }
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const lineEnd = text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at) + 1;
  if (kind < 0.65) return text.slice(0, lineEnd) + text.slice(lineStart, lineEnd) + text.slice(lineEnd);
  if (kind < 0.8) return text.slice(0, lineStart) + text.slice(lineEnd);
  // `return` at the top level ends the whole module body.
  if (kind < 0.9) return text.slice(0, at) + ['(', ')', ':', ' ', 'x', '\n', '\nreturn\n', '\nglobal x\n'][Math.floor(r() * 8)] + text.slice(at);
  const from = Math.floor(r() * original.length);
  return text.slice(0, at) + original.slice(from, from + Math.floor(r() * 120)) + text.slice(at);
}

const EDITS = 120;

/**
 * `EDITS` seeded random edits of the 2,000-line zoo, each analysis compared with a fresh one;
 * `start` sees the first analysis and returns what to count after each edit. Returns the count.
 */
function randomEdits(parser: PythonParser, session: Session, seed: number, trivia: boolean, start: (first: EngineResult) => () => boolean): number {
  const zoo = modelZooFile(2_000);
  const counts = start(assertSame(parser, session, zoo, 'the first analysis', trivia));
  const r = rng(seed);
  let text = zoo;
  let counted = 0;
  for (let i = 0; i < EDITS; i++) {
    text = randomEdit(text, zoo, r);
    // Drift back to the zoo now and then, so the file stays mostly valid.
    if (i % 40 === 39) text = zoo;
    assertSame(parser, session, text, `after ${i + 1} edits`, trivia);
    if (counts()) counted++;
  }
  return counted;
}

describe('incremental analysis equals a fresh one', () => {
  it('random edits across a 2,000-line model zoo', { timeout: 600_000 }, async () => {
    const parser = await loadParser('wasm');
    try {
      const session = new Session(parser);
      // The point: most edits reuse most blocks.
      const reused = randomEdits(parser, session, 0x1c4, false, (first) => {
        assert.ok(first.models.length >= 30 && first.diagnostics.length >= 10, `${first.models.length} models, ${first.diagnostics.length} diagnostics`);
        return () => session.cache.lastReused > 0;
      });
      assert.ok(reused > EDITS / 2, `${reused} of ${EDITS} analyses reused blocks`);
    } finally {
      parser.dispose();
    }
  });

  it('random edits with the tree re-parsed from the last one: only the changed statements are read from it', { timeout: 600_000 }, async () => {
    const parser = await loadParser('wasm');
    const session = new Session(parser, true);
    try {
      // The point: most edits read a few statements out of the tree, not all of them.
      let statements = 0;
      const few = randomEdits(parser, session, 0x5f1, true, () => {
        statements = session.conversions.lastRead;
        return () => session.conversions.lastRead < statements / 10;
      });
      assert.ok(few > EDITS / 2, `${few} of ${EDITS} analyses read under a tenth of the ${statements} statements`);
    } finally {
      session.dispose();
      parser.dispose();
    }
  });

  it('a cancelled analysis stops, and the next one still equals a fresh analysis', async () => {
    const parser = await loadParser('wasm');
    try {
      const zoo = modelZooFile(600);
      const session = new Session(parser);
      assertSame(parser, session, zoo, 'the first analysis');
      const edited = zoo.replace('Dense(10', 'Dense(12');
      const tree = parser.parse(edited);
      const cancelled = analyzeTree(tree, edited, { conversionCache: session.conversions, analysisCache: session.cache, clock: () => performance.now(), cancelled: () => true });
      tree.dispose();
      assert.equal(cancelled.truncated, true);
      assert.equal(cancelled.internalError, undefined);
      assertSame(parser, session, edited, 'after a cancelled analysis');
    } finally {
      parser.dispose();
    }
  });

  it('lines inserted and deleted above models with errors and fixes: results move and messages name the new lines, only the edited block re-runs', { timeout: 600_000 }, async () => {
    const parser = await loadParser('wasm');
    try {
      const zoo = modelZooFile(2_000);
      const session = new Session(parser);
      const first = assertSame(parser, session, zoo, 'the first analysis');
      assert.ok(first.diagnostics.some((d) => d.fixes.length > 0 && d.related.length > 0), 'some diagnostic has fixes and related places');
      const blocks = session.cache.lastRan;
      // Blocks whose messages say `(line 12)` show their own lines relative to where they start: reused when a line moves them.
      const showingLines = session.cache.showingLines();
      assert.deepEqual(showingLines.numbers, 0, `${showingLines.numbers} of ${blocks} blocks show lines as numbers`);
      assert.ok(showingLines.relative >= 5, `${showingLines.relative} of ${blocks} blocks show lines relative to their start`);
      const lineStarts = [...zoo.matchAll(/\n/g)].map((m) => m.index + 1);
      for (const at of [0, 1, 2, 3, 10, 40, 200].map((k) => Math.floor((lineStarts.length * k) / 1000))) {
        const start = lineStarts[at];
        for (const [name, text] of [
          ['a blank line inserted', zoo.slice(0, start) + '\n' + zoo.slice(start)],
          ['two comment lines inserted', zoo.slice(0, start) + '# a\n# b\n' + zoo.slice(start)],
          ['a blank line deleted', zoo.slice(0, start) + zoo.slice(start).replace(/\n\n/, '\n')],
          // Offsets move, lines do not: every block but the edited one is reused, fixes and all.
          ['spaces on a blank line', zoo.slice(0, start) + zoo.slice(start).replace(/\n\n/, '\n   \n')],
        ] as const) {
          assertSame(parser, session, text, `${name} at line ${at}`);
          assert.ok(session.cache.lastRan <= 1, `${name} at line ${at}: ${session.cache.lastRan} of ${blocks} blocks re-ran`);
          assertSame(parser, session, zoo, `back to the zoo after ${name} at line ${at}`);
        }
      }
    } finally {
      parser.dispose();
    }
  });

  it('lines inserted and deleted anywhere in a file of models with errors: messages name the lines a fresh analysis names, blocks are reused', { timeout: 600_000 }, async () => {
    const parser = await loadParser('wasm');
    try {
      const zoo = errorZooFile(800);
      const session = new Session(parser);
      const first = assertSame(parser, session, zoo, 'the first analysis');
      const named = first.diagnostics.filter((d) => [d.message, ...d.explanation, ...d.related.map((x) => x.message)].some((m) => /line \d/.test(m)));
      assert.ok(named.length >= 30, `${named.length} diagnostics name lines`);
      assert.ok(session.cache.showingLines().relative >= 20, JSON.stringify(session.cache.showingLines()));
      const r = rng(0x11e5);
      let text = zoo;
      let moved = 0;
      for (let i = 0; i < 150; i++) {
        const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
        const at = starts[Math.floor(r() * starts.length)];
        const end = text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at) + 1;
        const kind = r();
        // Blank and comment lines move what follows without changing any statement; a line of code dropped or doubled changes one.
        const trivia = kind < 0.7;
        if (kind < 0.3) text = text.slice(0, at) + '\n' + text.slice(at);
        else if (kind < 0.5) text = text.slice(0, at) + '# a\n# b\n' + text.slice(at);
        else if (kind < 0.7) text = text.replace(/\n\n\n/, '\n\n') === text ? text.slice(0, at) + '\n' + text.slice(at) : text.slice(0, at) + text.slice(at).replace(/\n\s*\n/, '\n');
        else if (kind < 0.85) text = text.slice(0, at) + text.slice(end);
        else text = text.slice(0, end) + text.slice(at, end) + text.slice(end);
        if (i % 50 === 49) text = zoo;
        assertSame(parser, session, text, `after ${i + 1} line edits`);
        if (trivia && session.cache.lastRan <= 1 && session.cache.lastReused > 0) moved++;
      }
      assert.ok(moved >= 80, `${moved} blank or comment line edits re-ran at most one block`);
    } finally {
      parser.dispose();
    }
  });

  it('suppression comments added and removed, blocks moved, edits typed and undone: the lint of each incremental analysis equals a fresh lint', { timeout: 600_000 }, async () => {
    const parser = await loadParser('wasm');
    try {
      const zoo = errorZooFile(600);
      const session = new Session(parser, true);
      const r = rng(0x5a9);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
      let text = zoo;
      // Without a clock, as the session analyses: no time budget on a loaded machine.
      const freshLint = (t: string) => lintEngineResult(analyzeText(parser, t), t);
      let last = freshLint(text);
      let undo: string | null = null;
      const counts = { suppressed: 0, unused: 0, moved: 0, undone: 0 };
      for (let i = 0; i < 160; i++) {
        const lineEnd = (o: number) => (text.indexOf('\n', o) === -1 ? text.length : text.indexOf('\n', o));
        const kind = r();
        if (undo !== null) {
          // The edit before, undone: blocks below return to where they were.
          text = undo;
          undo = null;
          counts.undone++;
        } else if (kind < 0.35 && last.diagnostics.length) {
          // A directive on a reported line: `# noqa`, with codes, or `# shapelint: ignore[...]`.
          const d = pick(last.diagnostics);
          const end = lineEnd(d.range.start);
          const directive = pick([`  # noqa`, `  # noqa: ${d.code}`, `  # shapelint: ignore[${d.rule}]`, `  # noqa: SL999 E501`, `  # shapelint: ignore`]);
          text = text.slice(0, end) + directive + text.slice(end);
        } else if (kind < 0.5) {
          // A directive removed (or one for the whole file added or removed).
          const found = [...text.matchAll(/ {2}# (noqa|shapelint: ignore)[^\n]*/g)];
          if (found.length) {
            const m = pick(found);
            text = text.slice(0, m.index) + text.slice(m.index + m[0].length);
          } else text = text.includes('# shapelint: ignore-file') ? text.replace(/# shapelint: ignore-file[^\n]*\n/, '') : `# shapelint: ignore-file[${pick(last.diagnostics)?.rule ?? 'shape-mismatch'}]\n${text}`;
        } else if (kind < 0.7) {
          // A top-level definition cut and pasted before another one.
          const tops = [...text.matchAll(/^(class|def) /gm)].map((m) => m.index);
          if (tops.length > 2) {
            const k = Math.floor(r() * (tops.length - 1));
            const [from, to] = [tops[k], tops[k + 1]];
            const piece = text.slice(from, to);
            const rest = text.slice(0, from) + text.slice(to);
            const at = pick([0, ...[...rest.matchAll(/^(class|def) /gm)].map((m) => m.index)]);
            text = rest.slice(0, at) + piece + rest.slice(at);
            counts.moved++;
          }
        } else {
          // A character typed, a blank line inserted or a line deleted, undone by the next edit.
          const at = Math.floor(r() * text.length);
          const start = text.lastIndexOf('\n', at) + 1;
          undo = text;
          if (kind < 0.8) text = text.slice(0, at) + pick(['1', ' ', 'x', '#', '(']) + text.slice(at);
          else if (kind < 0.9) text = text.slice(0, start) + '\n' + text.slice(start);
          else text = text.slice(0, start) + text.slice(lineEnd(at) + 1);
        }
        const incremental = session.analyse(text);
        const fresh = freshLint(text);
        const lint = lintEngineResult(incremental, text);
        const what = `after ${i + 1} edits`;
        assert.deepEqual({ ...lint, engine: undefined }, { ...fresh, engine: undefined }, what);
        const trivia = (x: EngineResult) => ({ ...facts(x), comments: x.comments, syntaxErrors: x.syntaxErrors });
        assert.deepEqual(trivia(incremental), trivia(fresh.engine), what);
        counts.suppressed += fresh.suppressed.length ? 1 : 0;
        counts.unused += fresh.diagnostics.some((d) => d.rule === 'unused-suppression') ? 1 : 0;
        last = fresh;
      }
      // The point: suppressions that hide errors and suppressions left unused, blocks moved, edits undone.
      assert.ok(counts.suppressed >= 20 && counts.unused >= 10 && counts.moved >= 10 && counts.undone >= 10, JSON.stringify(counts));
      session.dispose();
    } finally {
      parser.dispose();
    }
  });

  it('the Keras version hints kept from the last text equal the hints of the edited text', () => {
    const lines = [
      'from keras import ops', 'import keras', 'from tensorflow import keras', 'import tensorflow_addons as tfa', 'from keras.layers.core import Dense',
      'x = tf.keras.layers.Dense(3)', 'y = Convolution2D(8, 3, 3, border_mode="same")', 'z = Dense(4, W_regularizer=None)', 'w = keras.ops.zeros((1,))',
      '# from keras import ops', 'v = Deconvolution2D(2, 3)', 'q = tensorflow.keras.Input((3,))', 'from x keras import y',
      // Hints whose whitespace may be newlines (a blank line typed inside them keeps them or not).
      'from tensorflow import (layers,', '    keras)', 'u = Dense(4,', '    nb_epoch=3)', 'import', 'keras', 'from', 'keras import ops',
    ];
    const r = rng(0x7e5);
    const memo = new CandidateMemo();
    // Long enough that the memo compares the texts chunk by chunk.
    const filler = 'n = 1\n'.repeat(900);
    let text = filler + lines.join('\n') + filler;
    for (let i = 0; i < 3000; i++) {
      const at = Math.floor(r() * text.length);
      const kind = r();
      // Mostly letters typed or deleted inside words; now and then a line of hints swapped in or out.
      // A blank line typed or removed at a line start (the hints are kept), or a newline anywhere.
      const lineStart = text.indexOf('\n', at) + 1;
      if (kind < 0.4) text = text.slice(0, at) + 'aksoprtfx_23 .('[Math.floor(r() * 15)] + text.slice(at);
      else if (kind < 0.75) text = text.slice(0, at) + text.slice(at + 1);
      else if (kind < 0.8) text = text.slice(0, at) + '\n' + text.slice(at);
      else if (kind < 0.85) text = text.slice(0, lineStart) + '\n'.repeat(1 + Math.floor(r() * 2)) + text.slice(lineStart);
      else if (kind < 0.9) text = text[lineStart] === '\n' ? text.slice(0, lineStart) + text.slice(lineStart + 1) : text;
      else text = filler + lines.filter(() => r() < 0.5).join('\n') + filler;
      assert.deepEqual(memo.of(text, undefined), candidateVersions(text, undefined), JSON.stringify(text));
    }
    const reused = memo.reused;
    assert.ok(reused > 500, `${reused} of 3000 edits kept the last hints`);
  });

  it('edits of code several models share', async () => {
    const parser = await loadParser('wasm');
    try {
      const base = [
        'import torch',
        'import torch.nn as nn',
        'from tensorflow import keras',
        '',
        'WIDTH = 16',
        '',
        'def head(n):',
        '    return nn.Linear(WIDTH, n)',
        '',
        'class A(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.fc = nn.Linear(8, WIDTH)',
        '        self.out = head(4)',
        '    def forward(self, x):',
        '        return self.out(self.fc(x))',
        '',
        'a = A()',
        'y = a(torch.randn(2, 8))',
        '',
        'm1 = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(5), keras.layers.Dense(3)])',
        'm1.predict(keras.ops.zeros((1, 10)))',
        '',
        'class B(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.fc = nn.Linear(WIDTH, 2)',
        '    def forward(self, x):',
        '        return self.fc(x)',
        '',
        'b = B()',
        'z = b(torch.randn(2, 12))',
        '',
        'm2 = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(7), keras.layers.Conv2D(2, 3)])',
        'm2.predict(keras.ops.zeros((1, 4)))',
        '',
      ].join('\n');
      const session = new Session(parser);
      const edits: [string, string][] = [
        ['WIDTH = 16', 'WIDTH = 12'],
        ['WIDTH = 12', 'WIDTH = 16'],
        ['return nn.Linear(WIDTH, n)', 'return nn.Linear(WIDTH + 1, n)'],
        // One more Keras layer before m2: its layers' names move on (dense_3 becomes dense_4).
        ['keras.layers.Dense(5), ', 'keras.layers.Dense(5), keras.layers.Dense(6), '],
        ['import torch.nn as nn', 'import torch.nn as nn\nnn.Linear = None'],
        ['nn.Linear = None', 'from torch.nn import *'],
        ['from torch.nn import *', 'y = 3'],
        ['y = 3\n', ''],
        ['z = b(torch.randn(2, 12))', 'z = b(torch.randn(2, WIDTH))\nWIDTH = 5'],
        ['\nWIDTH = 5', '\n\n\nWIDTH = 5'],
        // The interpreter stops the module body at a top-level return: later models never run.
        ['b = B()', 'return\nb = B()'],
        ['return\n', ''],
      ];
      let text = base;
      assertSame(parser, session, text, 'the first analysis');
      for (const [from, to] of edits) {
        assert.ok(text.includes(from), from);
        text = text.replace(from, to);
        assertSame(parser, session, text, `after ${JSON.stringify(from)} → ${JSON.stringify(to)}`);
      }
    } finally {
      parser.dispose();
    }
  });
});
