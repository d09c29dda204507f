import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import { SYSTEM_PRINCIPAL, type Principal } from '../../core/access/principal.ts';
import { principalFor, USER_FOR_PRINCIPAL } from '../../core/auth/principals.ts';
import type { CATEGORIES, IncidentState, RESOLUTION_CODES } from '../../domain/incident-lifecycle.ts';
import { createTeam } from '../teams/service.ts';
import { createDefinition } from '../service-levels/service.ts';
import type { CreateDefinition } from '../service-levels/schemas.ts';
import {
  acceptIncident,
  addNote,
  assignIncident,
  createIncident,
  declareMajor,
  handOffIncident,
  linkChildren,
  postMajorUpdate,
  transitionIncident,
} from '../incidents/service.ts';
import type { IncidentRow } from '../incidents/queries.ts';
import { DEFAULT_PRIORITY_TARGETS, targetsFor } from '../../domain/priority-matrix.ts';
import { MINUTE, type History, type Story } from './history.ts';

/** A fixed-seed generator (mulberry32), so the demonstration's incidents are the same every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Category = (typeof CATEGORIES)[number];
type ResolutionCode = (typeof RESOLUTION_CODES)[number];
type Level = 'high' | 'medium' | 'low';

/** Faults a practice rings the desk about, with what the desk writes and how they end. */
interface Fault {
  title: string;
  description: string;
  category: Category;
  /** How much of the site it stops, and how soon it hurts: a whole-site outage high, a single printer low. */
  impact: Level;
  urgency: Level;
  question: string;
  fix: string;
  code: ResolutionCode;
}
const FAULTS: Fault[] = [
  { title: 'No internet at reception', description: 'Nothing loads on the reception PCs since this morning; the clinical system says it cannot connect.', category: 'connectivity', impact: 'medium', urgency: 'high', question: 'Are the lights on the router green, amber or red?', fix: 'Router restarted remotely; the line had locked up after a power dip.', code: 'fixed_by_desk' },
  { title: 'Connection drops every few minutes', description: 'The link goes down for a minute or two at a time, several times an hour.', category: 'connectivity', impact: 'medium', urgency: 'medium', question: 'Does it happen on every PC, or only some rooms?', fix: 'Faulty joint in the street cabinet replaced by the access supplier.', code: 'fixed_by_supplier' },
  { title: 'Clinical system very slow', description: 'Opening a patient record takes over a minute in every consulting room.', category: 'performance', impact: 'medium', urgency: 'medium', question: 'Is anything large being downloaded or backed up on site at the moment?', fix: 'Traffic shaping corrected on the site router; backups moved out of surgery hours.', code: 'configuration_change' },
  { title: 'Router showing red lights', description: 'The network box in the comms cupboard has two red lights and nothing works.', category: 'hardware', impact: 'high', urgency: 'medium', question: 'Can you read us the model and serial number on the label underneath?', fix: 'Router replaced by courier swap; configuration restored from the backup.', code: 'hardware_replaced' },
  { title: 'Wi-Fi not working in consulting rooms', description: 'Laptops in rooms 3 to 6 cannot see the clinical Wi-Fi.', category: 'connectivity', impact: 'medium', urgency: 'medium', question: 'Can the laptops see the guest network, or nothing at all?', fix: 'Access point on the first floor had lost power; PoE injector replaced.', code: 'hardware_replaced' },
  { title: 'Websites fail to open by name', description: 'Sites open by address but not by name; NHS mail in the browser fails.', category: 'dns', impact: 'medium', urgency: 'medium', question: 'Which website names fail, and since when?', fix: 'Resolver addresses corrected in the site DHCP scope.', code: 'configuration_change' },
  { title: 'Telephone calls breaking up', description: 'Callers sound robotic and calls drop, worst in the morning rush.', category: 'telephony', impact: 'medium', urgency: 'high', question: 'Roughly how many calls are affected each morning?', fix: 'Voice traffic given priority on the access circuit.', code: 'configuration_change' },
  { title: 'Line down after roadworks outside', description: 'Contractors were digging outside the surgery this morning; since then we have had no connection.', category: 'connectivity', impact: 'high', urgency: 'medium', question: 'Do you know which company was digging?', fix: 'Cable cut by contractors repaired in the footway.', code: 'fixed_by_supplier' },
  { title: 'Smartcard log-in takes minutes', description: 'Staff wait several minutes for smartcard authentication each morning.', category: 'access', impact: 'medium', urgency: 'low', question: 'Does it happen on every PC or only the older ones?', fix: 'Authentication traffic routed on the correct path after a routing fix.', code: 'configuration_change' },
  { title: 'Cannot send e-mail to other practices', description: 'Messages to other NHS addresses bounce back undelivered.', category: 'email', impact: 'low', urgency: 'medium', question: 'Could you forward us one of the bounce messages?', fix: 'No fault found in the network; the practice mail client setting was corrected with them.', code: 'user_error' },
  { title: 'Packet loss on the circuit', description: 'Monitoring shows 8% packet loss on the access circuit since the early hours.', category: 'performance', impact: 'low', urgency: 'low', question: 'Have you noticed any slowness on site?', fix: 'Noisy line pair swapped at the exchange.', code: 'fixed_by_supplier' },
  { title: 'Branch surgery offline', description: 'The branch surgery has no connection at all; the main surgery is fine.', category: 'connectivity', impact: 'medium', urgency: 'high', question: 'Is there power at the branch, and is the router on?', fix: 'Power restored to the branch comms cabinet after a tripped breaker.', code: 'power_restored' },
  { title: 'Router did not come back after a power cut', description: 'We had a power cut at lunchtime; everything came back except the network.', category: 'hardware', impact: 'high', urgency: 'medium', question: 'Have you tried switching the router off and on again at the wall?', fix: 'Router power supply replaced.', code: 'hardware_replaced' },
  { title: 'Running on the 4G backup', description: 'The backup link alarm is on and everything is slow; the main line seems down.', category: 'connectivity', impact: 'medium', urgency: 'medium', question: 'Is the main line router showing any lights?', fix: 'Main line restored after an exchange card fault; traffic back on the fixed line.', code: 'fixed_by_supplier' },
  { title: 'Printer on another floor unreachable', description: 'The first floor printer cannot be reached from the ground floor PCs.', category: 'other', impact: 'low', urgency: 'low', question: 'Has anyone moved the printer or its cable recently?', fix: 'Patch lead reseated in the comms cabinet.', code: 'fixed_by_desk' },
];

/**
 * What the sites behind a PoP ring about when it loses power: their circuits are down, or they
 * limp on their backup link. High impact for a whole site, medium urgency: the major incident is the P1.
 */
const POWER_LOSS_FAULTS: Fault[] = [
  { title: 'Whole site offline', description: 'Every PC lost the clinical system, e-mail and the internet at once a few minutes ago; the router lights look normal.', category: 'connectivity', impact: 'high', urgency: 'medium', question: 'Is the router showing any red lights?', fix: 'Circuit back after the PoP power was restored.', code: 'power_restored' },
  { title: 'Running on the 4G backup', description: 'The backup link alarm went off a few minutes ago and everything is slow; the main line seems down.', category: 'connectivity', impact: 'medium', urgency: 'medium', question: 'Is the main line router showing any lights?', fix: 'Main line back after the PoP power was restored; traffic back on the fixed line.', code: 'power_restored' },
  { title: 'Clinical system suddenly very slow', description: 'Since a few minutes ago every consulting room waits a minute to open a record; the backup link light is on.', category: 'performance', impact: 'medium', urgency: 'high', question: 'Is the backup link light on the router lit?', fix: 'Main line back after the PoP power was restored.', code: 'power_restored' },
];

/** The major incident's updates: minutes after the step before, and what the desk posted; hourly while the power is restored. */
const MAJOR_UPDATES: Array<[number, string]> = [
  [10, 'We know the sites behind the PoP are down. Engineers are on their way to the data centre.'],
  [45, 'The data centre has found a failed UPS on the rack feed; a replacement is being fitted. Next update within the hour.'],
  [60, 'The replacement UPS is fitted and on test; the rack stays on the data centre’s temporary feed meanwhile. Next update within the hour.'],
  [60, 'The rack is back on its own feed; the PoP’s routers are coming up one at a time. Next update within the hour.'],
  [60, 'Circuits are coming back: most sites behind the PoP are up again. We will confirm each site with its practice in the morning before closing this.'],
];

interface Plan {
  stage: IncidentState;
  n: number;
  place: Place;
  byPortal: boolean;
  fault: Fault;
  standing: Standing | undefined;
  reopens: boolean;
  answers: boolean;
  /** Office minutes before the office last closed that it was logged. */
  age: number;
  work: number;
  confirm: number;
  /** Once logged. */
  id?: number;
}

const STAGES: IncidentState[] = ['new', 'assigned', 'in_progress', 'pending_customer', 'pending_supplier', 'resolved', 'closed', 'cancelled'];
/** How many incidents stand at each state: most open work in progress, a tail resolved and closed. */
const AT_STAGE: Record<IncidentState, number> = { new: 8, assigned: 8, in_progress: 10, pending_customer: 6, pending_supplier: 10, resolved: 8, closed: 6, cancelled: 4 };
/** Where an open incident stands against its SLA resolution target as the demonstration starts. */
type Standing = 'warning' | 'breached';

/**
 * The teams and who is in them; `resolvers` are the members incidents are assigned to (the
 * service manager leads the desk's teams but works no incidents; provisioning fulfils requests).
 */
const TEAMS: Array<{ code: string; name: string; members: string[]; resolvers: string[] }> = [
  { code: 'service-desk', name: 'Service desk', members: ['agent', 'manager'], resolvers: ['agent'] },
  { code: 'network-operations', name: 'Network operations', members: ['agent', 'manager'], resolvers: ['agent'] },
  { code: 'provisioning', name: 'Provisioning', members: ['programme', 'agent'], resolvers: [] },
];

/** Minutes to respond and to resolve, per priority: P1 round the clock, the rest in the definition's calendar. */
const targets = (rows: Array<[string, number, number]>) => rows.map(([priority, responseMinutes, resolutionMinutes]) => ({ priority, responseMinutes, resolutionMinutes, ...(priority === 'P1' ? { calendar: '24x7' } : {}) }));

/**
 * What holds the desk's teams and the suppliers to the customer's SLA (ISO/IEC 20000-1 8.3.3):
 * an OLA for each resolver team, tighter than the SLA so that the team's part leaves room for the
 * rest, and an underpinning contract with each access supplier for the faults handed to them.
 */
const SUPPORTING_AGREEMENTS: CreateDefinition[] = [
  ...TEAMS.filter((t) => t.code !== 'provisioning').map((t) => ({
    code: `OLA-${t.code.toUpperCase()}`,
    name: `${t.name} operational level agreement`,
    kind: 'ola' as const,
    recordType: 'incident' as const,
    teamCode: t.code,
    calendar: 'office-hours',
    targets: targets([['P1', 10, 180], ['P2', 20, 360], ['P3', 60, 960], ['P4', 180, 2400], ['P5', 360, 4800]]),
  })),
  ...['PENNINE', 'ALBION'].map((supplier) => ({
    code: `UC-${supplier}`,
    name: `${supplier[0]}${supplier.slice(1).toLowerCase()} access fault repair`,
    kind: 'underpinning' as const,
    recordType: 'incident' as const,
    supplierCode: supplier,
    calendar: 'office-hours',
    targets: targets([['P1', 15, 240], ['P2', 30, 420], ['P3', 120, 1200], ['P4', 240, 3000], ['P5', 480, 6000]]),
  })),
];

/** A demonstration user as they act when signed in, or null when there is no such user. */
export async function principalOf(ctx: AppContext, username: string): Promise<Principal | null> {
  const row = await ctx.db.selectFrom('app_user').select([...USER_FOR_PRINCIPAL]).where('app_user.username', '=', username).executeTakeFirst();
  return row ? principalFor({ ...row, organisation_ids: row.organisation_ids ?? [] }, 'token') : null;
}

interface Place {
  siteId: number | null;
  organisationOdsCode: string;
  connectionId: number | null;
  supplierId: number | null;
  /** The demonstration practice manager's own practice: they report and confirm these themselves. */
  own: boolean;
}

/**
 * Incidents in the demonstration: three teams with the demonstration staff in them, and
 * some sixty incidents at every state across the demonstration practices' sites — the practice
 * manager's own, and sites with live connections (so the record links its connection and circuit
 * CI, and hand-offs go to the connection's supplier). Some are reported in the portal, questions
 * asked and answered, one reopened, several handed to suppliers and accepted by the demonstration
 * engineer, and one major incident with linked incidents and updates. Everything goes through the
 * incidents service as the demonstration users, so numbers, clocks, notes and journal are real;
 * and each step told to the `history` as of when it happened over the last working days
 * (history.ts), so that the clocks have run: some open incidents are past their SLA warning, a few
 * past their due time. Returns a line to print once the history has run, and the connections the
 * incidents are on.
 */
export async function planDemonstrationIncidents(ctx: AppContext, history: History): Promise<{ report: string; connections: number[] }> {
  const random = seeded(8_601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  const agent = (await principalOf(ctx, 'agent')) ?? SYSTEM_PRINCIPAL;
  const practice = await principalOf(ctx, 'practice');
  const engineer = await principalOf(ctx, 'engineer');
  const users = new Map((await ctx.db.selectFrom('app_user').select(['id', 'username']).execute()).map((u) => [u.username, u.id]));

  const teams = await inTransaction(ctx, async (tx) => {
    const made = [];
    for (const t of TEAMS) {
      const memberIds = t.members.map((m) => users.get(m)).filter((id): id is number => id !== undefined);
      made.push(await createTeam(tx, ctx, SYSTEM_PRINCIPAL, { code: t.code, name: t.name, memberIds }));
    }
    const suppliers = new Set((await tx.selectFrom('supplier').select('code').execute()).map((row) => row.code));
    for (const agreement of SUPPORTING_AGREEMENTS) {
      if (!agreement.supplierCode || suppliers.has(agreement.supplierCode)) await createDefinition(tx, ctx, SYSTEM_PRINCIPAL, agreement);
    }
    return made;
  });
  const resolverTeams = teams.filter((t) => TEAMS.find((d) => d.code === t.code)!.resolvers.length > 0);
  /** The team's own members who work incidents (not its managers). */
  const resolversOf = (teamId: number) => {
    const team = teams.find((t) => t.id === teamId)!;
    const resolvers = TEAMS.find((d) => d.code === team.code)!.resolvers.map((u) => users.get(u));
    return (team.members as Array<{ id: number }>).map((m) => m.id).filter((id) => resolvers.includes(id));
  };

  const places = await placesFor(ctx, practice !== null);
  if (places.own.length + places.live.length === 0) return { report: 'No sites or organisations to log demonstration incidents against', connections: [] };
  const pennine = await ctx.db.selectFrom('supplier').select('id').where('code', '=', 'PENNINE').executeTakeFirst();
  const fallbackSupplier = pennine?.id ?? (await ctx.db.selectFrom('supplier').select('id').orderBy('id').executeTakeFirst())?.id ?? null;
  // Every fourth incident is at the practice manager's own practice; the rest spread over the other sites.
  const placeFor = (i: number): Place => {
    const { own, live } = places;
    if (own.length && (i % 4 === 0 || live.length === 0)) return own[Math.floor(i / 4) % own.length]!;
    return live[(i - Math.floor(i / 4) - 1 + live.length) % live.length]!;
  };
  const firsts = { answered: false, reopened: false };
  // The first two incidents in progress at other sites have used most of their SLA, and more.
  const standings: Standing[] = ['warning', 'breached'];

  // What each incident is: where, which fault, which stage it stands at, how long ago it was
  // logged. Told to the history in this order; they happen in the order of their instants.
  const plans: Plan[] = [];
  for (const stage of STAGES) {
    for (let n = 0; n < AT_STAGE[stage]; n++) {
      const made = plans.length;
      const place = placeFor(made);
      const byPortal = place.own && practice !== null;
      const standing = stage === 'in_progress' && !byPortal ? standings.shift() : undefined;
      const reopens = stage === 'resolved' && byPortal && !firsts.reopened;
      const answers = stage === 'in_progress' && byPortal && !firsts.answered;
      if (reopens) firsts.reopened = true;
      if (answers) firsts.answered = true;
      plans.push({ stage, n, place, byPortal, fault: FAULTS[(made * 7 + n) % FAULTS.length]!, standing, reopens, answers, ...timesOf(stage, standing, reopens, answers) });
    }
  }

  // The major incident: the PoP lost power some office hours ago, and the sites behind it rang in
  // over the next minutes: open incidents at sites on live connections (all hang from the PoP)
  // become their calls, with the faults a power loss there causes. The desk logged the major
  // incident as the first of them rang, and linked them once they were all in.
  const pop = await ctx.db.selectFrom('configuration_item').select(['id', 'name']).where('kind', '=', 'pop').orderBy('id').executeTakeFirst();
  const network = await ctx.db.selectFrom('organisation').select('ods_code').where('kind', '=', 'network_provider').orderBy('id').executeTakeFirst();
  const behindPop = plans.filter((p) => !p.byPortal && !p.standing && p.place.connectionId !== null && (p.stage === 'new' || p.stage === 'assigned' || p.stage === 'in_progress')).slice(0, pop && network ? 5 : 0);
  const POWER_LOST = 240; // office minutes before the office last closed
  behindPop.forEach((p, i) => {
    p.fault = POWER_LOSS_FAULTS[i % POWER_LOSS_FAULTS.length]!;
    p.age = POWER_LOST - 3 - 4 * i;
  });

  for (const plan of plans) history.aged(plan.age, (story) => walkTo(story, plan));
  if (pop && network && behindPop.length > 0) {
    const ops = teams.find((t) => t.code === 'network-operations')!;
    const linkAfter = POWER_LOST - 3 - 4 * (behindPop.length - 1) - 2; // office minutes before the end: 2 after the last call
    history.aged(POWER_LOST - 5, async (story) => {
      let row: IncidentRow = await story.begin(() =>
        inTransaction(ctx, (tx) =>
          createIncident(tx, ctx, agent, {
            title: `${pop.name} lost power: sites behind it are down`,
            description: 'Monitoring lost every circuit terminating at the PoP at once. The data centre reports a failed UPS on the rack feed.',
            organisationOdsCode: network.ods_code,
            ciIds: [pop.id],
            impact: 'high',
            urgency: 'high',
            category: 'connectivity',
            teamId: ops.id,
          }),
        ),
      );
      row = await story.after(5, () => declareMajor(ctx, agent, row.id, row.version));
      await story.at(POWER_LOST - 5 - linkAfter, () => linkChildren(ctx, agent, row.id, { incidentIds: behindPop.map((p) => p.id!) }));
      // A P1 is worked round the clock: the desk posts an update every hour, night or not.
      story.roundTheClock();
      for (const [minutes, update] of MAJOR_UPDATES) await story.after(minutes, () => postMajorUpdate(ctx, agent, row.id, update));
    });
  }
  const majorNote = pop && network && behindPop.length > 0 ? `, one major incident (${pop.name} lost power) with ${behindPop.length} incidents linked` : '';

  /**
   * Logs one incident and takes it, step by step as people would, to the stage asked for: logged
   * some office time ago, each step minutes or hours after the last, as of its own time, in turn
   * with every other story's steps.
   */
  async function walkTo(story: Story, plan: Plan): Promise<IncidentRow> {
    const { stage, n, place, fault, byPortal, standing } = plan;
    // A standing incident is P3 (medium impact and urgency), so how much of its target it has used is known.
    let row: IncidentRow = await story.begin(() =>
      inTransaction(ctx, (tx) =>
        createIncident(tx, ctx, byPortal ? practice! : agent, {
          title: fault.title,
          description: fault.description,
          ...(place.siteId !== null ? { siteId: place.siteId } : { organisationOdsCode: place.organisationOdsCode }),
          ...(place.connectionId !== null && !byPortal ? { connectionId: place.connectionId } : {}),
          urgency: standing ? 'medium' : fault.urgency,
          ...(byPortal ? {} : { impact: standing ? 'medium' : fault.impact, category: fault.category, callerName: pick(['Dana Hughes', 'Sanjay Patel', 'Claire Morton', 'Owen Price', 'Fatima Begum', 'Ruth Ellis']) }),
        }),
      ),
    );
    plan.id = row.id;
    /** The incident's version now: a note, a link or an alarm may have moved it on since the last step. */
    const version = async () => (row = await reread(row)).version;
    if (stage === 'new') return row;
    if (stage === 'cancelled') {
      return story.after(between(10, 90), async () =>
        transitionIncident(ctx, agent, row.id, await version(), { to: 'cancelled', note: n % 2 ? 'Logged twice by mistake: the other incident carries on.' : 'The practice called back: it came back by itself before anyone looked.' }),
      );
    }
    // The resolver teams take incidents (provisioning fulfils requests), assigned to one of their resolvers or to the team.
    const team = resolverTeams[(n + stage.length) % resolverTeams.length]!;
    const resolvers = resolversOf(team.id);
    const assigneeId = n % 3 === 0 || resolvers.length === 0 ? null : resolvers[n % resolvers.length]!;
    row = await story.after(between(5, 40), async () => assignIncident(ctx, agent, row.id, await version(), { teamId: team.id, assigneeId }));
    if (stage === 'assigned') return row;

    const viaSupplier = (stage === 'pending_supplier' || (stage === 'resolved' && n % 2 === 0) || (stage === 'closed' && n % 3 === 0)) && (place.supplierId ?? fallbackSupplier) !== null;
    if (viaSupplier) {
      const supplierId = place.supplierId ?? fallbackSupplier!;
      row = await story.after(between(15, 60), async () => handOffIncident(ctx, agent, row.id, await version(), { supplierId, note: `Please test the line and repair: ${fault.description}` }));
      const accepts = engineer && engineer.scope.kind === 'supplier' && engineer.scope.supplierId === supplierId && (stage !== 'pending_supplier' || n % 2 === 0);
      if (accepts) {
        row = await story.after(between(10, 45), async () => acceptIncident(ctx, engineer!, row.id, await version(), { supplierReference: `PAN-${String(40_210 + row.id).padStart(6, '0')}` }));
        await story.after(between(5, 20), () => addNote(ctx, engineer!, row.id, { kind: 'work_note', body: 'Engineer booked; will test from the exchange first.' }));
      }
      if (stage === 'pending_supplier') return row;
      const resolver = accepts ? engineer! : agent;
      row = await story.at(plan.work, async () => transitionIncident(ctx, resolver, row.id, await version(), { to: 'resolved', resolutionCode: 'fixed_by_supplier', resolutionNotes: fault.fix }));
    } else {
      row = await story.after(between(5, 30), async () => transitionIncident(ctx, agent, row.id, await version(), { to: 'in_progress' }));
      await story.after(between(10, 40), () => addNote(ctx, agent, row.id, { kind: 'work_note', body: 'Line checks run from the network management system; looking at the site router logs.' }));
      if (stage === 'pending_customer' || plan.answers) {
        await story.after(between(15, 60), () => addNote(ctx, agent, row.id, { kind: 'question', body: fault.question }));
        if (stage === 'pending_customer') return reread(row);
        // The practice answers in the portal; the clocks start again.
        await story.after(between(30, 180), () => addNote(ctx, practice!, row.id, { kind: 'answer', body: 'Thanks — all of them, and the lights are amber. We have not moved anything.' }));
      }
      if (stage === 'in_progress') {
        if (n % 2 === 0) await story.after(between(10, 30), () => addNote(ctx, agent, row.id, { kind: 'comment', body: 'We are looking at it now and will update you within the hour.' }));
        return reread(row);
      }
      row = await story.at(plan.work, async () => transitionIncident(ctx, agent, row.id, await version(), { to: 'resolved', resolutionCode: fault.code, resolutionNotes: fault.fix }));
    }
    if (stage === 'resolved') {
      // One practice incident came back: reopened from the portal, then fixed again.
      if (plan.reopens) {
        row = await story.after(between(60, 120), async () => transitionIncident(ctx, practice!, row.id, await version(), { to: 'in_progress', note: 'It worked for an hour, then dropped again.' }));
        row = await story.after(between(30, 90), async () =>
          transitionIncident(ctx, agent, row.id, await version(), { to: 'resolved', resolutionCode: fault.code, resolutionNotes: `${fault.fix} Checked again after the practice reopened it.` }),
        );
      }
      return row;
    }
    // closed: the practice confirms its own; the desk closes the others once the caller agrees by phone.
    return story.after(plan.confirm, async () => transitionIncident(ctx, byPortal ? practice! : agent, row.id, await version(), { to: 'closed', ...(byPortal ? {} : { note: 'The caller confirmed by telephone that it is fixed.' }) }));
  }

  /**
   * How long ago (office minutes) an incident at a stage was logged, and when its work ended:
   * always long enough for every step of its stage, so that none is dropped at the end of the
   * history. Open incidents are hours old, so their clocks have run; a standing one has used 85%
   * or 125% of its P3 target. A resolved one was resolved within the last few office hours (its
   * reopen window, five days, has not passed: nothing closes it as the demonstration starts); a
   * closed one has been closed up to three days.
   */
  function timesOf(stage: IncidentState, standing: Standing | undefined, reopens: boolean, answers: boolean): { age: number; work: number; confirm: number } {
    // The steps before the work ends take at most 165 office minutes (a hand-off to a supplier, accepted and noted).
    const work = between(180, 780);
    const confirm = between(15, 600);
    const p3 = targetsFor(DEFAULT_PRIORITY_TARGETS, 'P3').resolutionMs / MINUTE;
    const age: Record<IncidentState, () => number> = {
      new: () => between(10, 120),
      assigned: () => between(45, 240),
      in_progress: () => (standing ? Math.round(p3 * (standing === 'warning' ? 0.85 : 1.25)) : answers ? between(400, 600) : between(150, 480)),
      pending_customer: () => between(180, 960),
      pending_supplier: () => between(180, 1320),
      resolved: () => work + (reopens ? between(240, 330) : between(30, 330)),
      closed: () => work + confirm + between(60, 1800),
      cancelled: () => between(100, 2400),
    };
    return { age: age[stage](), work, confirm };
  }

  /** The incident's version after a note moved it on; the services re-read the rest under their lock. */
  async function reread(row: IncidentRow): Promise<IncidentRow> {
    const { version } = await ctx.db.selectFrom('incident').select('version').where('id', '=', row.id).executeTakeFirstOrThrow();
    return { ...row, version };
  }

  return {
    connections: plans.flatMap((p) => (p.place.connectionId === null ? [] : [p.place.connectionId])),
    report: `${plans.length} incidents at every state across the demonstration sites over the last working days${majorNote}, and the service desk, network operations and provisioning teams`,
  };
}

/**
 * Where the demonstration's faults are: the practice manager's own practice's sites first (so
 * their portal has something in it), then sites with live connections.
 */
async function placesFor(ctx: AppContext, practiceSignsIn: boolean): Promise<{ own: Place[]; live: Place[] }> {
  const own = await ctx.db
    .selectFrom('site')
    .innerJoin('organisation as org', 'org.id', 'site.organisation_id')
    .leftJoin('connection', (j) => j.onRef('connection.site_id', '=', 'site.id').on('connection.state', '=', 'live'))
    .select(['site.id', 'org.ods_code', 'connection.id as connection_id', 'connection.supplier_id'])
    .where('org.ods_code', '=', 'A81001')
    .where('site.state', '=', 'active')
    .orderBy('site.id')
    .limit(3)
    .execute();
  const live = await ctx.db
    .selectFrom('connection')
    .innerJoin('site', 'site.id', 'connection.site_id')
    .innerJoin('organisation as org', 'org.id', 'site.organisation_id')
    .select(['site.id', 'org.ods_code', 'connection.id as connection_id', 'connection.supplier_id'])
    .where('connection.state', '=', 'live')
    .where('org.ods_code', '<>', 'A81001')
    .orderBy('connection.id')
    .limit(40)
    .execute();
  const toPlace = (own: boolean) => (s: { id: number; ods_code: string; connection_id: number | null; supplier_id: number | null }): Place => ({ siteId: s.id, organisationOdsCode: s.ods_code, connectionId: s.connection_id, supplierId: s.supplier_id, own });
  if (own.length + live.length > 0) return { own: own.map(toPlace(practiceSignsIn)), live: live.map(toPlace(false)) };
  // Without the ODS files there are no sites: the faults are logged against practices.
  const orgs = await ctx.db.selectFrom('organisation').select('ods_code').where('kind', '=', 'gp_practice').where('state', '=', 'active').orderBy('id').limit(10).execute();
  return { own: [], live: orgs.map((o) => ({ siteId: null, organisationOdsCode: o.ods_code, connectionId: null, supplierId: null, own: false })) };
}
