import { serviceSettings } from '../../core/service-settings.ts';
import { DEFAULT_AUTO_CLOSE_DAYS } from '../../domain/request-lifecycle.ts';
import type { RequestSettings } from './schemas.ts';

export const DEFAULT_REQUEST_SETTINGS: RequestSettings = { autoCloseDays: DEFAULT_AUTO_CLOSE_DAYS };

/**
 * The service request settings (the auto-close window), kept like the incident settings. The
 * schema's bounds are the whole validation: nothing else constrains a window of whole days. A
 * change applies to requests fulfilled after it; one already fulfilled keeps the close time it
 * was given (its row's closes_at and its queued close job).
 */
export const requestSettings = serviceSettings<RequestSettings>('service_requests', DEFAULT_REQUEST_SETTINGS);
