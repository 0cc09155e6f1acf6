import type { TMe } from '@varco/api/contract';

/**
 * What the browser gets to know about the signed-in user. The CSRF token stays on the server: the console
 * never calls the API from the browser, so page data (serialised into the HTML) has no reason to carry it.
 */
export type SessionUser = Omit<TMe, 'csrfToken'>;

export function toSessionUser(me: TMe): SessionUser {
  const user: Partial<TMe> = { ...me };
  delete user.csrfToken;
  return user as SessionUser;
}
