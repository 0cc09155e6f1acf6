// Admin CLI: `npm run varco -- <command>`. Reads the same environment as the server (DATABASE_URL or the
// embedded PGlite, which must not be open in a running server at the same time: the lock refuses it).
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ZRole } from '@varco/api/contract';
import { createLocalUser, DataDirLockedError, hashPassword, migrateDatabase, openDatabase, SYSTEM_ACTOR } from '@varco/db';
import { PKI_USAGE, runPkiCommand } from './cli-pki.js';
import { REPO_ROOT } from './host.js';

const USAGE = `usage: npm run varco -- create-user --username NAME --role ROLE [--role ROLE…] [--name "Display Name"]
  Creates a local account (for the first administrator of a real install) with a generated password,
  printed once. Roles: employee, approver, hotline, it-manager, admin.
${PKI_USAGE}`;

const ZCreateUser = z.object({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/i, 'letters, digits, . _ - (2–64)'),
  role: z.array(ZRole).min(1),
  name: z.string().min(1).max(200).optional(),
});

function fail(sentence: string): never {
  process.stderr.write(`varco: ${sentence}\n`);
  process.exit(1);
}

async function createUser(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { username: { type: 'string' }, role: { type: 'string', multiple: true }, name: { type: 'string' } },
  });
  const parsed = ZCreateUser.safeParse(values);
  if (!parsed.success) fail(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n${USAGE}`);
  const url = process.env.DATABASE_URL;
  const database = url
    ? await openDatabase({ url })
    : await openDatabase({ dataDir: join(resolve(REPO_ROOT, process.env.VARCO_DATA_DIR ?? '.data'), 'pglite') });
  try {
    await migrateDatabase(database);
    // 128 random bits; shown once, stored only as an scrypt hash.
    const password = randomBytes(16).toString('base64url');
    const user = await createLocalUser(database.db, {
      username: parsed.data.username,
      displayName: parsed.data.name ?? parsed.data.username,
      roles: parsed.data.role,
      passwordHash: await hashPassword(password),
      actor: { ...SYSTEM_ACTOR, username: 'ops-cli' },
    });
    process.stdout.write(`created ${user.username} (${user.roles.join(', ')}). Password, shown once: ${password}\n`);
  } finally {
    await database.close();
  }
}

async function pkiCommand(command: string, argv: string[]) {
  const dataDir = resolve(REPO_ROOT, process.env.VARCO_DATA_DIR ?? '.data');
  const url = process.env.DATABASE_URL;
  const database = url ? await openDatabase({ url }) : await openDatabase({ dataDir: join(dataDir, 'pglite') });
  try {
    await migrateDatabase(database);
    process.stdout.write(`${await runPkiCommand(command, argv, database, dataDir)}\n`);
  } finally {
    await database.close();
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'create-user') await createUser(rest);
  else if (command === 'ca' || command === 'crl' || command === 'vpn') await pkiCommand(command, rest);
  else fail(`unknown command "${command ?? ''}".\n${USAGE}`);
} catch (err) {
  if (err instanceof DataDirLockedError) fail(err.message);
  const message = (err as Error).message;
  fail(/users_username_uq|duplicate key/.test(message + String((err as Error).cause)) ? 'that username already exists.' : message);
}
