import { connect } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, startPostgres, type PostgresServer } from './postgres.js';
import { startRedis, type RedisServer } from './redis.js';

/** true if something accepts TCP connections on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('test server helpers', () => {
  let redis: RedisServer | undefined;
  let postgres: PostgresServer | undefined;

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  });

  afterAll(async () => {
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });

  it('starts redis with noeviction and round-trips a value', async () => {
    const client = new Redis(redis!.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await client.connect();
      expect(await client.set('varco:test', 'ok')).toBe('OK');
      expect(await client.get('varco:test')).toBe('ok');
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    } finally {
      client.disconnect();
    }
  });

  it('starts postgres and answers select 1', async () => {
    const rows = await query<{ one: number }>(postgres!.url, 'select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('creates a database and rejects unsafe names', async () => {
    const url = await createDatabase(postgres!.url, 'servers_test_db');
    expect(new URL(url).pathname).toBe('/servers_test_db');
    expect(await query<{ db: string }>(url, 'select current_database() as db')).toEqual([{ db: 'servers_test_db' }]);
    await expect(createDatabase(postgres!.url, 'x"; drop database postgres; --')).rejects.toThrow(/invalid database name/);
  });

  it('closes both ports on stop', async () => {
    const ports = [redis!.port, postgres!.port];
    await Promise.all([redis!.stop(), postgres!.stop()]);
    redis = postgres = undefined;
    expect(await Promise.all(ports.map(portOpen))).toEqual([false, false]);
  });
});
