import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCsvLine, csvLines } from '../../src/domain/ods-csv.ts';
import { commissionerRegions, kindOfSetting, locate, normalisePostcode, odsDate, outcodeOf, parseBranches, parseDistricts, parsePractices } from '../../src/domain/ods.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ods/${name}`, import.meta.url), 'latin1');

describe('the ODS CSV dialect', () => {
  test('quoted fields, doubled quotes, empty and unquoted fields', () => {
    assert.deepEqual(parseCsvLine('"A","B ""C""","",D,'), ['A', 'B "C"', '', 'D', '']);
  });
  test('a malformed line names what is wrong', () => {
    assert.match(parseCsvLine('"A","B') as string, /field 2 has no closing quote/);
    assert.match(parseCsvLine('"A"x,"B"') as string, /field 1 has text after its closing quote/);
    assert.match(parseCsvLine('A,B"C') as string, /stray quote/);
  });
  test('lines are numbered as in the file, CRLF or LF, blank lines skipped', () => {
    const lines = [...csvLines('"a"\r\n\r\n"b"\n"c"')];
    assert.deepEqual(lines.map((l) => l.line), [1, 3, 4]);
  });
});

describe('ODS fields', () => {
  test('dates are YYYYMMDD on the calendar', () => {
    assert.equal(odsDate('19740401', 'open'), '1974-04-01');
    assert.equal(odsDate('', 'open'), null);
    assert.throws(() => odsDate('19741301', 'open'), /not a calendar date/);
    assert.throws(() => odsDate('20190229', 'open'), /not a calendar date/);
    assert.throws(() => odsDate('1974-04-01', 'open'), /not a date/);
  });
  test('postcodes and their districts', () => {
    assert.equal(normalisePostcode('ts181hu'), 'TS18 1HU');
    assert.equal(normalisePostcode(' SW1A  1AA '), 'SW1A 1AA');
    assert.equal(normalisePostcode(''), null);
    assert.equal(outcodeOf('TS18 1HU'), 'TS18');
    assert.equal(outcodeOf('M1 1AE'), 'M1');
    assert.equal(outcodeOf(null), null);
  });
  test('prescribing settings map to organisation kinds', () => {
    assert.deepEqual([4, 1, 2, 3, 0, 8, 25].map(kindOfSetting), ['gp_practice', 'walk_in_centre', 'out_of_hours', 'walk_in_centre', 'other', 'other_prescribing', 'other_prescribing']);
  });
});

describe('the practice and branch files', () => {
  test('a practice line maps to its record', () => {
    const { records, rejected } = parsePractices(fixture('epraccur-small.csv'));
    assert.equal(rejected.length, 0);
    assert.equal(records.length, 5);
    assert.deepEqual(records[0], {
      line: 1,
      odsCode: 'A81001',
      name: 'THE DENSHAM SURGERY',
      kind: 'gp_practice',
      nationalGrouping: 'Y63',
      commissioner: '00K',
      address: ['THE HEALTH CENTRE', 'LAWSON STREET', 'STOCKTON-ON-TEES', 'CLEVELAND'],
      postcode: 'TS18 1HU',
      openedOn: '1974-04-01',
      closedOn: null,
      state: 'active',
    });
    assert.equal(records[2]!.state, 'closed');
    assert.equal(records[2]!.closedOn, '2017-10-31');
  });

  test('malformed lines are rejected with their line number and reason; the others are read', () => {
    const { records, rejected, lines } = parsePractices(fixture('epraccur-malformed.csv'));
    assert.equal(lines, 10);
    assert.deepEqual(records.map((r) => r.odsCode), ['A81001', 'A81002', 'A81003', 'A81004', 'A81098']);
    assert.deepEqual(
      rejected.map((r) => [r.line, r.odsCode]),
      [
        [3, null],
        [4, 'A81005'],
        [5, 'A81006'],
        [6, 'A81007'],
        [7, 'A81001'],
      ],
    );
    assert.match(rejected[0]!.reason, /not CSV/);
    assert.match(rejected[1]!.reason, /open date \(column 11\)/);
    assert.match(rejected[2]!.reason, /status \(column 13\)/);
    assert.match(rejected[3]!.reason, /columns/);
    assert.match(rejected[4]!.reason, /repeats ODS code A81001 of line 1/);
    assert.equal(records[4]!.name, 'CAFÉ ROYAL SURGERY', 'Latin-1 is read as Latin-1');
  });

  test('branches name their parent practice (column 15) and close with a close date', () => {
    const { records, rejected } = parseBranches(fixture('ebranchs-malformed.csv'));
    assert.deepEqual(records.map((r) => [r.odsCode, r.parentOdsCode, r.state]), [['A81004001', 'A81004', 'active'], ['A81004002', 'Z99999', 'active']]);
    assert.deepEqual(rejected.map((r) => [r.line, r.odsCode]), [[3, 'A81004003']]);
  });

  test('the shipped files read without a rejected line', () => {
    const practices = parsePractices(readFileSync('/work/shared/data/ods/epraccur.csv', 'latin1'));
    assert.equal(practices.records.length, 14357);
    assert.equal(practices.records.filter((p) => p.state === 'active').length, 11474);
    const branches = parseBranches(readFileSync('/work/shared/data/ods/ebranchs.csv', 'latin1'));
    assert.equal(branches.records.length, 2702);
  });
});

describe('locations and groupings', () => {
  test('the published district file (header row, trailing comma) locates a postcode', () => {
    const districts = parseDistricts('id,outcode,latitude,longitude,\r\n1,AB10,57.131086,-2.122482,\r\n2,TS18,54.5590,-1.3300,\r\n3,XX1,,,\r\n');
    assert.equal(districts.size, 2);
    assert.deepEqual(locate('TS18 1HU', districts), { latitude: 54.559, longitude: -1.33 });
    assert.equal(locate('ZZ9 9ZZ', districts), null);
    assert.equal(locate(null, districts), null);
  });
  test('a commissioner belongs to the region most of its open practices name', () => {
    const p = (grouping: string, state: 'active' | 'closed') => ({ line: 1, odsCode: 'X', name: 'X', kind: 'gp_practice', nationalGrouping: grouping, commissioner: '00K', address: [], postcode: null, openedOn: null, closedOn: null, state });
    const regions = commissionerRegions([p('Y54', 'closed'), p('Y54', 'closed'), p('Y54', 'closed'), p('Y63', 'active')]);
    assert.equal(regions.get('00K'), 'Y63');
  });
});
