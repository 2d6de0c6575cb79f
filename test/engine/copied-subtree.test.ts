/**
 * `ParsedTree.copySubtree` (the conversion's copy of a statement's subtree, read through the
 * parser's tree cursor) must answer every question the conversion asks exactly as the parser's
 * own node wrappers do, for every node it keeps (it leaves out the tokens the conversion never
 * reads, `keptInCopy`): checked node by node over every example and fixture, over texts with
 * syntax errors, and over texts that are not ASCII (offsets count UTF-16 code units); and the
 * statements converted from copies equal those converted from the parser's nodes, over those
 * texts and every library stub.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Meter } from '../../server/src/engine/budget';
import { keptInCopy } from '../../server/src/engine/syntax/copied-node';
import { convertModule } from '../../server/src/engine/syntax/convert';
import { loadParser } from '../../server/src/host/parser';
import type { ReadNode, SyntaxNode } from '../../server/src/engine/syntax/tree';
import { pythonFiles } from '../helpers/corpus';
import { EXAMPLES, FIXTURES, REPO_ROOT } from '../helpers/paths';

/** Every field name the conversion asks for. */
const FIELDS = ['left', 'right', 'operator', 'definition', 'value', 'body', 'alternative', 'condition', 'consequence', 'name', 'alias', 'module_name',
  'parameters', 'type', 'superclasses', 'attribute', 'object', 'arguments', 'function', 'subscript', 'argument', 'key'];

function compare(copy: ReadNode, node: SyntaxNode, where: string): number {
  const at = `${where} ${node.type}@${node.startIndex}`;
  assert.equal(copy.type, node.type, at);
  assert.equal(copy.startIndex, node.startIndex, at);
  assert.equal(copy.endIndex, node.endIndex, at);
  assert.equal(copy.text, node.text, at);
  assert.equal(copy.isNamed, node.isNamed, at);
  assert.equal(copy.namedChildCount, node.namedChildCount, at);
  for (const f of FIELDS) {
    const a = copy.childForFieldName(f);
    const b = node.childForFieldName(f);
    assert.deepEqual(a && [a.startIndex, a.endIndex, a.type], b && [b.startIndex, b.endIndex, b.type], `${at} field ${f}`);
  }
  for (let i = 0; i < node.namedChildCount; i++) assert.equal(copy.namedChild(i)?.startIndex, node.namedChild(i)?.startIndex, `${at} named child ${i}`);
  let count = 1;
  let k = 0;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i)!;
    const field = node.fieldNameForChild?.(i) ?? null;
    if (!keptInCopy(child.isNamed, field === null ? 0 : 1, node.type)) continue;
    assert.equal(copy.fieldNameForChild?.(k), field, `${at} field of child ${i}`);
    count += compare(copy.child(k++)!, child, where);
  }
  assert.equal(copy.childCount, k, `${at} children kept`);
  return count;
}

/** A module's statements, all converted (from copies when `tree` is given), as plain data. */
function converted(root: SyntaxNode, text: string, tree?: Parameters<typeof convertModule>[4]): string {
  const module = convertModule(root, new Meter({}), undefined, text, tree);
  return JSON.stringify([...module.body].map((s) => s.convert()));
}

function texts(): string[][] {
  const out = [...pythonFiles(EXAMPLES), ...pythonFiles(path.join(FIXTURES, 'engine'))].map((f) => [f, readFileSync(f, 'utf8')]);
  out.push(['errors', 'def f(x:\n    return x +\nclass A(:\n  y = [1, 2\nz = f(1)) if else\n'], ['unicode', 's = "héllo 🙂"; t = f"{s!r} ü"\nx = conv(s)[0]  # ça\n']);
  out.push(['tokens', 'a = x not in y is not z < 1 <= 2\nb = t[1:-1, ::2, :, 3:]\nc = -x ** 2 // 3 if not a or b else ~x\nd += f"{a!r}{b}" "s" b"t"\n']);
  return out;
}

test('a copied subtree reads like the parser nodes it was copied from', async () => {
  const parser = await loadParser();
  let nodes = 0;
  for (const [file, text] of texts()) {
    const tree = parser.parse(text);
    try {
      const root = tree.rootNode;
      for (let i = 0; i < root.childCount; i++) {
        const child = root.child(i)!;
        const copy = tree.copySubtree?.(child);
        assert.ok(copy, 'the WASM backend copies subtrees');
        nodes += compare(copy, child, file);
      }
    } finally {
      tree.dispose();
    }
  }
  assert.ok(nodes > 10_000, `compared ${nodes} nodes`);
  parser.dispose();
});

test('statements converted from copies equal those converted from the parser nodes', async () => {
  const parser = await loadParser();
  const stubs = pythonFiles(path.join(REPO_ROOT, 'server', 'stubs')).map((f) => [f, readFileSync(f, 'utf8')]);
  assert.ok(stubs.length > 50, `${stubs.length} stubs`);
  for (const [file, text] of [...texts(), ...stubs]) {
    const tree = parser.parse(text);
    try {
      assert.equal(converted(tree.rootNode, text, tree), converted(tree.rootNode, text), file);
    } finally {
      tree.dispose();
    }
  }
  parser.dispose();
});
