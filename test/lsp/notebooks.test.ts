/**
 * LSP 3.17 notebook sync: the cells of a notebook are analysed as one program; diagnostics,
 * hovers, inlay hints and quick fixes arrive in cell coordinates, and edits to cells (text and
 * structure) are followed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, Hover, InlayHint } from 'vscode-languageserver-protocol/node';
import { applyLspEdits, REPO_ROOT, TestClient } from './harness';

const NB = pathToFileURL(path.join(REPO_ROOT, 'test', 'fixtures', 'notebooks', 'lsp.ipynb')).href;
const cellUri = (n: number) => `vscode-notebook-cell:${NB.slice('file:'.length)}#cell${n}`;

const CELLS = [
  { kind: 2, lang: 'python', text: '%matplotlib inline\nimport torch\nfrom torch import nn\nx = torch.randn(4, 20)\n' },
  { kind: 1, lang: 'markdown', text: '# The classifier (\n' },
  { kind: 2, lang: 'python', text: '!nvidia-smi\nfc = nn.Linear(10, 5)\nlogits = fc(x)\n' },
];

async function openNotebook(client: TestClient): Promise<void> {
  await client.connection.sendNotification('notebookDocument/didOpen', {
    notebookDocument: { uri: NB, notebookType: 'jupyter-notebook', version: 1, cells: CELLS.map((c, i) => ({ kind: c.kind, document: cellUri(i + 1) })) },
    cellTextDocuments: CELLS.map((c, i) => ({ uri: cellUri(i + 1), languageId: c.lang, version: 1, text: c.text })),
  });
}

test('notebook cells: diagnostics, hover, inlay hints and quick fix in cell coordinates (pull mode)', async () => {
  const { client, init } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    assert.deepEqual(init.capabilities.notebookDocumentSync, { notebookSelector: [{ notebook: '*', cells: [{ language: 'python' }, { language: 'markdown' }, { language: 'raw' }] }] });
    await openNotebook(client);
    // The error is in cell 3, caused by the tensor of cell 1; the explanation names the cells as the CLI does.
    const [d, ...rest] = await client.pullDiagnostics(cellUri(3));
    assert.equal(rest.length, 0);
    assert.equal(d.code, 'SL003');
    assert.deepEqual(d.range, { start: { line: 2, character: 9 }, end: { line: 2, character: 14 } });
    assert.match(d.message, /^Linear expects 10 input features \(in_features=10\) but the tensor \(4, 20\) has 20 in its last axis\.\nmat1 and mat2 shapes cannot be multiplied \(4x20 and 10x5\)\n/);
    assert.match(d.message, /input \(4, 20\) \(cell 1, line 4\)/);
    assert.deepEqual(d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]), [[cellUri(3), 1], [cellUri(1), 3]]);
    assert.deepEqual(await client.pullDiagnostics(cellUri(1)), []);

    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: cellUri(1) }, position: { line: 3, character: 1 } })) as Hover | null;
    assert.match(JSON.stringify(hover?.contents), /\(4, 20\)/);
    assert.equal(hover?.range?.start.line, 3);
    // The error hover: the sentence, the framework's words, then the trace as a table.
    const errorHover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: cellUri(3) }, position: { line: 2, character: 10 } })) as Hover;
    const md = (errorHover.contents as { value: string }).value;
    assert.equal(md.split('\n').slice(0, 3).join('\n'), '**Linear expects 10 input features (in\\_features=10) but the tensor (4, 20) has 20 in its last axis.** · SL003\n\n> mat1 and mat2 shapes cannot be multiplied (4x20 and 10x5)  ');
    assert.match(md, /\| step \| shape \| where \|\n\| --- \| --- \| --- \|\n\| input \| `\(4, 20\)` \| cell 1, line 4 \|/);

    const hints = (await client.connection.sendRequest('textDocument/inlayHint', {
      textDocument: { uri: cellUri(1) },
      range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } },
    })) as InlayHint[];
    assert.deepEqual(hints.map((h) => [h.position, h.label, h.paddingLeft]), [[{ line: 3, character: 22 }, '→ (4, 20)', true]]);

    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: cellUri(3) },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title === 'Set in_features=20');
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const edits = fix.edit!.changes![cellUri(3)];
    assert.equal(applyLspEdits(CELLS[2].text, edits), '!nvidia-smi\nfc = nn.Linear(20, 5)\nlogits = fc(x)\n');
    const noqa = actions.find((a) => a.title === 'Disable SL003 for this line');
    assert.equal(applyLspEdits(CELLS[2].text, noqa!.edit!.changes![cellUri(3)]), '!nvidia-smi\nfc = nn.Linear(10, 5)\nlogits = fc(x)  # noqa: SL003\n');

    // Editing cell 1 (20 → 10 features) fixes cell 3; inserting a cell before it moves nothing in cell 3.
    await client.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 2 },
      change: { cells: { textContent: [{ document: { uri: cellUri(1), version: 2 }, changes: [{ range: { start: { line: 3, character: 19 }, end: { line: 3, character: 21 } }, text: '10' }] }] } },
    });
    assert.deepEqual(await client.pullDiagnostics(cellUri(3)), []);
    await client.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 3 },
      change: {
        cells: {
          structure: { array: { start: 1, deleteCount: 0, cells: [{ kind: 2, document: cellUri(4) }] }, didOpen: [{ uri: cellUri(4), languageId: 'python', version: 1, text: 'x = torch.randn(4, 7)\n' }] },
        },
      },
    });
    const [again] = await client.pullDiagnostics(cellUri(3));
    assert.match(again.message, /\(4x7 and 10x5\)/);
    assert.match(again.message, /input \(4, 7\) \(cell 2, line 1\)/);
    assert.equal(again.range.start.line, 2);
    await client.connection.sendNotification('notebookDocument/didClose', { notebookDocument: { uri: NB }, cellTextDocuments: [1, 2, 3, 4].map((n) => ({ uri: cellUri(n) })) });
    assert.deepEqual(await client.pullDiagnostics(cellUri(3)), []);
    // VS Code's client pulls only for documents in tabs, never for cells: cells are pushed to as well.
    assert.deepEqual((await client.waitForPush(cellUri(3))).map((x) => x.code), ['SL003']);
    assert.deepEqual(client.unexpected(['textDocument/publishDiagnostics']), []);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('notebook cells: push mode publishes per code cell', async () => {
  const { client } = await TestClient.start({ pull: false });
  try {
    await openNotebook(client);
    const pushed: Diagnostic[] = await client.waitForPush(cellUri(3));
    assert.deepEqual(pushed.map((d) => [d.code, d.range.start.line]), [['SL003', 2]]);
    assert.deepEqual(await client.waitForPush(cellUri(1)), []);
    assert.ok(!client.notifications.some((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === NB));
  } finally {
    await client.stop();
  }
});
