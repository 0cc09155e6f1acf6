import { applyAction, deserialize } from '$app/forms';
import { invalidateAll } from '$app/navigation';
import type { ActionResult } from '@sveltejs/kit';
import { BULK_CHUNK_SIZE, chunk, isBulkData, mergeResults, type BulkData } from './bulk-results';

interface ChunkedPost<T> {
  /** Recognises a chunk's answer; anything else (validation, session) stops the run and is shown as is. */
  isAnswer: (data: unknown) => data is T;
  merge: (first: T, second: T) => T;
  onProgress: (processed: number, total: number) => void;
}

/**
 * With JavaScript, a bulk form posts its selection to its form action (or the submitter's `formaction`) in
 * chunks, so a `<progress>` can show how far it got; the per-chunk answers are merged into one result, exactly
 * the shape the server returns for a single (no-JavaScript) post. Returns null when a chunk failed (already shown).
 */
export async function postSelectionInChunks<T>(form: HTMLFormElement, submitter: HTMLElement | null, options: ChunkedPost<T>): Promise<T | null> {
  const data = new FormData(form, submitter);
  const ids = [...new Set(data.getAll('requestIds').filter((id): id is string => typeof id === 'string'))];
  const chunks = ids.length ? chunk(ids, BULK_CHUNK_SIZE) : [[]];
  // Not `form.action`: a control named "action" (the step to take) shadows that property.
  const action = submitter?.getAttribute('formaction') ?? form.getAttribute('action') ?? '';
  const target = new URL(action, window.location.href);
  let merged: T | null = null;
  let processed = 0;
  options.onProgress(0, ids.length);
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
    if (result.type !== 'success' || !options.isAnswer(result.data)) {
      if (merged) await invalidateAll();
      await applyAction(result);
      return null;
    }
    const answer: T = result.data;
    merged = merged === null ? answer : options.merge(merged, answer);
    processed += part.length;
    options.onProgress(processed, ids.length);
  }
  return merged;
}

/** Workflow steps on many requests: chunks, then the merged summary in `form`, the list reloaded, the selection cleared. */
export async function submitBulkInChunks(
  form: HTMLFormElement,
  submitter: HTMLElement | null,
  onProgress: (processed: number, total: number) => void,
): Promise<void> {
  const merged = await postSelectionInChunks<BulkData>(form, submitter, { isAnswer: isBulkData, merge: mergeResults, onProgress });
  if (!merged) return;
  await invalidateAll();
  // Done: clear the selection (checkboxes joined through form="…" are reset with it) and show the summary.
  form.reset();
  await applyAction({ type: 'success', status: 200, data: merged as unknown as Record<string, unknown> });
}
