import { env } from '$env/dynamic/private';
import type { RequestEvent } from '@sveltejs/kit';
import {
  ZActivityList,
  ZAgreement,
  ZAuditPage,
  ZEmployeeDetail,
  ZEmployeePage,
  ZError,
  ZHealth,
  ZMe,
  ZServiceList,
  type TAgreementRequest,
  type TAuditQuery,
  type TEmployeeListQuery,
  type TLoginRequest,
  type TMe,
  type TPreferencesRequest,
} from '@varco/api/contract';
import type { z } from 'zod';
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
  const { code, message, requestId, details } = parsed.data.error;
  return new ApiError(response.status, code, message, requestId, details ?? []);
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
    health: {
      get: () => call(ZHealth, { method: 'GET', path: '/healthz', acceptStatuses: [503] }),
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
