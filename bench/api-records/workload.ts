// What api-records does, in one place, so that the n3sp side and the baseline side do the same
// work on the same data: the organisation written, the organisations read, the page listed.
import { randomUUID } from 'node:crypto';
import { sealOf } from '../../src/domain/audit-chain.ts';

/** A new, unique ODS-shaped code per write ("9B" starts no real ODS code). */
export function writtenCode(seq: number): string {
  return `9B${seq.toString(36).toUpperCase().padStart(7, '0')}`;
}

/** The body of POST /api/v1/organisations for write number `seq`. */
export function newOrganisation(seq: number) {
  return { odsCode: writtenCode(seq), name: `BENCH PRACTICE ${seq}`, kind: 'gp_practice', region: 'Y63', postcode: 'TS18 1HU', openedOn: '2024-04-01' };
}

/** Which seeded organisation read number `seq` asks for: a fixed stride, the same on both sides. */
export function readCode(codes: string[], seq: number): string {
  return codes[(seq * 7919) % codes.length]!;
}

export const LIST_LIMIT = 50;

// --- The baseline's statements --------------------------------------------------------------
// The same rows and the same queries that n3sp's organisations module issues (see its
// queries.ts), written out by hand and sent straight through the driver: no HTTP, no
// authentication, no validation, no query builder, no chainer.

export const INSERT_ORGANISATION = `insert into organisation
  (ods_code, name, kind, state, parent_id, region, postcode, opened_on, closed_on, created_at, updated_at)
  values ($1, $2, $3, 'active', null, $4, $5, $6, null, $7, $7) returning id`;

export const INSERT_JOURNAL = `insert into journal
  (nonce, at, actor_id, actor_name, action, entity_type, entity_id, organisation_id, supplier_id, summary, changes, seal)
  values ($1, $2, $3, $4, 'created', 'organisation', $5, $6, null, $7, $8, $9)`;

const SELECT_ORGANISATION = `select organisation.*, parent.ods_code as parent_ods_code, parent.name as parent_name,
    (select count(*)::int from organisation c where c.parent_id = organisation.id) as child_count,
    organisation.ods_code as "odsCode", organisation.updated_at as "updatedAt"
  from organisation left join organisation as parent on parent.id = organisation.parent_id
  where true`;

export const READ_ORGANISATION = `${SELECT_ORGANISATION} and organisation.ods_code = $1`;
export const LIST_ORGANISATIONS = `${SELECT_ORGANISATION} order by organisation.name asc, organisation.id asc limit $1`;

/** Parameters of the two inserts, the journal row sealed as n3sp's journal seals it. */
export function baselineWrite(seq: number, auditKey: string, actor: { id: number; name: string }) {
  const o = newOrganisation(seq);
  const now = new Date();
  const organisation = [o.odsCode, o.name, o.kind, o.region, o.postcode, o.openedOn, now];
  const journal = (id: number) => {
    const changes = [
      { field: 'odsCode', before: null, after: o.odsCode },
      { field: 'name', before: null, after: o.name },
      { field: 'kind', before: null, after: o.kind },
      { field: 'state', before: null, after: 'active' },
      { field: 'region', before: null, after: o.region },
      { field: 'postcode', before: null, after: o.postcode },
      { field: 'openedOn', before: null, after: o.openedOn },
    ];
    const content = {
      nonce: randomUUID(),
      at: new Date(),
      actorId: actor.id,
      actorName: actor.name,
      action: 'created',
      entityType: 'organisation',
      entityId: String(id),
      organisationId: id,
      supplierId: null,
      summary: `Organisation ${o.odsCode} created`,
      changes,
    };
    return [content.nonce, content.at, actor.id, actor.name, content.entityId, id, content.summary, JSON.stringify(changes), sealOf(auditKey, content)];
  };
  return { organisation, journal };
}
