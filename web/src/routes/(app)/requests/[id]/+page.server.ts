import { ZAssignAsset, type TCertificate, type ZAsset } from '@varco/api/contract';
import type { z } from 'zod';
import { translate } from '$lib/i18n/translate';
import { ASSET_TYPE_FOR_KIND } from '$lib/requests/workflow';
import { ApiError } from '$lib/server/api';
import { loadOrRaise } from '$lib/server/api-errors';
import { invalidRequestForm, parseRequestId, runTransition, type RequestFormValues } from '$lib/server/request-actions';
import { workflowFailure } from '$lib/server/request-failures';
import { readChecklistForm } from '$lib/server/request-forms';
import type { Actions, PageServerLoad } from './$types';

const STOCK_PAGE_SIZE = 50;
const CREATED = ['draft', 'submitted', 'submitFailed'] as const;

const ITEM_ID = /^itm_[0-9a-z]{10,32}$/;

export const load: PageServerLoad = async (event) => {
  const { api } = event.locals;
  // The page polls this while a station certificate is being issued (see +page.svelte).
  event.depends('varco:request');
  const id = parseRequestId(event, event.params.id);
  const [me, request] = await loadOrRaise(event, Promise.all([api.requireMe(), api.requests.get(id)]));
  const canFulfil = me.permissions.includes('requests:fulfil');

  // The VPN items' station certificates (progress, serial), for readers of the PKI. A certificate that cannot be
  // read now only hides its details: the item still says what the request knows.
  const certificates: Record<string, TCertificate> = {};
  if (me.permissions.includes('pki:read')) {
    const withCertificate = request.items.filter((item) => item.kind === 'vpn' && item.certificateId);
    const found = await Promise.all(withCertificate.map((item) => api.pki.get(item.certificateId!).catch(() => null)));
    withCertificate.forEach((item, index) => {
      if (found[index]) certificates[item.id] = found[index];
    });
  }
  const assetQ = (event.url.searchParams.get('assetQ') ?? '').trim().slice(0, 64);

  // The hot-line picks devices while the request is in fulfilment: in-stock ones of the type each item needs.
  const stock: Record<string, z.output<typeof ZAsset>[]> = {};
  if (canFulfil && request.status === 'in_fulfilment') {
    const needing = request.items.filter((item) => !item.asset && ASSET_TYPE_FOR_KIND[item.kind]);
    const pages = await loadOrRaise(
      event,
      Promise.all(
        needing.map((item) =>
          api.assets.list({
            type: ASSET_TYPE_FOR_KIND[item.kind]!,
            status: 'in_stock',
            q: assetQ || undefined,
            page: 1,
            pageSize: STOCK_PAGE_SIZE,
          }),
        ),
      ),
    );
    needing.forEach((item, index) => (stock[item.id] = pages[index]!.items));
  }

  const created = CREATED.find((value) => value === event.url.searchParams.get('created')) ?? null;
  return { request, canFulfil, stock, assetQ, created, certificates };
};

export const actions: Actions = {
  transition: async (event) => {
    const id = parseRequestId(event, event.params.id);
    return runTransition(event, id, await event.request.formData());
  },

  /** The hot-line takes the request: the signed-in operator becomes its assignee. */
  take: async (event) => {
    const id = parseRequestId(event, event.params.id);
    const { api } = event.locals;
    const values: RequestFormValues = { form: 'take' };
    try {
      const me = await api.requireMe();
      await api.requests.setAssignee(id, me.id);
    } catch (err) {
      return workflowFailure(event, err, values);
    }
    return { kind: 'take' as const };
  },

  assignAsset: async (event) => {
    const id = parseRequestId(event, event.params.id);
    const { api, locale } = event.locals;
    const form = await event.request.formData();
    const itemId = String(form.get('itemId') ?? '');
    const assetId = String(form.get('assetId') ?? '');
    const values: RequestFormValues = { form: 'assign', itemId, assetId };
    const parsed = ZAssignAsset.safeParse({ assetId });
    if (!parsed.success || !ITEM_ID.test(itemId)) {
      return invalidRequestForm(event, { assetId: translate(locale, 'request.assign.error.assetId') }, values);
    }
    try {
      await api.requests.assignAsset(id, itemId, parsed.data.assetId);
    } catch (err) {
      // A double submit finds the item already holding this very asset: that is success, not a conflict.
      if (err instanceof ApiError && err.status === 409) {
        const current = await api.requests.get(id).catch(() => null);
        if (current?.items.some((item) => item.id === itemId && item.asset?.id === parsed.data.assetId)) {
          return { kind: 'assigned' as const };
        }
      }
      return workflowFailure(event, err, values);
    }
    return { kind: 'assigned' as const };
  },

  checklist: async (event) => {
    const id = parseRequestId(event, event.params.id);
    const { api } = event.locals;
    const ticksByItem = readChecklistForm(await event.request.formData());
    const values: RequestFormValues = { form: 'checklist' };
    try {
      // One item at a time (the API saves per item); a failure stops here and the page shows what is saved.
      for (const [itemId, ticks] of ticksByItem) await api.requests.updateChecklist(id, itemId, ticks);
    } catch (err) {
      return workflowFailure(event, err, values);
    }
    return { kind: 'checklist' as const };
  },

  /**
   * The station certificate of a VPN item (server-key flow; the API binds it to the request's laptop). The
   * one-time password travels back only in this answer, never in page data. Failures have the page's shape.
   */
  issueCertificate: async (event) => {
    const id = parseRequestId(event, event.params.id);
    const { api, locale } = event.locals;
    const itemId = String((await event.request.formData()).get('itemId') ?? '');
    const values: RequestFormValues = { form: 'certificate', itemId };
    if (!ITEM_ID.test(itemId)) return invalidRequestForm(event, { itemId: translate(locale, 'apiError.not_found') }, values);
    try {
      // No issuance key: the API uses the item's own, so a double submit issues one certificate.
      const answer = await api.pki.issueForItem(id, itemId, { flow: 'server-key' });
      return { kind: 'certificate' as const, itemId, oneTimePassword: answer.oneTimePassword };
    } catch (err) {
      return workflowFailure(event, err, values);
    }
  },
};
