// Shared with the consumer apps (see parity-server.ts): packages and node: imports only.
import { isDeepStrictEqual } from 'node:util';
import { CANCEL_SCENARIOS } from './cancel-scenarios.js';
import { ParityRig, type ServiceFactory } from './parity-rig.js';
import type { Facts, ParityScenario } from './parity-scenario.js';
import { startParityServer, type ParityServer } from './parity-server.js';
import { SETTLED_SCENARIOS } from './settled-scenarios.js';

/**
 * The proof behind `ZumRailsHttpService.makeObservable` (see its TSDoc): every scenario runs
 * through the stock `@nestjs/axios` `HttpService` and through `ZumRailsHttpService`, each over
 * a bare axios instance on real loopback HTTP, so the override is the only difference.
 */
export const PARITY_SCENARIOS: readonly ParityScenario[] = [
  ...SETTLED_SCENARIOS,
  ...CANCEL_SCENARIOS,
];

/** The two services compared; `ours` extends `stock`'s class. */
export interface ParityServices {
  readonly stock: ServiceFactory;
  readonly ours: ServiceFactory;
}

/** What `ZumRailsHttpService` must show in `scenario`: the parent's facts and the deviation. */
export function expectedOfOurs(scenario: ParityScenario): Facts {
  return { ...scenario.expected, ...scenario.oursDiffer };
}

/** `scenario` observed through each service, each on a fresh rig. */
export async function observeBoth(
  scenario: ParityScenario,
  services: ParityServices,
  server: ParityServer,
): Promise<{ stock: Facts; ours: Facts }> {
  const stock = await scenario.observe(new ParityRig(server, services.stock));
  const ours = await scenario.observe(new ParityRig(server, services.ours));
  return { stock, ours };
}

/**
 * For the consumer apps, which have no Jest: every scenario, reported through `check` (which
 * throws on a false condition), the observed facts in the message when they differ.
 */
export async function checkObservableParity(
  services: ParityServices,
  check: (condition: unknown, what: string) => void,
): Promise<void> {
  const server = await startParityServer();
  try {
    for (const scenario of PARITY_SCENARIOS) {
      const { stock, ours } = await observeBoth(scenario, services, server);
      const matches =
        isDeepStrictEqual(stock, scenario.expected) &&
        isDeepStrictEqual(ours, expectedOfOurs(scenario));
      const detail = matches
        ? ''
        : `: stock ${JSON.stringify(stock)}, ours ${JSON.stringify(ours)}`;
      check(matches, `HttpService and ZumRailsHttpService: ${scenario.name}${detail}`);
    }
  } finally {
    await server.stop();
  }
}
