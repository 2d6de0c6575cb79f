/** `shapelint check` and `summary` on Jupyter notebooks: locations, formats, fixes, broken files. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, matchSnapshot, projectsRemovedAfter, read, REPO } from './helpers';
import { sarifValidator } from '../helpers/sarif-schema';

const NOTEBOOKS = path.join(REPO, 'test', 'fixtures', 'notebooks');
const CNN = readFileSync(path.join(NOTEBOOKS, 'cnn.ipynb'), 'utf8');
const LATER = readFileSync(path.join(NOTEBOOKS, 'later-cell.ipynb'), 'utf8');
const project = projectsRemovedAfter();

/** Lines of `b` that differ from `a` (same line count expected). */
function changedLines(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  assert.equal(x.length, y.length);
  return y.filter((l, i) => l !== x[i]);
}

describe('notebooks on the command line', () => {
  it('full and concise formats name the cell, with rows and columns inside it', async () => {
    const root = project({ 'cnn.ipynb': CNN, 'later-cell.ipynb': LATER });
    const concise = await cli(['check', '--no-cache', '--output-format', 'concise'], root);
    assert.equal(concise.code, 1);
    matchSnapshot('notebook-concise.txt', concise.stdout);
    const full = await cli(['check', '--no-cache'], root);
    // The error is in cell 3 of later-cell.ipynb; its input comes from cell 1; the IPython line shows as written.
    assert.match(full.stdout, /later-cell\.ipynb:cell 3:5:10/);
    assert.match(full.stdout, /input \(4, 20\) \(cell 1, line 4\)/);
    assert.match(full.stdout, /4 \| %time y0 = 1/);
    matchSnapshot('notebook-full.txt', full.stdout);
  });

  it('json has Ruff\'s `cell` field with rows relative to the cell', async () => {
    const root = project({ 'later-cell.ipynb': LATER });
    const items = JSON.parse((await cli(['check', '--no-cache', '--output-format', 'json'], root)).stdout);
    assert.equal(items.length, 1);
    assert.equal(items[0].cell, 3);
    assert.deepEqual(items[0].location, { row: 5, column: 10 });
    assert.equal(items[0].noqa_row, 5);
    assert.deepEqual(items[0].fix.edits[0].location, { row: 2, column: 16 });
    assert.deepEqual(items[0].related.map((r: { cell: number }) => r.cell), [3, 1]);
  });

  it('SARIF, GitHub and GitLab point at the notebook line that holds the code', async () => {
    const root = project({ 'later-cell.ipynb': LATER });
    const jsonLine = LATER.split('\n').findIndex((l) => l.includes('logits = fc(x)')) + 1;
    const sarif = JSON.parse((await cli(['check', '--no-cache', '--output-format', 'sarif'], root)).stdout);
    assert.ok(sarifValidator()(sarif));
    const result = sarif.runs[0].results[0];
    assert.deepEqual(result.locations[0].physicalLocation, { artifactLocation: { uri: 'later-cell.ipynb' }, region: { startLine: jsonLine, endLine: jsonLine } });
    assert.match(result.message.text, /^later-cell\.ipynb:cell 3:5:10: mat1 and mat2/);
    const github = (await cli(['check', '--no-cache', '--output-format', 'github'], root)).stdout;
    assert.ok(github.startsWith(`::error title=shapelint (SL003),file=later-cell.ipynb,line=${jsonLine},endLine=${jsonLine}::later-cell.ipynb:cell 3:5:10: SL003`), github);
    const gitlab = JSON.parse((await cli(['check', '--no-cache', '--output-format', 'gitlab'], root)).stdout);
    assert.deepEqual(gitlab[0].location, { path: 'later-cell.ipynb', lines: { begin: jsonLine, end: jsonLine } });
    matchSnapshot('notebook-github.txt', github);
  });

  it('--fix rewrites only the fixed source lines; layout, metadata and outputs stay byte for byte', async () => {
    const root = project({ 'cnn.ipynb': CNN, 'later-cell.ipynb': LATER });
    const r = await cli(['check', '--no-cache', '--fix'], root);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(changedLines(CNN, read(root, 'cnn.ipynb')), ['    "        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)  # wrong: conv1 gives 16 channels\\n",']);
    assert.deepEqual(changedLines(LATER, read(root, 'later-cell.ipynb')), ['    "fc = nn.Linear(20, 5)\\n",']);
    assert.ok(read(root, 'cnn.ipynb').endsWith('}\n'));
    assert.equal((await cli(['check', '--no-cache'], root)).code, 0);
  });

  it('--diff shows one diff per changed cell and writes nothing', async () => {
    const root = project({ 'later-cell.ipynb': LATER });
    const r = await cli(['check', '--no-cache', '--diff'], root);
    assert.equal(r.code, 1);
    assert.equal(read(root, 'later-cell.ipynb'), LATER);
    matchSnapshot('notebook-diff.txt', r.stdout);
  });

  it('--add-noqa writes the directive into the cell', async () => {
    const root = project({ 'later-cell.ipynb': LATER });
    assert.equal((await cli(['check', '--no-cache', '--add-noqa'], root)).code, 0);
    assert.deepEqual(changedLines(LATER, read(root, 'later-cell.ipynb')), ['    "logits = fc(x)  # noqa: SL003"']);
    assert.equal((await cli(['check', '--no-cache'], root)).code, 0);
  });

  it('an invalid or truncated notebook is an error for that file; the others are still checked', async () => {
    const root = project({ 'a-truncated.ipynb': CNN.slice(0, 400), 'b-list.ipynb': '[1, 2]', 'later-cell.ipynb': LATER });
    const r = await cli(['check', '--no-cache', '--output-format', 'concise'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: cannot check a-truncated\.ipynb: invalid notebook: the JSON does not parse/);
    assert.match(r.stderr, /error: cannot check b-list\.ipynb: invalid notebook: the JSON is not an object/);
    assert.match(r.stdout, /later-cell\.ipynb:cell 3:5:10: SL003/);
  });

  it('summary reads a notebook', async () => {
    const root = project({ 'cnn.ipynb': CNN });
    const r = await cli(['summary', 'cnn.ipynb'], root);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /conv1 \(Conv2d\)\s+\(8, 16, 32, 32\)\s+448/);
  });
});
