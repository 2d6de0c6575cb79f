/** The server survives what clients and users throw at it, and talks LSP correctly. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { exampleText, exampleUri, positionAt, TestClient } from './harness';

const FRAME = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

test('initialize advertises incremental sync, pull diagnostics only to pull clients, code actions, hover, inlay hints', async () => {
  const pull = await TestClient.start({ pull: true, settings: () => ({}) });
  const push = await TestClient.start({ pull: false });
  try {
    const caps = pull.init.capabilities;
    assert.equal((caps.textDocumentSync as { change: number }).change, 2);
    assert.ok(caps.diagnosticProvider);
    assert.ok(caps.hoverProvider);
    assert.ok(caps.inlayHintProvider);
    assert.deepEqual((caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, ['quickfix', 'source.fixAll.shapelint', 'refactor.rewrite.shapelint.port']);
    assert.equal(push.init.capabilities.diagnosticProvider, undefined);
    // Watching config files and settings changes is registered dynamically.
    const registrations = pull.client.requests.filter((r) => r.method === 'client/registerCapability');
    const methods = registrations.flatMap((r) => (r.params as { registrations: { method: string }[] }).registrations.map((x) => x.method));
    assert.ok(methods.includes('workspace/didChangeWatchedFiles'));
    assert.ok(methods.includes('workspace/didChangeConfiguration'));
  } finally {
    assert.equal(await pull.client.stop(), 0);
    assert.equal(await push.client.stop(), 0);
  }
});

test('bad input never kills the server: garbage frames, unknown methods, out-of-range edits, odd documents', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const stdin = client.proc.stdin!;
    stdin.write(FRAME('{not json'));
    stdin.write(FRAME('[1, 2]'));
    stdin.write(FRAME('{"jsonrpc":"2.0","id":"x"}'));
    await assert.rejects(client.connection.sendRequest('shapelint/noSuchMethod', {}), (e: { code: number }) => e.code === -32601);
    await client.connection.sendNotification('shapelint/noSuchNotification', {});

    const uri = 'untitled:edits.py';
    await client.open(uri, 'x = 1\n');
    await client.change(uri, [{ range: { start: { line: 99, character: 5 }, end: { line: 120, character: 0 } }, text: 'y = 2\n' }]);
    await client.change(uri, [{ range: { start: { line: 0, character: 400 }, end: { line: 0, character: 1 } }, text: 'é' }]);
    const tree = (await client.connection.sendRequest('shapelint/syntaxTree', { textDocument: { uri } })) as { tree: string };
    assert.ok(tree.tree.startsWith('(module 0 '));
    assert.deepEqual(await client.pullDiagnostics(uri), []);

    await client.open('file:///project/notes.txt', 'Conv2D(3)(x)', 'plaintext');
    assert.deepEqual(await client.pullDiagnostics('file:///project/notes.txt'), []);
    const huge = 'x = [' + '1, '.repeat(2_000_000) + ']\n';
    await client.open('untitled:huge.py', huge);
    assert.deepEqual(await client.pullDiagnostics('untitled:huge.py'), []);
    await client.close('untitled:huge.py');
    assert.deepEqual(await client.pullDiagnostics('untitled:never-opened.py'), []);
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: -3, character: -1 } });
    assert.equal(hover, null);
    assert.deepEqual(client.unexpected([]).filter((n) => !isProtocolComplaint(n.params)), []);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

/** vscode-jsonrpc logs the malformed frames this test sends on purpose; nothing else may be logged. */
function isProtocolComplaint(params: unknown): boolean {
  return /neither a response nor a notification/.test((params as { message?: string }).message ?? '');
}

test('a cancelled request is answered with a cancellation error', async () => {
  const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
  try {
    const uri = exampleUri('gluon_naive_port.py');
    await client.open(uri, exampleText('gluon_naive_port.py'));
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, source.token);
    source.cancel();
    await assert.rejects(pending, (e: { code: number }) => e.code === -32802 || e.code === -32800);
    // And the next request is served normally.
    assert.ok(Array.isArray(await client.pullDiagnostics(uri)));
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('closing a document frees it; a closed push-mode document gets its diagnostics cleared', async () => {
  const { client } = await TestClient.start({ pull: false });
  try {
    const uri = exampleUri('gluon_naive_port.py');
    await client.open(uri, exampleText('gluon_naive_port.py'));
    await client.waitForPush(uri, 1);
    await client.close(uri);
    assert.equal(await client.connection.sendRequest('shapelint/syntaxTree', { textDocument: { uri } }), null);
    const cleared = await waitFor(() => client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics').length >= 2);
    assert.ok(cleared, 'an empty publish after close');
    const last = client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics').at(-1)!;
    assert.deepEqual((last.params as { diagnostics: unknown[] }).diagnostics, []);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('a hover after the analysis process restarted shows the shapes: the analysis whose facts died with it runs again', { timeout: 60_000 }, async () => {
  const ABORT = 'TEST-ABORT-HERE';
  const { client } = await TestClient.start({ pull: true, settings: () => ({}), env: { SHAPELINT_TEST_FAULT: `abort:${ABORT}` } });
  try {
    const uri = exampleUri('gluon_fixed_create_model.py');
    const text = exampleText('gluon_fixed_create_model.py');
    await client.open(uri, text);
    await client.pullDiagnostics(uri);
    // Its models and tensor facts stay in the analysis process until asked for; this document kills that process.
    await client.open('untitled:abort.py', `# ${ABORT}\n`);
    const failed = await client.pullDiagnostics('untitled:abort.py');
    assert.deepEqual(failed.map((d) => d.code), ['analysis-failed']);
    const use = text.indexOf('net(data)') + 'net('.length;
    const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionAt(text, use + 1) })) as { contents: { value: string } } | null;
    assert.ok(h, 'hover on `data` in net(data)');
    assert.match(h.contents.value, /\(16, 3, 80, 120\)/);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

async function waitFor(predicate: () => boolean, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return predicate();
}

test('pull mode: an edit of a document pulled since its last change is analysed before its pull arrives; one edited unseen waits for its pull', { timeout: 60_000 }, async () => {
  // The analysis process dies on the marker and the server logs which document it was analysing:
  // the log shows which edits started an analysis of their own, without any pull.
  const ABORT = 'TEST-ABORT-EAGER';
  const { client } = await TestClient.start({ pull: true, settings: () => ({}), env: { SHAPELINT_TEST_FAULT: `abort:${ABORT}` } });
  const failures = (name: string) =>
    client.notifications.filter((n) => n.method === 'window/logMessage' && (n.params as { message: string }).message.includes(`analysis of untitled:${name} failed`));
  try {
    await client.open('untitled:shown.py', 'x = 1\n');
    await client.pullDiagnostics('untitled:shown.py');
    await client.open('untitled:unseen.py', 'y = 2\n');
    const marker = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `# ${ABORT}\n` };
    // The unseen document's edit comes first: had it started an analysis, that one would crash (and be logged) first.
    await client.change('untitled:unseen.py', [marker]);
    await client.change('untitled:shown.py', [marker]);
    assert.ok(await waitFor(() => failures('shown.py').length > 0), 'the shown document was analysed without a pull');
    assert.equal(failures('unseen.py').length, 0, 'the unseen document waits for its pull');
    // Pulled now, the unseen document is analysed (and fails like the other).
    assert.deepEqual((await client.pullDiagnostics('untitled:unseen.py')).map((d) => d.code), ['analysis-failed']);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});
