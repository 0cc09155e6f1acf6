import type { TRequestDetail } from '@varco/api/contract';
import { z } from 'zod';

/** One line of what the employee accepts (or accepted): the kind, and the device when there is one. */
export interface AcceptedItem {
  kind: string;
  model: string | null;
  serial: string | null;
  assetTag: string | null;
}

/**
 * The contract types `acceptance` as unknown (a frozen JSON record written at acceptance). Read it defensively:
 * a shape this console does not know is not shown rather than shown wrong.
 */
const ZAcceptance = z.object({
  items: z.array(
    z.object({
      kind: z.string(),
      model: z.string().nullable().default(null),
      serial: z.string().nullable().default(null),
      assetTag: z.string().nullable().default(null),
    }),
  ),
});

export function acceptedItems(acceptance: unknown): AcceptedItem[] | null {
  const parsed = ZAcceptance.safeParse(acceptance);
  return parsed.success ? parsed.data.items : null;
}

/** What the employee is about to accept: the request's items as they stand now. */
export function itemsToAccept(items: TRequestDetail['items']): AcceptedItem[] {
  return items.map((item) => ({
    kind: item.kind,
    model: item.asset?.model ?? null,
    serial: item.asset?.serial ?? null,
    assetTag: item.asset?.assetTag ?? null,
  }));
}
