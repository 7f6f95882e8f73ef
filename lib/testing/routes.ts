import type { IncomingMessage } from 'node:http';

/** Whether `value` is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Route key of a path: lower case (ASP.NET routes ignore case), no trailing slashes. */
export function normalizeRoute(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47) end--;
  return path.slice(0, end).toLowerCase();
}

/** The token of an `Authorization: Bearer <token>` header (scheme case ignored), if any. */
export function readBearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined || header.length < 8) return undefined;
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = header.slice(7).trim();
  return token === '' ? undefined : token;
}

function pageField(pagination: unknown, key: string, fallback: number): number {
  const value = isRecord(pagination) ? pagination[key] : undefined;
  return Number.isInteger(value) && (value as number) >= 1 ? (value as number) : fallback;
}

/** The `POST /api/user/filter` result for `body.Pagination` (`PageNumber`, `PageSize`). */
export function filterPage(items: readonly unknown[], body: unknown): Record<string, unknown> {
  const pagination = isRecord(body) ? body.Pagination : undefined;
  const page = pageField(pagination, 'PageNumber', 1);
  const size = pageField(pagination, 'PageSize', 10);
  return {
    CurrentPage: page,
    PageSize: size,
    TotalCount: items.length,
    Items: items.slice((page - 1) * size, page * size),
  };
}
