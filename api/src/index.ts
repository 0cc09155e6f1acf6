export { createApp, API_PATH_PREFIXES, type AppType } from './app.js';
export { parseEnv, ZEnv, type TEnv } from './env.js';
export { createLogger, type TLogger } from './logger.js';
export type { TAppConfig, TAppDeps } from './deps.js';
export { routeAccess } from './auth/route.js';
export { PERMISSIONS, ROLE_PRECEDENCE, type TPermission, type TRouteAccess } from './auth/permissions.js';
export type { TDirectoryAuthConfig } from './services/directory-auth.js';
