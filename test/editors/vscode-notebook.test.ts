/**
 * A Jupyter notebook in real VS Code (code-server, see code-server.ts): the extension's
 * client syncs the notebook (LSP notebook documents), so the cells are analysed as one program.
 * The error in the last cell comes from the tensor of an earlier cell: the squiggle, the
 * Problems entry, the inlay hint, the hover and the quick fix all appear in the cells.
 * Screenshots of every step go to `test-artifacts/vscode-notebook/`.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../lsp/harness';
import { CodeServerSession, requireTools, skip, sleep } from './code-server';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'vscode-notebook');
const FILE = 'classifier.ipynb';
const MESSAGE = 'mat1 and mat2 shapes cannot be multiplied (4x20 and 10x5)';

let session: CodeServerSession | undefined;
after(async () => session?.close());
before(requireTools);

test('VS Code (code-server): a notebook gets squiggle, Problems entry, inlay hint, hover and quick fix in its cells', { skip, timeout: 300_000 }, async () => {
  const started = Date.now();
  session = await CodeServerSession.start({
    workspaceFrom: path.join(REPO_ROOT, 'test', 'fixtures', 'editors', 'notebook'),
    artifacts: ARTIFACTS,
    // VS Code's built-in Jupyter notebook editor, not the JSON text.
    settings: { 'workbench.editorAssociations': { '*.ipynb': 'jupyter-notebook' } },
  });
  const s = session;
  const page = s.page;
  const notebook = page.locator('.notebookOverlay');

  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE });
  await s.expectVisible(row, `${FILE} in the Explorer`, 60_000);
  await row.first().dblclick();
  await s.expectVisible(notebook.locator('.view-line', { hasText: 'logits = fc(x)' }), 'the notebook cells', 90_000);

  // The squiggle: in the last cell, on `fc(x)`.
  const squiggle = notebook.locator('.squiggly-error');
  await s.expectVisible(squiggle, 'an error squiggle in a cell (the server did not report)', 60_000);
  assert.equal(await squiggle.count(), 1, 'one error squiggle');
  const callLine = notebook.locator('.view-line', { hasText: 'logits = fc(x)' }).first();
  const [sq, line] = [await squiggle.first().boundingBox(), await callLine.boundingBox()];
  assert.ok(sq && line && Math.abs(sq.y + sq.height / 2 - (line.y + line.height / 2)) < line.height / 2, 'the squiggle is on the `logits = fc(x)` line');

  // The inlay hint: the shape of x at the end of its line in the first code cell.
  await s.expectVisible(notebook.locator('.view-line', { hasText: '→ (4, 20)' }), 'the inlay hint → (4, 20) in the first code cell');
  await s.screenshot('squiggle');

  // The Problems entry, naming the cell's rule.
  await page.keyboard.press('Control+Shift+M');
  const markers = page.locator('.markers-panel');
  const entry = markers.locator('.monaco-list-row', { hasText: MESSAGE });
  await s.expectVisible(entry, 'the diagnostic in the Problems panel');
  assert.match((await entry.first().innerText()).replace(/\s+/g, ' '), /SL003|features-mismatch/);
  await s.screenshot('problems');
  await page.keyboard.press('Control+Shift+M');

  // The cursor into the squiggled `fc(x)`.
  const clickError = async (): Promise<void> => {
    // A republished diagnostic redraws the squiggle: between the two it has no box for a moment.
    let box = await squiggle.first().boundingBox();
    for (let i = 0; i < 40 && !box; i++) {
      await sleep(250);
      box = await squiggle.first().boundingBox();
    }
    assert.ok(box, 'the squiggle has a position');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  };

  // Hover on the error: Ctrl+K Ctrl+I there.
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: MESSAGE });
  for (let attempt = 0; attempt < 3 && !(await hover.first().isVisible()); attempt++) {
    await clickError();
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await hover.first().waitFor({ state: 'visible', timeout: 8_000 }).catch(() => undefined);
  }
  await s.expectVisible(hover, 'a hover with the error');
  assert.match((await hover.first().innerText()).replace(/\s+/g, ' '), /\(4, 20\)/, 'the hover shows the input shape');
  await s.screenshot('hover-error');
  await page.keyboard.press('Escape');

  // Quick fix: Ctrl+. on the error, choose Set in_features=20.
  const widget = page.locator('.action-widget');
  for (let attempt = 0; attempt < 3; attempt++) {
    await clickError();
    await page.keyboard.press('Control+.');
    if (await widget.first().waitFor({ state: 'visible', timeout: 8_000 }).then(() => true, () => false)) break;
    await page.keyboard.press('Escape');
  }
  const fix = widget.locator('.monaco-list-row', { hasText: 'Set in_features=20' });
  await s.expectVisible(fix, 'the Set in_features=20 quick fix');
  await s.screenshot('quick-fix');
  await fix.first().click();
  await s.expectVisible(notebook.locator('.view-line', { hasText: 'nn.Linear(20, 5)' }), 'the fix in the cell');
  await page.keyboard.press('Control+S');

  // Saved into the notebook's cell, and the problem gone.
  const onDisk = path.join(s.workspace, FILE);
  let saved = '';
  for (let i = 0; i < 100 && !saved.includes('nn.Linear(20, 5)'); i++) {
    saved = readFileSync(onDisk, 'utf8');
    if (!saved.includes('nn.Linear(20, 5)')) await sleep(100);
  }
  assert.equal(JSON.parse(saved).cells[2].source.join(''), '!nvidia-smi\nfc = nn.Linear(20, 5)\nlogits = fc(x)');
  try {
    await squiggle.first().waitFor({ state: 'detached', timeout: 20_000 });
  } catch {
    await s.screenshot('failed-still-an-error');
    assert.fail(`the problem is still shown after the fix:\n${s.logs()}`);
  }
  await s.screenshot('fixed');
  assert.doesNotMatch(s.logs(), /Activating extension 'shapelint\.shapelint' failed|Cannot find module/);
  console.log(`vscode notebook test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
