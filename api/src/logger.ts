export interface TLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

// Field names that must never be written, whatever a caller passes by mistake.
const REDACTED = /pass(word)?|secret|token|key|pkcs|cookie|authorization/i;

function redact(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, REDACTED.test(k) ? '[redacted]' : v]));
}

/** One JSON line per event on stdout/stderr; levels below `level` are dropped. */
export function createLogger(params: { level: 'info' | 'warn' | 'error' | 'silent'; name: string }): TLogger {
  const order = { info: 0, warn: 1, error: 2, silent: 3 } as const;
  const write = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    if (order[level] < order[params.level]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, name: params.name, message, ...redact(fields) });
    (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
