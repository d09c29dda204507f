import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audienceOf, automaticReply, messageIdsIn, replyAboveLine, replyText, replyTokenOf, subjectFor } from '../../src/domain/email-reply.ts';

/** What of a reply is the sender's own words, as mail clients actually quote. */

const notification = `${replyAboveLine('INC0000042')}\n\nWe have logged your incident.\nPriority P3.`;
const quoted = (text: string, prefix = '> ') => text.split('\n').map((l) => `${prefix}${l}`).join('\n');

test('Gmail: the attribution line and the quote below it go', () => {
  const mail = `It is back up, thank you.\n\nOn Tue, 24 Nov 2026 at 09:00, NHS service desk <servicedesk@n3sp.test> wrote:\n\n${quoted(notification)}\n`;
  assert.equal(replyText(mail), 'It is back up, thank you.');
});

test('an attribution wrapped over two lines is still found', () => {
  const mail = `Thanks.\n\nOn Tue, 24 Nov 2026 at 09:00, NHS network service desk\n<servicedesk@n3sp.test> wrote:\n${quoted(notification)}`;
  assert.equal(replyText(mail), 'Thanks.');
});

test('Outlook: the rule or the From/Sent header block ends the reply', () => {
  const block = `Please call me.\r\n\r\nFrom: NHS service desk <servicedesk@n3sp.test>\r\nSent: 24 November 2026 09:00\r\nTo: Practice Manager\r\nSubject: [INC0000042] Update\r\n\r\n${notification}`;
  assert.equal(replyText(block), 'Please call me.');
  const rule = `Please call me.\n________________________________\nFrom: NHS service desk\n${notification}`;
  assert.equal(replyText(rule), 'Please call me.');
  assert.equal(replyText(`Yes.\n-----Original Message-----\n${notification}`), 'Yes.');
});

test('our own marker cuts even when the client quotes nothing else recognisably', () => {
  assert.equal(replyText(`Fine by me\n\n${notification}`), 'Fine by me');
  assert.equal(replyText(`Fine by me\n>> ${replyAboveLine('INC0000042')}`), 'Fine by me');
});

test('a signature and a phone footer are not part of the reply', () => {
  assert.equal(replyText('Engineer booked for 2pm.\n-- \nDr A Smith\nPractice Manager'), 'Engineer booked for 2pm.');
  assert.equal(replyText('Ok\n\nSent from my iPhone'), 'Ok');
});

test('a reply with no quote is kept whole, lines and all; a reply of only quotes is empty', () => {
  assert.equal(replyText('\nLine one\n\nLine three\n\n\n'), 'Line one\n\nLine three');
  assert.equal(replyText(quoted(notification)), '');
  assert.equal(replyText(''), '');
});

test('a sentence mentioning "wrote" mid-paragraph is not mistaken for an attribution', () => {
  assert.equal(replyText('The engineer wrote the fault down.\nIt is fixed.'), 'The engineer wrote the fault down.\nIt is fixed.');
});

test('reply tokens come only from our reply domain, case-folded', () => {
  assert.equal(replyTokenOf('reply+ABCDEF0123@N3SP.test', 'n3sp.test'), 'abcdef0123');
  assert.equal(replyTokenOf('reply+abcdef@elsewhere.test', 'n3sp.test'), null);
  assert.equal(replyTokenOf('servicedesk@n3sp.test', 'n3sp.test'), null);
  assert.equal(replyTokenOf('reply+@n3sp.test', 'n3sp.test'), null);
});

test('Message-IDs are read from In-Reply-To and References, bracketed or not', () => {
  assert.deepEqual(messageIdsIn('<a.1@x> <b.2@y>'), ['a.1@x', 'b.2@y']);
  assert.deepEqual(messageIdsIn(['<a.1@x>', 'c@z']), ['a.1@x', 'c@z']);
  assert.deepEqual(messageIdsIn(undefined), []);
});

test('subjects lead with the record number once; line breaks cannot inject headers', () => {
  assert.equal(subjectFor('INC0000001', 'Assigned to you: Router down'), '[INC0000001] Assigned to you: Router down');
  assert.equal(subjectFor('INC0000001', '[INC0000001] Again'), '[INC0000001] Again');
  assert.equal(subjectFor('INC0000001', 'a\r\nBcc: x@y'), '[INC0000001] a Bcc: x@y');
});

test('who reads each kind of notification besides staff', () => {
  assert.equal(audienceOf('customer_update'), 'customer');
  assert.equal(audienceOf('resolution'), 'customer');
  assert.equal(audienceOf('supplier_hand_off'), 'supplier');
  assert.equal(audienceOf('assignment'), 'staff');
  assert.equal(audienceOf('breach'), 'staff');
});

test('automatic replies and delivery reports are recognised; a person’s reply is not', () => {
  const h = (entries: Record<string, unknown>) => new Map(Object.entries(entries));
  assert.match(automaticReply(h({ 'auto-submitted': 'auto-replied' }), 'a@b') ?? '', /automatic/);
  assert.equal(automaticReply(h({ 'auto-submitted': 'no' }), 'a@b'), null);
  assert.match(automaticReply(h({ precedence: 'bulk' }), 'a@b') ?? '', /Precedence/);
  assert.match(automaticReply(h({ 'x-autoreply': 'yes' }), 'a@b') ?? '', /automatic/);
  assert.match(automaticReply(h({}), 'MAILER-DAEMON@relay.test') ?? '', /delivery report/);
  assert.match(automaticReply(h({ 'content-type': { value: 'multipart/report', params: {} } }), 'a@b') ?? '', /delivery report/);
  assert.equal(automaticReply(h({ 'content-type': { value: 'text/plain', params: {} } }), 'a@b'), null);
});
