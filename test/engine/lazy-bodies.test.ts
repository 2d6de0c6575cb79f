/**
 * A function body read from a copied subtree is converted when first read (convert.ts
 * `withLazyBody`): charged to the analysis reading it (`chargingConversionsTo`), not to the one
 * that converted the `def` line; moved to another offset without being converted; and read again
 * after a budget ran out while converting it. That the bodies equal eager conversions is
 * copied-subtree.test.ts's comparison (it reads every body).
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { BudgetExceeded, Meter } from '../../server/src/engine/budget';
import type { FunctionDef, Stmt } from '../../server/src/engine/syntax/ast';
import { chargingConversionsTo, convertModule, convertModuleAt } from '../../server/src/engine/syntax/convert';
import { loadParser } from '../../server/src/host/parser';
import type { PythonParser } from '../../server/src/engine/index';

const TEXT = 'import torch\n\ndef build(n):\n    a = n + 1\n    b = [a, a]\n    return torch.nn.Linear(a, b[0])\n';

/** The `def` of `TEXT` converted from a copy, with the meter that converted its header. */
function converted(parser: PythonParser, base = 0): { def: FunctionDef; header: Meter; dispose: () => void } {
  const tree = parser.parse(TEXT);
  const header = new Meter({});
  const module = base === 0 ? convertModule(tree.rootNode, header, undefined, TEXT, tree) : convertModuleAt(tree.rootNode, header, base, undefined, TEXT, tree);
  const stmts: Stmt[] = [...module.body].flatMap((s) => s.convert());
  const def = stmts.find((s): s is FunctionDef => s.k === 'def');
  assert.ok(def, 'the def is converted');
  return { def, header, dispose: () => tree.dispose() };
}

test('a function body is converted at its first read, charged to the analysis reading it', async () => {
  const parser = await loadParser();
  const { def, header, dispose } = converted(parser);
  const headerSteps = header.used;
  const reader = new Meter({});
  const body = chargingConversionsTo(reader, () => def.body);
  assert.deepEqual(body.map((s) => s.k), ['assign', 'assign', 'return']);
  assert.equal(header.used, headerSteps, 'the header analysis pays nothing for the body');
  const charged = reader.used;
  assert.ok(charged >= 3, `one step per statement at least (${charged})`);
  // Read again: the same statements, nothing charged.
  assert.equal(chargingConversionsTo(reader, () => def.body), body);
  assert.equal(reader.used, charged);
  dispose();
  // Outside any analysis (the server's planning reads bodies too) it converts uncharged.
  const other = converted(parser);
  assert.equal(other.def.body.length, 3);
  other.dispose();
  parser.dispose();
});

test('a module placed at an offset moves a body without converting it before it is read', async () => {
  const parser = await loadParser();
  const base = 1_000;
  const { def, dispose } = converted(parser, base);
  const reader = new Meter({});
  const body = chargingConversionsTo(reader, () => def.body);
  assert.ok(reader.used > 0, 'converted at the read, through the moved copy');
  const at = TEXT.indexOf('a = n + 1');
  assert.deepEqual(body[0].r, { start: base + at, end: base + at + 'a = n + 1'.length });
  dispose();
  parser.dispose();
});

test('a budget that runs out while converting a body leaves it to convert at the next read', async () => {
  const parser = await loadParser();
  const { def, dispose } = converted(parser);
  const spent = new Meter({ budgets: { steps: 1 } });
  spent.charge();
  assert.throws(() => chargingConversionsTo(spent, () => def.body), (e: unknown) => e instanceof BudgetExceeded && e.budget === 'steps');
  assert.equal(chargingConversionsTo(new Meter({}), () => def.body).length, 3);
  dispose();
  parser.dispose();
});
