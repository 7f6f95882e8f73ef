import type { ModuleRef } from '@nestjs/core';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import type { ZumRailsTokenService } from '../token/token.service.js';
import { DEFAULT_ACCOUNT } from '../options/account-name.js';
import { getZumRailsTokenServiceToken } from '../accounts/account-tokens.js';

/**
 * The `ZumRailsTokenService` of `account` anywhere in the app (names are unique app-wide, checked at
 * startup).
 * @throws ZumRailsConfigError when no module configures that account.
 */
export function findAccountTokens(moduleRef: ModuleRef, account: string): ZumRailsTokenService {
  try {
    return moduleRef.get(getZumRailsTokenServiceToken(account), { strict: false });
  } catch {
    throw new ZumRailsConfigError(
      'account',
      account === DEFAULT_ACCOUNT
        ? 'no default account (forRoot without a name) is configured: name the account to use'
        : `no Zum Rails account "${account}" is configured: add ` +
            `ZumRailsAuthModule.forRoot({ name: '${account}', ... }) or check the spelling`,
    );
  }
}
