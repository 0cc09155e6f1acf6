import type { SubmitFunction } from '@sveltejs/kit';

/**
 * `use:enhance` for forms that must not be sent twice (a double click on "Approva"): while one submission is in
 * flight, further ones are cancelled, and `onBusy` lets the form disable its button. Without JavaScript the
 * browser posts normally and the server answers a repeated step with 409, which the page explains kindly.
 */
export function submitOnce(onBusy: (busy: boolean) => void = () => {}, options: { reset?: boolean } = {}): SubmitFunction {
  let busy = false;
  return ({ cancel }) => {
    if (busy) {
      cancel();
      return;
    }
    busy = true;
    onBusy(true);
    return async ({ update }) => {
      try {
        await update({ reset: options.reset ?? false });
      } finally {
        busy = false;
        onBusy(false);
      }
    };
  };
}
