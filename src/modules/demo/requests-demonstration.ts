import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Principal } from '../../core/access/principal.ts';
import type { RequestState } from '../../domain/request-lifecycle.ts';
import { addNote, createRequest, updateRequest, updateTask } from '../service-requests/service.ts';
import { approveRequest, rejectRequest, transitionRequest, workTask } from '../service-requests/fulfilment.ts';
import type { CreateRequest } from '../service-requests/schemas.ts';
import type { RequestRow } from '../service-requests/queries.ts';
import { tasksOf } from '../service-requests/queries.ts';
import { transitionConnection } from '../connections/service.ts';
import { principalOf } from './incidents-demonstration.ts';
import type { History, Story } from './history.ts';

/** A price the connection steps can use: valid today and for the last month (the requests' past). */
const PRICED = sql`p.valid_from <= current_date - 30 and (p.valid_to is null or p.valid_to >= current_date)`;

/**
 * Service requests in the demonstration, one or more of every kind in the catalogue, made through
 * the service requests service as the demonstration users over the last working days, each step
 * as of when it happened (history.ts): the practice manager asks for access for their staff (one
 * waiting for approval, one rejected, one granted and fulfilled, one cancelled); the desk asks,
 * for other practices, for access (approved, its task with provisioning), two new connections
 * (one waiting for approval, one quoted), a bandwidth upgrade (approved, half done, past its
 * fulfilment target), a cease and a move to a branch surgery, on connections with no incident
 * (`busy`) where there are enough. Planned after the incidents, whose teams it uses; told to the
 * `history` with them. Returns what to print once the history has run.
 */
export async function planDemonstrationRequests(ctx: AppContext, history: History, busy: number[]): Promise<() => Promise<string>> {
  const [agent, manager, programme, practice] = await Promise.all(['agent', 'manager', 'programme', 'practice'].map((u) => principalOf(ctx, u)));
  if (!agent || !manager || !programme) return async () => 'No service requests: the demonstration staff are missing';
  const provisioning = await ctx.db.selectFrom('team').select('id').where('code', '=', 'provisioning').executeTakeFirst();
  const places = await placesFor(ctx, busy);
  const made: RequestRow[] = [];

  /** A request made `age` office minutes ago by `by`; `then` takes it on, step by step. */
  function request(age: number, by: Principal, input: CreateRequest, then: (story: Story, row: RequestRow) => Promise<unknown> = async () => {}): void {
    history.aged(age, async (story) => {
      const row = await story.begin(() => inTransaction(ctx, (tx) => createRequest(tx, ctx, by, input)));
      made.push(row);
      await then(story, row);
    });
  }
  const version = async (id: number) => (await ctx.db.selectFrom('service_request').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
  const task = async (id: number, position: number) => (await tasksOf(ctx.db, id)).find((t) => t.position === position)!.id;
  /** Provisioning takes the request (position null) or one of its tasks, `minutes` after the last step. */
  async function toProvisioning(story: Story, row: RequestRow, position: number | null, minutes: number): Promise<void> {
    if (!provisioning) return;
    await story.after(minutes, async () =>
      position === null
        ? updateRequest(ctx, agent!, row.id, await version(row.id), { teamId: provisioning.id, assigneeId: programme!.userId })
        : updateTask(ctx, agent!, row.id, await task(row.id, position), { teamId: provisioning.id, assigneeId: programme!.userId }),
    );
  }

  if (practice && practice.scope.kind === 'organisations') {
    const own = 'A81001';
    request(1_900, practice, { kind: 'access', organisationOdsCode: own, access: { name: 'Ben Carter', to: 'the clinical system from home' }, description: 'Ben is our locum GP for two weeks; he needs remote access for the evening clinics.' }, (story, row) =>
      story.after(300, () => transitionRequest(ctx, practice, row.id, row.version, { to: 'cancelled', reason: 'No longer needed: the locum’s placement was cancelled.' })),
    );
    request(1_000, practice, { kind: 'access', organisationOdsCode: own, access: { name: 'Reception (shared login)', to: 'the network management portal' } }, (story, row) =>
      story.after(150, () => rejectRequest(ctx, manager, row.id, 'Shared logins are not given: please ask for access for each person by name.')),
    );
    request(1_300, practice, { kind: 'access', organisationOdsCode: own, access: { name: 'Amira Hassan', to: 'the clinical Wi-Fi' }, description: 'Amira is our new practice nurse; she needs her laptop on the clinical Wi-Fi in the consulting rooms.' }, async (story, row) => {
      await story.after(120, () => approveRequest(ctx, manager, row.id, 'Approved for the clinical network.'));
      await story.after(180, async () => workTask(ctx, programme, row.id, await task(row.id, 1), 'complete', 'Laptop enrolled on the clinical Wi-Fi; certificate issued.'));
    });
    request(150, practice, { kind: 'access', organisationOdsCode: own, access: { name: 'Tom Reid', to: 'the practice’s n3sp portal' }, description: 'Tom is our deputy practice manager; he covers for me on Fridays.' });
  }
  if (places.otherPractice) {
    request(480, agent, { kind: 'access', organisationOdsCode: places.otherPractice, access: { name: 'Leah Morris', to: 'the clinical system at the branch surgery' }, description: 'Leah is the practice’s new clinical pharmacist.', priority: 'P3' }, async (story, row) => {
      await story.after(60, () => approveRequest(ctx, manager, row.id));
      await toProvisioning(story, row, 1, 30);
    });
  }
  const [waiting, quoted] = places.freeSites;
  if (waiting) request(200, agent, { kind: 'new_connection', siteId: waiting, productCode: 'FTTP-330', description: 'The practice is extending; fibre to the premises for the new wing.' });
  if (quoted) {
    // P3: fulfilment in 5 working days, of which it has used most; not yet ordered, so not answered either.
    request(2_835, agent, { kind: 'new_connection', siteId: quoted, productCode: 'FTTC-80', priority: 'P3' }, async (story, row) => {
      await toProvisioning(story, row, null, 20);
      await story.after(630, async () => {
        const connection = await ctx.db.selectFrom('connection').select(['id', 'version']).where('id', '=', (await ctx.db.selectFrom('service_request').select('connection_id').where('id', '=', row.id).executeTakeFirstOrThrow()).connection_id!).executeTakeFirstOrThrow();
        return transitionConnection(ctx, programme, connection.id, connection.version, { to: 'quoted' });
      });
    });
  }
  const [upgrade, cease] = places.liveConnections;
  if (upgrade) {
    // P2: fulfilment in 3 working days, five days ago; approved, quoted and ordered, the bandwidth not yet changed.
    request(3_150, agent, { kind: 'bandwidth_upgrade', connectionId: upgrade, productCode: 'FTTP-330', priority: 'P2', description: 'Video consultations have outgrown the line.' }, async (story, row) => {
      await story.after(120, () => approveRequest(ctx, manager, row.id, 'Within the practice’s budget for the year.'));
      await story.after(60, async () => workTask(ctx, programme, row.id, await task(row.id, 1), 'complete', 'Quoted by the supplier at list price.'));
      await story.after(630, async () => workTask(ctx, programme, row.id, await task(row.id, 2), 'complete', 'Ordered; the supplier’s engineer is booked.'));
      await toProvisioning(story, row, 3, 20);
      await story.after(240, () => inTransaction(ctx, (tx) => addNote(tx, ctx, programme, row.id, { body: 'The supplier moved the engineer visit twice; chasing their account manager.' })));
    });
  }
  if (cease) {
    request(240, agent, { kind: 'cease', connectionId: cease, description: 'The practice has merged with its neighbour and leaves the building at the end of the month.' }, (story, row) => toProvisioning(story, row, 1, 45));
  }
  if (places.move) {
    const { connectionId, targetSiteId } = places.move;
    request(1_500, agent, { kind: 'move', connectionId, targetSiteId, description: 'The practice moves its main surgery to the branch while the building is refurbished.' }, async (story, row) => {
      await story.after(240, async () => workTask(ctx, programme, row.id, await task(row.id, 1), 'complete', 'Surveyed: the branch has a comms cupboard with power and space.'));
      await toProvisioning(story, row, 2, 15);
    });
  }

  return async () => {
    const states = await ctx.db.selectFrom('service_request').select('state').where('id', 'in', made.length ? made.map((r) => r.id) : [0]).execute();
    const count = (state: RequestState) => states.filter((s) => s.state === state).length;
    // Each state by its own name: approved and submitted ones are not yet being fulfilled.
    const standing = STATE_WORDS.filter(([state]) => count(state) > 0).map(([state, words]) => `${count(state)} ${words}`);
    return `${made.length} service requests over the last working days: ${standing.join(', ')}`;
  };
}

/** How the load summary names each state, in the order of the work. */
const STATE_WORDS: Array<[RequestState, string]> = [
  ['awaiting_approval', 'awaiting approval'],
  ['submitted', 'submitted'],
  ['approved', 'approved'],
  ['in_fulfilment', 'being fulfilled'],
  ['fulfilled', 'fulfilled'],
  ['closed', 'closed'],
  ['rejected', 'rejected'],
  ['cancelled', 'cancelled'],
];

/**
 * What the requests are for: another practice (for the desk's access request), sites with no
 * connection where a supplier prices fibre (new connections), live connections whose supplier
 * prices fibre to the premises (an upgrade, a cease), and a live connection whose practice has a
 * branch surgery without one (a move); connections with no incident (not `busy`) first.
 */
async function placesFor(ctx: AppContext, busy: number[]): Promise<{ otherPractice: string | null; freeSites: number[]; liveConnections: number[]; move: { connectionId: number; targetSiteId: number } | null }> {
  const otherPractice = await ctx.db.selectFrom('organisation').select('ods_code').where('kind', '=', 'gp_practice').where('state', '=', 'active').where('ods_code', '<>', 'A81001').orderBy('id').executeTakeFirst();
  const freeSites = await sql<{ id: number }>`select s.id from site s join organisation o on o.id = s.organisation_id
      join organisation r on r.ods_code = o.region and r.kind = 'region' join supplier_region sr on sr.region_id = r.id
    where s.state = 'active' and o.ods_code <> 'A81001' and not exists (select from connection c where c.site_id = s.id)
      and exists (select from supplier_price p join product pr on pr.id = p.product_id where p.supplier_id = sr.supplier_id and pr.code = 'FTTC-80' and ${PRICED})
      and exists (select from supplier_price p join product pr on pr.id = p.product_id where p.supplier_id = sr.supplier_id and pr.code = 'FTTP-330' and ${PRICED})
    group by s.id order by s.id limit 2`.execute(ctx.db);
  const live = await sql<{ id: number }>`select c.id from connection c
    where c.state = 'live'
      and exists (select from supplier_price p join product pr on pr.id = p.product_id
                  where p.supplier_id = c.supplier_id and pr.code = 'FTTP-330' and (p.region_id = c.region_id or p.region_id is null) and ${PRICED})
    order by c.id = any(${busy}::bigint[]), c.id limit 2`.execute(ctx.db);
  const move = await sql<{ connection_id: number; target_site_id: number }>`select c.id as connection_id, s.id as target_site_id from connection c
      join site s on s.organisation_id = c.organisation_id and s.id <> c.site_id and s.state = 'active'
    where c.state = 'live' and c.id <> all(${live.rows.map((r) => r.id)}::bigint[])
      and not exists (select from connection o where o.site_id = s.id and o.state not in ('ceased', 'cancelled'))
    order by c.id = any(${busy}::bigint[]), c.id, s.id limit 1`.execute(ctx.db);
  const m = move.rows[0];
  return {
    otherPractice: otherPractice?.ods_code ?? null,
    freeSites: freeSites.rows.map((r) => Number(r.id)),
    liveConnections: live.rows.map((r) => Number(r.id)),
    move: m ? { connectionId: Number(m.connection_id), targetSiteId: Number(m.target_site_id) } : null,
  };
}
