import type { z } from 'zod';
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { TAppEnv } from '../context.js';
import { ZError } from '../contract/common.js';
import { ApiError, validationError } from '../errors.js';
import { grantingRole, highestRole, type TRouteAccess } from './permissions.js';

/** Every route's declared access, by "METHOD /path" (Hono syntax). Deny-by-default and the role matrix read it. */
export const routeAccess = new Map<string, TRouteAccess>();

const routeKey = (method: string, honoPath: string) => `${method.toUpperCase()} ${honoPath}`;
const toHonoPath = (openApiPath: string) => openApiPath.replace(/\{(\w+)\}/g, ':$1');

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ZError } } });

/** The errors every route may answer, so the OpenAPI document lists them once per route. */
const COMMON_ERRORS = {
  400: errorResponse('Invalid input'),
  401: errorResponse('Not signed in'),
  403: errorResponse('Not allowed, or CSRF check failed'),
  500: errorResponse('Unexpected error'),
} as const;

/**
 * `createRoute` plus the permission it needs. The permission check is the route's own first middleware,
 * so it runs before the handler and before the body is validated.
 */
export function defineRoute<const R extends RouteConfig>(access: TRouteAccess, config: R) {
  routeAccess.set(routeKey(config.method, toHonoPath(config.path)), access);
  return createRoute({
    ...config,
    responses: { ...COMMON_ERRORS, ...config.responses },
    middleware: [authorize(access)] as const,
  });
}

export function authorize(access: TRouteAccess): MiddlewareHandler<TAppEnv> {
  return async (c, next) => {
    if (access === 'public') return next();
    const session = c.get('session');
    if (!session) throw new ApiError('unauthenticated', 'Sign in first');
    const role = access === 'session' ? highestRole(session.user.roles) : grantingRole(session.user.roles, access);
    if (!role) throw new ApiError('forbidden', 'Your role does not allow this');
    c.set('actingRole', role);
    return next();
  };
}

/** Deny by default: an /api route that was registered without `defineRoute` answers 403 and is never run. */
export function denyUndeclared(): MiddlewareHandler<TAppEnv> {
  return async (c, next) => {
    const path = routePath(c, -1);
    if (path === '/api/*' || path === '*' || routeAccess.has(routeKey(c.req.method, path))) return next();
    if (c.req.method === 'HEAD' && routeAccess.has(routeKey('GET', path))) return next();
    throw new ApiError('forbidden', 'This route declares no permission');
  };
}

/** Every router is made here, so validation failures everywhere become the same readable 400. */
export function newRouter() {
  return new OpenAPIHono<TAppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
}

/** Non-OpenAPI routes under /api (docs assets) still declare their access, so deny-by-default knows them. */
export function declarePlainRoute(method: 'GET', honoPath: string, access: TRouteAccess) {
  routeAccess.set(routeKey(method, honoPath), access);
}

/** An OpenAPI JSON response: `responses: { 200: jsonResponse(ZThing, 'The thing') }`. */
export const jsonResponse = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body: `request: { body: jsonBody(ZThingRequest) }`. */
export const jsonBody = <S extends z.ZodType>(schema: S) => ({ required: true, content: { 'application/json': { schema } } });
