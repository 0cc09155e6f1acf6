import type { TAppEnv } from '../context.js';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { declarePlainRoute } from '../auth/route.js';

const require = createRequire(import.meta.url);
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

// Served from the installed swagger-ui-dist, not a CDN: the console works on a closed network and keeps a
// strict Content-Security-Policy (no inline script: the initialiser is its own file).
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Varco API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`;
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  requestInterceptor: (req) => { if (window.varcoCsrf) req.headers['X-CSRF-Token'] = window.varcoCsrf; return req; } });
fetch('/api/auth/session', { credentials: 'same-origin' }).then((r) => r.ok ? r.json() : null)
  .then((me) => { if (me) window.varcoCsrf = me.csrfToken; });`;

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

export function docsRoutes() {
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, string>();
  declarePlainRoute('GET', '/api/docs', 'public');
  declarePlainRoute('GET', '/api/docs/:file', 'public');
  return new Hono<TAppEnv>()
    .get('/api/docs', (c) => {
      c.header('content-security-policy', CSP);
      return c.html(PAGE);
    })
    .get('/api/docs/:file', async (c) => {
      const file = c.req.param('file');
      if (file === 'init.js') return c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' });
      if (!Object.hasOwn(ASSETS, file)) return c.notFound();
      let body = cache.get(file);
      if (body === undefined) {
        body = await readFile(join(dir, file), 'utf8');
        cache.set(file, body);
      }
      return c.body(body, 200, { 'content-type': ASSETS[file as keyof typeof ASSETS], 'cache-control': 'public, max-age=86400' });
    });
}
