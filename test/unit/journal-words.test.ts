import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldLabel, inWords } from '../../web/src/labels.ts';
import { counted, countedIs } from '../../src/domain/words.ts';

describe('journal codes in words', () => {
  test('actions and fields read as words, abbreviations in capitals', () => {
    assert.equal(inWords('sla_breached'), 'SLA breached');
    assert.equal(inWords('ola_warning'), 'OLA warning');
    assert.equal(inWords('connection_linked'), 'Connection linked');
    assert.equal(fieldLabel('SLA resolution target breached'), 'SLA resolution target breached');
    assert.equal(fieldLabel('closesAt'), 'Closes at');
    assert.equal(fieldLabel('task 3 assignee'), 'Task 3 assignee');
    assert.equal(fieldLabel('slaDueAt'), 'SLA due at');
    assert.equal(fieldLabel('odsCode'), 'ODS code');
  });
});

describe('counting in English', () => {
  test('one thing, many things, never thing(s)', () => {
    assert.equal(counted(1, 'linked incident'), '1 linked incident');
    assert.equal(counted(6, 'linked incident'), '6 linked incidents');
    assert.equal(counted(0, 'incident'), '0 incidents');
    assert.equal(counted(2, 'child', 'children'), '2 children');
    assert.equal(countedIs(1, 'linked incident'), '1 linked incident is');
    assert.equal(countedIs(3, 'linked incident'), '3 linked incidents are');
  });
});
