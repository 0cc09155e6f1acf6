// Wire contract shared by api (route schemas, OpenAPI) and web (typed client, form re-validation).
// Plain zod only: web bundles this file, so nothing here may import server code.
export * from './common.js';
export * from './auth.js';
export * from './employees.js';
export * from './audit.js';
export * from './health.js';
export * from './requests.js';
export * from './directory.js';
export * from './pki.js';
export * from './vpn.js';
