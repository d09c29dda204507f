import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** A mail relay a test starts on 127.0.0.1: it plays the organisation's mail server and keeps what it is given. */
export interface Relay {
  port: number;
  received: Array<{ to: string[]; mail: ParsedMail }>;
  /** `defer` answers 451 (try later), `refuse` 550 (never). */
  mode: 'accept' | 'defer' | 'refuse';
  close(): Promise<void>;
}

export async function startRelay(port = 0): Promise<Relay> {
  const relay: Relay = { port: 0, received: [], mode: 'accept', close: async () => {} };
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    disableReverseLookup: true, // no DNS: nothing leaves 127.0.0.1
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (relay.mode === 'defer') return callback(Object.assign(new Error('4.3.2 the relay is busy, try later'), { responseCode: 451 }));
      if (relay.mode === 'refuse') return callback(Object.assign(new Error('5.7.1 relaying denied'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          relay.received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => server.listen(port, '127.0.0.1', () => resolve()).once('error', reject));
  relay.port = (server.server.address() as AddressInfo).port;
  relay.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return relay;
}
