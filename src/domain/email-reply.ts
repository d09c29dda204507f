/**
 * Rules for e-mail about records, with no I/O: who a notification is for, the line a reply is
 * written above, which reply address a message was sent to, what of a reply is its own words,
 * and which messages are machines answering machines.
 */

export type Audience = 'customer' | 'supplier' | 'staff';

/**
 * Who may read a notification in the record's e-mail thread besides staff. Updates, questions,
 * resolutions and major-incident updates go to the customer's side; a hand-off goes to the
 * supplier; assignments and service level warnings and breaches are the desk's own business.
 */
export function audienceOf(event: string): Audience {
  switch (event) {
    case 'customer_update':
    case 'question':
    case 'resolution':
    case 'major_update':
      return 'customer';
    case 'supplier_hand_off':
      return 'supplier';
    default:
      return 'staff';
  }
}

/** The first line of every notification: whatever a reply quotes from here down is cut. */
export const REPLY_ABOVE = '## Reply above this line to add to';

export function replyAboveLine(recordNumber: string): string {
  return `${REPLY_ABOVE} ${recordNumber} ##`;
}

/** `[INC0000001] Assigned to you: …`: the record number leads, once. */
export function subjectFor(recordNumber: string, subject: string): string {
  const oneLine = subject.replace(/[\r\n\t]+/g, ' ').trim();
  const tag = `[${recordNumber}]`;
  return oneLine.startsWith(tag) ? oneLine : `${tag} ${oneLine}`;
}

/** The reply token of a reply+<token>@<domain> address at our reply domain, lower-cased. */
export function replyTokenOf(address: string, replyDomain: string): string | null {
  const match = /^reply\+([a-z0-9]+)@(.+)$/i.exec(address.trim());
  if (!match || match[2]!.toLowerCase() !== replyDomain.toLowerCase()) return null;
  return match[1]!.toLowerCase();
}

/** Message-IDs in an In-Reply-To or References header, without angle brackets. */
export function messageIdsIn(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values.flatMap((v) => {
    const bracketed = [...v.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
    return bracketed.length > 0 ? bracketed : v.split(/\s+/).filter((s) => s.includes('@'));
  });
}

const ATTRIBUTION = /^(on\s.{0,300}\s(wrote|a écrit|schrieb)\s*:?\s*$|.{0,300}\bwrote:\s*$)/i;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(original message|forwarded message)\s*-{2,}/i;
const OUTLOOK_RULE = /^\s*_{10,}\s*$/;
const HEADER_FROM = /^\s*\**from:\**\s/i;
const HEADER_NEXT = /^\s*\**(sent|date|to|subject|cc):\**\s/i;
const SIGNATURE = /^-- ?$/;
const MOBILE_SIGNATURE = /^sent from my \w+/i;

/**
 * The reply's own words: everything above the first sign of the quoted notification — our
 * "reply above this line" marker (quoted or not), an "On … wrote:" attribution (which some
 * clients wrap over two lines), an "Original Message" or Outlook rule, an Outlook header block
 * (From: followed by Sent:/Date:/To:), or the first quoted line — and above a signature
 * delimiter ("-- ") or a "Sent from my phone" line. Trailing blank lines go; an empty result
 * means the message had no words of its own.
 */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const unquoted = line.replace(/^(\s*>)+\s?/, '');
    if (unquoted.includes(REPLY_ABOVE)) {
      end = i;
      break;
    }
    if (/^\s*>/.test(line) || ORIGINAL_MESSAGE.test(line) || OUTLOOK_RULE.test(line) || SIGNATURE.test(line) || MOBILE_SIGNATURE.test(line)) {
      end = i;
      break;
    }
    if (ATTRIBUTION.test(line) || (/^on\s/i.test(line) && ATTRIBUTION.test(`${line} ${lines[i + 1] ?? ''}`))) {
      end = i;
      break;
    }
    if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 4).some((l) => HEADER_NEXT.test(l))) {
      end = i;
      break;
    }
  }
  return lines
    .slice(0, end)
    .join('\n')
    .replace(/\s+$/, '')
    .replace(/^\s*\n/, '');
}

/**
 * Out-of-office and other automatic answers (RFC 3834 Auto-Submitted, Precedence, the common
 * X- headers), and delivery reports: never added to a record, or two robots would write to
 * each other for ever.
 */
export function automaticReply(headers: Map<string, unknown>, from: string): string | null {
  const value = (name: string) => {
    const v = headers.get(name);
    return typeof v === 'string' ? v.toLowerCase() : v && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value).toLowerCase() : '';
  };
  const autoSubmitted = value('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return `an automatic message (Auto-Submitted: ${autoSubmitted})`;
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(value('precedence'))) return `an automatic message (Precedence: ${value('precedence')})`;
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return 'an automatic reply';
  if (/^(mailer-daemon|postmaster)@/i.test(from)) return 'a delivery report';
  if (value('content-type').startsWith('multipart/report')) return 'a delivery report';
  return null;
}
