import { certificateProgress } from '$lib/server/bulk-certificates';
import type { RequestHandler } from './$types';

/** GET ?id=cert_…&id=…: the states the queue's bulk issuance follows (see BulkCertificates.svelte). */
export const GET: RequestHandler = (event) => certificateProgress(event);
