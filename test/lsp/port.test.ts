/**
 * Porting through the editor protocol: a model marked `# shapelint: port-of=…` is compared with
 * its original (rule port-divergence), and "Port this model to …" asks `shapelint/port`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction } from 'vscode-languageserver-protocol/node';
import { exampleText, exampleUri, TestClient } from './harness';

const DIRECTIVE = '# shapelint: port-of=keras_original.py::model\n';

test('port-of: each divergence of the founding Gluon port from the Keras original is a warning on the model', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shapelint-port-of-'));
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    writeFileSync(path.join(dir, 'keras_original.py'), exampleText('keras_original.py'));
    const naive = exampleText('gluon_naive_port.py').replace('model = gluon.nn.Sequential()', `${DIRECTIVE}model = gluon.nn.Sequential()`);
    const modelLine = naive.split('\n').findIndex((l) => l.startsWith('model = gluon.nn.Sequential()'));
    const uri = pathToFileURL(path.join(dir, 'port.py')).toString();
    await client.open(uri, naive);
    const found = (await client.pullDiagnostics(uri)).filter((d) => d.code === 'SL010');
    const messages = found.map((d) => d.message);
    assert.ok(found.length >= 3, JSON.stringify(messages));
    for (const d of found) {
      assert.equal(d.severity, 2, 'a warning');
      assert.equal(d.range.start.line, modelLine, 'on the model');
    }
    // The three faults of the founding port: the layout, the padding and the head.
    assert.ok(messages.some((m) => /channels first/.test(m) && /transpose/.test(m)), JSON.stringify(messages));
    assert.ok(messages.some((m) => /pads \(1, 1\) \('same'\).*pads \(0, 0\)/.test(m)), JSON.stringify(messages));
    assert.ok(messages.some((m) => /activation: keras_original\.py softmax, model relu/.test(m)), JSON.stringify(messages));
    // The original open with unsaved edits wins over the disk: its relu head now matches.
    await client.open(pathToFileURL(path.join(dir, 'keras_original.py')).toString(), exampleText('keras_original.py').replace("activation='softmax'", "activation='relu'"));
    await client.change(uri, [{ text: `${naive}\n` }]);
    const edited = (await client.pullDiagnostics(uri)).filter((d) => d.code === 'SL010').map((d) => d.message);
    assert.ok(edited.length > 0 && !edited.some((m) => /activation/.test(m)), JSON.stringify(edited));
    // A path that does not exist says so once, on the model.
    await client.change(uri, [{ text: naive.replace('keras_original.py::model', 'missing.py::model') }]);
    const missing = (await client.pullDiagnostics(uri)).filter((d) => d.code === 'SL010');
    assert.deepEqual(missing.map((d) => d.message), ['port of missing.py::model: cannot compare: no such file']);
  } finally {
    assert.equal(await client.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('shapelint/port and the "Port this model to …" code action: the Keras original becomes a clean PyTorch module', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const uri = exampleUri('keras_original.py');
    await client.open(uri, exampleText('keras_original.py'));
    await client.pullDiagnostics(uri);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 4, character: 3 }, end: { line: 4, character: 3 } },
      context: { diagnostics: [], only: ['refactor.rewrite'] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Port this model to PyTorch', 'Port this model to Gluon']);
    assert.deepEqual(actions[0].command?.arguments, [uri, 'model', 'torch']);
    assert.equal(actions[0].command?.command, 'shapelint.portModel');
    // Outside any model (the imports), nothing is offered.
    const none = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      context: { diagnostics: [], only: ['refactor.rewrite'] },
    })) as CodeAction[];
    assert.deepEqual(none, []);

    const port = (await client.connection.sendRequest('shapelint/port', { textDocument: { uri }, model: 'model', to: 'torch' })) as {
      code?: string; model?: string; from?: string; to: string; problems: string[];
    };
    assert.deepEqual(port.problems, []);
    assert.equal(port.from, 'keras');
    assert.equal(port.model, 'model');
    assert.match(port.code ?? '', /class \w+\(nn\.Module\):/);
    assert.match(port.code ?? '', /if __name__ == "__main__":/);
    // The port, opened as an untitled document, is clean.
    await client.open('untitled:Port-1.py', port.code!);
    assert.deepEqual(await client.pullDiagnostics('untitled:Port-1.py'), []);
    assert.equal(await client.connection.sendRequest('shapelint/port', { textDocument: { uri: 'file:///nowhere/closed.py' }, to: 'gluon' }), null);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});
