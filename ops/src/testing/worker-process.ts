import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from './redis.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface TWorkerProcess {
  pid: number;
  /** Everything the process wrote so far (JSON log lines; ids only, no secrets). */
  log(): string;
  isRunning(): boolean;
  /** SIGKILL: no shutdown hook runs, running jobs are abandoned mid-way (what a crash or the OOM killer does). */
  kill(): Promise<void>;
  /** SIGTERM: graceful shutdown (running jobs finish first). */
  stop(): Promise<void>;
}

/**
 * A real `--role=workers` process (ops/src/main.ts: workers, schedulers, outbox relay) as production runs it,
 * against PostgreSQL and Redis. `env` holds DATABASE_URL, REDIS_URL and the rest of its configuration; nothing is
 * inherited from the test process but PATH and HOME. Resolves once the process logged "workers ready".
 */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<TWorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'ops/src/main.ts'), '--role=workers'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit); // a vitest worker that exits early must not leave a worker process behind
  const handle = toHandle(child, () => output, () => process.off('exit', onExit));
  const deadline = Date.now() + timeoutMs;
  while (!output.includes('"message":"workers ready"')) {
    if (!handle.isRunning() || Date.now() > deadline) {
      await handle.kill();
      throw new Error(`the worker process did not get ready (${handle.isRunning() ? 'timeout' : `exit ${child.exitCode ?? child.signalCode}`}):\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return handle;
}

function toHandle(child: ChildProcess, log: () => string, forget: () => void): TWorkerProcess {
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid!,
    log,
    isRunning,
    async kill() {
      forget();
      await stopChild(child, 'SIGKILL');
    },
    async stop() {
      forget();
      await stopChild(child, 'SIGTERM', 20_000);
    },
  };
}
