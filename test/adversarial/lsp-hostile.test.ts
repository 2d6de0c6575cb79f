/**
 * The language server against hostile clients and documents: malformed framing makes it exit
 * loudly (so the client restarts it) instead of going deaf; an edit with a fractional position
 * never desynchronises tree and text; a document that crashes or hangs the analysis costs only
 * that document, and hover and shutdown stay fast meanwhile.
 *
 * Crashes and hangs use the test-only trigger `SHAPELINT_TEST_FAULT=<kind>:<marker>`
 * (host/isolated-child.ts), set here in the environment the server inherits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol/node';
import { LineIndex } from '../../server/src/engine/positions';
import { loadParser } from '../../server/src/host/parser';
import { treeFingerprint } from '../../server/src/lsp/requests';
import { FRAMING_ERROR_EXIT } from '../../server/src/lsp/transport';
import { rng } from '../helpers/corpus';
import { setEnv } from '../helpers/env';
import { positionAt, TestClient, withTimeout } from '../lsp/harness';

const HANG = 'TEST-HANG-HERE';
const ABORT = 'TEST-ABORT-HERE';

/** Conv2d(3→8) fed a 4-channel image: PyTorch raises at the conv. */
const MODEL = `import torch
from torch import nn

stem = nn.Conv2d(3, 8, kernel_size=3)
image = torch.zeros(1, 4, 32, 32)
features = stem(image)
`;

async function exitOf(client: TestClient, ms: number): Promise<number | null> {
  return withTimeout(new Promise<number | null>((resolve) => {
    if (client.proc.exitCode !== null) resolve(client.proc.exitCode);
    else client.proc.on('exit', (code) => resolve(code));
  }), ms);
}

function elapsed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  return work.then((value) => ({ value, ms: Date.now() - started }));
}

describe('framing errors', () => {
  for (const [name, header] of [
    ['a Content-Length that is not a number', 'Content-Length: twelve\r\n\r\n{}'],
    ['a header without Content-Length', 'Content-Type: application/vscode-jsonrpc\r\n\r\n{}'],
  ]) {
    it(`${name}: the server logs why on stderr and exits non-zero`, async () => {
      const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
      try {
        client.proc.stdin!.write(header);
        assert.equal(await exitOf(client, 10_000), FRAMING_ERROR_EXIT);
        assert.match(client.stderr, /shapelint: LSP framing error on stdin, exiting so the client restarts the server/);
      } finally {
        client.kill();
      }
    });
  }
});

describe('edits with positions LSP does not allow', () => {
  it('a fractional line is rejected and logged; tree and text stay in step through later edits', async () => {
    const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
    const parser = await loadParser('wasm');
    try {
      const uri = 'untitled:fractional.py';
      let text = 'a = 1\nb = 2\nc = 3\n';
      await client.open(uri, text);
      await client.change(uri, [{ range: { start: { line: 0.5, character: 0 }, end: { line: 1, character: 0 } }, text: 'zz' }]);
      await client.change(uri, [{ range: { start: { line: 1, character: 1.25 }, end: { line: 2, character: 0 } }, text: '(' }]);
      // A valid edit afterwards applies to the text the server kept.
      await client.change(uri, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } }, text: 'def f(x):\n    return x' }]);
      text = 'a = 1\nb = 2\ndef f(x):\n    return x = 3\n';
      const server = (await client.connection.sendRequest('shapelint/syntaxTree', { textDocument: { uri } })) as { tree: string };
      const fresh = parser.parse(text);
      try {
        assert.equal(server.tree, treeFingerprint(fresh.rootNode));
      } finally {
        fresh.dispose();
      }
      const logged = client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
      assert.equal(logged.filter((m) => /ignored an edit that LSP does not allow/.test(m)).length, 2, logged.join('\n'));
      assert.ok(Array.isArray(await client.pullDiagnostics(uri)));
    } finally {
      parser.dispose();
      assert.equal(await client.stop(), 0);
    }
  });
});

describe('the line index kept across edits', () => {
  it('equals a fresh index after random edits that split and join \\r, \\n and \\r\\n', () => {
    const r = rng(8);
    const pieces = ['\r', '\n', '\r\n', 'x', 'ab', '', '\n\n', 'é𝒳'];
    let text = 'a\r\nb\rc\nd';
    let index = new LineIndex(text);
    for (let i = 0; i < 3000; i++) {
      const start = Math.floor(r() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(r() * 4));
      const inserted = pieces[Math.floor(r() * pieces.length)];
      text = text.slice(0, start) + inserted + text.slice(end);
      index = index.edited(start, end, inserted, text);
      const fresh = new LineIndex(text);
      assert.equal(index.lineCount, fresh.lineCount, `edit ${i}: ${JSON.stringify(text)}`);
      for (let line = 0; line < fresh.lineCount; line++) assert.equal(index.lineStart(line), fresh.lineStart(line), `edit ${i}, line ${line}`);
    }
  });
});

describe('analysis failures and slow analyses', () => {
  // Each case sets the fault it needs; the variable is put back as it was after them.
  let restoreEnv: () => void;
  before(() => {
    restoreEnv = setEnv({ SHAPELINT_TEST_FAULT: process.env.SHAPELINT_TEST_FAULT });
  });
  after(() => restoreEnv());

  it('a document that crashes the analysis gets a diagnostic saying so; other documents are still analysed', async () => {
    process.env.SHAPELINT_TEST_FAULT = `abort:${ABORT}`;
    const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
    try {
      await client.open('untitled:crash.py', `x = 1  # ${ABORT}\n`);
      const crashed = await client.pullDiagnostics('untitled:crash.py');
      assert.equal(crashed.length, 1);
      assert.equal(crashed[0].code, 'analysis-failed');
      assert.match(crashed[0].message, /could not analyse this file: analysis process crashed/);
      await client.open('untitled:model.py', MODEL);
      const found = await client.pullDiagnostics('untitled:model.py');
      assert.match(found.map((d) => d.message).join('\n'), /expected input\[1, 4, 32, 32\] to have 3 channels/);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });

  it('the real allocation bomb does not take the server down (isolated today, safe once budgets land)', async () => {
    delete process.env.SHAPELINT_TEST_FAULT;
    const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
    try {
      await client.open('untitled:bomb.py', 'cells = [0]\nfor _ in range(60):\n    cells = cells + cells\n');
      const bomb = await client.pullDiagnostics('untitled:bomb.py');
      assert.ok(bomb.every((d) => d.code === 'analysis-failed'), JSON.stringify(bomb));
      await client.open('untitled:model.py', MODEL);
      assert.equal((await client.pullDiagnostics('untitled:model.py')).length, 1);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });

  it('while a slow analysis runs, hover answers from the last result and shutdown is prompt', async () => {
    process.env.SHAPELINT_TEST_FAULT = `hang:${HANG}`;
    const { client } = await TestClient.start({ pull: true, settings: () => ({}) });
    try {
      const uri = 'untitled:slow.py';
      await client.open(uri, MODEL);
      assert.equal((await client.pullDiagnostics(uri)).length, 1);
      // An edit at the end makes the next analysis hang; the model above it is unchanged.
      await client.change(uri, [{ range: { start: positionAt(MODEL, MODEL.length), end: positionAt(MODEL, MODEL.length) }, text: `# ${HANG}\n` }]);
      // A pull that waits on the hanging analysis; it is dropped at shutdown.
      void client.pullDiagnostics(uri).catch(() => null);
      const hover = await elapsed(
        client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionAt(MODEL, MODEL.indexOf('image)') + 1) }) as Promise<Hover | null>,
      );
      assert.ok(hover.ms < 500, `hover took ${hover.ms} ms`);
      assert.match((hover.value?.contents as { value: string } | undefined)?.value ?? '', /`image`: `\(1, 4, 32, 32\)`/);
      const other = await elapsed(client.connection.sendRequest('shapelint/syntaxTree', { textDocument: { uri: 'untitled:never-opened.py' } }));
      assert.ok(other.ms < 500, `a request took ${other.ms} ms`);
      const shutdown = await elapsed(client.connection.sendRequest('shutdown'));
      assert.ok(shutdown.ms < 500, `shutdown took ${shutdown.ms} ms`);
      await client.connection.sendNotification('exit');
      assert.equal(await exitOf(client, 5_000), 0);
    } finally {
      client.kill();
    }
  });
});
