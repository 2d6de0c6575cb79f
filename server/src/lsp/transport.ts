/**
 * The stdio transport, with one difference from vscode-languageserver's own: a malformed
 * message header (a framing error) ends the process with a log line on stderr. The library
 * only reports such an error and then waits forever on a stream it can no longer parse, so
 * the server stays alive but deaf; exiting lets the client notice and restart it.
 */
import { format } from 'node:util';
import { createConnection, ProposedFeatures, StreamMessageReader, type Connection } from 'vscode-languageserver/node';
import { CoalescingMessageWriter } from './message-writer';

/** Exit code after a framing error (any non-zero code makes clients restart the server). */
export const FRAMING_ERROR_EXIT = 3;

/** The connection for `--stdio`; null for the other transports, which the library sets up. */
export function connectionFromCommandLine(argv = process.argv): Connection | null {
  if (!argv.slice(2).includes('--stdio')) return null;
  const reader = new StreamMessageReader(process.stdin);
  reader.onError((e) => {
    if (!isFramingError(e)) return;
    process.stderr.write(`shapelint: LSP framing error on stdin, exiting so the client restarts the server: ${e.message.split('\n')[0]}\n`);
    process.exit(FRAMING_ERROR_EXIT);
  });
  const connection = createConnection(ProposedFeatures.all, reader, new CoalescingMessageWriter(process.stdout));
  // The server registers its own shutdown handler (there is one slot): note the request around it.
  let shutdown = false;
  const register = connection.onShutdown.bind(connection);
  connection.onShutdown = (handler) => register((token) => {
    shutdown = true;
    return handler(token);
  });
  // As the library does for a stdio stream it owns: the client went away, so do we.
  const ended = () => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', ended);
  process.stdin.on('close', ended);
  // stdout carries the protocol: stray console output goes to the client's log instead.
  console.log = (...args: unknown[]) => connection.console.log(format(...args));
  console.info = (...args: unknown[]) => connection.console.info(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = (...args: unknown[]) => connection.console.error(format(...args));
  return connection;
}

/** vscode-jsonrpc's reader reports bad headers with these messages; bad JSON bodies keep the stream in step. */
function isFramingError(e: Error): boolean {
  return /Content-Length|Header must provide/i.test(e.message);
}
