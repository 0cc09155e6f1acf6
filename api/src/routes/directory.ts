import { z } from 'zod';
import { cancelSyncRun, confirmSyncRun, DirectorySyncError, getSyncHistoryMarks, getSyncRun, getSyncRunPreview, listSyncRuns, startSyncRun } from '@varco/db';
import { checkDirectoryConnection } from '@varco/workers';
import { defineRoute, jsonBody, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZIdParam } from '../contract/common.js';
import {
  ZCancelSyncRun,
  ZConfirmSyncRun,
  ZConnectionTestResult,
  ZDirectorySettings,
  ZStartSyncRun,
  ZSyncRunDetail,
  ZSyncRunDetailQuery,
  ZSyncRunListQuery,
  ZSyncRunPage,
} from '../contract/directory.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { toRunDetail, toRunSummary, toSettingsView } from './directory-mappers.js';

const refusal = (description: string) => jsonResponse(z.object({}), description);

const settings = defineRoute('directory:manage', {
  method: 'get', path: '/api/directory/settings', tags: ['directory'], summary: 'Directory sync settings (never the password) and whether sync is enabled',
  responses: { 200: jsonResponse(ZDirectorySettings, 'The settings') },
});
const testConnection = defineRoute('directory:manage', {
  method: 'post', path: '/api/directory/test-connection', tags: ['directory'], summary: 'Bind with the service account and read the first page, as a sync would',
  responses: { 200: jsonResponse(ZConnectionTestResult, 'The outcome (ok, or a failure code and sentence)') },
});
const startRun = defineRoute('directory:manage', {
  method: 'post', path: '/api/directory/runs', tags: ['directory'], summary: 'Start a sync run now (or a dry run that changes nothing)',
  request: { body: jsonBody(ZStartSyncRun) },
  responses: { 202: jsonResponse(ZSyncRunDetail, 'Queued'), 409: refusal('A run is already running'), 422: refusal('Not configured, or not enabled for runs that change staff') },
});
const listRuns = defineRoute('directory:manage', {
  method: 'get', path: '/api/directory/runs', tags: ['directory'], summary: 'Run history, newest first',
  request: { query: ZSyncRunListQuery }, responses: { 200: jsonResponse(ZSyncRunPage, 'A page of runs') },
});
const runDetail = defineRoute('directory:manage', {
  method: 'get', path: '/api/directory/runs/{id}', tags: ['directory'], summary: 'One run: counts, progress, problems, who would be disabled',
  request: { params: ZIdParam('run'), query: ZSyncRunDetailQuery },
  responses: { 200: jsonResponse(ZSyncRunDetail, 'The run, with one page of its list of people to disable'), 404: refusal('No such run') },
});
const confirmRun = defineRoute('directory:manage', {
  method: 'post', path: '/api/directory/runs/{id}/confirm', tags: ['directory'], summary: 'Confirm a run held above the disable limits: it reads the directory again and applies',
  request: { params: ZIdParam('run'), body: jsonBody(ZConfirmSyncRun) },
  responses: { 202: jsonResponse(ZSyncRunDetail, 'Queued again'), 404: refusal('No such run'), 409: refusal('Not awaiting confirmation, or the list changed') },
});

const cancelRun = defineRoute('directory:manage', {
  method: 'post', path: '/api/directory/runs/{id}/cancel', tags: ['directory'], summary: 'Discard a run held above the disable limits: nobody is disabled, nothing is applied',
  request: { params: ZIdParam('run'), body: jsonBody(ZCancelSyncRun) },
  responses: { 200: jsonResponse(ZSyncRunDetail, 'Cancelled'), 404: refusal('No such run'), 409: refusal('Not awaiting confirmation') },
});

function toApiError(err: unknown): unknown {
  if (err instanceof DirectorySyncError) return new ApiError(err.code, err.message);
  return err;
}

export function directoryRoutes(deps: TAppDeps) {
  const sync = () => deps.config.directorySync ?? null;
  /** The run, with one page of its list of people to disable (the first, unless the query asks for another). */
  async function detail(id: string, disables = ZSyncRunDetailQuery.parse({})) {
    const run = await getSyncRun(deps.db, { id });
    if (!run) throw new ApiError('not_found', 'No such directory sync run');
    const [{ estimatedEntries }, preview] = await Promise.all([
      getSyncHistoryMarks(deps.db, { directoryKey: run.directoryKey }),
      run.dryRun ? getSyncRunPreview(deps.db, { runId: run.id }) : null,
    ]);
    return toRunDetail(run, { estimatedEntries, preview, disables });
  }

  return newRouter()
    .openapi(settings, (c) => c.json(toSettingsView(sync()), 200))
    .openapi(testConnection, async (c) => {
      const current = sync();
      if (!current) return c.json({ ok: false, code: 'not_configured', message: 'LDAP_URL and a base DN are not set', sampleEntries: null }, 200);
      const result = await checkDirectoryConnection(current.config);
      return c.json(result.ok ? { ok: true, code: null, message: null, sampleEntries: result.sampleEntries } : { ok: false, code: result.code, message: result.message, sampleEntries: null }, 200);
    })
    .openapi(startRun, async (c) => {
      const input = c.req.valid('json');
      const current = sync();
      if (!current) throw new ApiError('unprocessable', 'Directory sync is not configured (LDAP_URL, LDAP_SYNC_BASE_DN)');
      if (!input.dryRun && !current.enabled) throw new ApiError('unprocessable', 'Directory sync is not enabled (LDAP_SYNC_ENABLED): only dry runs are allowed');
      const run = await startSyncRun(deps.db, { ...input, trigger: 'manual', actor: actorOf(c.var), directoryKey: current.directoryKey }).catch((err: unknown) => {
        throw toApiError(err);
      });
      return c.json(await detail(run.id), 202);
    })
    .openapi(listRuns, async (c) => {
      const query = c.req.valid('query');
      const { rows, total } = await listSyncRuns(deps.db, query);
      return c.json({ items: rows.map(toRunSummary), page: query.page, pageSize: query.pageSize, total }, 200);
    })
    .openapi(runDetail, async (c) => c.json(await detail(c.req.valid('param').id, c.req.valid('query')), 200))
    .openapi(confirmRun, async (c) => {
      const { id } = c.req.valid('param');
      const { acknowledgedDisables } = c.req.valid('json');
      if (!sync()?.enabled) throw new ApiError('unprocessable', 'Directory sync is not enabled (LDAP_SYNC_ENABLED)');
      await confirmSyncRun(deps.db, { runId: id, acknowledgedDisables, actor: actorOf(c.var) }).catch((err: unknown) => {
        throw toApiError(err);
      });
      return c.json(await detail(id), 202);
    })
    .openapi(cancelRun, async (c) => {
      const { id } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      await cancelSyncRun(deps.db, { runId: id, reason: reason || null, actor: actorOf(c.var) }).catch((err: unknown) => {
        throw toApiError(err);
      });
      return c.json(await detail(id), 200);
    });
}
