import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { problems } from '../errors.ts';

/** Failed sign-ins allowed in the window, per account and per address, before sign-in is refused. */
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 20 };

/**
 * Refuses a sign-in attempt (429) while the account or the address has failed too often
 * recently. Kept in the database, so it holds across every n3sp process behind a balancer.
 */
export async function refuseIfThrottled(db: Db, username: string, ip: string): Promise<void> {
  const since = new Date(Date.now() - THROTTLE.windowMinutes * 60_000);
  const counts = await sql<{ account: number; address: number }>`select
      (select count(*)::int from failed_login where lower(username) = lower(${username}) and at > ${since}) as account,
      (select count(*)::int from failed_login where ip = ${ip} and at > ${since}) as address`.execute(db);
  const { account, address } = counts.rows[0]!;
  if (account >= THROTTLE.perAccount) throw problems.rateLimited(THROTTLE.windowMinutes * 60, 'Too many failed sign-ins for this account; wait before trying again.');
  if (address >= THROTTLE.perAddress) throw problems.rateLimited(THROTTLE.windowMinutes * 60, 'Too many failed sign-ins from this address; wait before trying again.');
}

export async function recordFailedLogin(db: Db, username: string, ip: string): Promise<void> {
  await db.insertInto('failed_login').values({ username: username.slice(0, 200), ip }).execute();
}

export async function clearFailedLogins(db: Db, username: string): Promise<void> {
  await db.deleteFrom('failed_login').where(sql`lower(username)`, '=', username.toLowerCase()).execute();
}
