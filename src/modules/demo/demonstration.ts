import { addDays } from '../../domain/connection-lifecycle.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import { JobWorker } from '../../core/jobs/worker.ts';
import { SYSTEM_ACTOR, SYSTEM_PRINCIPAL } from '../../core/access/principal.ts';
import type { Role } from '../../core/access/roles.ts';
import { createOrganisation } from '../organisations/service.ts';
import { createUser } from '../users/service.ts';
import type { CreateOrganisation } from '../organisations/schemas.ts';
import { importOds } from '../ods-import/service.ts';
import { loadDistricts } from '../ods-import/districts.ts';
import { createProduct, createServiceClass } from '../catalogue/service.ts';
import type { CreateProduct, CreateServiceClass } from '../catalogue/schemas.ts';
import { addContact, addContract, addPrice, createSupplier } from '../suppliers/service.ts';
import type { CreateSupplier } from '../suppliers/schemas.ts';
import { loadDemonstrationConnections } from './connections-demonstration.ts';
import { planDemonstrationIncidents } from './incidents-demonstration.ts';
import { planDemonstrationRequests } from './requests-demonstration.ts';
import { History, officeHours } from './history.ts';


/** Where the shipped ODS files are: beside the project (../shared/data/ods), or $N3SP_ODS_DIR. */
export const DEFAULT_ODS_DIR = process.env.N3SP_ODS_DIR ?? fileURLToPath(new URL('../../../../shared/data/ods', import.meta.url));

/** Named before the import so that the import keeps these names (it names only what it creates). */
const ORGANISATIONS: CreateOrganisation[] = [
  { odsCode: 'N3SP', name: 'N3SP NETWORK PROVIDER', kind: 'network_provider' },
  { odsCode: 'Y63', name: 'NORTH EAST AND YORKSHIRE', kind: 'region' },
  { odsCode: '00K', name: 'NHS HARTLEPOOL AND STOCKTON-ON-TEES CCG', kind: 'commissioner', parentOdsCode: 'Y63', region: 'Y63' },
];

/** Without the ODS files, the few practices the demo users need. */
const FALLBACK_PRACTICES: CreateOrganisation[] = [
  { odsCode: 'A81001', name: 'THE DENSHAM SURGERY', kind: 'gp_practice', parentOdsCode: '00K', postcode: 'TS18 1HU', openedOn: '1974-04-01', region: 'Y63' },
  { odsCode: 'A81002', name: 'QUEENS PARK MEDICAL CENTRE', kind: 'gp_practice', parentOdsCode: '00K', postcode: 'TS18 2AW', openedOn: '1974-04-01', region: 'Y63' },
  { odsCode: 'A81003', name: 'VICTORIA MEDICAL PRACTICE', kind: 'gp_practice', parentOdsCode: '00K', postcode: 'TS26 8DB', openedOn: '1974-04-01', closedOn: '2017-10-31', state: 'closed', region: 'Y63' },
];

export const DEMO_USERS: Array<{ username: string; displayName: string; roles: Role[]; organisations?: string[]; supplier?: string }> = [
  { username: 'agent', displayName: 'Sam Agent', roles: ['service_desk_agent'] },
  { username: 'manager', displayName: 'Morgan Manager', roles: ['service_manager', 'change_approver'] },
  { username: 'programme', displayName: 'Pat Programme', roles: ['programme_manager'] },
  { username: 'auditor', displayName: 'Alex Auditor', roles: ['auditor'] },
  { username: 'practice', displayName: 'Jo Practice-Manager', roles: ['customer'], organisations: ['A81001'] },
  { username: 'engineer', displayName: 'Chris Engineer', roles: ['supplier'], supplier: 'PENNINE' },
];

/** The published service levels: 99.5% for a resilient access, 99.0% for a single one; severity 1 fixed in 5 hours. */
const SERVICE_CLASSES: CreateServiceClass[] = [
  { code: 'RESILIENT', name: 'Resilient access', availabilityTarget: 99.5, fixMinutes: [300, 480, 1440, 2880] },
  { code: 'SINGLE', name: 'Single access', availabilityTarget: 99.0, fixMinutes: [300, 720, 1440, 4320] },
  { code: 'SERVICE', name: 'Managed service', availabilityTarget: 99.0, fixMinutes: [480, 1440, 2880, 7200] },
];

const connection = (code: string, name: string, accessTechnology: CreateProduct['accessTechnology'], down: number, up: number, resilient = false): CreateProduct => ({
  code,
  name,
  kind: 'connection',
  accessTechnology,
  bandwidthDownKbps: down,
  bandwidthUpKbps: up,
  resilience: resilient ? 'resilient' : 'single',
  serviceClassCode: resilient ? 'RESILIENT' : 'SINGLE',
});

/** Fibre to the premises and Ethernet cost enough that their requests wait for an approver. */
const PRODUCTS: CreateProduct[] = [
  connection('ADSL-8M', 'ADSL up to 8 Mbit/s', 'adsl', 8_000, 448),
  connection('FTTC-40', 'Fibre to the cabinet 40/10', 'fttc', 40_000, 10_000),
  connection('FTTC-80', 'Fibre to the cabinet 80/20', 'fttc', 80_000, 20_000),
  { ...connection('FTTP-330', 'Fibre to the premises 330/50', 'fttp', 330_000, 50_000), requiresApproval: true },
  { ...connection('EFM-10', 'Ethernet in the first mile 10 Mbit/s', 'ethernet_copper', 10_000, 10_000), requiresApproval: true },
  { ...connection('ETH-100', 'Ethernet 100 Mbit/s', 'ethernet_fibre', 100_000, 100_000), requiresApproval: true },
  { ...connection('ETH-100-R', 'Ethernet 100 Mbit/s, resilient pair', 'ethernet_fibre', 100_000, 100_000, true), requiresApproval: true },
  { ...connection('ETH-1G-R', 'Ethernet 1 Gbit/s, resilient pair', 'ethernet_fibre', 1_000_000, 1_000_000, true), requiresApproval: true },
  connection('MOBILE-4G', '4G mobile access (backup)', 'mobile', 30_000, 10_000),
  { code: 'MANAGED-WIFI', name: 'Managed Wi-Fi for a site', kind: 'service', serviceClassCode: 'SERVICE', description: 'Access points, guest and clinical networks, monitored' },
  { code: 'DNS-FILTER', name: 'Protective DNS', kind: 'service', serviceClassCode: 'SERVICE', description: 'Filtering resolver for every site on the network' },
];

interface DemoSupplier {
  supplier: CreateSupplier;
  products: string[];
  contract: { reference: string; title: string; startsOn: string; endsOn: string; noticeDays: number };
  contacts: Array<{ name: string; role: string; email: string; phone: string }>;
}

const SUPPLIERS: DemoSupplier[] = [
  {
    supplier: { code: 'PENNINE', name: 'Pennine Access Networks Ltd', kind: 'access', website: 'https://pennine.example', regions: ['Y62', 'Y63'] },
    products: ['ADSL-8M', 'FTTC-40', 'FTTC-80', 'FTTP-330', 'EFM-10', 'MOBILE-4G'],
    // Its term ends within its notice period whenever the demonstration is loaded: renewal is due.
    contract: { reference: 'N3SP-UC-0101', title: 'Broadband and copper access, North', startsOn: '2019-04-01', endsOn: addDays(new Date().toISOString().slice(0, 10), 150), noticeDays: 180 },
    contacts: [
      { name: 'Dana Whitfield', role: 'account manager', email: 'dana.whitfield@pennine.example', phone: '0113 496 0101' },
      { name: 'Pennine service desk', role: 'service desk', email: 'servicedesk@pennine.example', phone: '0113 496 0100' },
    ],
  },
  {
    supplier: { code: 'ALBION', name: 'Albion Fibre plc', kind: 'access', website: 'https://albion.example', regions: ['Y56', 'Y59', 'Y61'] },
    products: ['FTTC-40', 'FTTC-80', 'FTTP-330', 'ETH-100', 'ETH-100-R', 'ETH-1G-R'],
    contract: { reference: 'N3SP-UC-0102', title: 'Fibre and Ethernet access, South and East', startsOn: '2020-01-01', endsOn: '2027-12-31', noticeDays: 365 },
    contacts: [
      { name: 'Priya Natarajan', role: 'account manager', email: 'priya.natarajan@albion.example', phone: '020 7946 0102' },
      { name: 'Albion network operations', role: 'service desk', email: 'noc@albion.example', phone: '020 7946 0100' },
    ],
  },
  {
    supplier: { code: 'WESSEX', name: 'Wessex Carrier Services Ltd', kind: 'carrier', website: 'https://wessex.example', regions: ['Y58', 'Y60'] },
    products: ['EFM-10', 'ETH-100', 'ETH-100-R', 'ETH-1G-R', 'MOBILE-4G'],
    contract: { reference: 'N3SP-UC-0103', title: 'Ethernet access and backhaul, South West and Midlands', startsOn: '2021-07-01', endsOn: '2028-06-30', noticeDays: 270 },
    contacts: [{ name: 'Tom Penrose', role: 'account manager', email: 'tom.penrose@wessex.example', phone: '0117 496 0103' }],
  },
  {
    supplier: { code: 'CAMBRIA', name: 'Cambria Managed Services', kind: 'services', website: 'https://cambria.example', regions: [] },
    products: ['MANAGED-WIFI', 'DNS-FILTER'],
    contract: { reference: 'N3SP-UC-0104', title: 'Managed Wi-Fi and protective DNS, national', startsOn: '2022-04-01', endsOn: '2025-03-31', noticeDays: 90 },
    contacts: [{ name: 'Rhys Morgan', role: 'account manager', email: 'rhys.morgan@cambria.example', phone: '029 2018 0104' }],
  },
];

/** List prices (install, annual rental, lead time in days) before each supplier's regional variation. */
const LIST_PRICES: Record<string, [number, number, number]> = {
  'ADSL-8M': [120, 360, 10],
  'FTTC-40': [150, 540, 14],
  'FTTC-80': [150, 660, 14],
  'FTTP-330': [400, 900, 30],
  'EFM-10': [1500, 3600, 45],
  'ETH-100': [2500, 4800, 60],
  'ETH-100-R': [4800, 8900, 75],
  'ETH-1G-R': [7500, 14500, 90],
  'MOBILE-4G': [90, 420, 5],
  'MANAGED-WIFI': [600, 1200, 20],
  'DNS-FILTER': [0, 240, 2],
};

/** A fixed-seed generator (mulberry32): the same demonstration network every time. */
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

export interface DemonstrationOptions {
  odsDir?: string;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The demonstration network: the shipped NHS ODS files (every practice and branch surgery, with
 * their regions and commissioners), the service catalogue, four suppliers with contracts,
 * contacts and regional price books, the demo users, the roll-out's connections, and incidents
 * and service requests over the last working days. Returns lines to print: who can sign in.
 * Demo users share one password, taken from N3SP_DEMO_PASSWORD or generated. With the runtime's
 * job worker, the worker holds while the history is written, and the history fires its timers.
 */
export async function loadDemonstration(ctx: AppContext & { jobs?: JobWorker }, options: DemonstrationOptions = {}): Promise<string[]> {
  const notes: string[] = [];
  const total = 5;
  const progress = (done: number) => options.onProgress?.(done, total);
  progress(0);
  await inTransaction(ctx, async (tx) => {
    for (const organisation of ORGANISATIONS) await createOrganisation(tx, ctx, SYSTEM_PRINCIPAL, organisation);
  });
  const odsDir = options.odsDir ?? DEFAULT_ODS_DIR;
  const practices = join(odsDir, 'epraccur.csv');
  if (existsSync(practices)) {
    const branches = join(odsDir, 'ebranchs.csv');
    const report = await importOds(
      ctx,
      SYSTEM_ACTOR,
      { practices: readFileSync(practices, 'latin1'), branches: existsSync(branches) ? readFileSync(branches, 'latin1') : null, practicesName: 'epraccur.csv', branchesName: 'ebranchs.csv' },
      { districts: loadDistricts() },
    );
    notes.push(`Imported ${report.practices.added} practices and ${report.branches?.added ?? 0} branch surgeries from the NHS ODS files in ${odsDir}`);
  } else {
    await inTransaction(ctx, async (tx) => {
      for (const organisation of FALLBACK_PRACTICES) await createOrganisation(tx, ctx, SYSTEM_PRINCIPAL, organisation);
    });
    notes.push(`The NHS ODS files were not found in ${odsDir} (set N3SP_ODS_DIR): the demonstration has three practices only`);
  }
  progress(2);
  await loadCatalogueAndSuppliers(ctx);
  progress(4);
  const supplierIds = new Map((await ctx.db.selectFrom('supplier').select(['id', 'code']).execute()).map((s) => [s.code, s.id]));
  const password = process.env.N3SP_DEMO_PASSWORD ?? `demo-${crypto.randomUUID().slice(0, 12)}`;
  for (const { supplier, ...user } of DEMO_USERS) {
    await createUser(ctx, SYSTEM_ACTOR, { ...user, supplierId: supplier ? supplierIds.get(supplier)! : null, password });
  }
  progress(5);
  notes.push(`Demonstration users ${DEMO_USERS.map((u) => u.username).join(', ')} share the password ${password}`);
  notes.push(await loadDemonstrationConnections(ctx, { liveAt: DEMO_USERS.flatMap((u) => u.organisations ?? []) }));
  // Incidents and requests are written as of the last working days, every story's steps in one
  // time order (history.ts). Meanwhile the worker holds, so that no timer falling due in that
  // history fires on the real time; the history fires each itself, as of when it fell due,
  // between the steps before and after it. Without a running worker (the CLI), one that is never
  // started does that.
  const worker = ctx.jobs ?? new JobWorker(ctx);
  const write = async () => {
    const history = new History(await officeHours(ctx), Date.now(), (upTo) => worker.catchUp(upTo));
    const incidents = await planDemonstrationIncidents(ctx, history);
    const requests = await planDemonstrationRequests(ctx, history, incidents.connections);
    await history.run();
    return [incidents.report, await requests()];
  };
  notes.push(...(await (ctx.jobs ? ctx.jobs.holding(write) : write())));
  return notes;
}

async function loadCatalogueAndSuppliers(ctx: AppContext): Promise<void> {
  const random = seeded(20_000_1);
  const regions = new Set((await ctx.db.selectFrom('organisation').select('ods_code').where('kind', '=', 'region').execute()).map((r) => r.ods_code));
  await inTransaction(ctx, async (tx) => {
    for (const serviceClass of SERVICE_CLASSES) await createServiceClass(tx, ctx, SYSTEM_PRINCIPAL, serviceClass);
    for (const product of PRODUCTS) await createProduct(tx, ctx, SYSTEM_PRINCIPAL, product);
    for (const { supplier: input, products, contract, contacts } of SUPPLIERS) {
      const served = (input.regions ?? []).filter((r) => regions.has(r));
      const supplier = await createSupplier(tx, ctx, SYSTEM_PRINCIPAL, { ...input, regions: served });
      await addContract(tx, ctx, SYSTEM_PRINCIPAL, supplier.id, contract);
      for (const contact of contacts) await addContact(tx, ctx, SYSTEM_PRINCIPAL, supplier.id, contact);
      for (const code of products) {
        const [install, rental, lead] = LIST_PRICES[code]!;
        // A national price when the supplier names no region; otherwise one per region, varied.
        for (const region of served.length ? served : [null]) {
          const factor = 0.85 + random() * 0.3;
          await addPrice(tx, ctx, SYSTEM_PRINCIPAL, supplier.id, {
            productCode: code,
            regionOdsCode: region,
            installCharge: (Math.round(install * factor * 100) / 100).toFixed(2),
            annualRental: (Math.round(rental * factor * 100) / 100).toFixed(2),
            leadTimeDays: Math.max(1, Math.round(lead * (0.8 + random() * 0.5))),
            validFrom: contract.startsOn,
            validTo: contract.endsOn,
          });
        }
      }
    }
  });
}
