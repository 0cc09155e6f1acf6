import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TRunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`), never through a shell. */
export function run(command: string, args: string[], options: { input?: string | Buffer; cwd?: string; timeoutMs?: number } = {}): Promise<TRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // the command may exit before reading its input: its exit code tells
      child.stdin.end(options.input);
    }
  });
}

export const openssl = (args: string[], options?: { input?: string | Buffer; cwd?: string }) => run('openssl', args, options);

/** A scratch directory under VARCO_TEST_TMP (kept by the test runner when a test fails) or the system tmp. */
export async function scratchDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(process.env.VARCO_TEST_TMP ?? tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
