import type { ZAssetQuery, ZBulkTransition, ZQueueQuery, ZRequestListQuery } from '@varco/api/contract';
import type { z } from 'zod';

/** Query and body shapes the contract defines as schemas but does not export as types (yet). */
export type RequestListQuery = z.output<typeof ZRequestListQuery>;
export type QueueQuery = z.output<typeof ZQueueQuery>;
export type AssetQuery = z.output<typeof ZAssetQuery>;
export type BulkTransition = z.output<typeof ZBulkTransition>;
