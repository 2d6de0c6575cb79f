/**
 * Multi-file projects through the language server: an edit in a model module updates the
 * diagnostics of the open script that imports it, and an edit in the script updates the
 * diagnostics shown in the model module (found by the script's run); a model file's hovers show
 * the shapes the open script gives its layers; a module that is not open gets its diagnostics pushed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol/node';
import { ruleByName, type RuleName } from '../../server/src/engine/index';
import { parseExpectations } from '../helpers/expectations';
import { positionAt, REPO_ROOT, TestClient } from './harness';

function copyProject(name: string): string {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'shapelint-lsp-project-')));
  cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'projects', name), root, { recursive: true });
  return root;
}

/** The next diagnostics pushed for `uri` after `from` notifications that satisfy `ok`. */
async function pushedAfter(client: TestClient, from: number, uri: string, ok: (d: Diagnostic[]) => boolean, timeoutMs = 15_000): Promise<Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pushes = client.notifications.slice(from).filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri);
    const last = pushes.length ? (pushes[pushes.length - 1].params as { diagnostics: Diagnostic[] }).diagnostics : null;
    if (last && ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`no matching push for ${uri}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const hasCode = (code: string) => (ds: Diagnostic[]) => ds.some((d) => d.code === code);
const lacks = (code: string) => (ds: Diagnostic[]) => !ds.some((d) => d.code === code);

test('an edit in the script updates the diagnostic shown in the model module, and its hovers show the script shapes', async () => {
  const root = copyProject('torch_script');
  const { client } = await TestClient.start({ pull: false, settings: () => ({}), rootUri: pathToFileURL(root).href });
  try {
    const script = path.join(root, 'train.py');
    const model = path.join(root, 'nets', 'lenet.py');
    const scriptUri = pathToFileURL(script).href;
    const modelUri = pathToFileURL(model).href;
    const scriptText = readFileSync(script, 'utf8');
    const modelText = readFileSync(model, 'utf8');
    // The model module is not open yet: its diagnostic, found by the script's run, is pushed anyway.
    await client.open(scriptUri, scriptText);
    const pushed = await pushedAfter(client, 0, modelUri, hasCode('SL002'));
    const d = pushed.find((x) => x.code === 'SL002')!;
    assert.equal(d.range.start.line, 11);
    assert.ok(d.relatedInformation?.some((r) => r.location.uri === scriptUri), 'the input comes from the script');
    await client.open(modelUri, modelText);
    await pushedAfter(client, 0, modelUri, hasCode('SL002'));
    // Vice versa: the script now feeds one channel; the model module's diagnostic goes.
    const before = client.notifications.length;
    const offset = scriptText.indexOf('16, 3, 28') + 4;
    await client.change(scriptUri, [{ range: { start: positionAt(scriptText, offset), end: positionAt(scriptText, offset + 1) }, text: '1' }]);
    await pushedAfter(client, before, modelUri, lacks('SL002'));
    const at = positionAt(modelText, modelText.indexOf('self.conv(x)') + 6);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: modelUri }, position: at })) as Hover | null;
    assert.match(JSON.stringify(hover?.contents ?? ''), /16, 6, 24, 24/, 'the shape the script gives the layer');
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('an edit in the model module updates the diagnostic of the open script', async () => {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'shapelint-lsp-project-')));
  const blocks = 'import torch.nn as nn\n\n\ndef make():\n    return nn.Linear(20, 5)\n';
  const main = 'import torch\n\nfrom blocks import make\n\nlayer = make()\nlayer(torch.randn(2, 10))\n';
  writeFileSync(path.join(root, 'pyproject.toml'), '');
  writeFileSync(path.join(root, 'blocks.py'), blocks);
  writeFileSync(path.join(root, 'main.py'), main);
  const { client } = await TestClient.start({ pull: false, settings: () => ({}), rootUri: pathToFileURL(root).href });
  try {
    const scriptUri = pathToFileURL(path.join(root, 'main.py')).href;
    const blocksUri = pathToFileURL(path.join(root, 'blocks.py')).href;
    await client.open(scriptUri, main);
    await client.open(blocksUri, blocks);
    // PyTorch raises where the layer is applied: in the script.
    const found = await pushedAfter(client, 0, scriptUri, hasCode('SL003'));
    assert.equal(found.find((d) => d.code === 'SL003')!.range.start.line, 5);
    // The layer's size is in blocks.py: the open (unsaved) edit there clears the script's error.
    const before = client.notifications.length;
    const offset = blocks.indexOf('20, 5');
    await client.change(blocksUri, [{ range: { start: positionAt(blocks, offset), end: positionAt(blocks, offset + 2) }, text: '10' }]);
    await pushedAfter(client, before, scriptUri, lacks('SL003'));
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('the workspace index: a model file shows what a script that is not open does to it', async () => {
  const root = copyProject('torch_script');
  const { client } = await TestClient.start({ pull: false, settings: () => ({}), rootUri: pathToFileURL(root).href });
  try {
    const model = path.join(root, 'nets', 'lenet.py');
    const modelUri = pathToFileURL(model).href;
    const modelText = readFileSync(model, 'utf8');
    await client.open(modelUri, modelText);
    const found = await pushedAfter(client, 0, modelUri, hasCode('SL002'));
    assert.ok(found.find((d) => d.code === 'SL002')!.relatedInformation?.some((r) => r.location.uri.endsWith('/train.py')));
    // Editing the open model re-analyses the closed script that imports it.
    const before = client.notifications.length;
    const offset = modelText.indexOf('Conv2d(1') + 7;
    await client.change(modelUri, [{ range: { start: positionAt(modelText, offset), end: positionAt(modelText, offset + 1) }, text: '3' }]);
    await pushedAfter(client, before, modelUri, lacks('SL002'));
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('every fixture project through the server: the last diagnostics of each file match its expectations', async () => {
  const projects = path.join(REPO_ROOT, 'test', 'fixtures', 'projects');
  const { client } = await TestClient.start({ pull: false, settings: () => ({}), rootUri: pathToFileURL(projects).href });
  try {
    const files = pythonFilesUnder(projects);
    for (const f of files) await client.open(pathToFileURL(f).href, readFileSync(f, 'utf8'));
    const uris = files.map((f) => pathToFileURL(f).href);
    // Every file pushed at least once, then quiet for a while: the cross-file pushes have landed.
    const deadline = Date.now() + 120_000;
    let lastCount = -1;
    while (Date.now() < deadline) {
      const pushed = new Set(client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics').map((n) => (n.params as { uri: string }).uri));
      if (uris.every((u) => pushed.has(u)) && client.notifications.length === lastCount) break;
      lastCount = client.notifications.length;
      await new Promise((r) => setTimeout(r, 1500));
    }
    for (const [i, file] of files.entries()) {
      const pushes = client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uris[i]);
      const last = (pushes[pushes.length - 1]?.params as { diagnostics: Diagnostic[] } | undefined)?.diagnostics ?? [];
      const expected = parseExpectations(readFileSync(file, 'utf8')).diagnostics.map((d) => `${d.line - 1}:${ruleByName(d.rule as RuleName).code}`);
      assert.deepEqual(last.map((d) => `${d.range.start.line}:${d.code}`).sort(), expected.sort(), path.relative(projects, file));
    }
  } finally {
    await client.stop();
  }
});

function pythonFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return pythonFilesUnder(p);
    return n.endsWith('.py') ? [p] : [];
  }).sort();
}

test('pull mode: the model module pulls the diagnostic the script found; the server asks for a refresh when it changes', async () => {
  const root = copyProject('torch_script');
  const { client } = await TestClient.start({ pull: true, settings: () => ({}), rootUri: pathToFileURL(root).href });
  try {
    const scriptUri = pathToFileURL(path.join(root, 'train.py')).href;
    const modelUri = pathToFileURL(path.join(root, 'nets', 'lenet.py')).href;
    const scriptText = readFileSync(path.join(root, 'train.py'), 'utf8');
    await client.open(scriptUri, scriptText);
    await client.open(modelUri, readFileSync(path.join(root, 'nets', 'lenet.py'), 'utf8'));
    assert.deepEqual(await client.pullDiagnostics(scriptUri), []);
    assert.ok(hasCode('SL002')(await client.pullDiagnostics(modelUri)));
    const refreshes = () => client.requests.filter((r) => r.method === 'workspace/diagnostic/refresh').length;
    const before = refreshes();
    const offset = scriptText.indexOf('16, 3, 28') + 4;
    await client.change(scriptUri, [{ range: { start: positionAt(scriptText, offset), end: positionAt(scriptText, offset + 1) }, text: '1' }]);
    assert.deepEqual(await client.pullDiagnostics(scriptUri), []);
    assert.ok(lacks('SL002')(await client.pullDiagnostics(modelUri)));
    const deadline = Date.now() + 5000;
    while (refreshes() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(refreshes() > before, 'the client is asked to pull again');
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a new module that shadows an import changes the diagnostics of the open importer (watched files and file operations)', async () => {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'shapelint-lsp-project-')));
  const make = (n: number) => `import torch.nn as nn\n\n\ndef make():\n    return nn.Linear(${n}, 5)\n`;
  const main = 'import torch\n\nfrom pkg.utils import make\n\nlayer = make()\nlayer(torch.randn(2, 4))\n';
  writeFileSync(path.join(root, 'pyproject.toml'), '');
  mkdirSync(path.join(root, 'pkg'));
  writeFileSync(path.join(root, 'pkg', '__init__.py'), '');
  writeFileSync(path.join(root, 'pkg', 'utils.py'), make(4));
  writeFileSync(path.join(root, 'main.py'), main);
  const { client } = await TestClient.start({ pull: false, settings: () => ({}), rootUri: pathToFileURL(root).href });
  try {
    const mainUri = pathToFileURL(path.join(root, 'main.py')).href;
    await client.open(mainUri, main);
    await pushedAfter(client, 0, mainUri, (d) => d.length === 0);
    // A package pkg/utils/ now shadows pkg/utils.py; the editor's file watcher reports it.
    mkdirSync(path.join(root, 'pkg', 'utils'));
    const init = path.join(root, 'pkg', 'utils', '__init__.py');
    writeFileSync(init, make(6));
    let before = client.notifications.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(init).href, type: 1 }] });
    await pushedAfter(client, before, mainUri, hasCode('SL003'));
    // Deleted through the editor (workspace/didDeleteFiles): the module it shadowed is back.
    rmSync(path.join(root, 'pkg', 'utils'), { recursive: true });
    before = client.notifications.length;
    await client.connection.sendNotification('workspace/didDeleteFiles', { files: [{ uri: pathToFileURL(path.join(root, 'pkg', 'utils')).href }] });
    await pushedAfter(client, before, mainUri, lacks('SL003'));
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
