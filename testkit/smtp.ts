import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a free local port, keeping what it receives (parsed by mailparser). */
export interface TestSmtp {
  url: string;
  received: ParsedMail[];
  /** Envelope recipients of each message received, in order. */
  recipients: string[][];
  /** How many messages were accepted (kept or not). */
  readonly count: number;
  /** Refuses the next n messages with a temporary failure (451). */
  refuseNext(n: number): void;
  close(): Promise<void>;
}

/** `keep: false` only counts the messages (for benchmarks: parsing them would cost more than sending). */
export async function startSmtp({ keep = true } = {}): Promise<TestSmtp> {
  let count = 0;
  const received: ParsedMail[] = [];
  const recipients: string[][] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true, disableReverseLookup: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        }
        count++;
        if (!keep) return callback();
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push(mail);
          recipients.push(session.envelope.rcptTo.map((r) => r.address));
          callback();
        }, callback);
      });
    },
  });
  // Replies leave at once (Nagle's algorithm would hold each small reply for the client's delayed ACK).
  server.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received, recipients,
    get count() { return count; },
    refuseNext(n) { refusals = n; },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
