import { sql } from 'drizzle-orm';
import { selectRows, type Db } from '../client.js';

/** Open requests by state, with how long the oldest has waited (hours since submission). */
export async function openRequestsByState(db: Db) {
  return selectRows<{ status: string; count: number; oldestHours: number | null }>(
    db,
    sql`select status, count(*)::int as count,
               round(extract(epoch from (now() - min(coalesce(submitted_at, created_at)))) / 3600)::int as "oldestHours"
          from kit_requests
         where status in ('draft', 'submitted', 'approved', 'in_fulfilment', 'ready_for_installation', 'installed', 'delivered')
         group by status order by status`,
  );
}

/** Median hours from submission to installation, per kind of item, over installed requests. */
export async function leadTimeByKind(db: Db) {
  return selectRows<{ kind: string; count: number; medianHours: number }>(
    db,
    sql`select i.kind, count(*)::int as count,
               round((percentile_cont(0.5) within group (order by extract(epoch from (r.installed_at - r.submitted_at)) / 3600))::numeric, 1)::float8 as "medianHours"
          from kit_request_items i join kit_requests r on r.id = i.request_id
         where r.installed_at is not null and r.submitted_at is not null
         group by i.kind order by i.kind`,
  );
}

/** Kit handed out (accepted by the employee) per month and kind, for the chart. */
export async function handedOutByMonth(db: Db, params: { months: number }) {
  return selectRows<{ month: string; kind: string; count: number }>(
    db,
    sql`select to_char(date_trunc('month', r.accepted_at at time zone 'Europe/Rome'), 'YYYY-MM') as month, i.kind, count(*)::int as count
          from kit_request_items i join kit_requests r on r.id = i.request_id
         where r.accepted_at is not null and r.accepted_at > now() - make_interval(months => ${params.months})
         group by 1, 2 order by 1, 2`,
  );
}
