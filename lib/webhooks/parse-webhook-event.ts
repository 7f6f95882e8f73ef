import type { ZumRailsWebhookEvent } from './zumrails-webhook.types.js';

/**
 * Parses verified webhook bytes into a `ZumRailsWebhookEvent`, or `undefined` when they are not
 * one: not JSON, not an object, `Type` not a non-empty string, `Event` neither absent, null nor
 * a string, or `Data` not an object. `Event: null` becomes absent. Pure; never throws.
 */
export function parseWebhookEvent(body: Buffer): ZumRailsWebhookEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const { Type: type, Event: event, Data: data } = parsed;
  if (typeof type !== 'string' || type === '') return undefined;
  if (event !== undefined && event !== null && typeof event !== 'string') return undefined;
  if (!isRecord(data)) return undefined;
  return typeof event === 'string'
    ? { Type: type, Event: event, Data: data }
    : { Type: type, Data: data };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
