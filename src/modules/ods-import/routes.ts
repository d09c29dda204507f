import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { actorOf } from '../../core/access/principal.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page } from '../../core/http/schemas.ts';
import { problems } from '../../core/errors.ts';
import { findImport, listImports } from './queries.ts';
import { importOdsIn } from './service.ts';
import { loadDistricts } from './districts.ts';
import { ImportListQuery, ImportParams, ImportReportSchema, OdsImportSchema, OdsUploadBody, type ImportReport, type OdsImport } from './schemas.ts';

type ImportRow = NonNullable<Awaited<ReturnType<typeof findImport>>>;

function presentImport(row: ImportRow): OdsImport {
  return {
    id: row.id,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at.toISOString(),
    actor: row.actor_name,
    practicesFile: row.practices_file,
    branchesFile: row.branches_file,
    report: { ...(row.report as ImportReport), id: row.id },
  };
}

export async function odsImportRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ImportReportSchema);
  app.addSchema(OdsImportSchema);
  const tags = ['Network inventory'];

  app.post('/ods-imports', {
    config: { access: { permission: 'network:write', resource: 'ods_import' } },
    schema: {
      tags,
      summary: 'Import the NHS ODS practice file (and optionally the branch file), as published',
      description:
        'Send the text of epraccur.csv (and ebranchs.csv) in a JSON body. Malformed lines are reported with their line number and skipped; the rest is imported in one transaction. Re-importing a newer file updates in place and closes what closed.',
      body: OdsUploadBody,
      response: { 201: Type.Ref('OdsImport') },
    },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const body = request.body;
        const report = await importOdsIn(tx, ctx, actorOf(principalOf(request)), { practices: body.practices, branches: body.branches ?? null, practicesName: body.practicesName ?? 'upload', branchesName: body.branchesName ?? (body.branches ? 'upload' : null) }, { districts: loadDistricts() });
        const row = (await findImport(tx, { kind: 'network' }, report.id))!;
        return { status: 201, body: presentImport(row), headers: { location: `/api/v1/ods-imports/${report.id}` } };
      }),
  });

  app.get('/ods-imports', {
    config: { access: { permission: 'network:read', resource: 'ods_import' } },
    schema: { tags, summary: 'ODS imports, newest first', querystring: ImportListQuery, response: { 200: Page(Type.Ref('OdsImport')) } },
    handler: async (request) => mapPage(await listImports(ctx.db, principalOf(request).scope, request.query), presentImport),
  });

  app.get('/ods-imports/:id', {
    config: { access: { permission: 'network:read', resource: 'ods_import' } },
    schema: { tags, summary: "An ODS import and its report", params: ImportParams, response: { 200: Type.Ref('OdsImport') } },
    handler: async (request) => {
      const row = await findImport(ctx.db, principalOf(request).scope, request.params.id);
      if (!row) throw problems.notFound('ODS import with that id');
      return presentImport(row);
    },
  });
}
