/**
 * The stdio transport's message writer: the messages written in one turn of the event loop go
 * out in one write. vscode-jsonrpc's own writer makes two writes per message (header, then
 * body), each after the last one's callback; an edit of a module imported by 50 open documents
 * pushes 51 diagnostics notifications at once, which were 102 writes to the client's pipe (and
 * as many wake-ups of the client). The bytes are the same: `Content-Length` header, then the
 * message as UTF-8 JSON.
 */
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

export class CoalescingMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private queued: Buffer[] = [];
  /** Settled once the queued messages were handed to the stream (null while none is queued). */
  private flush: Promise<void> | null = null;
  private errors = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (e: Error) => this.fireError(e));
    stream.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    let body: Buffer;
    try {
      body = Buffer.from(JSON.stringify(msg), 'utf8');
    } catch (e) {
      this.fireError(e, msg, ++this.errors);
      return Promise.reject(e);
    }
    this.queued.push(Buffer.from(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii'), body);
    this.flush ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        const chunk = Buffer.concat(this.queued);
        this.queued = [];
        this.flush = null;
        this.stream.write(chunk, (e) => {
          if (!e) return resolve();
          this.fireError(e, undefined, ++this.errors);
          reject(e);
        });
      });
    });
    return this.flush;
  }

  end(): void {
    this.stream.end();
  }
}
