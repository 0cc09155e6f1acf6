import { applyAction, deserialize } from '$app/forms';
import { invalidateAll } from '$app/navigation';
import type { ActionResult } from '@sveltejs/kit';
import { BULK_CHUNK_SIZE, chunk, isBulkData, mergeResults, type BulkData } from './bulk-results';

/**
 * With JavaScript, a bulk form posts its selection to the same form action in chunks, so a `<progress>` can
 * show how far it got; the per-chunk answers are merged into one result, exactly the shape the server returns
 * for a single (no-JavaScript) post. A failure of a whole chunk (validation, session) stops and is shown as is.
 */
export async function submitBulkInChunks(
  form: HTMLFormElement,
  submitter: HTMLElement | null,
  onProgress: (processed: number, total: number) => void,
): Promise<void> {
  const data = new FormData(form, submitter);
  const ids = [...new Set(data.getAll('requestIds').filter((id): id is string => typeof id === 'string'))];
  const chunks = ids.length ? chunk(ids, BULK_CHUNK_SIZE) : [[]];
  // Not `form.action`: a control named "action" (the step to take) shadows that property.
  const target = new URL(form.getAttribute('action') ?? '', window.location.href);
  let merged: BulkData | null = null;
  let processed = 0;
  onProgress(0, ids.length);
  for (const part of chunks) {
    const body = new FormData();
    for (const [name, value] of data) if (name !== 'requestIds') body.append(name, value);
    for (const id of part) body.append('requestIds', id);
    const response = await fetch(target, {
      method: 'POST',
      body,
      headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
    });
    const result: ActionResult = deserialize(await response.text());
    if (result.type !== 'success' || !isBulkData(result.data)) {
      if (merged) await invalidateAll();
      await applyAction(result);
      return;
    }
    const answer: BulkData = result.data;
    merged = merged === null ? answer : mergeResults(merged, answer);
    processed += part.length;
    onProgress(processed, ids.length);
  }
  await invalidateAll();
  // Done: clear the selection (checkboxes joined through form="…" are reset with it) and show the summary.
  form.reset();
  await applyAction({ type: 'success', status: 200, data: merged as unknown as Record<string, unknown> });
}
