import type { Provider } from '@nestjs/common';
import { systemClock } from './clock.js';
import type { ZumRailsAuthOptions } from './options/zumrails-auth-options.interface.js';
import { resolveOptions } from './options/resolve-options.js';
import { ZUMRAILS_AUTH_OPTIONS } from './zumrails-auth.definition.js';
import { RESOLVED_OPTIONS, ZUMRAILS_CLOCK } from './zumrails-auth.constants.js';

/** Validates the options once, at module init; a bad configuration fails the app's start. */
export const resolvedOptionsProvider: Provider = {
  provide: RESOLVED_OPTIONS,
  useFactory: (options: ZumRailsAuthOptions) => resolveOptions(options),
  inject: [ZUMRAILS_AUTH_OPTIONS],
};

export const clockProvider: Provider = {
  provide: ZUMRAILS_CLOCK,
  useFactory: (options: ZumRailsAuthOptions | undefined) => options?.clock ?? systemClock,
  inject: [ZUMRAILS_AUTH_OPTIONS],
};
