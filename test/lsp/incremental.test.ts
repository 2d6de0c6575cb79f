/**
 * Incremental correctness: a seeded random sequence of 10,000+ edits on the founding examples,
 * and further edits on a model zoo with many models and errors, sent as LSP range changes.
 * After every batch, the server's tree must equal a fresh parse of the same text, and its
 * diagnostics and inlay hints (made from the model summaries and tensor facts, which the analysis
 * process sends as a delta against its last reply) a fresh analysis through the shared lint pipeline.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { loadParser } from '../../server/src/host/parser';
import { lintText } from '../../server/src/host/lint';
import type { PythonParser } from '../../server/src/engine/index';
import { LineIndex } from '../../server/src/engine/positions';
import type { Analysis } from '../../server/src/lsp/analysis';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { inlayHints } from '../../server/src/lsp/inlay-hints';
import { treeFingerprint } from '../../server/src/lsp/requests';
import { exampleText, positionAt, TestClient } from './harness';
import { errorZooFile, modelZooFile, rng } from '../helpers/corpus';

const EXAMPLE_FILES = ['gluon_naive_port.py', 'gluon_fixed_create_model.py', 'gluon_hybridblock_yournet.py', 'keras_original.py'];
const TOTAL_EDITS = 10_400;
const BATCH = 26;
const SNIPPETS = ['(', ')', ':', '\n', '    ', ' ', '#', 'é', '𝒳', '\r\n', 'x', '2', ', ', "'", 'padding=(1, 1)', 'nn.', '\t'];


interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Never splits a surrogate pair or a CRLF: LSP positions cannot address those points (a
 * character past the line's content means its end), and editors never produce them.
 */
function safeOffset(text: string, o: number): number {
  const c = text.charCodeAt(o - 1);
  if (c >= 0xd800 && c <= 0xdbff) return o - 1;
  if (c === 13 && text.charCodeAt(o) === 10) return o - 1;
  return o;
}

function randomEdit(text: string, original: string, r: () => number): Edit {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const start = safeOffset(text, Math.floor(r() * (text.length + 1)));
  const kind = r();
  if (text.length > original.length * 3) return { start: 0, end: text.length, text: original };
  if (kind < 0.45) return { start, end: start, text: pick(SNIPPETS) };
  const end = safeOffset(text, Math.min(text.length, start + Math.floor(r() * 12)));
  if (kind < 0.8) return { start, end, text: '' };
  // Paste a slice of the original file: keeps the text Python-like so analysis has work to do.
  const from = Math.floor(r() * original.length);
  return { start, end, text: original.slice(from, from + Math.floor(r() * 80)) };
}

/**
 * Lines inserted or deleted at the start of a random line (blank, comment or code lines, so
 * models with errors below move), now and then a character typed: messages that name lines must
 * name the moved ones.
 */
function lineEdit(text: string, original: string, r: () => number): Edit {
  if (text.length > original.length * 2) return { start: 0, end: text.length, text: original };
  const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
  const start = starts[Math.floor(r() * starts.length)];
  const next = text.indexOf('\n', start);
  const end = next === -1 ? text.length : next + 1;
  const kind = r();
  if (kind < 0.3) return { start, end: start, text: '\n' };
  if (kind < 0.45) return { start, end: start, text: '# moved\n\n' };
  if (kind < 0.75) return { start, end, text: '' };
  if (kind < 0.9) return { start: end, end, text: text.slice(start, end) };
  return randomEdit(text, original, r);
}

/**
 * Random and line edits that go back to the original text half of the time: texts without
 * syntax errors, which the analysis process re-parses statement by statement (engine/syntax/pieces.ts).
 */
function returning(text: string, original: string, r: () => number): Edit {
  if (text !== original && r() < 0.5) return { start: 0, end: text.length, text: original };
  return r() < 0.5 ? randomEdit(text, original, r) : lineEdit(text, original, r);
}

function apply(text: string, e: Edit): string {
  return text.slice(0, e.start) + e.text + text.slice(e.end);
}

async function runSequence(client: TestClient, parser: PythonParser, file: string, edits: number, seed: number, original = exampleText(file), edit = randomEdit, batch = BATCH): Promise<void> {
  const uri = `untitled:${file}`;
  let text = original;
  await client.open(uri, text);
  const r = rng(seed);
  for (let done = 0; done < edits; ) {
    // Several changes per notification half of the time: each range refers to the text after the previous one.
    const changes = [];
    const perMessage = r() < 0.5 ? 1 : 1 + Math.floor(r() * 4);
    for (let i = 0; i < perMessage && done < edits; i++, done++) {
      const e = edit(text, original, r);
      changes.push({ range: { start: positionAt(text, e.start), end: positionAt(text, e.end) }, text: e.text });
      text = apply(text, e);
    }
    await client.change(uri, changes);
    if (done % batch < perMessage || done === edits) await compare(client, parser, uri, text, done);
  }
  await client.close(uri);
}

async function compare(client: TestClient, parser: PythonParser, uri: string, text: string, done: number): Promise<void> {
  const fresh = parser.parse(text);
  try {
    const server = (await client.connection.sendRequest('shapelint/syntaxTree', { textDocument: { uri } })) as { tree: string };
    assert.equal(server.tree, treeFingerprint(fresh.rootNode), `tree differs after ${done} edits`);
  } finally {
    fresh.dispose();
  }
  const version = client.version(uri);
  const lines = new LineIndex(text);
  const lint = lintText(parser, text, { select: [], ignore: [], inputShapes: {} });
  const expected = lint.diagnostics.map((d) => toDiagnostic(d, lines, uri, version));
  const actual = await client.pullDiagnostics(uri);
  // An analysis cut short by its time budget (a loaded machine) legitimately differs.
  const timedOut = (ds: { message: string; data?: unknown }[]) => ds.some((d) => (d.data as { rule?: string } | undefined)?.rule === 'analysis-incomplete' && /time/.test(d.message));
  if (timedOut(actual) || timedOut(expected)) return;
  assert.deepEqual(actual, JSON.parse(JSON.stringify(expected)), `diagnostics differ after ${done} edits`);
  const everywhere = { start: { line: 0, character: 0 }, end: lines.toLsp(text.length) };
  const hints = await client.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: everywhere });
  const freshHints = inlayHints({ lint, lines, settings: { inlayHints: { enabled: true } } } as unknown as Analysis, everywhere);
  assert.deepEqual(hints, JSON.parse(JSON.stringify(freshHints)), `inlay hints differ after ${done} edits`);
}

test(`${TOTAL_EDITS} random edits: incremental tree and diagnostics equal a fresh analysis`, { timeout: 300_000 }, async () => {
  const parser = await loadParser('wasm');
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const perFile = Math.ceil(TOTAL_EDITS / EXAMPLE_FILES.length);
    for (const [i, file] of EXAMPLE_FILES.entries()) await runSequence(client, parser, file, perFile, 0x5eed + i);
    assert.deepEqual(client.unexpected([]), []);
  } finally {
    parser.dispose();
    assert.equal(await client.stop(), 0);
  }
});

const ZOO_EDITS = 2_600;

test(`${ZOO_EDITS} random edits on a model zoo with many models and errors equal a fresh analysis`, { timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const zoo = modelZooFile(600);
    const start = lintText(parser, zoo, {});
    // The point of this file: many models, some of them failing.
    assert.ok(start.engine.models.length >= 10, `${start.engine.models.length} models`);
    assert.ok(start.diagnostics.filter((d) => d.severity === 'error').length >= 3, `${start.diagnostics.length} diagnostics`);
    await runSequence(client, parser, 'zoo.py', ZOO_EDITS, 0x200, zoo);
    assert.deepEqual(client.unexpected([]), []);
  } finally {
    parser.dispose();
    assert.equal(await client.stop(), 0);
  }
});

const RETURNING_EDITS = 400;

test(`${RETURNING_EDITS} edits that return to a text without syntax errors (parsed in pieces) equal a fresh analysis`, { timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    await runSequence(client, parser, 'clean-zoo.py', RETURNING_EDITS, 0x9a7, modelZooFile(600), returning, 4);
    assert.deepEqual(client.unexpected([]), []);
  } finally {
    parser.dispose();
    assert.equal(await client.stop(), 0);
  }
});

const LINE_EDITS = 600;

test(`${LINE_EDITS} lines inserted and deleted across a file of models with errors equal a fresh analysis`, { timeout: 900_000 }, async () => {
  const parser = await loadParser('wasm');
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const zoo = errorZooFile(800);
    const start = lintText(parser, zoo, {});
    // Errors whose messages name lines (`Conv2D (line 111): ...`) in many models.
    const named = start.diagnostics.filter((d) => d.severity === 'error' && /line \d/.test([d.message, ...d.explanation].join('\n')));
    assert.ok(named.length >= 30, `${named.length} errors name lines`);
    await runSequence(client, parser, 'errors.py', LINE_EDITS, 0x11e, zoo, lineEdit, 6);
    assert.deepEqual(client.unexpected([]), []);
  } finally {
    parser.dispose();
    assert.equal(await client.stop(), 0);
  }
});

test('an edit while the document is analysed cancels the stale analysis: every pending pull gets the latest text’s diagnostics', { timeout: 300_000 }, async () => {
  const parser = await loadParser('wasm');
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const uri = 'untitled:big-zoo.py';
    // Big enough that its first analysis (no block is cached yet) is still running after the pause below.
    const zoo = modelZooFile(6_000);
    await client.open(uri, zoo);
    const stale = client.pullDiagnostics(uri);
    await new Promise((r) => setTimeout(r, 300));
    // The edit adds an error at the end, so the stale text's diagnostics differ from the latest text's.
    const added = '\nimport torch.nn as nn\nnn.Linear(4, 2)(torch.zeros(3, 5))\n';
    await client.change(uri, [{ range: { start: positionAt(zoo, zoo.length), end: positionAt(zoo, zoo.length) }, text: added }]);
    const latest = client.pullDiagnostics(uri);
    const text = zoo + added;
    const lines = new LineIndex(text);
    // A whole run of this file may reach the time budget on a loaded machine; the server's block runs each have their own.
    const expected = JSON.parse(JSON.stringify(lintText(parser, text, { budgets: { timeMs: 600_000 } }).diagnostics.map((d) => toDiagnostic(d, lines, uri, client.version(uri)))));
    assert.deepEqual(await latest, expected);
    // The pull made before the edit was answered by the analysis of the latest text, not the stale one.
    assert.deepEqual(await stale, expected);
    assert.deepEqual(client.unexpected([]), []);
  } finally {
    parser.dispose();
    assert.equal(await client.stop(), 0);
  }
});
