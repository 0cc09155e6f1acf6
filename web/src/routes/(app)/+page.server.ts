import type { THealth } from '@varco/api/contract';
import { canSeeHealth } from '$lib/navigation';
import { loadOrRaise } from '$lib/server/api-errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { api } = event.locals;
  const me = await loadOrRaise(event, api.requireMe());
  if (!canSeeHealth(me)) return { showHealth: false, health: null };
  // A health page that fails to load is itself a finding: show "unreachable" instead of an error page.
  const health: THealth | null = await api.health.get().catch((err: unknown) => {
    console.warn(`[web] /healthz unreachable (${event.locals.requestId})`, err);
    return null;
  });
  return { showHealth: true, health };
};
