import type { z } from 'zod';

/**
 * Parses a list page's query string with the contract's schema. Hand-edited or stale URLs should not break
 * the page: parameters that fail validation are dropped (and reported) and the rest still applies.
 */
export function parseListQuery<S extends z.ZodType<unknown, Record<string, unknown>>>(
  schema: S,
  raw: Record<string, string>,
): { query: z.output<S>; invalid: string[] } {
  const first = schema.safeParse(raw);
  if (first.success) return { query: first.data, invalid: [] };
  const invalid = [...new Set(first.error.issues.map((issue) => String(issue.path[0] ?? '')))].filter(Boolean);
  const kept = Object.fromEntries(Object.entries(raw).filter(([name]) => !invalid.includes(name)));
  return { query: schema.parse(kept), invalid };
}
