import { randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import {
  createKitRequest,
  schema,
  seedDemoData,
  transitionKitRequest,
  type Database,
  type TActor,
  type TRequestAction,
  type TRequestKind,
  type TWorkflowUser,
} from '@varco/db';
import { openTestDatabase } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMailbox, type TMailbox, type TSinkMessage } from '../../../../ops/src/testing/mailbox.js';
import { formatRequestNumber } from '../../mail/templates.js';
import { relayOutboxOnce } from '../../outbox-relay.js';
import { createProducer, type TProducer } from '../../producer.js';
import { startWorkers, type TWorkers } from '../../runtime.js';

const redisUrl = process.env.TEST_REDIS_URL;
const silent = { info: () => {}, error: () => {} };
const PUBLIC_URL = 'https://varco.example.it';
const FROM = 'Varco <varco@comune.example.it>';
const JOB = 'notify.request-event';

interface TAccount {
  user: TWorkflowUser;
  actor: TActor;
  employeeId: string;
  email: string;
  name: string;
}

// Real workers on a real Redis (own key prefix), a real SMTP dialogue with the sink the test command runs (this
// file's own mailbox), the workflow's own commands on in-memory PGlite: the mail a person gets is what these read.
describe('notify.request-event', () => {
  let database: Database;
  let sink: TMailbox;
  let producer: TProducer;
  let workers: TWorkers;
  let employee: TAccount;
  let manager: TAccount;
  let kinds: TRequestKind[];

  beforeAll(async () => {
    if (!redisUrl) throw new Error('TEST_REDIS_URL is not set (run the suite with `npm test`)');
    database = await openTestDatabase('pglite');
    await seedDemoData(database.db);
    sink = openMailbox('notify');
    const prefix = `t-${randomBytes(4).toString('hex')}`;
    producer = createProducer(redisUrl, { prefix });
    workers = await startWorkers({
      db: database.db,
      redisUrl,
      prefix,
      logger: silent,
      mail: { smtpUrl: sink.url, from: FROM },
      publicUrl: PUBLIC_URL,
    });
    employee = await account('dipendente');
    manager = await account('responsabile');
    // Request what the agreement grants, so approval needs no eligibility override.
    const [agreement] = await database.db.select().from(schema.agreements).where(eq(schema.agreements.employeeId, employee.employeeId));
    kinds = (agreement?.technology ?? []) as TRequestKind[];
    expect(kinds.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await workers?.close();
    await producer?.close();
    await database?.close();
  });

  async function account(username: string): Promise<TAccount> {
    const [row] = await database.db
      .select({ user: schema.users, employee: schema.employees })
      .from(schema.users)
      .innerJoin(schema.employees, eq(schema.employees.id, schema.users.employeeId))
      .where(eq(schema.users.username, username));
    if (!row?.employee.email) throw new Error(`demo account ${username} has no employee with an e-mail address`);
    const { id, displayName, roles } = row.user;
    return {
      user: { id, username, displayName, roles, employeeId: row.employee.id },
      actor: { userId: id, username, role: roles.at(-1) ?? null, requestId: null, ip: null },
      employeeId: row.employee.id,
      email: row.employee.email,
      name: `${row.employee.firstName} ${row.employee.lastName}`,
    };
  }

  async function newRequest() {
    return createKitRequest(database.db, { employeeId: employee.employeeId, kinds, note: null, user: employee.user, actor: employee.actor });
  }

  /** Runs one workflow step and returns the outbox id (= BullMQ job id = job_runs key) of its notification. */
  async function step(requestId: string, action: TRequestAction, by: TAccount, comment: string | null = null) {
    await transitionKitRequest(database.db, { requestId, action, comment, user: by.user, actor: by.actor });
    const [event] = await database.db
      .select({ id: schema.kitRequestEvents.id })
      .from(schema.kitRequestEvents)
      .where(and(eq(schema.kitRequestEvents.requestId, requestId), eq(schema.kitRequestEvents.action, action)))
      .orderBy(desc(schema.kitRequestEvents.at))
      .limit(1);
    const [row] = await database.db
      .select({ id: schema.outbox.id })
      .from(schema.outbox)
      .where(and(eq(schema.outbox.jobName, JOB), sql`${schema.outbox.payload}->>'eventId' = ${event!.id}`));
    return row!.id;
  }

  const relay = () => relayOutboxOnce(database.db, producer, { limit: 100 });
  const mailsAbout = async (requestId: string) => (await sink.messages()).filter((m) => m.text.includes(`${PUBLIC_URL}/requests/${requestId}`));
  const waitForMail = (requestId: string, subject: RegExp) =>
    sink.waitFor((m) => m.text.includes(`${PUBLIC_URL}/requests/${requestId}`) && subject.test(m.subject), 10_000);
  const notifyQueue = () => producer.queues().find((queue) => queue.name === 'varco-notify')!;

  async function waitForRun(key: string, done: (run: typeof schema.jobRuns.$inferSelect) => boolean) {
    for (let i = 0; i < 200; i++) {
      const [run] = await database.db.select().from(schema.jobRuns).where(and(eq(schema.jobRuns.jobName, JOB), eq(schema.jobRuns.key, key)));
      if (run && done(run)) return run;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job run ${key} did not reach the expected state`);
  }

  /** Waits until the job has failed `attempts` times and sits in BullMQ's delayed set, waiting out its backoff. */
  async function waitUntilDelayed(jobId: string, attempts: number) {
    for (let i = 0; i < 200; i++) {
      const job = await notifyQueue().getJob(jobId);
      if (job && job.attemptsMade >= attempts && (await job.getState()) === 'delayed') return job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${jobId} did not fail ${attempts} time(s)`);
  }

  async function setLocale(account: TAccount, locale: 'it' | 'en') {
    await database.db.update(schema.users).set({ locale }).where(eq(schema.users.id, account.user.id));
  }

  it('asks the manager to approve a submitted request, in Italian', async () => {
    const request = await newRequest();
    const key = await step(request.id, 'submit', employee);
    await relay();
    const mail = await waitForMail(request.id, /da approvare/);
    expect(mail.to).toEqual([manager.email]);
    expect(mail.from).toBe('varco@comune.example.it');
    expect(mail.subject).toBe(`Richiesta ${formatRequestNumber(request.number, request.createdAt)} di ${employee.name} da approvare`);
    expect(mail.text).toContain(`Gentile ${manager.name},`);
    const run = await waitForRun(key, (r) => r.status === 'succeeded');
    expect(run.result).toMatchObject({ to: manager.email, template: 'submitted', locale: 'it' });
    // job_runs keeps who was told, never what the message said.
    expect(JSON.stringify(run.result)).not.toContain('approvare');
  });

  it("writes to the employee in the language of their account", async () => {
    await setLocale(employee, 'en');
    try {
      const request = await newRequest();
      await step(request.id, 'submit', employee);
      const key = await step(request.id, 'approve', manager);
      await relay();
      const mail = await waitForMail(request.id, /approved/);
      expect(mail.to).toEqual([employee.email]);
      expect(mail.subject).toBe(`Request ${formatRequestNumber(request.number, request.createdAt)} approved`);
      expect(mail.text).toContain(`has been approved by ${manager.name}`);
      // The manager's account is still Italian.
      expect((await waitForMail(request.id, /da approvare/)).to).toEqual([manager.email]);
      expect(await waitForRun(key, (r) => r.status === 'succeeded')).toMatchObject({ result: { template: 'approved', locale: 'en' } });
    } finally {
      await setLocale(employee, 'it');
    }
  });

  it('tells the employee why a request was rejected, escaped in the HTML part', async () => {
    const reason = 'Manca l\'accordo firmato <script>alert("x")</script>';
    const request = await newRequest();
    await step(request.id, 'submit', employee);
    await step(request.id, 'reject', manager, reason);
    await relay();
    const mail = await waitForMail(request.id, /respinta/);
    expect(mail.to).toEqual([employee.email]);
    expect(mail.text).toContain(`Motivo:\n${reason}`);
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script');
  });

  it('tells HR, in their language, when a VPN request waits for their confirmation; the employee hears only after HR', async () => {
    const hr = await account('hr');
    await setLocale(hr, 'en');
    try {
      const request = await newRequest();
      expect(kinds).toContain('vpn');
      await step(request.id, 'submit', employee);
      await transitionKitRequest(database.db, { requestId: request.id, action: 'approve', comment: 'Ok dal responsabile', hrConfirmsVpn: true, user: manager.user, actor: manager.actor });
      await relay();
      const mail = await waitForMail(request.id, /VPN access to confirm/);
      expect(mail.to).toEqual([hr.email]);
      expect(mail.subject).toBe(`Request ${formatRequestNumber(request.number, request.createdAt)} from ${employee.name}: VPN access to confirm`);
      expect(mail.text).toContain(`Dear ${hr.name},`);
      expect(mail.text).toContain(`has approved by ${manager.name}`);
      expect(mail.text).toContain("Manager's note:\nOk dal responsabile");
      expect((await mailsAbout(request.id)).filter((m) => m.to.includes(employee.email) && /approvata|approved/.test(m.subject))).toHaveLength(0);

      const confirmKey = await step(request.id, 'hr-confirm', hr);
      await relay();
      expect((await waitForMail(request.id, /approvata/)).to).toEqual([employee.email]);
      expect(await waitForRun(confirmKey, (r) => r.status === 'succeeded')).toMatchObject({ result: { template: 'approved', to: employee.email } });
      // One mail to HR, one to the manager (submitted), one to the employee (approved): nobody mailed twice.
      expect((await mailsAbout(request.id)).map((m) => m.to[0]).sort()).toEqual([employee.email, hr.email, manager.email].sort());
    } finally {
      await setLocale(hr, 'it');
    }
  });

  it('a failing SMTP server delays the mail but never the workflow, and each mail arrives once', async () => {
    try {
      await sink.setFailing('reject-451');
      const request = await newRequest();
      const submitKey = await step(request.id, 'submit', employee);
      await relay();
      await waitUntilDelayed(submitKey, 1);
      expect(await waitForRun(submitKey, (r) => r.error !== null)).toMatchObject({ status: 'queued', error: expect.stringContaining('451') });

      // The relay in maintenance: it answers 421 and hangs up. The step is taken all the same; the mail waits.
      await sink.setFailing('unavailable-421');
      const approveKey = await step(request.id, 'approve', manager);
      const [row] = await database.db.select().from(schema.kitRequests).where(eq(schema.kitRequests.id, request.id));
      expect(row?.status).toBe('approved');
      await relay();
      await waitUntilDelayed(approveKey, 1);
      expect(await waitForRun(approveKey, (r) => r.error !== null)).toMatchObject({ status: 'queued', error: expect.stringContaining('421') });
      // Skip the 30 s backoff: the submit mail's second attempt meets the unavailable relay too.
      await (await waitUntilDelayed(submitKey, 1)).promote();
      await waitUntilDelayed(submitKey, 2);
      expect(await mailsAbout(request.id)).toHaveLength(0);

      await sink.setFailing('none');
      await Promise.all([(await waitUntilDelayed(submitKey, 2)).promote(), (await waitUntilDelayed(approveKey, 1)).promote()]);
      const [submitRun, approveRun] = await Promise.all([
        waitForRun(submitKey, (r) => r.status === 'succeeded'),
        waitForRun(approveKey, (r) => r.status === 'succeeded'),
      ]);
      expect(submitRun.attempts).toBe(3);
      expect(approveRun.attempts).toBe(2);
      await waitForMail(request.id, /approvata/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const mails = await mailsAbout(request.id);
      expect(mails.map((m) => m.to[0]).sort()).toEqual([employee.email, manager.email].sort());
    } finally {
      await sink.setFailing('none');
    }
  });

  it('sends one mail when the same outbox row is delivered twice', async () => {
    const request = await newRequest();
    const key = await step(request.id, 'submit', employee);
    await Promise.all([relay(), relay()]);
    await waitForMail(request.id, /da approvare/);
    await waitForRun(key, (r) => r.status === 'succeeded');
    // Redis forgot the finished job (removeOnComplete, a flush): a late duplicate is a new BullMQ job.
    await (await notifyQueue().getJob(key))?.remove();
    await producer.enqueue(JOB, { requestId: request.id, eventId: await eventIdOf(key) }, { jobId: key });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await mailsAbout(request.id)).toHaveLength(1);
    const runs = await database.db.select().from(schema.jobRuns).where(eq(schema.jobRuns.key, key));
    expect(runs).toHaveLength(1);
    expect(runs[0]?.attempts).toBe(1);
  });

  it('skips steps that concern nobody and people without an address', async () => {
    const request = await newRequest();
    await step(request.id, 'submit', employee);
    const cancelKey = await step(request.id, 'cancel', employee);
    await relay();
    expect(await waitForRun(cancelKey, (r) => r.status === 'succeeded')).toMatchObject({ result: { skipped: 'no mail for cancel' } });

    const setEmail = (email: string | null) =>
      database.db.update(schema.employees).set({ email }).where(eq(schema.employees.id, employee.employeeId));
    await setEmail(null);
    try {
      const unreachable = await newRequest();
      await step(unreachable.id, 'submit', employee);
      const approveKey = await step(unreachable.id, 'approve', manager);
      await relay();
      const run = await waitForRun(approveKey, (r) => r.status === 'succeeded');
      expect(run.result).toEqual({ skipped: `employee ${employee.employeeId} has no e-mail address`, template: 'approved' });
      expect((await mailsAbout(unreachable.id)).filter((m: TSinkMessage) => /approvata/.test(m.subject))).toHaveLength(0);
    } finally {
      await setEmail(employee.email);
    }
  });

  it('records "skipped" instead of failing when no SMTP server is configured', async () => {
    const prefix = `t-${randomBytes(4).toString('hex')}`;
    const otherProducer = createProducer(redisUrl!, { prefix });
    const withoutMail = await startWorkers({ db: database.db, redisUrl: redisUrl!, prefix, logger: silent, mail: null });
    try {
      const request = await newRequest();
      const key = await step(request.id, 'submit', employee);
      await relayOutboxOnce(database.db, otherProducer, { limit: 100 });
      const run = await waitForRun(key, (r) => r.status === 'succeeded');
      expect(run.result).toEqual({ skipped: 'smtp not configured', template: 'submitted' });
      expect(run.attempts).toBe(1);
      expect(await mailsAbout(request.id)).toHaveLength(0);
    } finally {
      await withoutMail.close();
      await otherProducer.close();
    }
  });

  async function eventIdOf(outboxId: string): Promise<string> {
    const [row] = await database.db.select({ payload: schema.outbox.payload }).from(schema.outbox).where(eq(schema.outbox.id, outboxId));
    return (row!.payload as { eventId: string }).eventId;
  }
});
