import type { ActionResult } from '@sveltejs/kit';
import { describe, expect, it, vi } from 'vitest';
import { submitOnce } from './submit-once';

type SubmitInput = Parameters<ReturnType<typeof submitOnce>>[0];
type AfterSubmit = (options: { update: (options?: { reset?: boolean }) => Promise<void>; result: ActionResult }) => Promise<void>;

const input = (cancel: () => void) => ({ cancel }) as unknown as SubmitInput;

describe('submitOnce', () => {
  it('cancels a second submission while the first is in flight, then allows the next one', async () => {
    const busy: boolean[] = [];
    const submit = submitOnce((value) => busy.push(value));
    const cancelFirst = vi.fn();
    const cancelSecond = vi.fn();

    const after = (await submit(input(cancelFirst))) as AfterSubmit;
    expect(cancelFirst).not.toHaveBeenCalled();
    await submit(input(cancelSecond));
    expect(cancelSecond).toHaveBeenCalledOnce();

    const update = vi.fn(async () => {});
    await after({ update, result: { type: 'success', status: 200 } });
    expect(update).toHaveBeenCalledWith({ reset: false });
    expect(busy).toEqual([true, false]);

    const cancelThird = vi.fn();
    await submit(input(cancelThird));
    expect(cancelThird).not.toHaveBeenCalled();
  });
});
