import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../core/context.ts';
import { identityRoutes } from './identity/routes.ts';
import { signInProviderRoutes, singleSignOnRoutes } from './identity/oidc-routes.ts';
import { organisationRoutes } from './organisations/routes.ts';
import { userRoutes } from './users/routes.ts';
import { cmdbRoutes } from './cmdb/routes.ts';
import { addressPlanRoutes } from './address-plan/routes.ts';
import { odsImportRoutes } from './ods-import/routes.ts';
import { siteRoutes } from './sites/routes.ts';
import { supplierRoutes } from './suppliers/routes.ts';
import { catalogueRoutes } from './catalogue/routes.ts';
import { connectionRoutes } from './connections/routes.ts';
import { rolloutRoutes } from './rollout/routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { teamRoutes } from './teams/routes.ts';
import { incidentRoutes } from './incidents/routes.ts';
import { serviceRequestRoutes } from './service-requests/routes.ts';
import { serviceLevelRoutes } from './service-levels/routes.ts';
import { maintenanceRoutes } from './maintenance/routes.ts';
import { availabilityRoutes } from './availability/routes.ts';
import { monitoringRoutes } from './monitoring/routes.ts';

/** Every process module's routes, mounted under /api/v1. A new module adds one line here. */
export const apiModules: Array<(app: FastifyInstance, ctx: AppContext) => Promise<void>> = [identityRoutes, signInProviderRoutes, organisationRoutes, userRoutes, cmdbRoutes, addressPlanRoutes, odsImportRoutes, siteRoutes, supplierRoutes, catalogueRoutes, connectionRoutes, rolloutRoutes, teamRoutes, incidentRoutes, serviceRequestRoutes, notificationRoutes, serviceLevelRoutes, monitoringRoutes, maintenanceRoutes, availabilityRoutes];

/** Routes outside /api, for browser navigations that are not the web application's pages (single sign-on). */
export const browserModules: Array<(app: FastifyInstance, ctx: AppContext) => Promise<void>> = [singleSignOnRoutes];
