import { sql } from 'drizzle-orm';
import type { TJobHandler } from '../../define-job.js';

export const handlePing: TJobHandler<{ nonce: string }> = async (payload, ctx) => {
  await ctx.db.execute(sql`select 1`);
  return { nonce: payload.nonce, pid: process.pid };
};

export const handleEcho: TJobHandler<{ note: string }> = async (payload, ctx) => {
  await ctx.progress(50);
  return { note: payload.note, handledBy: process.pid };
};
