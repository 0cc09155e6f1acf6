import { env } from '$env/dynamic/private';
import type { RequestEvent } from '@sveltejs/kit';
import {
  ZActivityList,
  ZAgreement,
  ZAssetImportResult,
  ZAssetPage,
  ZAuditPage,
  ZBulkCertificatesResult,
  ZBulkResult,
  ZEmployeeDetail,
  ZEmployeePage,
  ZError,
  ZHealth,
  ZMe,
  ZQueuePage,
  ZRequestDetail,
  ZRequestPage,
  ZMyKit,
  ZRequestReports,
  ZServiceList,
  type TAgreementRequest,
  type TBulkCertificates,
  type TAuditQuery,
  type TCreateRequest,
  type TTransitionRequest,
  type TEmployeeListQuery,
  type TLoginRequest,
  type TMe,
  type TPreferencesRequest,
} from '@varco/api/contract';
// Directory sync and deprovisioning (issue 5), kept in their own import to stay out of the list above.
import {
  ZConnectionTestResult,
  ZDeprovisioningCase,
  ZDeprovisioningPage,
  ZDirectorySettings,
  ZSyncRunDetail,
  ZSyncRunPage,
  type TCancelSyncRun,
  type TConfirmSyncRun,
  type TDeprovisioningListQuery,
  type TMarkStepRequest,
  type TStartSyncRun,
  type TSyncRunDetailQuery,
} from '@varco/api/contract';
// Station certificates and VPN (issue 3).
import {
  ZCertificate,
  ZCertificateBundle,
  ZCertificatePage,
  ZEmployeeVpn,
  ZIssueCertificateResponse,
  ZPkiStatus,
  ZPublishCrlResponse,
  ZVpnServerList,
  type TIssueCertificateRequest,
  type TRevocationReason,
} from '@varco/api/contract';
// Certificate authority and VPN forms (issue 3, console part).
import {
  ZCaJob,
  ZGatewayExport,
  ZImportedCa,
  ZNftablesExport,
  ZNoContent,
  ZVpnProfile,
  ZVpnProfileList,
  ZVpnServer,
  type TCreateCaRequest,
  type TImportCaRequest,
  type TVpnProfileInput,
  type TVpnServerInput,
} from '@varco/api/contract';
import type { z } from 'zod';
import type { AssetQuery, BulkTransition, QueueQuery, RequestListQuery } from './api-types';
import type { Refusal } from '../requests/refusals';
import { isClearingCookie, parseSetCookie } from './session-cookie';

/** Set by the Varco host, which runs the API and this console in one Node process (see ops/). */
const HOST_FETCH_KEY = Symbol.for('varco.api.fetch');
const IN_PROCESS_ORIGIN = 'http://varco.internal';
const DEFAULT_DEV_ORIGIN = 'http://127.0.0.1:3000';
/** The health check waits for a worker round-trip; anything slower than this is reported as a failure. */
const REQUEST_TIMEOUT_MS = 15_000;
export const SESSION_COOKIE = 'varco_session';

type HostFetch = (request: Request) => Promise<Response>;
type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type QueryValue = string | number | boolean | null | undefined;

interface ApiCall {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Required for state-changing calls; the API compares it with the session's token. */
  csrfToken?: string;
  /** Non-2xx statuses whose body is still a success body (e.g. `/healthz` answers 503 when degraded). */
  acceptStatuses?: readonly number[];
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly details: readonly { path: string; message: string }[] = [],
    /** A workflow rule's refusal (`reason` + `params`), which the console translates; null for other errors. */
    readonly refusal: Refusal | null = null,
  ) {
    super(message);
  }
}

function resolveTransport(): { origin: string; fetch: HostFetch } {
  const hostFetch = (globalThis as Record<symbol, unknown>)[HOST_FETCH_KEY];
  if (typeof hostFetch === 'function') return { origin: IN_PROCESS_ORIGIN, fetch: hostFetch as HostFetch };
  return { origin: env.VARCO_API_ORIGIN || DEFAULT_DEV_ORIGIN, fetch: (request) => fetch(request) };
}

function buildUrl(origin: string, path: string, query: ApiCall['query']): URL {
  const url = new URL(path, origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  return url;
}

function clientAddress(event: RequestEvent): string | null {
  try {
    return event.getClientAddress();
  } catch {
    return null;
  }
}

/** Headers that let the API log, rate-limit and audit the person behind the browser, not the console. */
function forwardedHeaders(event: RequestEvent, call: ApiCall): Headers {
  const headers = new Headers({ accept: 'application/json', 'x-request-id': event.locals.requestId });
  const incoming = event.request.headers;
  for (const name of ['cookie', 'user-agent', 'accept-language']) {
    const value = incoming.get(name);
    if (value) headers.set(name, value);
  }
  const address = clientAddress(event);
  if (address) headers.set('x-forwarded-for', address);
  if (call.method !== 'GET') {
    headers.set('content-type', 'application/json');
    if (call.csrfToken) headers.set('x-csrf-token', call.csrfToken);
  }
  return headers;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const parsed = ZError.safeParse(await readJson(response));
  const headerRequestId = response.headers.get('x-request-id');
  if (!parsed.success) {
    return new ApiError(response.status, `http_${response.status}`, response.statusText, headerRequestId);
  }
  const { code, message, requestId, details, reason, params } = parsed.data.error;
  return new ApiError(response.status, code, message, requestId, details ?? [], reason ? { reason, params } : null);
}

/**
 * The one server-side client of the Varco API. Created per request in hooks.server.ts (`locals.api`);
 * every success body is parsed with the contract's schema, every error becomes an `ApiError`.
 */
export function createApiClient(event: RequestEvent) {
  const transport = resolveTransport();
  let session: Promise<TMe | null> | undefined;

  async function send(call: ApiCall): Promise<Response> {
    const hasBody = call.method !== 'GET';
    const request = new Request(buildUrl(transport.origin, call.path, call.query), {
      method: call.method,
      headers: forwardedHeaders(event, call),
      body: hasBody ? JSON.stringify(call.body ?? {}) : null,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const response = await transport.fetch(request);
    if (response.ok || call.acceptStatuses?.includes(response.status)) return response;
    throw await toApiError(response);
  }

  async function call<S extends z.ZodType>(schema: S, apiCall: ApiCall): Promise<z.output<S>> {
    const response = await send(apiCall);
    // A body that does not match the contract is a bug on one side: fail loudly (500), never render half data.
    return schema.parse(await readJson(response));
  }

  async function mutate<S extends z.ZodType>(schema: S, apiCall: ApiCall): Promise<z.output<S>> {
    const me = await requireMe();
    return call(schema, { ...apiCall, csrfToken: me.csrfToken });
  }

  /** Replays the API's Set-Cookie on the browser response (SvelteKit forbids `set-cookie` in setHeaders). */
  function relayCookies(response: Response): void {
    const secureByDefault = event.url.protocol === 'https:';
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header);
      if (!cookie) continue;
      const options = {
        path: cookie.path,
        httpOnly: cookie.httpOnly,
        secure: cookie.secure || secureByDefault,
        sameSite: cookie.sameSite ?? 'lax',
      } as const;
      if (isClearingCookie(cookie)) {
        event.cookies.delete(cookie.name, options);
      } else {
        event.cookies.set(cookie.name, cookie.value, {
          ...options,
          maxAge: cookie.maxAge,
          expires: cookie.expires,
          encode: (value) => value,
        });
      }
    }
  }

  function rememberSession<T extends TMe | null>(me: T): T {
    // The signed-in user's saved preference beats the cookie; hooks.server.ts reads it when rendering <html lang>.
    if (me) event.locals.locale = me.locale;
    return me;
  }

  async function loadSession(): Promise<TMe | null> {
    if (!event.cookies.get(SESSION_COOKIE)) return null;
    try {
      return rememberSession(await call(ZMe, { method: 'GET', path: '/api/auth/session' }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null;
      throw err;
    }
  }

  /** The current user, fetched at most once per incoming request; `null` when signed out. */
  function getSession(): Promise<TMe | null> {
    session ??= loadSession();
    return session;
  }

  async function requireMe(): Promise<TMe> {
    const me = await getSession();
    if (!me) throw new ApiError(401, 'unauthenticated', 'No session', event.locals.requestId);
    return me;
  }

  return {
    getSession,
    requireMe,
    auth: {
      async login(body: TLoginRequest): Promise<TMe> {
        const response = await send({ method: 'POST', path: '/api/auth/login', body });
        const me = ZMe.parse(await readJson(response));
        relayCookies(response);
        session = Promise.resolve(rememberSession(me));
        return me;
      },
      async logout(): Promise<void> {
        const me = await getSession().catch(() => null);
        try {
          if (me) relayCookies(await send({ method: 'POST', path: '/api/auth/logout', csrfToken: me.csrfToken }));
        } finally {
          // Whatever the API said, the browser must not keep a session cookie after "Esci".
          event.cookies.delete(SESSION_COOKIE, { path: '/', secure: event.url.protocol === 'https:' });
          session = Promise.resolve(null);
        }
      },
    },
    me: {
      kit: () => call(ZMyKit, { method: 'GET', path: '/api/me/kit' }),
      async updatePreferences(body: TPreferencesRequest): Promise<TMe> {
        const me = rememberSession(await mutate(ZMe, { method: 'PUT', path: '/api/me/preferences', body }));
        session = Promise.resolve(me);
        return me;
      },
    },
    services: {
      list: () => call(ZServiceList, { method: 'GET', path: '/api/services' }),
    },
    employees: {
      list: (query: TEmployeeListQuery) => call(ZEmployeePage, { method: 'GET', path: '/api/employees', query }),
      get: (id: string) => call(ZEmployeeDetail, { method: 'GET', path: `/api/employees/${encodeURIComponent(id)}` }),
      saveAgreement: (id: string, body: TAgreementRequest) =>
        mutate(ZAgreement, { method: 'PUT', path: `/api/employees/${encodeURIComponent(id)}/agreement`, body }),
    },
    activities: {
      list: (serviceCode: string) =>
        call(ZActivityList, { method: 'GET', path: '/api/activities', query: { service: serviceCode } }),
    },
    audit: {
      list: (query: TAuditQuery) => call(ZAuditPage, { method: 'GET', path: '/api/audit', query }),
    },
    directory: {
      settings: () => call(ZDirectorySettings, { method: 'GET', path: '/api/directory/settings' }),
      testConnection: () => mutate(ZConnectionTestResult, { method: 'POST', path: '/api/directory/test-connection' }),
      startRun: (body: TStartSyncRun) => mutate(ZSyncRunDetail, { method: 'POST', path: '/api/directory/runs', body }),
      runs: (query: { page: number; pageSize: number }) =>
        call(ZSyncRunPage, { method: 'GET', path: '/api/directory/runs', query }),
      run: (id: string, query: TSyncRunDetailQuery = {}) =>
        call(ZSyncRunDetail, { method: 'GET', path: `/api/directory/runs/${encodeURIComponent(id)}`, query }),
      confirmRun: (id: string, body: TConfirmSyncRun) =>
        mutate(ZSyncRunDetail, { method: 'POST', path: `/api/directory/runs/${encodeURIComponent(id)}/confirm`, body }),
      cancelRun: (id: string, body: TCancelSyncRun) =>
        mutate(ZSyncRunDetail, { method: 'POST', path: `/api/directory/runs/${encodeURIComponent(id)}/cancel`, body }),
    },
    deprovisioning: {
      list: (query: TDeprovisioningListQuery) =>
        call(ZDeprovisioningPage, { method: 'GET', path: '/api/deprovisioning', query }),
      markStep: (id: string, step: string, body: TMarkStepRequest) =>
        mutate(ZDeprovisioningCase, {
          method: 'POST',
          path: `/api/deprovisioning/${encodeURIComponent(id)}/steps/${encodeURIComponent(step)}`,
          body,
        }),
    },
    requests: {
      list: (query: RequestListQuery) => call(ZRequestPage, { method: 'GET', path: '/api/requests', query }),
      get: (id: string) => call(ZRequestDetail, { method: 'GET', path: requestPath(id) }),
      create: (body: TCreateRequest) => mutate(ZRequestDetail, { method: 'POST', path: '/api/requests', body }),
      transition: (id: string, body: TTransitionRequest) =>
        mutate(ZRequestDetail, { method: 'POST', path: `${requestPath(id)}/transitions`, body }),
      bulkTransition: (body: BulkTransition) =>
        mutate(ZBulkResult, { method: 'POST', path: '/api/requests/bulk-transitions', body }),
      bulkCertificates: (body: TBulkCertificates) =>
        mutate(ZBulkCertificatesResult, { method: 'POST', path: '/api/requests/bulk-certificates', body }),
      setAssignee: (id: string, assigneeUserId: string | null) =>
        mutate(ZRequestDetail, { method: 'PUT', path: `${requestPath(id)}/assignee`, body: { assigneeUserId } }),
      assignAsset: (id: string, itemId: string, assetId: string) =>
        mutate(ZRequestDetail, { method: 'POST', path: `${itemPath(id, itemId)}/asset`, body: { assetId } }),
      updateChecklist: (id: string, itemId: string, ticks: Record<string, boolean>) =>
        mutate(ZRequestDetail, { method: 'PUT', path: `${itemPath(id, itemId)}/checklist`, body: { ticks } }),
    },
    queue: {
      list: (query: QueueQuery) => call(ZQueuePage, { method: 'GET', path: '/api/queue', query }),
    },
    assets: {
      list: (query: AssetQuery) => call(ZAssetPage, { method: 'GET', path: '/api/assets', query }),
      /** All or nothing: 422 still carries the result body (`problems`, nothing imported), so it is not an error. */
      import: (csv: string) =>
        mutate(ZAssetImportResult, { method: 'POST', path: '/api/assets/import', body: { csv }, acceptStatuses: [422] }),
    },
    reports: {
      requests: () => call(ZRequestReports, { method: 'GET', path: '/api/reports/requests' }),
    },
    health: {
      get: () => call(ZHealth, { method: 'GET', path: '/healthz', acceptStatuses: [503] }),
    },
    pki: {
      status: () => call(ZPkiStatus, { method: 'GET', path: '/api/pki/status' }),
      publishCrl: () => mutate(ZPublishCrlResponse, { method: 'POST', path: '/api/pki/crl/publish' }),
      list: (query: Record<string, QueryValue>) => call(ZCertificatePage, { method: 'GET', path: '/api/pki/certificates', query }),
      get: (id: string) => call(ZCertificate, { method: 'GET', path: certificatePath(id) }),
      issue: (body: TIssueCertificateRequest) => mutate(ZIssueCertificateResponse, { method: 'POST', path: '/api/pki/certificates', body }),
      issueForItem: (id: string, itemId: string, body: Omit<TIssueCertificateRequest, 'employeeId' | 'assetId' | 'profileCode'>) =>
        mutate(ZIssueCertificateResponse, { method: 'POST', path: `${itemPath(id, itemId)}/certificate`, body }),
      bundle: (id: string) => mutate(ZCertificateBundle, { method: 'POST', path: `${certificatePath(id)}/bundle` }),
      revoke: (id: string, reason: TRevocationReason, comment: string | null) =>
        mutate(ZCertificate, { method: 'POST', path: `${certificatePath(id)}/revoke`, body: { reason, comment } }),
      renew: (id: string, body: Omit<TIssueCertificateRequest, 'employeeId' | 'assetId' | 'profileCode'>) =>
        mutate(ZIssueCertificateResponse, { method: 'POST', path: `${certificatePath(id)}/renew`, body }),
      installed: (id: string) => mutate(ZCertificate, { method: 'POST', path: `${certificatePath(id)}/installed` }),
      createCa: (body: TCreateCaRequest) => mutate(ZCaJob, { method: 'POST', path: '/api/pki/authorities', body }),
      importCa: (body: TImportCaRequest) => mutate(ZImportedCa, { method: 'POST', path: '/api/pki/authorities/import', body }),
      caJob: (jobId: string) => call(ZCaJob, { method: 'GET', path: `/api/pki/authorities/jobs/${encodeURIComponent(jobId)}` }),
    },
    vpn: {
      ofEmployee: (employeeId: string) => call(ZEmployeeVpn, { method: 'GET', path: `/api/employees/${encodeURIComponent(employeeId)}/vpn` }),
      servers: () => call(ZVpnServerList, { method: 'GET', path: '/api/vpn/servers' }),
      profiles: () => call(ZVpnProfileList, { method: 'GET', path: '/api/vpn/profiles' }),
      saveProfile: (id: string | null, body: TVpnProfileInput) =>
        mutate(ZVpnProfile, id ? { method: 'PUT', path: vpnPath('profiles', id), body } : { method: 'POST', path: '/api/vpn/profiles', body }),
      deleteProfile: (id: string) => mutate(ZNoContent, { method: 'DELETE', path: vpnPath('profiles', id) }),
      nftables: (id: string) => call(ZNftablesExport, { method: 'GET', path: `${vpnPath('profiles', id)}/nftables` }),
      saveServer: (id: string | null, body: TVpnServerInput) =>
        mutate(ZVpnServer, id ? { method: 'PUT', path: vpnPath('servers', id), body } : { method: 'POST', path: '/api/vpn/servers', body }),
      deleteServer: (id: string) => mutate(ZNoContent, { method: 'DELETE', path: vpnPath('servers', id) }),
      serverExport: (id: string) => call(ZGatewayExport, { method: 'GET', path: `${vpnPath('servers', id)}/export` }),
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

function requestPath(id: string): string {
  return `/api/requests/${encodeURIComponent(id)}`;
}

function vpnPath(kind: 'profiles' | 'servers', id: string): string {
  return `/api/vpn/${kind}/${encodeURIComponent(id)}`;
}

function certificatePath(id: string): string {
  return `/api/pki/certificates/${encodeURIComponent(id)}`;
}

function itemPath(id: string, itemId: string): string {
  return `${requestPath(id)}/items/${encodeURIComponent(itemId)}`;
}
