import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bankHolidayClosures, bankHolidayCoverage, BankHolidayFileError, UK_DIVISIONS } from '../../src/domain/bank-holidays.ts';

const published: unknown = JSON.parse(readFileSync(new URL('../../../shared/data/calendar/uk-bank-holidays.json', import.meta.url), 'utf8'));

describe('UK bank holidays from the published file', () => {
  test('England and Wales 2026: eight closures, Boxing Day substituted to Monday 28 December', () => {
    const in2026 = bankHolidayClosures(published, 'england-and-wales').filter((c) => c.from.startsWith('2026'));
    assert.deepEqual(in2026.map((c) => c.from), ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']);
    assert.equal(in2026.find((c) => c.from === '2026-12-28')?.title, 'Boxing Day (Substitute day)');
    assert.ok(in2026.every((c) => c.kind === 'dates' && c.from === c.to));
  });

  test('divisions differ: Scotland has 2 January and St Andrew’s Day, Northern Ireland St Patrick’s Day', () => {
    const scotland = bankHolidayClosures(published, 'scotland').map((c) => c.from);
    const northernIreland = bankHolidayClosures(published, 'northern-ireland').map((c) => c.from);
    assert.ok(scotland.includes('2026-01-02'));
    assert.ok(scotland.includes('2026-11-30'));
    assert.ok(!scotland.includes('2026-04-06')); // no Easter Monday in Scotland
    assert.ok(northernIreland.includes('2026-03-17'));
    for (const division of UK_DIVISIONS) assert.ok(bankHolidayClosures(published, division).length > 30);
  });

  test('the published list covers 2024 to 2027 only, which the administrator is told', () => {
    assert.deepEqual(bankHolidayCoverage(bankHolidayClosures(published, 'england-and-wales')), { firstDate: '2024-01-01', lastDate: '2027-12-31' });
    assert.equal(bankHolidayCoverage([]), null);
  });

  test('a file not in the published shape is refused with the place at fault', () => {
    assert.throws(() => bankHolidayClosures(published, 'wales'), /no division wales; the file has england-and-wales, scotland, northern-ireland/);
    assert.throws(() => bankHolidayClosures([], 'scotland'), BankHolidayFileError);
    assert.throws(() => bankHolidayClosures({ scotland: { division: 'scotland' } }, 'scotland'), /scotland.events must be a list/);
    const badDate = { scotland: { division: 'scotland', events: [{ title: 'St Andrew’s Day', date: '2026-11-31', notes: '', bunting: true }] } };
    assert.throws(() => bankHolidayClosures(badDate, 'scotland'), /scotland.events\[0\].date must be a real date/);
    const noTitle = { scotland: { division: 'scotland', events: [{ date: '2026-11-30' }] } };
    assert.throws(() => bankHolidayClosures(noTitle, 'scotland'), /events\[0\].title/);
  });
});
