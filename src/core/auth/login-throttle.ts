import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { problems } from '../errors.ts';

/** Failed sign-ins allowed in the window, per account and per address, before sign-in is refused. */
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 20 };

/** Advisory lock namespaces: attempts on one account, and attempts from one address, queue. */
const ACCOUNT_LOCK = 7_263_101;
const ADDRESS_LOCK = 7_263_102;

/**
 * Counts a sign-in attempt before its password is looked at, and refuses it (429) when the
 * account or the address has failed too often recently. Kept in the database, so it holds across
 * every n3sp process behind a balancer.
 *
 * The attempt is written as a failure at once, under a lock per account and per address:
 * checking first and writing the failure after the (slow, on purpose) password check would let
 * a burst of guesses sent together all be checked before any of them was counted.
 * The row stays as the failure record when the password is wrong, and is removed with the
 * account's other failures (clearFailedLogins) when it is right.
 */
export async function beginSignInAttempt(db: Db, username: string, ip: string): Promise<void> {
  const name = username.slice(0, 200);
  const since = new Date(Date.now() - THROTTLE.windowMinutes * 60_000);
  await db.transaction().execute(async (tx) => {
    // Always account first, then address, so two attempts never wait on each other in a circle.
    await sql`select pg_advisory_xact_lock(${ACCOUNT_LOCK}::int, hashtext(lower(${name})))`.execute(tx);
    await sql`select pg_advisory_xact_lock(${ADDRESS_LOCK}::int, hashtext(${ip}))`.execute(tx);
    const counts = await sql<{ account: number; address: number }>`select
        (select count(*)::int from failed_login where lower(username) = lower(${name}) and at > ${since}) as account,
        (select count(*)::int from failed_login where ip = ${ip} and at > ${since}) as address`.execute(tx);
    const { account, address } = counts.rows[0]!;
    // A refused attempt is not written: it does not extend the wait.
    if (account >= THROTTLE.perAccount) throw problems.rateLimited(THROTTLE.windowMinutes * 60, 'Too many failed sign-ins for this account; wait before trying again.');
    if (address >= THROTTLE.perAddress) throw problems.rateLimited(THROTTLE.windowMinutes * 60, 'Too many failed sign-ins from this address; wait before trying again.');
    await tx.insertInto('failed_login').values({ username: name, ip }).execute();
  });
}

export async function clearFailedLogins(db: Db, username: string): Promise<void> {
  await db.deleteFrom('failed_login').where(sql`lower(username)`, '=', username.slice(0, 200).toLowerCase()).execute();
}
