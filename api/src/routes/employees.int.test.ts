import { and, count, eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { testDatabaseKinds } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZError } from '../contract/common.js';
import { ZAgreement, ZEmployeeDetail, ZEmployeePage, ZServiceList } from '../contract/employees.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';

describe.each(testDatabaseKinds())('employees API on %s', (kind) => {
  let t: TTestApp;
  let hotline: TTestSession;
  const page = async (query: string, session = hotline) => {
    const res = await t.call('GET', `/api/employees${query}`, { session });
    expect(res.status).toBe(200);
    return ZEmployeePage.parse(await res.json());
  };

  beforeAll(async () => {
    t = await startTestApp({ kind });
    hotline = await t.login('hotline');
  });
  afterAll(() => t.close());

  it('lists all 927 staff with server-side pagination and stable order', async () => {
    const first = await page('?pageSize=50');
    expect(first.total).toBe(927);
    expect(first.items).toHaveLength(50);
    const last = await page('?pageSize=50&page=19');
    expect(last.items).toHaveLength(927 - 18 * 50);
    const ids = new Set([...first.items, ...last.items].map((e) => e.id));
    expect(ids.size).toBe(50 + 27);
  });

  it('filters by eligibility and service, matching the plan (594 eligible; CP has 45 of 209)', async () => {
    expect((await page('?eligible=true')).total).toBe(594);
    expect((await page('?eligible=false')).total).toBe(333);
    expect((await page('?service=CP')).total).toBe(209);
    expect((await page('?service=CP&eligible=true')).total).toBe(45);
    const services = ZServiceList.parse(await (await t.call('GET', '/api/services', { session: hotline })).json());
    expect(services.items).toHaveLength(23);
    expect(services.items.find((s) => s.code === 'PB')).toMatchObject({ employees: 152, eligible: 26, plannedHeadcount: 152 });
  });

  it('searches names, e-mail and directory id, treating LIKE wildcards as text', async () => {
    const someone = (await page('?service=SD&pageSize=1')).items[0]!;
    const bySurname = await page(`?q=${encodeURIComponent(someone.displayName.split(' ').at(-1)!)}`);
    expect(bySurname.items.map((e) => e.id)).toContain(someone.id);
    expect((await page(`?q=${someone.directoryId}`)).items.map((e) => e.id)).toContain(someone.id);
    expect((await page('?q=%25')).total).toBe(0);
    expect((await page('?q=_')).total).toBe(0);
    expect((await page('?q=zzzz-nobody')).items).toEqual([]);
  });

  it('sorts by an allow-listed key only', async () => {
    const byService = await page('?sort=-service&pageSize=1');
    expect(byService.items[0]!.service.code).toBe('UM');
    const res = await t.call('GET', '/api/employees?sort=password_hash', { session: hotline });
    expect(res.status).toBe(400);
    expect(ZError.parse(await res.json()).error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('sort') });
  });

  it.each(['?page=0', '?pageSize=1000', '?eligible=yes', '?service=cp', '?service=CPX'])('refuses %s with a readable 400', async (query) => {
    const res = await t.call('GET', `/api/employees${query}`, { session: hotline });
    expect(res.status).toBe(400);
    expect(ZError.parse(await res.json()).error.code).toBe('validation_failed');
  });

  it('explains eligibility: a police agent is refused by profile, the demo employee has an agreement in force', async () => {
    const agent = (await page('?service=CP&eligible=false&q=agente&pageSize=1')).items[0] ?? (await page('?service=CP&eligible=false&pageSize=1')).items[0]!;
    const detail = ZEmployeeDetail.parse(await (await t.call('GET', `/api/employees/${agent.id}`, { session: hotline })).json());
    expect(detail.eligibility.eligible).toBe(false);
    expect(detail.eligibility.reasons).toContainEqual({ code: 'profile-not-remote', params: { profile: detail.jobProfile } });
    const dipendente = await t.login('dipendente');
    const own = ZEmployeeDetail.parse(await (await t.call('GET', `/api/employees/${dipendente.me.employeeId}`, { session: dipendente })).json());
    expect(own.eligibility.eligible).toBe(true);
    expect(own.eligibility.reasons.map((r) => r.code)).toContain('agreement-active');
    expect(own.agreement?.technology).toContain('vpn');
    expect(own.manager).not.toBeNull();
    expect(own.serviceActivities.total).toBeGreaterThan(0);
  });

  it('an employee cannot list staff nor open another record (IDOR), whatever id they try', async () => {
    const dipendente = await t.login('dipendente');
    expect((await t.call('GET', '/api/employees', { session: dipendente })).status).toBe(403);
    const other = (await page('?service=CP&pageSize=1')).items[0]!;
    const res = await t.call('GET', `/api/employees/${other.id}`, { session: dipendente });
    expect(res.status).toBe(404);
    expect((await t.call('GET', '/api/employees/emp_doesnotexist00', { session: hotline })).status).toBe(404);
    expect((await t.call('GET', '/api/employees/usr_aaaaaaaaaaaaaaaa', { session: hotline })).status).toBe(400);
  });

  describe('agreements', () => {
    const body = { daysPerWeek: 2, technology: ['vpn', 'laptop', 'vpn'], activityIds: [] as number[], startsOn: '2026-02-01', endsOn: '2027-01-31' };
    const auditRows = async (targetId: string) =>
      (await t.database.db.select({ n: count() }).from(schema.auditLog).where(and(eq(schema.auditLog.targetId, targetId), eq(schema.auditLog.targetType, 'employee'))))[0]!.n;

    it("lets the manager set a report's agreement, audited with before and after", async () => {
      const responsabile = await t.login('responsabile');
      const dipendente = await t.login('dipendente');
      const id = dipendente.me.employeeId!;
      const activities = (await (await t.call('GET', '/api/activities?service=SD', { session: responsabile })).json()) as { items: { id: number; mode: string }[] };
      const remote = activities.items.filter((a) => a.mode !== 'presence').slice(0, 2).map((a) => a.id);
      const res = await t.call('PUT', `/api/employees/${id}/agreement`, { session: responsabile, body: { ...body, activityIds: remote } });
      expect(res.status).toBe(200);
      const saved = ZAgreement.parse(await res.json());
      expect(saved).toMatchObject({ daysPerWeek: 2, technology: ['laptop', 'vpn'], startsOn: '2026-02-01', endsOn: '2027-01-31' });
      expect(saved.activities.map((a) => a.id).sort()).toEqual([...remote].sort());
      const [entry] = await t.database.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.action, 'agreement.update'), eq(schema.auditLog.targetId, id)));
      expect(entry).toMatchObject({ actorUsername: 'responsabile', actorRole: 'approver', after: { daysPerWeek: 2 } });
      expect(entry!.before).not.toBeNull();
    });

    it('refuses bad input and rule violations without changing anything', async () => {
      const responsabile = await t.login('responsabile');
      const id = (await t.login('dipendente')).me.employeeId!;
      const otherService = (await (await t.call('GET', '/api/activities?service=CP', { session: responsabile })).json()) as { items: { id: number }[] };
      const before = await auditRows(id);
      const cases: [unknown, number][] = [
        [{ ...body, daysPerWeek: 6 }, 400],
        [{ ...body, endsOn: '2026-01-01' }, 400],
        [{ ...body, technology: ['jetpack'] }, 400],
        [{ ...body, employeeId: 'emp_x' }, 400],
        [{ ...body, activityIds: [otherService.items[0]!.id] }, 422],
      ];
      for (const [payload, status] of cases) {
        const res = await t.call('PUT', `/api/employees/${id}/agreement`, { session: responsabile, body: payload });
        expect(res.status, JSON.stringify(payload)).toBe(status);
      }
      expect(await auditRows(id)).toBe(before);
    });

    it('refuses an agreement for a profile that may not work remotely', async () => {
      const admin = await t.login('admin');
      const agent = (await page('?eligible=false&pageSize=1')).items[0]!;
      const res = await t.call('PUT', `/api/employees/${agent.id}/agreement`, { session: admin, body });
      expect(res.status).toBe(422);
      expect(ZError.parse(await res.json()).error.message).toMatch(/may not work remotely/);
    });

    it('nobody edits their own agreement, not even a manager', async () => {
      const responsabile = await t.login('responsabile');
      const res = await t.call('PUT', `/api/employees/${responsabile.me.employeeId}/agreement`, { session: responsabile, body });
      expect(res.status).toBe(403);
    });
  });
});
