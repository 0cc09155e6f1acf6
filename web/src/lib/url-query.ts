import { resolve } from '$app/paths';
import type { Pathname, ResolvedPathname } from '$app/types';

/**
 * Lists keep all their state in the query string (so they work without JavaScript and can be bookmarked).
 * Returns the list's own route with `search` plus `changes` applied (`null` removes a parameter), resolved
 * against the base path like every other link of the console.
 */
export function withQuery(
  route: Pathname,
  search: URLSearchParams,
  changes: Record<string, string | number | null>,
): ResolvedPathname {
  const params = new URLSearchParams(search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === '') params.delete(name);
    else params.set(name, String(value));
  }
  const query = params.toString();
  // `resolve`'s argument type is one overload per route; over a union of ~25 routes TypeScript stops
  // distributing it, so the (already typed) pathname goes through a plain signature.
  const resolvePath = resolve as (path: string) => ResolvedPathname;
  return resolvePath(query ? `${route}?${query}` : route);
}

/** Query parameters as a plain object, without empty values (an empty search box means "no filter"). */
export function nonEmptyParams(params: URLSearchParams, names: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of names) {
    const value = params.get(name)?.trim();
    if (value) result[name] = value;
  }
  return result;
}
