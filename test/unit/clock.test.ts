import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { asOf, now, today } from '../../src/core/clock.ts';

/** The wall clock records are stamped with, and the "as of" scope the demonstration writes history in. */

const MONDAY = new Date('2026-06-08T09:30:00.123Z');
const FRIDAY = new Date('2026-06-12T16:45:00Z');

test('outside any scope, now() is the real time', () => {
  const before = Date.now();
  const read = now().getTime();
  assert.ok(read >= before && read <= Date.now());
  assert.equal(today(), new Date().toISOString().slice(0, 10));
});

test('inside asOf, now() is the scope instant, exactly, through awaits and timers, and real time again after', async () => {
  const seen = await asOf(MONDAY, async () => {
    const first = now();
    await sleep(5);
    const afterTimer = await new Promise<Date>((resolve) => setImmediate(() => resolve(now())));
    return { first, afterTimer, day: today() };
  });
  assert.equal(seen.first.toISOString(), MONDAY.toISOString());
  assert.equal(seen.afterTimer.toISOString(), MONDAY.toISOString());
  assert.equal(seen.day, '2026-06-08');
  assert.ok(Math.abs(now().getTime() - Date.now()) < 1000, 'the scope ends with its work');
});

test('each call gives a Date of its own: changing one does not move the scope', async () => {
  await asOf(MONDAY, async () => {
    now().setTime(0);
    assert.equal(now().toISOString(), MONDAY.toISOString());
  });
});

test('a nested scope sets its own instant until it ends; the outer one resumes', async () => {
  await asOf(MONDAY, async () => {
    const inner = await asOf(FRIDAY, async () => {
      await sleep(1);
      return now();
    });
    assert.equal(inner.toISOString(), FRIDAY.toISOString());
    assert.equal(now().toISOString(), MONDAY.toISOString());
  });
});

test('scopes running at the same time do not see each other', async () => {
  const [a, b] = await Promise.all([
    asOf(MONDAY, async () => {
      await sleep(10);
      return now();
    }),
    asOf(FRIDAY, async () => {
      await sleep(1);
      return now();
    }),
  ]);
  assert.equal(a.toISOString(), MONDAY.toISOString());
  assert.equal(b.toISOString(), FRIDAY.toISOString());
});

test('only the past is written as of its time: a future or invalid instant is refused', () => {
  assert.throws(() => asOf(new Date(Date.now() + 60_000), async () => undefined), /in the future/);
  assert.throws(() => asOf(new Date(Number.NaN), async () => undefined), /valid instant/);
});
