import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { JournalEntryInput, Tx } from '../../core/journal/journal.ts';
import type { Actor } from '../../core/access/principal.ts';
import { Problem } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import {
  commissionerName,
  commissionerRegions,
  groupingName,
  locate,
  parseBranches,
  parsePractices,
  type Location,
  type Parsed,
  type BranchRecord,
  type PracticeRecord,
  type RejectedLine,
} from '../../domain/ods.ts';
import {
  allOrganisations,
  insertOrganisations,
  insertSites,
  lockImports,
  saveImport,
  sitesWithOdsCodes,
  updateOrganisations,
  updateSites,
  type NewOrganisation,
  type NewSite,
  type OrganisationState,
  type SiteState,
} from './queries.ts';
import type { ImportReport } from './schemas.ts';

/**
 * Imports the NHS ODS practice file (and optionally the branch file) as published. The files are
 * read and checked first, line by line, with nothing written; then, in one transaction, the
 * import compares the files with the database in memory and writes only what differs, each kind
 * of write as one set-based statement, with a journal entry for every record it adds, changes or
 * closes. A malformed line is reported and skipped; anything else that goes wrong undoes the
 * whole import, so it is never left half-written.
 */

export interface OdsFiles {
  practices: string;
  branches?: string | null;
  /** Names shown in the report (file names, or "upload"). */
  practicesName?: string;
  branchesName?: string | null;
}

export interface ImportOptions {
  districts: Map<string, Location>;
  onProgress?: (step: string, done: number, total: number) => void;
}

/** Organisation kinds an epraccur row may become; a code held by any other kind is left alone. */
const PRACTICE_KINDS = new Set(['gp_practice', 'out_of_hours', 'walk_in_centre', 'other_prescribing', 'other']);
const ORGANISATION_FIELDS = ['odsCode', 'name', 'kind', 'state', 'parent', 'region', 'postcode', 'openedOn', 'closedOn'] as const;
const SITE_FIELDS = ['odsCode', 'organisation', 'kind', 'name', 'address', 'postcode', 'latitude', 'longitude', 'state', 'openedOn', 'closedOn'] as const;
const STEPS = ['reading the files', 'regions and commissioners', 'practices', 'sites', 'journal'];

export async function importOds(ctx: AppContext, actor: Actor, files: OdsFiles, options: ImportOptions): Promise<ImportReport> {
  const parsed = readFiles(files, options);
  return inTransaction(ctx, (tx) => writeImport(tx, ctx, actor, files, parsed, options));
}

/** The same, inside a transaction the caller holds (an API create with an Idempotency-Key). */
export async function importOdsIn(tx: Tx, ctx: AppContext, actor: Actor, files: OdsFiles, options: ImportOptions): Promise<ImportReport> {
  return writeImport(tx, ctx, actor, files, readFiles(files, options), options);
}

interface ParsedFiles {
  practices: Parsed<PracticeRecord>;
  branches: Parsed<BranchRecord> | null;
  startedAt: Date;
}

function progressOf(options: ImportOptions) {
  return (step: number) => options.onProgress?.(STEPS[Math.min(step, STEPS.length - 1)]!, step, STEPS.length);
}

function readFiles(files: OdsFiles, options: ImportOptions): ParsedFiles {
  const startedAt = new Date();
  progressOf(options)(0);
  return { practices: parsePractices(files.practices), branches: files.branches == null ? null : parseBranches(files.branches), startedAt };
}

async function writeImport(tx: Tx, ctx: AppContext, actor: Actor, files: OdsFiles, parsed: ParsedFiles, options: ImportOptions): Promise<ImportReport> {
  const progress = progressOf(options);
  progress(1);
  await lockImports(tx);
  const run = new ImportRun(tx, options.districts, parsed.practices, parsed.branches);
  await run.load();
  await run.groupings();
  progress(2);
  await run.practices();
  progress(3);
  await run.sites();
  progress(4);
  await ctx.journal.recordMany(tx, actor, run.journal);
  const report = run.report();
  const id = await saveImport(tx, {
    started_at: parsed.startedAt,
    finished_at: new Date(),
    actor_name: actor.name,
    practices_file: files.practicesName ?? 'practices',
    branches_file: parsed.branches ? (files.branchesName ?? 'branches') : null,
    report,
  });
  progress(5);
  return { ...report, id };
}

interface Counts {
  added: number;
  changed: number;
  closed: number;
  unchanged: number;
  rejected: number;
}

const zero = (): Counts => ({ added: 0, changed: 0, closed: 0, unchanged: 0, rejected: 0 });

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** One import in progress: the database as it was read, what the files want, and what changed. */
class ImportRun {
  readonly journal: JournalEntryInput[] = [];
  private readonly rejected: RejectedLine[];
  private byCode = new Map<string, OrganisationState>();
  private byId = new Map<number, OrganisationState>();
  private sitesByCode = new Map<string, SiteState>();
  private readonly counts = { practices: zero(), branches: zero(), groupings: { added: 0, changed: 0 } };
  private unlocated = 0;
  /** Practices whose organisation or main site changed, or closed, in this import. */
  private readonly practiceOutcome = new Map<string, 'added' | 'changed' | 'closed'>();
  private acceptedPractices: PracticeRecord[] = [];

  constructor(
    private readonly tx: Tx,
    private readonly districts: Map<string, Location>,
    private readonly practiceFile: Parsed<PracticeRecord>,
    private readonly branchFile: Parsed<BranchRecord> | null,
  ) {
    this.rejected = [...practiceFile.rejected, ...(branchFile?.rejected ?? [])];
  }

  async load(): Promise<void> {
    for (const o of await allOrganisations(this.tx)) this.remember(o);
    for (const s of await sitesWithOdsCodes(this.tx)) this.sitesByCode.set(s.ods_code, s);
  }

  private remember(o: OrganisationState): void {
    this.byCode.set(o.ods_code, o);
    this.byId.set(o.id, o);
  }

  /** Regions (national groupings) and commissioners the practices name, created when missing. */
  async groupings(): Promise<void> {
    const records = this.practiceFile.records;
    const practiceCodes = new Set(records.map((p) => p.odsCode));
    const regionCodes = new Set(records.flatMap((p) => (p.nationalGrouping ? [p.nationalGrouping] : [])));
    const newRegions = [...regionCodes].filter((c) => !this.byCode.has(c) && !practiceCodes.has(c)).sort();
    await this.addOrganisations(
      newRegions.map((c) => organisation(c, groupingName(c), 'region', null, c)),
      'Region created from the national grouping of the ODS practice file',
    );
    this.counts.groupings.added += newRegions.length;

    const regionOf = commissionerRegions(records);
    const commissioners = new Set(records.flatMap((p) => (p.commissioner ? [p.commissioner] : [])));
    const added: NewOrganisation[] = [];
    const changed: Array<{ before: OrganisationState; after: OrganisationState }> = [];
    for (const c of [...commissioners].sort()) {
      if (practiceCodes.has(c)) continue;
      const regionCode = regionOf.get(c) ?? null;
      const regionId = regionCode ? (this.byCode.get(regionCode)?.id ?? null) : null;
      const existing = this.byCode.get(c);
      if (!existing) added.push(organisation(c, commissionerName(c), 'commissioner', regionId, regionCode));
      else if (existing.kind === 'commissioner' && regionId !== null && existing.id !== regionId && (existing.parent_id !== regionId || existing.region !== regionCode)) {
        changed.push({ before: existing, after: { ...existing, parent_id: regionId, region: regionCode } });
      }
    }
    await this.addOrganisations(added, 'Commissioner created from the ODS practice file');
    await this.changeOrganisations(changed, 'Commissioner moved to the region most of its practices name');
    this.counts.groupings.added += added.length;
    this.counts.groupings.changed += changed.length;
  }

  async practices(): Promise<void> {
    const added: NewOrganisation[] = [];
    const changed: Array<{ before: OrganisationState; after: OrganisationState; line?: number }> = [];
    for (const p of this.practiceFile.records) {
      const existing = this.byCode.get(p.odsCode);
      if (existing && !PRACTICE_KINDS.has(existing.kind)) {
        this.reject('practices', p.line, p.odsCode, `ODS code ${p.odsCode} already belongs to an organisation of kind ${existing.kind}`);
        continue;
      }
      this.acceptedPractices.push(p);
      const parentId = (p.commissioner && this.byCode.get(p.commissioner)?.id) || (p.nationalGrouping && this.byCode.get(p.nationalGrouping)?.id) || null;
      const wanted = organisation(p.odsCode, p.name, p.kind, parentId, p.nationalGrouping, p);
      if (!existing) {
        added.push(wanted);
        this.practiceOutcome.set(p.odsCode, 'added');
      } else {
        const after = { ...existing, ...wanted };
        if (differs(existing, after, ORG_COLUMNS)) {
          changed.push({ before: existing, after, line: p.line });
          this.practiceOutcome.set(p.odsCode, existing.state !== 'closed' && after.state === 'closed' ? 'closed' : 'changed');
        }
      }
    }
    // A practice an earlier file listed (it has an ODS main site) that this file no longer lists
    // has closed; a line that could not be read still counts as listed.
    const listed = new Set([...this.practiceFile.records.map((p) => p.odsCode), ...this.practiceFile.rejected.flatMap((r) => (r.odsCode ? [r.odsCode] : []))]);
    const vanished: Array<{ before: OrganisationState; after: OrganisationState }> = [];
    for (const site of this.sitesByCode.values()) {
      if (site.source !== 'epraccur' || listed.has(site.ods_code)) continue;
      const org = this.byId.get(site.organisation_id);
      if (!org || org.state === 'closed') continue;
      vanished.push({ before: org, after: { ...org, state: 'closed', closed_on: org.closed_on ?? today() } });
      this.practiceOutcome.set(org.ods_code, 'closed');
    }
    await this.addOrganisations(added, 'Imported from the ODS practice file');
    await this.changeOrganisations(changed, 'Updated from the ODS practice file');
    await this.changeOrganisations(vanished, 'Closed: no longer listed in the ODS practice file');
  }

  async sites(): Promise<void> {
    const added: NewSite[] = [];
    const changed: Array<{ before: SiteState; after: SiteState }> = [];
    const mainSiteChanged = new Set<string>();
    const branchOutcome = new Map<string, 'added' | 'changed' | 'closed'>();
    const consider = (wanted: NewSite, onChange: () => void, onAdd: () => void) => {
      if (wanted.latitude === null) this.unlocated += 1;
      const existing = this.sitesByCode.get(wanted.ods_code);
      if (!existing) {
        added.push(wanted);
        onAdd();
      } else {
        const after = { ...existing, ...wanted };
        if (differs(existing, after, SITE_COLUMNS)) {
          changed.push({ before: existing, after });
          onChange();
        }
      }
    };
    for (const p of this.acceptedPractices) {
      const org = this.byCode.get(p.odsCode)!;
      consider(this.site(p, org.id, 'epraccur', 'main', p.state), () => mainSiteChanged.add(p.odsCode), () => mainSiteChanged.add(p.odsCode));
    }
    const branchCodes = new Set<string>();
    if (this.branchFile) {
      for (const b of this.branchFile.records) {
        const parent = this.byCode.get(b.parentOdsCode);
        if (!parent) {
          this.reject('branches', b.line, b.odsCode, `parent practice ${b.parentOdsCode} (column 15) is not in the practice file or the database`);
          continue;
        }
        if (!PRACTICE_KINDS.has(parent.kind)) {
          this.reject('branches', b.line, b.odsCode, `parent ${b.parentOdsCode} (column 15) is an organisation of kind ${parent.kind}, not a practice`);
          continue;
        }
        const mainSite = this.sitesByCode.get(b.odsCode);
        if (mainSite && mainSite.source === 'epraccur') {
          this.reject('branches', b.line, b.odsCode, `ODS code ${b.odsCode} is already a practice's main site`);
          continue;
        }
        branchCodes.add(b.odsCode);
        const existing = this.sitesByCode.get(b.odsCode);
        consider(
          this.site(b, parent.id, 'ebranchs', 'branch_surgery', b.state),
          () => branchOutcome.set(b.odsCode, existing?.state !== 'closed' && b.state === 'closed' ? 'closed' : 'changed'),
          () => branchOutcome.set(b.odsCode, 'added'),
        );
      }
      const listed = new Set([...branchCodes, ...this.branchFile.rejected.flatMap((r) => (r.odsCode ? [r.odsCode] : []))]);
      for (const site of this.sitesByCode.values()) {
        if (site.source !== 'ebranchs' || listed.has(site.ods_code) || site.state === 'closed') continue;
        changed.push({ before: site, after: { ...site, state: 'closed', closed_on: site.closed_on ?? today() } });
        branchOutcome.set(site.ods_code, 'closed');
      }
      const counts = this.counts.branches;
      for (const outcome of branchOutcome.values()) counts[outcome] += 1;
      counts.unchanged = [...branchCodes].filter((c) => !branchOutcome.has(c)).length;
      counts.rejected = this.rejected.filter((r) => r.file === 'branches').length;
    }
    // Main sites of practices the file no longer lists close with their practice.
    for (const [code, outcome] of this.practiceOutcome) {
      const site = this.sitesByCode.get(code);
      if (outcome !== 'closed' || !site || site.source !== 'epraccur' || site.state === 'closed' || changed.some((c) => c.before.id === site.id)) continue;
      const org = this.byCode.get(code)!;
      changed.push({ before: site, after: { ...site, state: 'closed', closed_on: org.closed_on } });
    }

    const ids = await insertSites(this.tx, added);
    const updated = await updateSites(this.tx, changed.map((c) => c.after));
    if (updated !== changed.length) throw changedMeanwhile();
    const orgCode = (id: number) => this.byId.get(id)?.ods_code ?? null;
    for (const site of added) {
      const id = ids.get(site.ods_code)!;
      this.journal.push({
        action: 'created',
        entityType: 'site',
        entityId: id,
        organisationId: site.organisation_id,
        summary: `Site ${site.ods_code} imported from the ODS ${site.source === 'ebranchs' ? 'branch' : 'practice'} file`,
        changes: changedFields(null, siteView(site, orgCode), SITE_FIELDS),
      });
    }
    for (const { before, after } of changed) {
      this.journal.push({
        action: 'updated',
        entityType: 'site',
        entityId: before.id,
        organisationId: after.organisation_id,
        summary: `Site ${before.ods_code} updated from the ODS ${before.source === 'ebranchs' ? 'branch' : 'practice'} file`,
        changes: changedFields(siteView(before, orgCode), siteView(after, orgCode), SITE_FIELDS),
      });
    }

    const counts = this.counts.practices;
    for (const p of this.acceptedPractices) {
      if (!this.practiceOutcome.has(p.odsCode) && mainSiteChanged.has(p.odsCode)) this.practiceOutcome.set(p.odsCode, 'changed');
    }
    for (const outcome of this.practiceOutcome.values()) counts[outcome] += 1;
    counts.unchanged = this.acceptedPractices.filter((p) => !this.practiceOutcome.has(p.odsCode)).length;
    counts.rejected = this.rejected.filter((r) => r.file === 'practices').length;
  }

  private site(record: PracticeRecord | BranchRecord, organisationId: number, source: 'epraccur' | 'ebranchs', kind: string, state: string): NewSite {
    const location = locate(record.postcode, this.districts);
    return {
      organisation_id: organisationId,
      ods_code: record.odsCode,
      source,
      kind,
      name: record.name,
      address: record.address,
      postcode: record.postcode,
      latitude: location?.latitude ?? null,
      longitude: location?.longitude ?? null,
      state,
      opened_on: record.openedOn,
      closed_on: record.closedOn,
    };
  }

  private reject(file: RejectedLine['file'], line: number, odsCode: string | null, reason: string): void {
    this.rejected.push({ file, line, odsCode, reason });
  }

  private async addOrganisations(rows: NewOrganisation[], summary: string): Promise<void> {
    const ids = await insertOrganisations(this.tx, rows);
    for (const row of rows) {
      const id = ids.get(row.ods_code)!;
      this.remember({ ...row, id, version: 1 });
    }
    for (const row of rows) {
      const id = ids.get(row.ods_code)!;
      this.journal.push({ action: 'created', entityType: 'organisation', entityId: id, organisationId: id, summary, changes: changedFields(null, this.orgView(row), ORGANISATION_FIELDS) });
    }
  }

  private async changeOrganisations(changes: Array<{ before: OrganisationState; after: OrganisationState }>, summary: string): Promise<void> {
    const updated = await updateOrganisations(this.tx, changes.map((c) => c.after));
    if (updated !== changes.length) throw changedMeanwhile();
    for (const { before, after } of changes) {
      const journalChanges = changedFields(this.orgView(before), this.orgView(after), ORGANISATION_FIELDS);
      this.remember({ ...after, version: after.version + 1 });
      this.journal.push({ action: 'updated', entityType: 'organisation', entityId: before.id, organisationId: before.id, summary, changes: journalChanges });
    }
  }

  /** What the journal records of an organisation: the same view the organisations module records. */
  private orgView(o: NewOrganisation) {
    const parent = o.parent_id === null ? null : (this.byId.get(o.parent_id)?.ods_code ?? null);
    return { odsCode: o.ods_code, name: o.name, kind: o.kind, state: o.state, parent, region: o.region, postcode: o.postcode, openedOn: o.opened_on, closedOn: o.closed_on };
  }

  report(): Omit<ImportReport, 'id'> {
    return {
      practices: { ...this.counts.practices, lines: this.practiceFile.lines },
      branches: this.branchFile ? { ...this.counts.branches, lines: this.branchFile.lines } : null,
      groupings: this.counts.groupings,
      unlocatedSites: this.unlocated,
      rejected: [...this.rejected].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
    };
  }
}

const ORG_COLUMNS = ['name', 'kind', 'parent_id', 'region', 'postcode', 'state', 'opened_on', 'closed_on'] as const;
const SITE_COLUMNS = ['organisation_id', 'source', 'kind', 'name', 'address', 'postcode', 'latitude', 'longitude', 'state', 'opened_on', 'closed_on'] as const;

function differs<T extends object>(a: T, b: T, columns: readonly (keyof T)[]): boolean {
  return columns.some((c) => JSON.stringify(a[c] ?? null) !== JSON.stringify(b[c] ?? null));
}

function organisation(odsCode: string, name: string, kind: string, parentId: number | null, region: string | null, from?: PracticeRecord): NewOrganisation {
  return {
    ods_code: odsCode,
    name,
    kind,
    parent_id: parentId,
    region,
    postcode: from?.postcode ?? null,
    state: from?.state ?? 'active',
    opened_on: from?.openedOn ?? null,
    closed_on: from?.closedOn ?? null,
  };
}

function siteView(s: NewSite, orgCode: (id: number) => string | null) {
  return {
    odsCode: s.ods_code,
    organisation: orgCode(s.organisation_id),
    kind: s.kind,
    name: s.name,
    address: s.address,
    postcode: s.postcode,
    latitude: s.latitude,
    longitude: s.longitude,
    state: s.state,
    openedOn: s.opened_on,
    closedOn: s.closed_on,
  };
}

function changedMeanwhile(): Problem {
  return new Problem(409, 'conflict', 'Changed during the import', 'Records were changed while the import ran; nothing was imported. Run the import again.');
}
