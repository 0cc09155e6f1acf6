import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1. There is a small race between this check and the server's own bind
 * (none of redis, postgres, slapd or openvpn can bind port 0 and report it), so starters retry.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
