/**
 * Interpreter bombs: small programs that once hung shapelint or killed it with a V8 heap
 * abort. Each is linted in a process of its own, through the CLI's pipeline (host clock,
 * default budgets), and must finish within generous bounds: these are budgets, not benchmarks.
 * A bomb that a budget stops must say so with `analysis-incomplete`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { lintSettingsFor, parseInlineConfig } from '../../server/src/host/config';
import { lintText } from '../../server/src/host/lint';
import { generatedModelFile } from '../helpers/corpus';
import { parser } from '../helpers/engine';
import { measureInChild, type Measurement } from '../helpers/measure-analysis';

const MAX_MS = 10_000;
const MAX_GROWTH_MB = 500;

const dir = mkdtempSync(path.join(os.tmpdir(), 'shapelint-bombs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lint(t: TestContext, name: string, text: string): Measurement {
  const file = path.join(dir, `${name}.py`);
  writeFileSync(file, text);
  const run = measureInChild(file);
  assert.ok(run.measurement, `the analysis process died (status ${run.status}, signal ${run.signal}):\n${run.stderr}`);
  const m = run.measurement;
  t.diagnostic(`${m.ms.toFixed(0)} ms, peak memory +${m.peakGrowthMb.toFixed(0)} MB${m.truncated ? ', truncated' : ''}`);
  assert.equal(m.internalError, null, m.internalError ?? '');
  assert.ok(m.ms < MAX_MS, `took ${m.ms.toFixed(0)} ms`);
  assert.ok(m.peakGrowthMb < MAX_GROWTH_MB, `memory grew by ${m.peakGrowthMb.toFixed(0)} MB`);
  return m;
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

function incompleteNote(m: Measurement) {
  return m.diagnostics.find((d) => d.rule === 'analysis-incomplete');
}

describe('interpreter bombs', () => {
  it('a list that doubles sixty times', (t) => {
    const m = lint(t, 'doubling', lines('cells = [0]', 'for _ in range(60):', '    cells = cells + cells', 'print(len(cells))'));
    assert.deepEqual(m.diagnostics, [], 'the list becomes unknown past the size cap; nothing to report');
  });

  it('extend, repetition and string doubling in one loop', (t) => {
    const m = lint(
      t,
      'growth',
      lines('grow = [1, 2]', 'text = "ab"', 'for _ in range(64):', '    grow.extend(grow)', '    grow = grow * 2', '    text = text + text', '    text = text * 3'),
    );
    assert.deepEqual(m.diagnostics, []);
  });

  it('nested comprehensions of 2.5 billion and 100 million items', (t) => {
    const m = lint(
      t,
      'comprehension',
      lines(
        'row = [0] * 10000',
        'wide = row + row + row + row + row',
        'grid = [[a * b for a in wide] for b in wide]',
        'square = [[a + b for a in row] for b in row]',
      ),
    );
    assert.equal(incompleteNote(m)?.line, 4, 'the 100-million-item comprehension uses up the step budget');
  });

  it('sum() over a long list in a 500 x 500 loop, with and without a model inside', (t) => {
    const m = lint(
      t,
      'sum-loop',
      lines(
        'import torch',
        'import torch.nn as nn',
        'net = nn.Linear(4, 2)',
        'ones = [1] * 10000',
        'total = 0',
        'for i in range(500):',
        '    for j in range(500):',
        '        total = total + sum(ones)',
        'for i in range(500):',
        '    for j in range(500):',
        '        y = net(torch.randn(3, 4))',
        '        total = total + sum(ones)',
      ),
    );
    assert.ok(incompleteNote(m), 'sum() is charged for its items, so the loops use up the step budget');
  });

  it('x + x on a long list in a 500 x 500 loop', (t) => {
    const m = lint(t, 'concat-loop', lines('base = list(range(5000))', 'for i in range(500):', '    for j in range(500):', '        doubled = base + base'));
    assert.equal(incompleteNote(m)?.line, 2);
  });

  it('a list of 10,000 references to one 10,000-item list, handed to layers', (t) => {
    const m = lint(
      t,
      'shared-references',
      lines(
        'import torch',
        'import torch.nn as nn',
        'row = [0] * 10000',
        'grid = [row for _ in row]',
        'layer = nn.Linear(grid, 3)',
        'for i in range(400):',
        '    y = torch.cat([torch.zeros(2), grid])',
      ),
    );
    assert.equal(incompleteNote(m)?.line, 6, 'reading the nested list is charged: 100 million items would be');
  });

  it('deep, exponential and mutual recursion', (t) => {
    const m = lint(
      t,
      'recursion',
      lines(
        'def down(n):',
        '    return down(n + 1)',
        'def fib(n):',
        '    return fib(n - 1) + fib(n - 2)',
        'def ping(n):',
        '    return pong(n)',
        'def pong(n):',
        '    return ping(n)',
        'class Node:',
        '    def __init__(self, depth):',
        '        self.child = Node(depth + 1)',
        'a = down(0)',
        'c = Node(0)',
        'd = ping(1)',
        'b = fib(90)',
      ),
    );
    assert.equal(incompleteNote(m)?.line, 15, 'fib(90) explores 2**40 calls: the step budget stops it');
  });

  it('recursion through deeply nested expressions and blocks keeps the stack', (t) => {
    let nested = 'again(n)';
    for (let i = 0; i < 390; i++) nested = i % 2 ? `[${nested}]` : `wrap(k=${nested})`;
    const blocks = ['def branchy(n):'];
    for (let i = 1; i <= 95; i++) blocks.push(`${'    '.repeat(i)}if n:`);
    blocks.push(`${'    '.repeat(96)}n = branchy(n)`, '    return n');
    const m = lint(
      t,
      'deep-nesting',
      lines(
        'import torch.nn as nn',
        'def wrap(*a, **k):',
        '    return a',
        'def again(n):',
        `    return ${nested}`,
        ...blocks,
        'first = again(1)',
        'second = branchy(1)',
        'net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(4, 8, 3))',
      ),
    );
    assert.deepEqual(
      m.diagnostics.map((d) => d.rule),
      ['channel-mismatch'],
      'the nesting ends in unknown values, and the model after it is still checked',
    );
  });

  it('a 5,000-class inheritance chain', (t) => {
    const chain = ['import torch.nn as nn', 'class Level0(nn.Module):', '    width = 3', '    def forward(self, x):', '        return x'];
    for (let i = 1; i < 5000; i++) chain.push(`class Level${i}(Level${i - 1}):`, '    pass');
    chain.push('deepest = Level4999()', 'print(deepest.width)');
    lint(t, 'inheritance', lines(...chain));
  });

  it('100,000 models with an error each: every error is reported, or the truncation is said', (t) => {
    const models = ['import torch.nn as nn'];
    for (let i = 0; i < 100_000; i++) models.push(`net${i} = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(4, 8, 3))`);
    const m = lint(t, 'many-models', lines(...models));
    const errors = m.diagnostics.filter((d) => d.rule === 'channel-mismatch').length;
    assert.ok(errors > 0, 'the first models are checked');
    assert.ok(errors === 100_000 || incompleteNote(m), `${errors} errors reported and no analysis-incomplete note`);
  });

  it('a million-line file', (t) => {
    const m = lint(t, 'million', generatedModelFile(1_000_000));
    assert.ok(incompleteNote(m), 'the time budget stops it, and says so');
  });

  it('huge numbers and strings', (t) => {
    const m = lint(
      t,
      'numbers',
      lines('big = 7', 'for _ in range(80):', '    big = big * big', 'word = "shape" * 10**12', 'pad = "-" * 10**6', 'power = 10 ** 10 ** 10', 'shift = 1 << 10**9'),
    );
    assert.deepEqual(m.diagnostics, []);
  });

  it('a dict filled in nested loops, and a while loop that never ends', (t) => {
    const m = lint(
      t,
      'dict-while',
      lines('table = {}', 'for i in range(500):', '    for j in range(500):', '        table[i * 500 + j] = i', 'items = [1]', 'while True:', '    items = items + items', '    items.append(items)'),
    );
    assert.deepEqual(m.diagnostics, []);
  });
});

describe('budgets from the configuration', () => {
  it('step-budget, max-collection-size and time-budget reach the engine', async () => {
    const settingsFrom = (toml: string) => lintSettingsFor({ file: null, root: dir, values: parseInlineConfig(toml, dir) }, path.join(dir, 'model.py'));
    const text = lines('import torch.nn as nn', 'net = nn.Linear(4, 2)', 'sizes = [1] * 20', 'for i in range(300):', '    net = nn.Linear(4, len(sizes))');
    const p = await parser();
    const noted = (toml: string) => lintText(p, text, settingsFrom(toml)).diagnostics.find((d) => d.rule === 'analysis-incomplete')?.message;
    assert.equal(noted('step-budget = 100000'), undefined);
    assert.match(noted('step-budget = 500') ?? '', /step budget \(500 steps\) ran out/);
    // A cap below the list's length makes `sizes` unknown, and the layer with it silent.
    assert.equal(lintText(p, `${text}m = nn.Sequential(nn.Linear(4, len(sizes)), nn.Linear(3, 1))\n`, settingsFrom('max-collection-size = 10')).diagnostics.length, 0);
    assert.equal(lintText(p, `${text}m = nn.Sequential(nn.Linear(4, len(sizes)), nn.Linear(3, 1))\n`, settingsFrom('max-collection-size = 100')).diagnostics.length, 1);
    assert.match(noted('time-budget = 0.000001') ?? '', /time budget \(0.001 ms per file\) ran out/);
  });
});
