import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { declarePlainRoute, denyUndeclared, newRouter } from './auth/route.js';
import type { TAppEnv } from './context.js';
import type { TAppDeps } from './deps.js';
import { ApiError, errorBody } from './errors.js';
import { csrfProtection } from './middleware/csrf.js';
import { requestContext } from './middleware/request-context.js';
import { loadSession } from './middleware/session.js';
import { auditRoutes } from './routes/audit.js';
import { bulkCertificateRoutes } from './routes/bulk-certificates.js';
import { deprovisioningRoutes } from './routes/deprovisioning.js';
import { directoryRoutes } from './routes/directory.js';
import { authRoutes } from './routes/auth.js';
import { docsRoutes } from './routes/docs.js';
import { employeeRoutes } from './routes/employees.js';
import { healthRoutes } from './routes/health.js';
import { pkiRoutes } from './routes/pki.js';
import { pkiAuthorityRoutes } from './routes/pki-authorities.js';
import { pkiPublicRoutes, pkiStatusRoutes } from './routes/pki-status.js';
import { vpnRoutes } from './routes/vpn.js';
import { meRoutes } from './routes/me.js';
import { queueDashboard } from './routes/queues.js';
import { fulfilmentRoutes } from './routes/fulfilment.js';
import { requestOperationRoutes } from './routes/request-operations.js';
import { requestRoutes } from './routes/requests.js';
import { userRoutes } from './routes/users.js';

/**
 * Paths the API answers; everything else belongs to the console (SvelteKit). The public PKI files are listed one by
 * one rather than as "/pki/": the console's own CA/CRL page lives at /pki.
 */
export const API_PATH_PREFIXES = ['/api/', '/healthz', '/admin/queues', '/pki/ca.pem', '/pki/crl.pem', '/pki/crl.der'] as const;

export function createApp(deps: TAppDeps) {
  const allowedOrigins = deps.config.publicUrl ? [new URL(deps.config.publicUrl).origin] : [];
  const app = newRouter();

  // Order matters: ids first (every answer carries one), then the session, then CSRF (needs the session's
  // token), then deny-by-default; each route's own `authorize` runs after these and before validation.
  app.use('*', requestContext({ trustProxy: deps.config.trustProxy }));
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin', xFrameOptions: 'DENY' }));
  app.use('*', loadSession({ db: deps.db, idleTimeoutMs: deps.config.session.idleTimeoutMs }));
  app.use('/api/*', csrfProtection({ allowedOrigins: () => allowedOrigins }));
  app.use('/api/*', denyUndeclared());

  const routes = app
    .route('/', authRoutes(deps))
    .route('/', meRoutes(deps))
    .route('/', employeeRoutes(deps))
    .route('/', auditRoutes(deps))
    .route('/', userRoutes(deps))
    .route('/', requestOperationRoutes(deps))
    .route('/', bulkCertificateRoutes(deps))
    .route('/', requestRoutes(deps))
    .route('/', fulfilmentRoutes(deps))
    .route('/', directoryRoutes(deps))
    .route('/', deprovisioningRoutes(deps))
    .route('/', pkiRoutes(deps))
    .route('/', pkiStatusRoutes(deps))
    .route('/', pkiAuthorityRoutes(deps))
    .route('/', vpnRoutes(deps))
    .route('/', healthRoutes(deps));

  declarePlainRoute('GET', '/api/openapi.json', 'public');
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Varco API',
      version: '0.1.0',
      description:
        'Remote-work kit, station certificates and directory sync for public administrations. ' +
        'Sign in with POST /api/auth/login; send the returned csrfToken as X-CSRF-Token on every state change.',
    },
  });
  app.route('/', docsRoutes());
  app.route('/', queueDashboard(deps));
  // CA certificate and CRL for VPN gateways: public, outside /api (no CSRF, no deny-by-default), GET only.
  app.route('/', pkiPublicRoutes(deps));

  app.notFound((c) => c.json(errorBody(new ApiError('not_found', 'No such route'), c.get('requestId') ?? ''), 404));
  app.onError((err, c) => {
    const requestId = c.get('requestId') ?? '';
    if (err instanceof ApiError) return c.json(errorBody(err, requestId), err.status);
    if (err instanceof HTTPException && err.status < 500) {
      // e.g. a body that is not JSON at all: say so plainly.
      const apiError = new ApiError('validation_failed', err.message || 'Malformed request');
      return c.json(errorBody(apiError, requestId), 400);
    }
    // Only the message and stack: request bodies (passwords) are never logged.
    deps.logger.error('unhandled error', { requestId, path: c.req.path, error: err.message, stack: err.stack });
    return c.json(errorBody(new ApiError('internal', 'Something went wrong on our side'), requestId), 500);
  });
  return routes;
}

export type AppType = ReturnType<typeof createApp>;
export type { TAppEnv };
