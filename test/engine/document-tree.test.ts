/**
 * `DocumentTree` (engine/syntax/pieces.ts) re-parses only the top-level statements an edit
 * touches. Its tree must be the tree a fresh parse of the same text gives: compared node by node
 * (types, extents, MISSING marks), with each top-level statement's text and copied subtree, after
 * every one of thousands of seeded random edits: brackets and triple-quoted strings opened and
 * closed, statements added, removed, merged and split, edits at statement boundaries and in the
 * blank lines and comments between statements, decorators, `else:`/`except:` in column 0,
 * backslash continuations, syntax errors, and text that is not ASCII (offsets in UTF-16 units).
 * The edits return to a text without syntax errors often, since only such texts take the piece
 * path; the test checks enough of them did.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { loadParser } from '../../server/src/host/parser';
import { DocumentTree } from '../../server/src/engine/syntax/pieces';
import type { ParsedTree, PythonParser, ReadNode, SyntaxNode } from '../../server/src/engine/syntax/tree';
import { treeEditBetween } from '../../server/src/lsp/text-delta';
import { treeFingerprint } from '../../server/src/lsp/requests';
import { AnalysisCache, analyzeText, analyzeTree, ConversionCache } from '../../server/src/engine/index';
import { modelZooFile, rng } from '../helpers/corpus';

/** Python with the constructs whose boundaries are delicate, around ordinary model code. */
const DELICATE = `# -*- coding: utf-8 -*-
import torch
import torch.nn as nn

x = 1 + \\
    2
if x:
    y = 1
else:
    y = 2


@decorator
def f(a, b=(1,
            2)):
    """Doc string
    over lines."""
    return a  # trailing comment
    # indented comment after the body
# comment in column 0
try:
    import numpy as np
except ImportError:
    np = None
finally:
    pass

s = '''triple
quoted ''' ; t = "é𝒳"
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, kernel_size=3)  # ünïcödé

    def forward(self, x):
        return self.conv(x)


while False:
    break
net = Net()
out = net(torch.zeros(1, 3, 32, 32))
match out:
    case [a, *rest]:
        pass
    case _:
        pass
async def g():
    async with lock as l: await l
@a.b(1)

# comment between decorator and def
@c
class D: pass
if x: pass
else: pass
print "python 2"
w = f"{x!r:>{width}}" + rb'\\x00'
\f
z = [1,
  2,
	3]  ;  q = (lambda: (yield))
`;

const SNIPPETS = ['(', ')', '[', ']', '"""', "'''", '"', "'", ':', '\n', '\n\n', '    ', '#', '# note\n', '    # note\n', 'else:\n    pass\n', 'elif x:\n    pass\n',
  'except Exception:\n    pass\n', 'finally:\n    pass\n', '@decorator\n', '\\\n', '\\', ' \\\n    + 1', 'é', '𝒳', 'x = 1\n', 'x = 1; y = 2\n', 'def g():\n    return 1\n',
  'if x:\n    pass\n', 'try:\n    pass\n', 'class C:\n    """doc\n    string"""\n', ',', '\t', '\r\n', 'pass', '        z = 3\n', ')\n', '    return x\n'];

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Never splits a surrogate pair (no editor makes such a text). */
function safe(text: string, o: number): number {
  const c = text.charCodeAt(o - 1);
  return c >= 0xd800 && c <= 0xdbff ? o - 1 : o;
}

function lineStarts(text: string): number[] {
  return [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
}

function randomEdit(text: string, r: () => number): Edit {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const starts = lineStarts(text);
  const where = r();
  // A random place, a line start (statement boundaries, blank lines), or a line end.
  const line = pick(starts);
  const lineEnd = text.indexOf('\n', line) < 0 ? text.length : text.indexOf('\n', line);
  const at = safe(text, where < 0.4 ? Math.floor(r() * (text.length + 1)) : where < 0.75 ? line : lineEnd);
  const kind = r();
  if (kind < 0.5) return { start: at, end: at, text: pick(SNIPPETS) };
  if (kind < 0.65) return { start: line, end: Math.min(text.length, lineEnd + 1), text: '' }; // a line removed
  if (kind < 0.75) return { start: lineEnd, end: safe(text, Math.min(text.length, lineEnd + 1 + Math.floor(r() * 6))), text: '' }; // lines merged
  if (kind < 0.9) return { start: at, end: safe(text, Math.min(text.length, at + 1 + Math.floor(r() * 10))), text: '' };
  const from = safe(text, Math.floor(r() * text.length));
  return { start: at, end: at, text: text.slice(from, safe(text, from + Math.floor(r() * 120))) };
}

/** A character typed or deleted somewhere, as when typing. */
function typing(text: string, r: () => number): Edit {
  const at = safe(text, Math.floor(r() * (text.length + 1)));
  if (r() < 0.3) return { start: at, end: safe(text, Math.min(text.length, at + 1)), text: '' };
  return { start: at, end: at, text: ['1', 'x', ' ', '\n', '#', '(', ',', 'é'][Math.floor(r() * 8)] };
}

function apply(text: string, e: Edit): string {
  return text.slice(0, e.start) + e.text + text.slice(e.end);
}

/** A node of a copied subtree, with its text, as a string. */
function copyFingerprint(n: ReadNode): string {
  const parts = [`(${n.type} ${n.startIndex} ${n.endIndex}`];
  if (n.childCount === 0) parts.push(JSON.stringify(n.text));
  for (let i = 0; i < n.childCount; i++) parts.push(copyFingerprint(n.child(i)!));
  return parts.join(' ') + ')';
}

/** The tree equals a fresh parse's: every node, and the top-level statements' texts and copies. */
function assertSameTree(tree: ParsedTree, fresh: ParsedTree, text: string, where: string): void {
  assert.equal(treeFingerprint(tree.rootNode), treeFingerprint(fresh.rootNode), where);
  const kids = tree.rootNode.children!;
  const freshKids = fresh.rootNode.children!;
  for (const [i, c] of kids.entries()) {
    const f = freshKids[i]!;
    assert.equal(c!.text, f.text, `${where}: text of child ${i}`);
    const copy = tree.copySubtree?.(c!);
    const freshCopy = fresh.copySubtree?.(f);
    assert.equal(copy && copyFingerprint(copy), freshCopy && copyFingerprint(freshCopy), `${where}: copy of child ${i}`);
  }
  if (tree.rootNode.hasError !== fresh.rootNode.hasError) {
    const bad = freshKids.filter((c) => c!.hasError).map((c) => `${c!.type}@${c!.startIndex}: ${JSON.stringify(text.slice(c!.startIndex, c!.endIndex))} ${c!.toString()}`);
    assert.fail(`${where}: ${JSON.stringify(text.slice(0, 200))} hasError ${tree.rootNode.hasError} vs ${fresh.rootNode.hasError}: ${bad.join('\n')} ${(fresh.rootNode as unknown as { toString(): string }).toString().slice(0, 3000)}`);
  }
}

/**
 * Runs `steps` edits from `base`: one to three random edits, then (most often) back to a text
 * without syntax errors. Returns how many parses took the piece path.
 */
function runEdits(parser: PythonParser, base: string, steps: number, seed: number, check: (tree: ParsedTree, text: string, step: number, how?: string) => void, edit = randomEdit): { pieces: number; parses: number } {
  const r = rng(seed);
  const doc = new DocumentTree(parser);
  let text = base;
  let clean = base;
  let tree = doc.parse(text);
  check(tree, text, 0);
  let pieces = 0;
  for (let step = 1; step <= steps; step++) {
    const next = r() < 0.4 && text !== clean ? clean : apply(text, edit(text, r));
    tree = doc.parse(next, treeEditBetween(text, next));
    text = next;
    doc.freeRetired();
    if (doc.lastParse === 'piece') pieces++;
    check(tree, text, step, doc.lastParse);
    if (!tree.rootNode.hasError && r() < 0.3 && text.length < base.length * 1.5) clean = text;
  }
  doc.dispose();
  return { pieces, parses: steps };
}

test('random edits: the pieced tree equals a fresh parse', { timeout: 600_000 }, async (t) => {
  const parser = await loadParser('wasm');
  try {
    const texts = [DELICATE, modelZooFile(300), DELICATE.replace(/\n/g, '\r\n')];
    let pieces = 0;
    let parses = 0;
    for (const [k, base] of texts.entries()) {
      const run = runEdits(parser, base, k === 1 ? 1_500 : 2_500, 0x9e3 + k, (tree, text, step, how) => {
        const fresh = parser.parse(text);
        try {
          assertSameTree(tree, fresh, text, `text ${k}, step ${step} (${how})`);
        } finally {
          fresh.dispose();
        }
      });
      pieces += run.pieces;
      parses += run.parses;
    }
    t.diagnostic(`${pieces} of ${parses} parses were pieces`);
    // Not a vacuous pass: a good share of the edits were parsed as pieces.
    assert.ok(pieces > parses * 0.2, `${pieces} of ${parses} parses were pieces`);
  } finally {
    parser.dispose();
  }
});

test('random edits: the analysis of a pieced tree equals a fresh analysis', { timeout: 600_000 }, async () => {
  const parser = await loadParser('wasm');
  try {
    const caches = { conversionCache: new ConversionCache(), analysisCache: new AnalysisCache() };
    const run = runEdits(parser, modelZooFile(400), 300, 0xa11, (tree, text, step) => {
      const incremental = analyzeTree(tree, text, caches);
      const fresh = analyzeText(parser, text);
      assert.deepEqual(JSON.parse(JSON.stringify(incremental)), JSON.parse(JSON.stringify(fresh)), `step ${step}`);
    }, typing);
    assert.ok(run.pieces > run.parses * 0.3, `${run.pieces} of ${run.parses} parses were pieces`);
  } finally {
    parser.dispose();
  }
});

/** The root of a pieced tree answers as a parsed module's root. */
test('a pieced root reads like a parsed one', async () => {
  const parser = await loadParser('wasm');
  const doc = new DocumentTree(parser);
  try {
    const text = 'import torch\n\n# c\nx = torch.zeros(2)\n\ny = x  # tail\n';
    doc.parse(text);
    const next = text.replace('zeros(2)', 'zeros(3)');
    const tree = doc.parse(next, treeEditBetween(text, next));
    assert.equal(doc.lastParse, 'piece');
    const fresh = parser.parse(next);
    const root: SyntaxNode = tree.rootNode;
    const freshRoot = fresh.rootNode;
    assert.equal(root.text, freshRoot.text);
    assert.equal(root.namedChildCount, freshRoot.namedChildCount);
    assert.deepEqual(root.descendantsOfType!('comment').map((c) => c!.text), freshRoot.descendantsOfType!('comment').map((c) => c!.text));
    const hash = next.indexOf('# tail');
    assert.equal(root.descendantForIndex!(hash, hash + 1)!.text, freshRoot.descendantForIndex!(hash, hash + 1)!.text);
    fresh.dispose();
  } finally {
    doc.dispose();
    parser.dispose();
  }
});
