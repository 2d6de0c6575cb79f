/**
 * The stdio message writer (`lsp/message-writer.ts`): the messages of one event-loop turn go out
 * in one write, framed as vscode-jsonrpc frames them, so its own reader reads them back whole.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { StreamMessageReader, type Message, type NotificationMessage } from 'vscode-languageserver/node';
import { CoalescingMessageWriter } from '../../server/src/lsp/message-writer';

test('the messages of one turn go out in one write and read back whole (non-ASCII text counted in bytes)', async () => {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const read: Message[] = [];
  new StreamMessageReader(stream).listen((m) => read.push(m));
  const writer = new CoalescingMessageWriter(stream);
  const messages: NotificationMessage[] = Array.from({ length: 3 }, (_, i) => ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: `file:///s${i}.py`, diagnostics: [{ message: `Conv2d → (1, ${i}, 28, 28): “ä”` }] } }));
  await Promise.all(messages.map((m) => writer.write(m)));
  assert.equal(chunks.length, 1, 'one write');
  const log: NotificationMessage = { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'next turn' } };
  await writer.write(log);
  assert.equal(chunks.length, 2, 'a later turn writes again');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(read, [...messages, log]);
});
