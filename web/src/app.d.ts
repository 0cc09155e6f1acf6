import type { TLocale } from '@varco/api/contract';
import type { ApiClient } from '$lib/server/api';

declare global {
  namespace App {
    interface Error {
      message: string;
      /** API error code (`forbidden`, `not_found`…) when the failure came from the API. */
      code?: string;
      requestId?: string;
    }
    interface Locals {
      requestId: string;
      /** Cookie/Accept-Language locale, replaced by Me.locale once the session is known. */
      locale: TLocale;
      api: ApiClient;
    }
    interface PageData {
      locale: TLocale;
      cityName: string;
    }
  }
}

export {};
