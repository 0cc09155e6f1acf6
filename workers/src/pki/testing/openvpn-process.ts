import { spawn, type ChildProcess } from 'node:child_process';

/**
 * An openvpn process under `timeout` (the client retries forever otherwise), with its log kept in memory.
 * Stop it by its pid with `stop()`; tests call it in `finally`/`afterAll` so none is left behind.
 */
export interface TOpenvpnProcess {
  readonly log: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
  readonly exited: () => boolean;
}

const LIFETIME_SECONDS = '90';

export function startOpenvpn(args: string[], options: { cwd: string; netns?: string }): TOpenvpnProcess {
  const command = options.netns ? 'ip' : 'timeout';
  const argv = options.netns
    ? ['netns', 'exec', options.netns, 'timeout', LIFETIME_SECONDS, 'openvpn', ...args]
    : [LIFETIME_SECONDS, 'openvpn', ...args];
  // `ip netns exec` execs its command, so the pid is timeout's either way; timeout passes SIGTERM on to openvpn.
  const child = spawn(command, argv, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiters) wake();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.on('close', () => {
    for (const wake of waiters) wake();
  });
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    log: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    waitFor: (pattern, timeoutMs = 30_000) => waitFor(child, () => output, waiters, pattern, timeoutMs),
    async stop() {
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await closed;
      clearTimeout(timer);
    },
  };
}

function waitFor(child: ChildProcess, output: () => string, waiters: Set<() => void>, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      waiters.delete(check);
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(output());
    };
    const check = () => {
      if (pattern.test(output())) done();
      else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`openvpn exited before ${pattern}; log:\n${output().slice(-3000)}`));
    };
    const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms; log:\n${output().slice(-3000)}`)), timeoutMs);
    waiters.add(check);
    check();
  });
}
