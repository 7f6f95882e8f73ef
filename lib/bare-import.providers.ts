import type { Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ZumRailsConfigError } from './errors/zumrails.errors.js';
import { ZumRailsHealthIndicator } from './health/zumrails-health.indicator.js';
import { ZumRailsHttpService } from './http/zumrails-http.service.js';
import { ZumRailsClient } from './http/zumrails.client.js';
import { ZumRailsTokenService } from './token/token.service.js';
import { scannedModules } from './scanned-modules.js';

/** Present only in the bare `ZumRailsAuthModule`, never in a `forRoot`/`forRootAsync` one. */
const BARE_IMPORT = Symbol('ZUMRAILS_AUTH_BARE_IMPORT');

/** What the bare module exports: each of them fails with the same clear error. */
export const BARE_IMPORT_EXPORTS = [
  ZumRailsTokenService,
  ZumRailsHttpService,
  ZumRailsClient,
  ZumRailsHealthIndicator,
];

function bareImportError(container: ModulesContainer): ZumRailsConfigError {
  const importers = scannedModules(container)
    .filter((module) => [...module.imports].some((i) => i.providers.has(BARE_IMPORT)))
    .map((module) => module.name);
  const where = importers.length > 0 ? `${importers.join(', ')} imports` : 'imported';
  return new ZumRailsConfigError(
    'forRoot',
    `missing: ${where} ZumRailsAuthModule itself, which provides nothing. Import ` +
      'ZumRailsAuthModule.forRoot({ ... }) or forRootAsync({ ... }) once (isGlobal: true shares ' +
      'it with every module), and elsewhere import the module that configured it, not ZumRailsAuthModule',
  );
}

/**
 * The static providers of `ZumRailsAuthModule`: importing the class without `forRoot()` (the
 * `HttpModule` habit) fails the start with a `ZumRailsConfigError` that says what to write,
 * whether or not something injects its services, instead of an unresolvable dependency.
 */
export const BARE_IMPORT_PROVIDERS: Provider[] = [
  { provide: BARE_IMPORT, useValue: true },
  ...BARE_IMPORT_EXPORTS.map((token) => ({
    provide: token,
    useFactory: (container: ModulesContainer) => {
      throw bareImportError(container);
    },
    inject: [ModulesContainer],
  })),
];
