/**
 * `ParsedTree.copySubtree` (the conversion's copy of a statement's subtree, read through the
 * parser's tree cursor) must answer every question the conversion asks exactly as the parser's
 * own node wrappers do: checked node by node over every example and fixture, over texts with
 * syntax errors, and over texts that are not ASCII (offsets count UTF-16 code units).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadParser } from '../../server/src/host/parser';
import type { ReadNode, SyntaxNode } from '../../server/src/engine/syntax/tree';
import { pythonFiles } from '../helpers/corpus';
import { EXAMPLES, FIXTURES } from '../helpers/paths';

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
  assert.equal(copy.childCount, node.childCount, at);
  assert.equal(copy.namedChildCount, node.namedChildCount, at);
  for (const f of FIELDS) {
    const a = copy.childForFieldName(f);
    const b = node.childForFieldName(f);
    assert.deepEqual(a && [a.startIndex, a.endIndex, a.type], b && [b.startIndex, b.endIndex, b.type], `${at} field ${f}`);
  }
  for (let i = 0; i < node.namedChildCount; i++) assert.equal(copy.namedChild(i)?.startIndex, node.namedChild(i)?.startIndex, `${at} named child ${i}`);
  let count = 1;
  for (let i = 0; i < node.childCount; i++) {
    assert.equal(copy.fieldNameForChild?.(i), node.fieldNameForChild?.(i), `${at} field of child ${i}`);
    count += compare(copy.child(i)!, node.child(i)!, where);
  }
  return count;
}

test('a copied subtree reads like the parser nodes it was copied from', async () => {
  const parser = await loadParser();
  const texts = [...pythonFiles(EXAMPLES), ...pythonFiles(path.join(FIXTURES, 'engine'))].map((f) => [f, readFileSync(f, 'utf8')]);
  texts.push(['errors', 'def f(x:\n    return x +\nclass A(:\n  y = [1, 2\nz = f(1)) if else\n'], ['unicode', 's = "héllo 🙂"; t = f"{s!r} ü"\nx = conv(s)[0]  # ça\n']);
  let nodes = 0;
  for (const [file, text] of texts) {
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
