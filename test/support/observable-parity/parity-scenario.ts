// Shared with the consumer apps (see parity-server.ts): packages and node: imports only.
import type { Readable } from 'node:stream';
import { describeError, type ParityRig } from './parity-rig.js';

/** What a scenario observed, by name: plain values, compared deeply. */
export type Facts = Record<string, unknown>;

/** One behaviour of `makeObservable`, observed the same way through each service. */
export interface ParityScenario {
  /** The behaviour, as a sentence. */
  readonly name: string;
  /**
   * What the stock `HttpService` does, pinned: a new `@nestjs/axios` that behaves otherwise
   * fails here, not only where ours differs from it.
   */
  readonly expected: Facts;
  /** Where `ZumRailsHttpService` differs on purpose: it does not cancel a settled call. */
  readonly oursDiffer?: Facts;
  observe(rig: ParityRig): Promise<Facts>;
}

/** For each request sent to `path`: whether its cancel token has been cancelled. */
export function cancelledOn(rig: ParityRig, path: string): boolean[] {
  return rig.tokensOf(path).map((token) => token.reason !== undefined);
}

/** The text of a streamed body, or the error that ended it early. */
export async function textOf(stream: Readable | undefined): Promise<string> {
  if (!stream) return 'no response';
  let text = '';
  try {
    for await (const chunk of stream) text += String(chunk);
    return text;
  } catch (error) {
    return `${text} then ${describeError(error)}`;
  }
}
