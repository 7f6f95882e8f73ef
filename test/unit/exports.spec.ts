import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

const ENTRIES = ['../../lib/index.ts', '../../lib/testing/index.ts'].map((entry) =>
  fileURLToPath(new URL(entry, import.meta.url)),
);

/**
 * Names an entry exports with `export type` that are values, not types: a consumer's
 * `const o: Name = ...` fails with TS2749 ("refers to a value, but is being used as a type").
 */
function typeOnlyExportsOfValues(program: ts.Program, entry: string): string[] {
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((exported) => exported.declarations?.some(ts.isTypeOnlyImportOrExportDeclaration))
    .filter((exported) => (checker.getAliasedSymbol(exported).flags & ts.SymbolFlags.Type) === 0)
    .map((exported) => exported.name);
}

// Pins the runtime public surface: adding or removing an export is a deliberate change here.
describe('public exports', () => {
  it('lib/index.ts exports exactly the documented runtime values', async () => {
    const surface = await import('../../lib/index.js');
    expect(Object.keys(surface).sort()).toEqual([
      'InMemoryTokenStore',
      'InjectTokenService',
      'InjectZumRailsClient',
      'InjectZumRailsHttpService',
      'InjectZumRailsTokenService',
      'RedisTokenStore',
      'TokenService',
      'ZUMRAILS_ENVIRONMENTS',
      'ZUMRAILS_ERROR_CODES',
      'ZUMRAILS_SIGNATURE_HEADER',
      'ZumRailsApiError',
      'ZumRailsAuthError',
      'ZumRailsAuthModule',
      'ZumRailsBadResponseError',
      'ZumRailsBlockedByIntermediaryError',
      'ZumRailsClient',
      'ZumRailsConfigError',
      'ZumRailsCredentialsRejectedError',
      'ZumRailsCrossOriginError',
      'ZumRailsError',
      'ZumRailsExceptionFilter',
      'ZumRailsHealthIndicator',
      'ZumRailsHttpError',
      'ZumRailsHttpService',
      'ZumRailsInMemoryTokenStore',
      'ZumRailsInternalError',
      'ZumRailsRateLimitedError',
      'ZumRailsRedisTokenStore',
      'ZumRailsShutDownError',
      'ZumRailsTokenService',
      'ZumRailsTokenUnavailableError',
      'ZumRailsTokenWaitTimeoutError',
      'ZumRailsUnavailableError',
      'ZumRailsWebhookError',
      'ZumRailsWebhookEvent',
      'ZumRailsWebhookGuard',
      'ZumRailsWebhookModule',
      'attachZumRailsAuth',
      'getTokenServiceToken',
      'getZumRailsClientToken',
      'getZumRailsHttpServiceToken',
      'getZumRailsTokenServiceToken',
      'verifyZumRailsSignature',
    ]);
  });

  it('keeps each old name as the very same value as its ZumRails-prefixed one (one DI token)', async () => {
    const surface = await import('../../lib/index.js');
    expect(surface.TokenService).toBe(surface.ZumRailsTokenService);
    expect(surface.InMemoryTokenStore).toBe(surface.ZumRailsInMemoryTokenStore);
    expect(surface.RedisTokenStore).toBe(surface.ZumRailsRedisTokenStore);
    expect(surface.InjectTokenService).toBe(surface.InjectZumRailsTokenService);
    expect(surface.getTokenServiceToken).toBe(surface.getZumRailsTokenServiceToken);
    expect(surface.getTokenServiceToken('payouts')).toBe('ZumRailsAuth:payouts:TokenService');
  });

  it('the testing entry exports only FakeZumRails', async () => {
    const testing = await import('../../lib/testing/index.js');
    expect(Object.keys(testing)).toEqual(['FakeZumRails']);
  });

  it('every `export type` of both entries names a type, not a value', () => {
    const program = ts.createProgram(ENTRIES, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: [],
      noEmit: true,
    });
    for (const entry of ENTRIES) expect(typeOnlyExportsOfValues(program, entry)).toEqual([]);
  });
});
