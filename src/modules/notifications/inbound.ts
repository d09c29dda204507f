import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../../core/context.ts';
import { receiveEmail } from './intake.ts';

/** The largest message taken in; a reply to a notification is a few kilobytes. */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface InboundMail {
  host: string;
  port: number;
  close(): Promise<void>;
}

type SmtpAnswer = Error & { responseCode?: number };
const answer = (responseCode: number, message: string): SmtpAnswer => Object.assign(new Error(message), { responseCode });

/**
 * n3sp's own mail server for replies: it takes mail for any address at the reply domain (and
 * refuses every other domain: it relays nothing), and hands each message to `receiveEmail`,
 * which stores it as received or rejected. It is meant to sit behind the organisation's mail
 * gateway, which does TLS, spam filtering and SPF/DKIM/DMARC and relays the reply domain here;
 * so it offers neither AUTH nor STARTTLS and listens on 127.0.0.1 unless told otherwise.
 * A message that could not be stored (the database away) is answered 451, so the sending server
 * tries again later; everything else is answered 250 once stored, rejected or not, so that no
 * bounce tells a forger anything.
 */
export async function startInboundMail(ctx: AppContext, where: { host: string; port: number }, onError: (error: Error) => void = (e) => console.error('inbound mail:', e.message)): Promise<InboundMail> {
  const domain = ctx.config.mail.replyDomain;
  const server = new SMTPServer({
    name: domain,
    banner: 'n3sp: replies to notifications',
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    // The gateway in front knows who connected; a reverse DNS lookup per connection would only
    // add latency and traffic to the resolver.
    disableReverseLookup: true,
    size: MAX_MESSAGE_BYTES,
    maxRecipients: 20,
    maxClients: 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onRcptTo(address, _session, callback) {
      const at = address.address.lastIndexOf('@');
      if (at < 0 || address.address.slice(at + 1).toLowerCase() !== domain) return callback(answer(550, `5.7.1 n3sp takes mail for ${domain} only`));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_MESSAGE_BYTES) chunks.push(chunk);
      });
      stream.on('error', (error) => callback(answer(451, `4.3.0 ${error.message}`)));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(answer(552, '5.3.4 message exceeds the fixed maximum message size'));
        const envelope = {
          recipients: session.envelope.rcptTo.map((r) => r.address),
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
        };
        receiveEmail(ctx, Buffer.concat(chunks), envelope).then(
          (result) => callback(null, result.state === 'received' ? 'Added to the record' : 'Received'),
          (error: Error) => {
            onError(error);
            callback(answer(451, '4.3.0 could not store the message now; try again later'));
          },
        );
      });
    },
  });
  server.on('error', onError);
  await new Promise<void>((resolve, reject) => {
    const listening = server.listen(where.port, where.host, () => resolve());
    listening.once('error', reject);
  });
  const address = server.server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
