import { env } from '$env/dynamic/private';
import type { LayoutServerLoad } from './$types';

const DEFAULT_CITY_NAME = 'Comune di Prato';

export const load: LayoutServerLoad = ({ locals }) => ({
  locale: locals.locale,
  /** The administration's own name is not translated; each install sets it (VARCO_CITY_NAME). */
  cityName: env.VARCO_CITY_NAME || DEFAULT_CITY_NAME,
});
