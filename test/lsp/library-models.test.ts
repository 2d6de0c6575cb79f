/**
 * A library model in the editor: hovering the call that built it, or its variable, shows its
 * summary collapsed by block; the stub's layers give no hovers or inlay hints of their own.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, InlayHint } from 'vscode-languageserver-protocol/node';
import { positionAt, REPO_ROOT, TestClient } from './harness';

async function opened(name: string): Promise<{ client: TestClient; uri: string; text: string; hoverAt: (offset: number) => Promise<string> }> {
  const file = path.join(REPO_ROOT, 'test', 'fixtures', 'library-summary', name);
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  await client.open(uri, text);
  const hoverAt = async (offset: number) =>
    JSON.stringify(((await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionAt(text, offset) })) as Hover | null)?.contents ?? '');
  return { client, uri, text, hoverAt };
}

test('hover on a torchvision model shows its blocks; its stub layers leave no inlay hints', async () => {
  const { client, uri, text, hoverAt } = await opened('resnet18.py');
  try {
    for (const offset of [text.indexOf('resnet18()') + 2, text.indexOf('model(') + 1]) {
      const shown = await hoverAt(offset);
      assert.match(shown, /\| layer1 \| block \(12 layers\) \| `\(1, 64, 56, 56\)` \| \| 147,968 \|/, shown);
      assert.match(shown, /\| fc \| Linear \| `\(1, 1000\)`/);
      assert.match(shown, /Total params: 11,689,512/);
      assert.doesNotMatch(shown, /BasicBlock|downsample/, 'collapsed: no layer inside a block');
    }
    const range = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };
    const hints = (await client.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range })) as InlayHint[];
    const buildLine = positionAt(text, text.indexOf('resnet18()')).line;
    assert.deepEqual(hints.filter((h) => h.position.line === buildLine), [], 'no hints from the stub\'s layers');
  } finally {
    await client.stop();
  }
});

test('hover on a keras.applications model variable shows its stages collapsed', async () => {
  const { client, text, hoverAt } = await opened('keras_resnet50.py');
  try {
    const shown = await hoverAt(text.indexOf('model(') + 2);
    assert.match(shown, /# model \(keras\)/, shown);
    assert.match(shown, /\| stage_v1 #3 \| block \(62 layers\) \| `\(N, 14, 14, 1024\)` \| \| 7,129,088 \|/);
    assert.match(shown, /Total params: 25,636,712/);
  } finally {
    await client.stop();
  }
});

test('a backbone inside a user model: hovering its call shows its block row and the model; one inlay hint, its output', async () => {
  const file = path.join(REPO_ROOT, 'test', 'fixtures', 'backbones', 'torch', 'identity_head.py');
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    await client.open(uri, text);
    const call = text.indexOf('torchvision.models.resnet18(');
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionAt(text, call + 22) })) as Hover | null;
    const shown = JSON.stringify(hover?.contents ?? '');
    assert.match(shown, /\*\*backbone\*\*: `resnet18`, a library model inside `net`/, shown);
    assert.match(shown, /`\(2, 3, 224, 224\)` → `\(2, 512\)`, 11,176,512 parameters, 60 layers/);
    assert.match(shown, /\| backbone \| resnet18 \(60 layers\) \| `\(2, 3, 224, 224\)` → `\(2, 512\)` \| \| 11,176,512 \|/);
    assert.match(shown, /\| head \| Linear \| `\(2, 10\)`/);
    assert.match(shown, /Total params: 11,181,642/);
    const range = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };
    const hints = (await client.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range })) as InlayHint[];
    const line = positionAt(text, call).line;
    assert.deepEqual(hints.filter((h) => h.position.line === line).map((h) => h.label), ['→ (2, 512)']);
  } finally {
    await client.stop();
  }
});
