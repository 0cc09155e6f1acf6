import { ZCertificateState } from '@varco/api/contract';
import { loadOrRaise } from '$lib/server/api-errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const params = event.url.searchParams;
  const state = ZCertificateState.safeParse(params.get('state'));
  const q = (params.get('q') ?? '').trim().slice(0, 100);
  const page = Math.max(1, Math.min(100_000, Number(params.get('page')) || 1));
  const query = { state: state.success ? state.data : undefined, q: q || undefined, page, pageSize: 50 };
  const list = await loadOrRaise(event, event.locals.api.pki.list(query));
  return { list, state: query.state ?? '', q };
};
