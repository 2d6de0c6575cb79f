/**
 * The founding case through the editor protocol: the Gluon port is flagged on its first
 * MaxPool2D with MXNet's own message, in pull and push mode; its fixes, hovers, inlay hints
 * and settings behave as an editor needs.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, Hover, InlayHint } from 'vscode-languageserver-protocol/node';
import { applyLspEdits, EXAMPLES, exampleText, exampleUri, positionAt, REPO_ROOT, TestClient } from './harness';

const NAIVE = 'gluon_naive_port.py';
const MXNET_MESSAGE = 'kernel size (2) exceeds input (1 padded to 1)';

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function firstPoolLine(text: string): number {
  return positionAt(text, text.indexOf('MaxPool2D')).line;
}

function assertFoundingDiagnostic(diagnostics: Diagnostic[], text: string): Diagnostic {
  // The headline is the layout (SL005), quoting MXNet's kernel-size message.
  const d = diagnostics.find((x) => x.code === 'SL005');
  assert.ok(d, `SL005 expected, got ${JSON.stringify(diagnostics.map((x) => x.message))}`);
  assert.equal(d.range.start.line, firstPoolLine(text), 'on the first MaxPool2D');
  // The first line says in plain words what is wrong; MXNet's raw `Check failed: …` follows.
  const [head, framework] = d.message.split('\n');
  assert.match(head, /^layout: the input \(32, 80, 120, 3\) looks channels-last \(NHWC\), but Gluon reads NCHW/, d.message);
  assert.ok(framework.startsWith('Check failed: ') && framework.includes(MXNET_MESSAGE), d.message);
  assert.equal(d.source, 'shapelint');
  assert.equal(d.severity, 1);
  assert.match(d.codeDescription?.href ?? '', /layout-mismatch$/);
  assert.ok(Array.isArray((d.data as { fixes: unknown[] }).fixes));
  return d;
}

test('pull mode: the founding example is flagged; the working models are clean; nothing is pushed', async () => {
  const { client, init } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    assert.deepEqual(init.serverInfo, { name: 'shapelint', version: packageVersion() }, 'serverInfo carries package.json\'s version');
    const text = exampleText(NAIVE);
    await client.open(exampleUri(NAIVE), text);
    assertFoundingDiagnostic(await client.pullDiagnostics(exampleUri(NAIVE)), text);
    for (const clean of ['keras_original.py', 'gluon_fixed_create_model.py', 'gluon_hybridblock_yournet.py']) {
      await client.open(exampleUri(clean), exampleText(clean));
      assert.deepEqual(await client.pullDiagnostics(exampleUri(clean)), [], clean);
    }
    assert.deepEqual(client.unexpected([]), []);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('push mode: diagnostics are published with the document version, including keras.json effects', async () => {
  const { client } = await TestClient.start({ pull: false });
  try {
    const text = exampleText(NAIVE);
    await client.open(exampleUri(NAIVE), text);
    assertFoundingDiagnostic(await client.waitForPush(exampleUri(NAIVE), 1), text);
    // The channels_first keras.json beside this model turns the working Keras code into an error.
    const kerasUri = exampleUri('keras_mxnet_channels_first/model.py');
    await client.open(kerasUri, exampleText('keras_mxnet_channels_first/model.py'));
    const keras = await client.waitForPush(kerasUri, 1);
    assert.ok(keras.some((d) => d.code === 'SL005'), JSON.stringify(keras));
    assert.deepEqual(client.unexpected(['textDocument/publishDiagnostics']), []);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('code actions: preferred quick fix first, "disable for this line"; applying them clears the diagnostic', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const uri = exampleUri(NAIVE);
    let text = exampleText(NAIVE);
    await client.open(uri, text);
    const d = assertFoundingDiagnostic(await client.pullDiagnostics(uri), text);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
    const quick = actions.filter((a) => a.kind === 'quickfix');
    assert.ok(quick.length >= 2, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(quick[0].isPreferred, true);
    assert.equal(quick.filter((a) => a.isPreferred).length, 1);
    const disable = quick.find((a) => a.title === 'Disable SL005 for this line');
    assert.ok(disable);

    // The preferred fix removes this diagnostic (other layers may still complain).
    const fixed = applyLspEdits(text, disable === quick[0] ? [] : quick[0].edit!.changes![uri]);
    assert.notEqual(fixed, text);
    await client.change(uri, [{ text: fixed }]);
    const after = await client.pullDiagnostics(uri);
    assert.ok(!after.some((x) => x.message === d.message && x.range.start.line === d.range.start.line), JSON.stringify(after));

    // Back to the original, then suppress with noqa: the line is silent.
    await client.change(uri, [{ text }]);
    text = applyLspEdits(text, disable.edit!.changes![uri]);
    assert.match(text.split('\n')[d.range.start.line], /# noqa: SL005$/);
    await client.change(uri, [{ text }]);
    const suppressed = await client.pullDiagnostics(uri);
    assert.ok(!suppressed.some((x) => x.range.start.line === d.range.start.line && x.code === 'SL005'));
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('source.fixAll.shapelint offers only safe fixes: removing an unused suppression', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const uri = 'untitled:unused.py';
    const text = 'x = 1  # noqa: SL001\n';
    await client.open(uri, text);
    const diagnostics = await client.pullDiagnostics(uri);
    const unused = diagnostics.find((d) => (d.data as { rule?: string }).rule === 'unused-suppression');
    assert.ok(unused, JSON.stringify(diagnostics));
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.shapelint');
    const fixed = applyLspEdits(text, actions[0].edit!.changes![uri]);
    assert.equal(fixed.trimEnd(), 'x = 1');
    await client.change(uri, [{ text: fixed }]);
    assert.deepEqual(await client.pullDiagnostics(uri), []);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('hover: rule documentation on a noqa code', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const uri = 'untitled:noqa.py';
    const text = 'y = f(x)  # noqa: SL001\n';
    await client.open(uri, text);
    const h = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: positionAt(text, text.indexOf('SL001') + 2),
    })) as Hover;
    const value = (h.contents as { value: string }).value;
    assert.match(value, /kernel-exceeds-input/);
    assert.match(value, /Why is this bad/);
    assert.deepEqual(h.range, { start: positionAt(text, text.indexOf('SL001')), end: positionAt(text, text.indexOf('SL001') + 5) });
    const off = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(off, null);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('hover on a layer shows shapes, axes, layout and the per-axis arithmetic', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const uri = exampleUri(NAIVE);
    const text = exampleText(NAIVE);
    await client.open(uri, text);
    const conv = text.indexOf('Conv2D(channels=128');
    const h = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: positionAt(text, conv + 2),
    })) as Hover | null;
    assert.ok(h, 'hover on the first Conv2D');
    const value = (h.contents as { value: string }).value;
    assert.match(value, /Conv2D/);
    assert.match(value, /output: `\(32, 128, 118, 1\)`/);
    assert.match(value, /N C H W/);
    assert.match(value, /NCHW/);
    assert.match(value, /W: .*= 1/);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('hover on a tensor variable where it is used shows its shape', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const uri = exampleUri('gluon_fixed_create_model.py');
    const text = exampleText('gluon_fixed_create_model.py');
    await client.open(uri, text);
    const use = text.indexOf('net(data)') + 'net('.length;
    const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionAt(text, use + 1) })) as Hover | null;
    assert.ok(h, 'hover on `data` in net(data)');
    assert.match((h.contents as { value: string }).value, /\(16, 3, 80, 120\)/);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('inlay hints: the output shape after each layer line; off when the setting says so', async () => {
  let settings: unknown = {};
  const { client } = await TestClient.start({ pull: true, settings: () => settings });
  try {
    const name = 'keras_original.py';
    const uri = exampleUri(name);
    const text = exampleText(name);
    await client.open(uri, text);
    const range = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };
    const hints = (await client.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range })) as InlayHint[];
    const labels = hints.map((h) => String(h.label));
    assert.ok(labels.some((l) => l.includes('40, 60, 128)')), JSON.stringify(labels));
    assert.ok(labels.every((l) => l.startsWith('→ (')));
    for (const h of hints) assert.equal(h.position.character, text.split('\n')[h.position.line].length, 'at the end of the line');

    settings = { inlayHints: { enabled: false } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.ok(client.requests.some((r) => r.method === 'workspace/inlayHint/refresh') || (await refreshSoon(client, 'workspace/inlayHint/refresh')));
    assert.deepEqual(await client.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range }), []);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

async function refreshSoon(client: TestClient, method: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (client.requests.some((r) => r.method === method)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

test('settings are read per document and a change refreshes diagnostics (pull: refresh request; push: republish)', async () => {
  let ignore: string[] = [];
  const pull = await TestClient.start({ pull: true, settings: () => ({ ignore }) });
  const push = await TestClient.start({ pull: false, settings: () => ({ ignore }) });
  try {
    const uri = exampleUri(NAIVE);
    const text = exampleText(NAIVE);
    await pull.client.open(uri, text);
    await push.client.open(uri, text);
    assertFoundingDiagnostic(await pull.client.pullDiagnostics(uri), text);
    assertFoundingDiagnostic(await push.client.waitForPush(uri, 1), text);
    const scopes = pull.client.requests.filter((r) => r.method === 'workspace/configuration');
    assert.ok(scopes.some((r) => JSON.stringify(r.params).includes(uri)), 'asked with the document as scope');

    ignore = ['layout-mismatch'];
    const before = push.client.notifications.length;
    for (const c of [pull.client, push.client]) await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.ok(await refreshSoon(pull.client, 'workspace/diagnostic/refresh'));
    assert.ok(!(await pull.client.pullDiagnostics(uri)).some((d) => d.code === 'SL005'));
    for (let i = 0; i < 100 && push.client.notifications.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    const republished = push.client.notifications.slice(before).filter((n) => n.method === 'textDocument/publishDiagnostics');
    assert.ok(republished.length > 0);
    assert.ok(!(republished.at(-1)!.params as { diagnostics: Diagnostic[] }).diagnostics.some((d) => d.code === 'SL005'));
  } finally {
    assert.equal(await pull.client.stop(), 0);
    assert.equal(await push.client.stop(), 0);
  }
});

test('a changed keras.json re-checks open files (watched files)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shapelint-lsp-'));
  const { client } = await TestClient.start({ pull: false, rootUri: pathToFileURL(dir).href });
  try {
    cpSync(path.join(EXAMPLES, 'keras_mxnet_channels_first'), dir, { recursive: true });
    const uri = pathToFileURL(path.join(dir, 'model.py')).href;
    await client.open(uri, exampleText('keras_mxnet_channels_first/model.py'));
    assert.ok((await client.waitForPush(uri, 1)).some((d) => d.code === 'SL005'));
    const before = client.notifications.length;
    writeFileSync(path.join(dir, 'keras.json'), JSON.stringify({ image_data_format: 'channels_last' }));
    const keras = pathToFileURL(path.join(dir, 'keras.json')).href;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: keras, type: 2 }] });
    for (let i = 0; i < 250 && client.notifications.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    const last = client.notifications.slice(before).filter((n) => n.method === 'textDocument/publishDiagnostics').at(-1);
    assert.ok(last, 'republished');
    assert.deepEqual((last.params as { diagnostics: Diagnostic[] }).diagnostics, []);
  } finally {
    assert.equal(await client.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('model summary request: a static summary of the model under the cursor', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const name = 'keras_original.py';
    await client.open(exampleUri(name), exampleText(name));
    const r = (await client.connection.sendRequest('shapelint/modelSummary', {
      textDocument: { uri: exampleUri(name) },
      position: { line: 0, character: 0 },
    })) as { markdown: string } | null;
    assert.ok(r);
    assert.match(r.markdown, /Total params: 605,954/);
    assert.match(r.markdown, /\| Conv2D \|/);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('model graph request: the layer graph as SVG, following the model by name, with clickable lines', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const name = 'gluon_naive_port.py';
    const text = exampleText(name);
    await client.open(exampleUri(name), text);
    const r = (await client.connection.sendRequest('shapelint/modelGraph', {
      textDocument: { uri: exampleUri(name) },
      position: { line: 0, character: 0 },
    })) as { name: string; svg: string } | null;
    assert.ok(r);
    assert.match(r.svg, /^<svg /);
    const failing = /<g class="node layer failing" data-line="(\d+)"/.exec(r.svg);
    assert.ok(failing, 'the failing pool is marked');
    assert.match(text.split('\n')[Number(failing[1])], /pool|MaxPool2D/, 'its data-line is the line that applies the pool');
    const again = (await client.connection.sendRequest('shapelint/modelGraph', {
      textDocument: { uri: exampleUri(name) },
      name: r.name,
    })) as { name: string } | null;
    assert.equal(again?.name, r.name);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('the error hover leads with a sentence, then MXNet\'s words, the trace as a table, then the layer\'s facts', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const text = exampleText(NAIVE);
    await client.open(exampleUri(NAIVE), text);
    await client.pullDiagnostics(exampleUri(NAIVE));
    const at = positionAt(text, text.indexOf('MaxPool2D(') + 2);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: exampleUri(NAIVE) }, position: at })) as Hover;
    const md = (hover.contents as { value: string }).value;
    const [head, , quote] = md.split('\n');
    assert.match(head, /^\*\*layout: the input \(32, 80, 120, 3\) looks channels-last \(NHWC\), but Gluon reads NCHW.*\*\* · SL005$/);
    assert.match(quote, /^> Check failed: .*kernel size \(2\) exceeds input \(1 padded to 1\)/);
    assert.match(md, /\| step \| shape \| where \|\n\| --- \| --- \| --- \|\n\| input[^|]*\| `\(32, 80, 120, 3\)` \| line 22 \|\n\| Conv2D \| `\(32, 80, 120, 3\) → \(32, 128, 118, 1\)` \| line 12 \|/);
    assert.match(md, /\n---\n\n\*\*MaxPool2D\*\*/, 'the layer\'s facts follow the error');
  } finally {
    await client.stop();
  }
});
