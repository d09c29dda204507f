/**
 * The address plan's arithmetic, with no I/O: IPv4 prefixes as integers, the private ranges a
 * block may be carved from, the rule that sizes a site's prefix from its product, and a
 * reference allocator (best fit among free aligned prefixes) that the SQL allocator mirrors and
 * the property tests check it against.
 */

export interface Prefix {
  /** First address of the prefix, as an unsigned 32-bit integer. */
  network: number;
  /** Prefix length, 0 to 32. */
  length: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseAddress(text: string): number | undefined {
  const m = IPV4.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o, i) => o > 255 || (m[i + 1]!.length > 1 && m[i + 1]!.startsWith('0')))) return undefined;
  return ((octets[0]! * 256 + octets[1]!) * 256 + octets[2]!) * 256 + octets[3]!;
}

export function formatAddress(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Number of addresses in a prefix of this length. */
export function sizeOf(length: number): number {
  return 2 ** (32 - length);
}

/**
 * Parses 'a.b.c.d/n'. With `strict` (the default), host bits must be zero, as PostgreSQL's cidr
 * type demands: '10.0.0.1/24' is refused rather than silently widened.
 */
export function parsePrefix(text: string, strict = true): Prefix | undefined {
  const [address, lengthText, extra] = text.trim().split('/');
  if (extra !== undefined || lengthText === undefined || !/^\d{1,2}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  const value = parseAddress(address!);
  if (value === undefined || length > 32) return undefined;
  const network = value - (value % sizeOf(length));
  if (strict && network !== value) return undefined;
  return { network, length };
}

export function formatPrefix(prefix: Prefix): string {
  return `${formatAddress(prefix.network)}/${prefix.length}`;
}

/** One past the last address, as an integer (may be 2^32). */
export function endOf(prefix: Prefix): number {
  return prefix.network + sizeOf(prefix.length);
}

export function contains(outer: Prefix, inner: Prefix): boolean {
  return outer.length <= inner.length && inner.network >= outer.network && endOf(inner) <= endOf(outer);
}

/** Two CIDR prefixes overlap exactly when one contains the other. */
export function overlaps(a: Prefix, b: Prefix): boolean {
  return a.network < endOf(b) && b.network < endOf(a);
}

/** Private (RFC 1918) and shared (RFC 6598) IPv4 space: the only ranges a block may come from. */
export const PRIVATE_RANGES: readonly Prefix[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((p) => parsePrefix(p)!);

export function isPrivate(prefix: Prefix): boolean {
  return PRIVATE_RANGES.some((range) => contains(range, prefix));
}

/** Site prefixes are never smaller than /30 (two hosts) nor larger than /16. */
export const MIN_SITE_PREFIX = 16;
export const MAX_SITE_PREFIX = 30;

/** A sizing rule: the first step whose bandwidth bound covers the product's gives the length. */
export interface SizingStep {
  upToMbps: number;
  prefixLength: number;
}

/**
 * The default rule, to be overridden per block: a small branch surgery on a 10 Mbit/s line has a
 * handful of devices; a trust on a gigabit has hundreds. Above the last step, the last length.
 */
export const DEFAULT_SIZING: readonly SizingStep[] = [
  { upToMbps: 10, prefixLength: 29 },
  { upToMbps: 30, prefixLength: 28 },
  { upToMbps: 100, prefixLength: 27 },
  { upToMbps: 1000, prefixLength: 26 },
  { upToMbps: 10000, prefixLength: 24 },
];

/** Problems with a sizing rule, by step, for the API to name; empty when the rule is sound. */
export function sizingProblems(steps: readonly SizingStep[]): Array<{ index: number; message: string }> {
  const found: Array<{ index: number; message: string }> = [];
  if (steps.length === 0) found.push({ index: 0, message: 'must have at least one step' });
  steps.forEach((step, index) => {
    if (!(step.upToMbps > 0)) found.push({ index, message: 'upToMbps must be positive' });
    if (!Number.isInteger(step.prefixLength) || step.prefixLength < MIN_SITE_PREFIX || step.prefixLength > MAX_SITE_PREFIX) {
      found.push({ index, message: `prefixLength must be ${MIN_SITE_PREFIX} to ${MAX_SITE_PREFIX}` });
    }
    const previous = steps[index - 1];
    if (previous && step.upToMbps <= previous.upToMbps) found.push({ index, message: 'upToMbps must increase from step to step' });
    if (previous && step.prefixLength > previous.prefixLength) found.push({ index, message: 'a faster product may not get a smaller prefix' });
  });
  return found;
}

/**
 * The prefix length a site gets for its product. A resilient product (two routers sharing a
 * virtual gateway) needs room for both, so it gets the next size up.
 */
export function prefixLengthFor(bandwidthMbps: number, options: { resilient?: boolean; sizing?: readonly SizingStep[] } = {}): number {
  const steps = options.sizing ?? DEFAULT_SIZING;
  const step = steps.find((s) => bandwidthMbps <= s.upToMbps) ?? steps[steps.length - 1]!;
  return Math.max(MIN_SITE_PREFIX, step.prefixLength - (options.resilient ? 1 : 0));
}

/**
 * The reference allocator: among the free stretches of the block (the gaps between the live
 * prefixes, which never overlap), the first aligned prefix of the wanted length in the smallest
 * gap that can hold one, lowest address first. Best fit keeps large aligned stretches whole for
 * large sites. The SQL allocator (modules/address-plan/queries.ts) makes the same choice.
 */
export function bestFit(block: Prefix, live: readonly Prefix[], length: number): Prefix | undefined {
  if (length < block.length || length > 32) return undefined;
  const size = sizeOf(length);
  const taken = live.filter((p) => overlaps(p, block)).sort((a, b) => a.network - b.network);
  let cursor = block.network;
  let best: { gap: number; start: number } | undefined;
  for (const stretch of [...taken, { network: endOf(block), length: 32 }]) {
    const gapStart = cursor;
    const gapEnd = stretch.network;
    const aligned = Math.ceil(gapStart / size) * size;
    if (aligned + size <= gapEnd) {
      const gap = gapEnd - gapStart;
      if (!best || gap < best.gap) best = { gap, start: aligned };
    }
    cursor = Math.max(cursor, endOf(stretch));
  }
  return best ? { network: best.start, length } : undefined;
}

/** Addresses of the block covered by live prefixes. */
export function usedAddresses(block: Prefix, live: readonly Prefix[]): number {
  return live.filter((p) => contains(block, p)).reduce((sum, p) => sum + sizeOf(p.length), 0);
}
