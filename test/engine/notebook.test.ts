/** Notebooks as one program: IPython lines, other-language cells, positions and writing back. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex, notebookWithProgram, readNotebook, type Notebook } from '../../server/src/engine/index';

function nb(cells: { cell_type: string; source: string | string[] }[], metadata: object = {}): string {
  const full = cells.map((c, i) => ({ ...c, id: `c${i}`, metadata: {}, ...(c.cell_type === 'code' ? { execution_count: null, outputs: [] } : {}) }));
  return `${JSON.stringify({ cells: full, metadata, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

function read(json: string): Notebook {
  const r = readNotebook(json);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.notebook;
}

describe('notebook programs', () => {
  it('joins code cells in order and replaces IPython lines by pass on the same line', () => {
    const n = read(nb([
      { cell_type: 'code', source: ['%matplotlib inline\n', '!pip install torch\n', 'import torch'] },
      { cell_type: 'markdown', source: '# not code (' },
      { cell_type: 'code', source: 'files = !ls\nnet?\n?net\nfor i in range(2):\n    %time f(i)\nx = (1\n  % 2)\ny = (3\n  != 4)\n' },
    ]));
    assert.equal(n.program, 'pass\npass\nimport torch\npass\npass\npass\nfor i in range(2):\n    pass\nx = (1\n  % 2)\ny = (3\n  != 4)\n');
    assert.deepEqual(n.cells.spans.map((s) => [s.cell, s.firstLine, s.lineCount]), [[1, 0, 3], [3, 3, 9]]);
  });

  it('a magic continued with a backslash takes its next line along', () => {
    assert.equal(read(nb([{ cell_type: 'code', source: '!pip install \\\n   torch\nimport os\n' }])).program, 'pass\n   pass\nimport os\n');
  });

  it('skips cells of other languages and notebooks of other kernels', () => {
    const cells = [
      { cell_type: 'code', source: '%%bash\necho (' },
      { cell_type: 'raw', source: 'x = (' },
      { cell_type: 'code', source: '%%time\nx = 1' },
    ];
    assert.equal(read(nb(cells)).program, 'pass\nx = 1\n');
    assert.equal(read(nb(cells, { language_info: { name: 'R' } })).program, '');
  });

  it('maps offsets to 1-based cells (counting every cell) with rows inside the cell', () => {
    const n = read(nb([{ cell_type: 'markdown', source: 'm' }, { cell_type: 'code', source: 'a = 1\n' }, { cell_type: 'code', source: ['b = 2\n', 'c = 3'] }]));
    const index = new LineIndex(n.program);
    assert.deepEqual(n.cells.toCell(index, n.program.indexOf('c = 3') + 4), { cell: 3, row: 2, column: 5 });
    assert.deepEqual(n.cells.toCell(index, 0), { cell: 2, row: 1, column: 1 });
  });

  it('gives a clear reason for what is not a notebook', () => {
    const reasons = ['{"cells": [', '[]', '{"worksheets": []}', '{"cells": [{"cell_type": "code"}]}'].map((t) => {
      const r = readNotebook(t);
      return r.ok ? '' : r.error;
    });
    assert.match(reasons[0], /^invalid notebook: the JSON does not parse/);
    assert.equal(reasons[1], 'invalid notebook: the JSON is not an object');
    assert.match(reasons[2], /nbformat 3/);
    assert.equal(reasons[3], 'invalid notebook: cell 1 has no `source` text');
  });
});

describe('writing a program back', () => {
  const json = nb([
    { cell_type: 'code', source: ['%time x = 1\n', 'fc = Linear(10, 5)\n', 'y = fc(x)'] },
    { cell_type: 'markdown', source: ['keep é\n', 'me'] },
    { cell_type: 'code', source: 'z = Linear(3, 4)\n' },
  ]);

  it('changes only the JSON strings of the changed lines', () => {
    const n = read(json);
    const out = notebookWithProgram(n, n.program.replace('Linear(10, 5)', 'Linear(20, 5)').replace('Linear(3, 4)', 'Linear(3, 8)'));
    assert.ok(out.ok);
    assert.equal(out.json, json.replace('Linear(10, 5)', 'Linear(20, 5)').replace('Linear(3, 4)', 'Linear(3, 8)'));
  });

  it('refuses a change on an IPython line', () => {
    const n = read(json);
    assert.deepEqual(notebookWithProgram(n, n.program.replace(/^pass/, 'x = 2')), { ok: false, reason: 'a change falls on IPython syntax' });
  });

  it('a change that adds lines inside one cell keeps the list layout', () => {
    const n = read(json);
    const out = notebookWithProgram(n, n.program.replace('z = Linear(3, 4)\n', 'z = Linear(3, 4)\nw = 1\n'));
    assert.ok(out.ok);
    assert.deepEqual(JSON.parse(out.json).cells[2].source, 'z = Linear(3, 4)\nw = 1\n');
    assert.equal(out.json.replace('\\nw = 1', ''), json);
  });
});
