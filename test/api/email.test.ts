import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createTransport } from 'nodemailer';
import { TEST_AUDIT_KEY, testEnv, type TestEnv } from '../helpers/harness.ts';
import { startRelay, type Relay } from '../helpers/smtp-relay.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { makeSupplier } from '../helpers/network-fixtures.ts';
import { makeIncidentRow } from '../helpers/email-fixtures.ts';
import { inTransaction, type AppContext } from '../../src/core/context.ts';
import { SYSTEM_ACTOR } from '../../src/core/access/principal.ts';
import type { Role } from '../../src/core/access/roles.ts';
import { JobRegistry } from '../../src/core/jobs/registry.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';
import { jobTables } from '../../src/core/jobs/queue.ts';
import type { MailConfig } from '../../src/core/config.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { emailReplies, notify, replyToken, type EmailReply, type Notification } from '../../src/modules/notifications/notify.ts';
import { NOT_CONFIGURED, SEND_KIND, sendEmail, sendKey } from '../../src/modules/notifications/send.ts';
import { startInboundMail, type InboundMail } from '../../src/modules/notifications/inbound.ts';
import { emailTables } from '../../src/modules/notifications/tables.ts';
import { REPLY_ABOVE } from '../../src/domain/email-reply.ts';

/**
 * E-mail out and in, against real SMTP servers on 127.0.0.1: a relay this test starts (it plays
 * the organisation's mail server, and can be down, deferring or refusing), and n3sp's own inbound
 * server receiving replies sent with nodemailer. Nothing leaves the machine.
 */

const DOMAIN = 'n3sp.test';

let env: TestEnv;
let relay: Relay;
let inbound: InboundMail;
let mail: MailConfig;
let worker: JobWorker;
let restoreHandler: () => void;
let handlerThrows: string | null = null;
const replies: EmailReply[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uid = () => randomBytes(4).toString('hex');

/** A worker of the test's own, sending with the given mail settings, retrying after 100 ms. */
function workerWith(mailConfig: Partial<MailConfig> = {}): JobWorker {
  const ctx: AppContext = { ...env.rt, config: { ...env.config, mail: { ...mail, ...mailConfig } } };
  return new JobWorker(ctx, { registry: new JobRegistry().register(SEND_KIND, sendEmail), backoffMs: () => 100 });
}

before(async () => {
  relay = await startRelay();
  mail = { smtpUrl: `smtp://127.0.0.1:${relay.port}`, from: 'NHS network service desk <servicedesk@n3sp.test>', replyDomain: DOMAIN };
  env = await testEnv({ config: { mail } });
  await env.rt.jobs?.stop(); // this file drains its own worker, so it knows when each job ran
  worker = workerWith();
  inbound = await startInboundMail(env.rt, { host: '127.0.0.1', port: 0 });
  // The incidents module takes replies as notes; this test puts a recording handler in its place.
  restoreHandler = emailReplies.replace('incident', async (tx, _ctx, reply) => {
    replies.push(reply);
    if (handlerThrows) throw new Error(handlerThrows);
    await sql`insert into incident_note (incident_id, kind, customer_visible, body, author_id, author_name, source)
      values (${reply.recordId}, 'comment', true, ${reply.text}, ${reply.fromUserId}, ${reply.from}, 'email')`.execute(tx);
  });
});
after(async () => {
  restoreHandler?.();
  await inbound?.close();
  await relay?.close();
  await env?.close();
});

async function userWithEmail(roles: Role[], options: { organisations?: string[]; supplierId?: number } = {}) {
  const username = `m${uid()}`;
  const email = `${username}@practice.nhs.test`;
  const user = await createUser(env.rt, SYSTEM_ACTOR, { username, displayName: `Mail ${username}`, roles, email, organisations: options.organisations, supplierId: options.supplierId ?? null });
  return { id: user.id, email };
}

async function incidentOf(options: { supplierId?: number | null } = {}) {
  const organisation = await makeOrganisation(env, { name: `Mail Practice ${uid()}` });
  const incident = await makeIncidentRow(env, organisation.id, { supplierId: options.supplierId ?? null, title: 'Router down' });
  return { organisation, incident };
}

async function notifyAbout(incident: { id: number; number: string }, organisationId: number, overrides: Partial<Notification> = {}) {
  await inTransaction(env.rt, (tx) =>
    notify(tx, env.rt, {
      recordType: 'incident',
      recordId: incident.id,
      recordNumber: incident.number,
      organisationId,
      supplierId: null,
      event: 'assignment',
      to: [{ address: 'agent.smith@n3sp.test', name: 'Agent Smith' }],
      subject: 'Assigned to you: Router down',
      text: 'Router down at the surgery.\nPriority P3.',
      ...overrides,
    }),
  );
  return emailTables(env.rt.db).selectFrom('email_message').selectAll().where('record_id', '=', incident.id).where('direction', '=', 'out').orderBy('id', 'desc').executeTakeFirstOrThrow();
}

const messageRow = (id: number) => emailTables(env.rt.db).selectFrom('email_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const jobOf = (emailId: number) => jobTables(env.rt.db).selectFrom('job').selectAll().where('dedupe_key', '=', sendKey(emailId)).orderBy('id', 'desc').executeTakeFirstOrThrow();

describe('notifications out', () => {
  test('a notification is stored and sent after commit: record number in the subject, its own reply address and Message-ID', async () => {
    const { organisation, incident } = await incidentOf();
    const stored = await notifyAbout(incident, organisation.id);
    assert.equal(stored.state, 'queued');
    assert.equal(stored.subject, `[${incident.number}] Assigned to you: Router down`);
    assert.equal((await jobOf(stored.id)).state, 'queued', 'the job was scheduled in the same transaction');

    const before = relay.received.length;
    assert.equal(await worker.drain(), 1);
    const got = relay.received.slice(before);
    assert.equal(got.length, 1);
    const { to, mail: sent } = got[0]!;
    assert.deepEqual(to, ['agent.smith@n3sp.test']);
    assert.equal(sent.subject, `[${incident.number}] Assigned to you: Router down`);
    assert.equal(sent.from?.value[0]?.address, 'servicedesk@n3sp.test');
    const replyTo = sent.replyTo?.value[0]?.address ?? '';
    assert.match(replyTo, /^reply\+[0-9a-f]{24}@n3sp\.test$/);
    assert.equal(replyTo, `reply+${stored.reply_token}@${DOMAIN}`);
    assert.equal(sent.messageId, `<${stored.message_id}>`);
    assert.equal(sent.headers.get('auto-submitted'), 'auto-generated');
    assert.ok(sent.text?.startsWith(`${REPLY_ABOVE} ${incident.number}`), 'the text starts with the line replies are written above');
    assert.ok(sent.text?.includes('Router down at the surgery.'));

    const done = await messageRow(stored.id);
    assert.equal(done.state, 'sent');
    assert.ok(done.sent_at);
    assert.equal(done.attempts, 1);
    assert.equal((await jobOf(stored.id)).state, 'done');
  });

  test('reply tokens are HMACs, not a sequence; later notifications about the record thread under the first', async () => {
    const { organisation, incident } = await incidentOf();
    const first = await notifyAbout(incident, organisation.id);
    const second = await notifyAbout(incident, organisation.id, { event: 'customer_update', subject: 'Update' });
    assert.notEqual(first.reply_token, second.reply_token);
    // An HMAC of the Message-ID under a key derived from the audit key, which is not in the database.
    assert.equal(first.reply_token, replyToken(TEST_AUDIT_KEY, first.message_id!));
    assert.notEqual(replyToken('another key', first.message_id!), first.reply_token);
    assert.equal(second.in_reply_to, first.message_id);
    await worker.drain();
    // The worker sends both at once, so they may arrive in either order: find the second by its id.
    const later = relay.received.find((r) => r.mail.messageId === `<${second.message_id}>`)!.mail;
    assert.equal(later.inReplyTo, `<${first.message_id}>`);
  });

  test('a rolled-back change sends nothing', async () => {
    const { organisation, incident } = await incidentOf();
    await assert.rejects(
      inTransaction(env.rt, async (tx) => {
        await notify(tx, env.rt, { recordType: 'incident', recordId: incident.id, recordNumber: incident.number, organisationId: organisation.id, supplierId: null, event: 'assignment', to: [{ address: 'a@n3sp.test' }], subject: 'x', text: 'x' });
        throw new Error('the incident change failed');
      }),
    );
    const rows = await emailTables(env.rt.db).selectFrom('email_message').select('id').where('record_id', '=', incident.id).execute();
    assert.equal(rows.length, 0);
    assert.equal(await worker.drain(), 0);
  });

  test('the relay is down: the send is retried after a backoff, then sent', async () => {
    const gone = await startRelay();
    const port = gone.port;
    await gone.close();
    const retrying = workerWith({ smtpUrl: `smtp://127.0.0.1:${port}` });
    const { organisation, incident } = await incidentOf();
    const stored = await notifyAbout(incident, organisation.id);

    assert.equal(await retrying.drain(), 1);
    assert.equal((await messageRow(stored.id)).state, 'queued', 'still waiting to be sent');
    const job = await jobOf(stored.id);
    assert.equal(job.state, 'queued');
    assert.equal(job.attempts, 1);
    assert.match(job.last_error ?? '', /ECONNREFUSED|ECONNECTION|connect/i);

    const back = await startRelay(port);
    try {
      await sleep(150);
      assert.equal(await retrying.drain(), 1);
      const sent = await messageRow(stored.id);
      assert.equal(sent.state, 'sent');
      assert.equal(sent.attempts, 2);
      assert.equal(back.received.length, 1);
      assert.equal(back.received[0]!.mail.subject, `[${incident.number}] Assigned to you: Router down`);
    } finally {
      await back.close();
    }
  });

  test('a deferring relay (451) is tried again; after the last try the message is failed with its answer', async () => {
    const { organisation, incident } = await incidentOf();
    const stored = await notifyAbout(incident, organisation.id);
    await jobTables(env.rt.db).updateTable('job').set({ max_attempts: 2 }).where('dedupe_key', '=', sendKey(stored.id)).execute();
    relay.mode = 'defer';
    try {
      await worker.drain();
      assert.equal((await messageRow(stored.id)).state, 'queued');
      await sleep(150);
      await worker.drain();
    } finally {
      relay.mode = 'accept';
    }
    const failed = await messageRow(stored.id);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.attempts, 2);
    assert.match(failed.reason ?? '', /gave up after 2 tries: 451/);
  });

  test('a refusing relay (550) fails the message at once, without retrying', async () => {
    const { organisation, incident } = await incidentOf();
    const stored = await notifyAbout(incident, organisation.id);
    relay.mode = 'refuse';
    try {
      await worker.drain();
    } finally {
      relay.mode = 'accept';
    }
    const failed = await messageRow(stored.id);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.attempts, 1);
    assert.match(failed.reason ?? '', /refused by the relay: 550/);
    assert.equal((await jobOf(stored.id)).state, 'done');
  });

  test('with no SMTP relay configured, the notification is stored and marked not sent, once', async () => {
    const { organisation, incident } = await incidentOf();
    const stored = await notifyAbout(incident, organisation.id);
    const before = relay.received.length;
    assert.equal(await workerWith({ smtpUrl: undefined }).drain(), 1);
    const row = await messageRow(stored.id);
    assert.equal(row.state, 'failed');
    assert.equal(row.reason, NOT_CONFIGURED);
    assert.equal((await jobOf(stored.id)).state, 'done', 'not retried');
    assert.equal(relay.received.length, before);
  });

  test('unusable addresses are left out and named; with nobody left the notification is stored as failed, and never throws', async () => {
    const { organisation, incident } = await incidentOf();
    const some = await notifyAbout(incident, organisation.id, { to: [{ address: 'not an address' }, { address: 'ok@n3sp.test' }] });
    assert.equal(some.state, 'queued');
    assert.deepEqual(some.recipients, [{ address: 'ok@n3sp.test', name: null }]);
    assert.match(some.reason ?? '', /no usable address: not an address/);
    const none = await notifyAbout(incident, organisation.id, { to: [{ address: '' }] });
    assert.equal(none.state, 'failed');
    assert.match(none.reason ?? '', /^not sent: no usable address/);
    await worker.drain();
  });
});

describe('replies in', () => {
  /** Sends a message to n3sp's inbound server, as a mail client (through the gateway) would. */
  async function send(message: { from: string; to: string; text: string; inReplyTo?: string; headers?: Record<string, string>; messageId?: string }) {
    const transport = createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail({
        from: message.from,
        to: message.to,
        subject: 'Re: your incident',
        text: message.text,
        ...(message.inReplyTo ? { inReplyTo: message.inReplyTo, references: [message.inReplyTo] } : {}),
        ...(message.messageId ? { messageId: message.messageId } : {}),
        headers: message.headers,
      });
      return inboundRow(info.messageId);
    } finally {
      transport.close();
    }
  }
  const inboundRow = (messageId: string) =>
    emailTables(env.rt.db).selectFrom('email_message').selectAll().where('direction', '=', 'in').where('message_id', '=', messageId.replace(/[<>]/g, '')).executeTakeFirstOrThrow();

  /** A customer update e-mailed to `to` about a new incident, as the relay delivered it. */
  async function delivered(to: string[], options: { supplierId?: number | null } = {}) {
    const { organisation, incident } = await incidentOf(options);
    const stored = await notifyAbout(incident, organisation.id, { event: 'customer_update', subject: 'We are on it', to: to.map((address) => ({ address })) });
    await worker.drain();
    const sent = relay.received.find((r) => r.mail.messageId === `<${stored.message_id}>`)!.mail;
    return { organisation, incident, stored, replyTo: sent.replyTo!.value[0]!.address!, messageId: sent.messageId!, quoted: sent.text! };
  }

  const quote = (text: string) => text.split('\n').map((l) => `> ${l}`).join('\n');

  test("a reply reaches the record's handler with its own words and the sender's account, in the transaction that stores it", async () => {
    const organisationFirst = await makeOrganisation(env, { name: `Reply Practice ${uid()}` });
    const customer = await userWithEmail(['customer'], { organisations: [organisationFirst.ods_code] });
    const incident = await makeIncidentRow(env, organisationFirst.id);
    const stored = await notifyAbout(incident, organisationFirst.id, { event: 'customer_update', subject: 'We are on it', to: [{ address: customer.email }] });
    await worker.drain();
    const sent = relay.received.find((r) => r.mail.messageId === `<${stored.message_id}>`)!.mail;

    const before = replies.length;
    const text = `Thanks, it is working again now.\nThe router was unplugged.\n\nOn Tue, 24 Nov 2026 at 09:00, NHS network service desk <servicedesk@n3sp.test> wrote:\n${quote(sent.text!)}\n`;
    const row = await send({ from: `Practice Manager <${customer.email.toUpperCase()}>`, to: sent.replyTo!.value[0]!.address!, text, inReplyTo: sent.messageId });

    assert.equal(row.state, 'received', row.reason ?? '');
    assert.equal(replies.length, before + 1);
    const reply = replies.at(-1)!;
    assert.deepEqual(reply, { recordType: 'incident', recordId: incident.id, from: customer.email, fromUserId: customer.id, text: 'Thanks, it is working again now.\nThe router was unplugged.' });
    assert.equal(row.reply_to_message, stored.id);
    assert.equal(row.record_number, incident.number);
    assert.equal(row.organisation_id, organisationFirst.id);
    assert.equal(row.from_user_id, customer.id);
    assert.equal(row.audience, 'customer');
    const notes = await sql<{ body: string }>`select body from incident_note where incident_id = ${incident.id}`.execute(env.rt.db);
    assert.deepEqual(notes.rows.map((n) => n.body), [reply.text]);

    // The record page's e-mail thread, as the customer reads it: the update and the reply.
    const own = (await clientAs(env, { roles: ['customer'], organisations: [organisationFirst.ods_code] })).api;
    const thread = await own.get(`/api/v1/notifications?recordType=incident&recordId=${incident.id}`);
    assert.equal(thread.status, 200);
    assert.deepEqual(
      thread.body.items.map((m: { direction: string; state: string; text: string }) => [m.direction, m.state]),
      [['out', 'sent'], ['in', 'received']],
    );
    assert.equal(thread.body.items[1].text, reply.text);
    assert.equal(thread.body.items[1].replyToMessageId, stored.id);
  });

  test('a reply matched by In-Reply-To alone (sent to the From address) is taken too', async () => {
    const { incident, messageId } = await delivered(['caller@outside.test']);
    const before = replies.length;
    const row = await send({ from: 'caller@outside.test', to: `servicedesk@${DOMAIN}`, text: 'Still down here.\n', inReplyTo: messageId });
    assert.equal(row.state, 'received', row.reason ?? '');
    assert.equal(replies.length, before + 1);
    assert.equal(replies.at(-1)!.recordId, incident.id);
    assert.equal(replies.at(-1)!.fromUserId, null, 'an address with no account is nobody’s user');
  });

  test('a forged or unknown reply token is rejected and stored, and reaches no record', async () => {
    const { messageId } = await delivered(['caller@outside.test']);
    const before = replies.length;
    const forged = await send({ from: 'caller@outside.test', to: `reply+${'0'.repeat(24)}@${DOMAIN}`, text: 'Close it please.', inReplyTo: messageId });
    assert.equal(forged.state, 'rejected');
    assert.match(forged.reason ?? '', /belongs to no notification/);
    assert.equal(forged.record_id, null, 'a forged token names no record, whatever In-Reply-To says');
    const stray = await send({ from: 'someone@outside.test', to: `servicedesk@${DOMAIN}`, text: 'Hello?' });
    assert.equal(stray.state, 'rejected');
    assert.match(stray.reason ?? '', /answers no notification/);
    assert.equal(replies.length, before);

    // Staff see rejected mail; customers never do.
    const agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
    const rejected = await agent.get('/api/v1/notifications?direction=in&state=rejected&limit=200');
    assert.ok(rejected.body.items.some((m: { id: number }) => m.id === forged.id));
  });

  test('mail for another domain is refused at RCPT: n3sp relays nothing', async () => {
    await assert.rejects(send({ from: 'x@outside.test', to: 'someone@elsewhere.test', text: 'relay me' }), /550|takes mail for/);
  });

  test('tenancy: a reply counts only from a user who could see and update the record, or an address the notification went to', async () => {
    const supplier = await makeSupplier(env);
    const { organisation, incident, replyTo } = await delivered(['caller@outside.test'], { supplierId: supplier.id });
    const otherOrganisation = await makeOrganisation(env, { name: `Other Practice ${uid()}` });
    const outsider = await userWithEmail(['customer'], { organisations: [otherOrganisation.ods_code] });
    const auditor = await userWithEmail(['auditor']);
    const engineer = await userWithEmail(['supplier'], { supplierId: supplier.id });
    const otherEngineer = await userWithEmail(['supplier'], { supplierId: (await makeSupplier(env)).id });
    const member = await userWithEmail(['customer'], { organisations: [organisation.ods_code] });
    const before = replies.length;

    const outsiderRow = await send({ from: outsider.email, to: replyTo, text: 'I should not be able to write here.' });
    assert.equal(outsiderRow.state, 'rejected');
    assert.match(outsiderRow.reason ?? '', /belongs to an account that may not add to INC/);
    assert.equal(outsiderRow.audience, 'staff');
    assert.equal((await send({ from: auditor.email, to: replyTo, text: 'Read-only.' })).state, 'rejected');
    assert.equal((await send({ from: otherEngineer.email, to: replyTo, text: 'Wrong supplier.' })).state, 'rejected');
    const stranger = await send({ from: 'stranger@outside.test', to: replyTo, text: 'Forwarded to me.' });
    assert.equal(stranger.state, 'rejected');
    assert.match(stranger.reason ?? '', /neither a user who can see INC\d+ nor an address its notification was sent to/);
    assert.equal(replies.length, before, 'no refused reply reached the record');

    assert.equal((await send({ from: engineer.email, to: replyTo, text: 'Engineer on site at 14:00.' })).state, 'received');
    assert.equal((await send({ from: member.email, to: replyTo, text: 'Colleague here: thanks.' })).state, 'received');
    assert.equal((await send({ from: 'caller@outside.test', to: replyTo, text: 'Caller: thank you.' })).state, 'received');
    assert.deepEqual(
      replies.slice(before).map((r) => [r.recordId, r.fromUserId]),
      [[incident.id, engineer.id], [incident.id, member.id], [incident.id, null]],
    );

    // A deactivated account's address is refused, even though it was a recipient.
    const leaver = await userWithEmail(['customer'], { organisations: [organisation.ods_code] });
    const second = await delivered([leaver.email]);
    await sql`update app_user set active = false where id = ${leaver.id}`.execute(env.rt.db);
    assert.equal((await send({ from: leaver.email, to: second.replyTo, text: 'I left last month.' })).state, 'rejected');
  });

  test('a reply delivered twice (same Message-ID) is taken once', async () => {
    const { replyTo } = await delivered(['caller@outside.test']);
    const before = replies.length;
    const messageId = `<twice.${uid()}@outside.test>`;
    const first = await send({ from: 'caller@outside.test', to: replyTo, text: 'Once only.', messageId });
    await send({ from: 'caller@outside.test', to: replyTo, text: 'Once only.', messageId }).catch(() => undefined);
    assert.equal(first.state, 'received');
    assert.equal(replies.length, before + 1);
    const rows = await emailTables(env.rt.db).selectFrom('email_message').select('id').where('message_id', '=', messageId.slice(1, -1)).execute();
    assert.equal(rows.length, 1);
  });

  test('out-of-office answers, empty replies and replies the record refuses are stored as rejected', async () => {
    const { replyTo } = await delivered(['caller@outside.test']);
    const before = replies.length;
    const away = await send({ from: 'caller@outside.test', to: replyTo, text: 'I am on leave until Monday.', headers: { 'Auto-Submitted': 'auto-replied' } });
    assert.equal(away.state, 'rejected');
    assert.match(away.reason ?? '', /automatic/);
    const empty = await send({ from: 'caller@outside.test', to: replyTo, text: `> ${REPLY_ABOVE} INC0000001 ##\n> quoted only\n` });
    assert.equal(empty.state, 'rejected');
    assert.match(empty.reason ?? '', /no words of its own/);
    assert.equal(replies.length, before);

    handlerThrows = 'the incident is closed';
    try {
      const refused = await send({ from: 'caller@outside.test', to: replyTo, text: 'Reopen please.' });
      assert.equal(refused.state, 'rejected');
      assert.match(refused.reason ?? '', /did not take it: the incident is closed/);
      assert.equal(refused.record_id !== null, true);
    } finally {
      handlerThrows = null;
    }
    const notes = await sql<{ n: number }>`select count(*)::int as n from incident_note where body = 'Reopen please.'`.execute(env.rt.db);
    assert.equal(notes.rows[0]!.n, 0, "the handler's note was rolled back with it");
  });
});

describe('the e-mail thread route', () => {
  test('a customer reads the messages meant for them, a supplier those of the hand-off, staff all', async () => {
    const supplier = await makeSupplier(env);
    const { organisation, incident } = await incidentOf({ supplierId: supplier.id });
    await notifyAbout(incident, organisation.id, { event: 'assignment', subject: 'Assigned to you' });
    await notifyAbout(incident, organisation.id, { event: 'customer_update', subject: 'For the practice' });
    await notifyAbout(incident, organisation.id, { event: 'supplier_hand_off', subject: 'For the supplier', supplierId: supplier.id });
    await notifyAbout(incident, organisation.id, { event: 'breach', subject: 'Resolution target missed' });
    await worker.drain();
    const url = `/api/v1/notifications?recordType=incident&recordId=${incident.id}`;
    const subjects = (body: { items: Array<{ subject: string }> }) => body.items.map((m) => m.subject.replace(/^\[INC\d+\] /, ''));

    const customer = (await clientAs(env, { roles: ['customer'], organisations: [organisation.ods_code] })).api;
    assert.deepEqual(subjects((await customer.get(url)).body), ['For the practice']);
    const engineer = (await clientAs(env, { roles: ['supplier'], supplierId: supplier.id })).api;
    assert.deepEqual(subjects((await engineer.get(url)).body), ['For the supplier']);
    const agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
    const all = await agent.get(`${url}&limit=2`);
    assert.deepEqual(subjects(all.body), ['Assigned to you', 'For the practice']);
    const next = await agent.get(`${url}&limit=2&cursor=${all.body.nextCursor}`);
    assert.deepEqual(subjects(next.body), ['For the supplier', 'Resolution target missed']);
    assert.equal(next.body.items[0].state, 'sent');
    assert.equal(next.body.items[0].record.number, incident.number);

    const otherCustomer = (await clientAs(env, { roles: ['customer'], organisations: [(await makeOrganisation(env)).ods_code] })).api;
    assert.deepEqual((await otherCustomer.get(url)).body.items, []);
  });

  test('recordId without recordType is refused, naming the field', async () => {
    const agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
    const response = await agent.get('/api/v1/notifications?recordId=1');
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'query.recordType');
  });
});
