import { z } from 'zod';
import { defineJob } from '../../define-job.js';

/**
 * What the admin asked for. No secret: the CA's name, key type and validity, the CA it replaces and who asked. The
 * passphrase that seals the new key comes from the worker's configuration; the key itself never leaves the worker
 * unsealed.
 */
export const ZCreateCaPayload = z
  .object({
    name: z.string().trim().min(3).max(64),
    keyType: z.enum(['rsa-3072', 'rsa-4096', 'ec-p384']),
    validityDays: z.number().int().min(365).max(9125),
    replacesCaId: z.string().regex(/^ca_[0-9a-z]{10,32}$/).nullable(),
    requestedBy: z.object({ userId: z.string().nullable(), username: z.string().max(200).nullable(), requestId: z.string().max(200).nullable() }).strict(),
  })
  .strict();
export type TCreateCaPayload = z.infer<typeof ZCreateCaPayload>;

/**
 * A new root CA from the console: the key is generated here because RSA-4096 takes seconds (never in an HTTP
 * request). One attempt: a CA is not something to make again behind the admin's back; a failure is shown on the
 * /pki page and the admin asks again.
 */
export const createCaJob = defineJob({
  name: 'pki.create-ca',
  queue: 'pki',
  payload: ZCreateCaPayload,
  options: { attempts: 1, removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 30 * 86_400 } },
  tracked: true,
  handler: async () => (await import('./create-ca.handler.js')).handleCreateCa,
});
