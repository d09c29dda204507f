import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page } from '../../core/http/schemas.ts';
import { problems } from '../../core/errors.ts';
import { listEmail } from './queries.ts';
import { presentEmail } from './service.ts';
import { EmailListQuery, EmailMessageSchema } from './schemas.ts';
// The 'email.send' job handler registers where notifications are scheduled: load it with the routes,
// so that every serving process sends, whichever modules call notify.
import './notify.ts';

export async function notificationRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(EmailMessageSchema);

  app.get('/notifications', {
    config: { access: { permission: 'incidents:read', resource: 'email_message' } },
    schema: {
      tags: ['Notifications'],
      summary: "E-mail in and out: a record's thread (recordType and recordId), or every message you may see",
      querystring: EmailListQuery,
      response: { 200: Page(Type.Ref('EmailMessage')) },
    },
    handler: async (request) => {
      const principal = principalOf(request);
      const { recordId, recordType } = request.query;
      if (recordId !== undefined && !recordType) throw problems.invalid('query.recordType', 'is required with recordId');
      const recordTypes = principal.permissions.has('requests:read') ? (['incident', 'service_request'] as const) : (['incident'] as const);
      return mapPage(await listEmail(ctx.db, principal.scope, { ...request.query, recordTypes: [...recordTypes] }), presentEmail);
    },
  });
}
