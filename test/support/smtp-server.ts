import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpServer {
  url: string;
  /** Every mail it took: the envelope's recipients and the raw message. */
  mails: Array<{ to: string; raw: string }>;
  /** Refuses the next `n` messages with a 451 (a temporary failure), as a busy server does. */
  refuseNext(n: number): void;
  stop(): Promise<void>;
}

/** An SMTP server started by the test, on a free port of 127.0.0.1, without TLS or authentication. */
export async function smtpServer(): Promise<TestSmtpServer> {
  const mails: TestSmtpServer['mails'] = [];
  let refuse = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          return;
        }
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuseNext: (n) => (refuse = n),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
