import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ZumRailsConfigError, ZumRailsWebhookError } from '../errors/zumrails.errors.js';
import { logRecord } from '../logging/module-logger.js';
import { LOG_CONTEXT, ModuleLogger } from '../logging/module-logger.js';
import { verifyZumRailsSignature } from './verify-signature.js';
import { SafeToLog } from '../logging/module-logger.js';
import type { WebhookDeduplicator } from './webhook-deduplicator.js';

import {
  declaredLengthOf,
  hasJsonBody,
  isBodyReadWithoutRawBytes,
  markVerified,
  MAX_UNPARSED_BODY_BYTES,
  rawBodyOf,
  readBody,
  routeOf,
  signatureOf,
  unreadStreamOf,
  type WebhookRequest,
} from './webhook-request.js';
import {
  AUTH_MODULE_WEBHOOK,
  WEBHOOK_MODULE_DEDUPLICATOR,
  WEBHOOK_MODULE_SECRETS,
  type AuthModuleWebhook,
  type WebhookSecrets,
} from './webhook-secrets.js';

/** Says exactly what to add; logged once per guard, however many requests fail for it. */
const RAW_BODY_MISSING_MESSAGE =
  'ZumRailsWebhookGuard needs the raw request body to verify webhook signatures, and this app ' +
  'does not keep it: create the app with NestFactory.create(AppModule, { rawBody: true }) ' +
  '(in tests: moduleRef.createNestApplication({ rawBody: true })). ' +
  'Webhooks answer 500 until then.';

/**
 * Lets a request through only when its `zumrails-signature` header is the HMAC-SHA256 of the
 * raw body under the configured webhook secret (any of them, while rotating). Otherwise:
 * 401 with a generic body and one warning line (never the signature or the secret).
 *
 * The secret comes from `ZumRailsAuthModule`'s `webhookSecret` option or from
 * `ZumRailsWebhookModule.forRoot({ secret })`, whichever the controller's module sees.
 * Needs `NestFactory.create(AppModule, { rawBody: true })`; without it every webhook answers
 * 500 and one error line says what to add. Any JSON media type works (`application/json` with
 * parameters, `text/json`, `application/vnd.api+json`): a body Nest's parser skips is read here.
 *
 * ```ts
 * @Post('webhooks/zumrails')
 * @UseGuards(ZumRailsWebhookGuard)
 * handle(@ZumRailsWebhookEvent() event: ZumRailsWebhookEvent) { ... }
 * ```
 * @throws ZumRailsConfigError at app start when no secret, or a secret in both places, is configured.
 */
@Injectable()
@SafeToLog()
export class ZumRailsWebhookGuard implements CanActivate {
  /** Kept wrapped: `util.inspect(guard)` must not show the secrets. */
  private readonly secrets: WebhookSecrets;
  /** From the same module as the secrets; undefined without `deduplicate`. */
  private readonly deduplicator: WebhookDeduplicator | undefined;
  private readonly logger: ModuleLogger;
  private rawBodyProblemLogged = false;

  constructor(
    /** ZumRailsAuthModule's secrets, deduplicator and logger, when the controller's module sees it. */
    @Optional() @Inject(AUTH_MODULE_WEBHOOK) authModule?: AuthModuleWebhook,
    @Optional() @Inject(WEBHOOK_MODULE_SECRETS) fromWebhookModule?: WebhookSecrets,
    @Optional()
    @Inject(WEBHOOK_MODULE_DEDUPLICATOR)
    ownDeduplicator?: WebhookDeduplicator | null,
  ) {
    this.logger = authModule?.logger ?? ModuleLogger.from(undefined, LOG_CONTEXT);
    this.secrets = pickSecrets(authModule?.secrets, fromWebhookModule);
    this.deduplicator = pickDeduplicator(
      this.secrets === fromWebhookModule,
      authModule?.deduplicator ?? undefined,
      ownDeduplicator ?? undefined,
    );
  }

  /**
   * @throws ZumRailsWebhookError (an `HttpException`): 401 `webhook-signature` on a missing or
   *   wrong signature; 500 `config` when a body parser read the JSON body and the app keeps no
   *   raw body (created without `rawBody: true`); 413 `webhook-body-too-large` / 408
   *   `webhook-body-timeout` for a signed body of a JSON type no parser read (read here) that
   *   is over 1 MB or slower than 10 s.
   */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WebhookRequest>();
    const signature = signatureOf(request);
    const body = rawBodyOf(request) ?? (await this.unparsedBodyOf(request, signature));
    if (body === undefined || !verifyZumRailsSignature(body, signature, this.secrets.values)) {
      const reason = rejection(body, signature);
      this.logger.warn(
        logRecord(
          'webhook-rejected',
          `Rejected a Zum Rails webhook on ${routeOf(request)}: ${reason.text}`,
          {
            route: routeOf(request),
            reason: reason.code,
          },
        ),
      );
      throw new ZumRailsWebhookError('webhook-signature');
    }
    markVerified(request, body, this.deduplicator);
    return true;
  }

  /**
   * The bytes of a JSON body Nest's parser did not read (`text/json`, `*\/*+json`): read here,
   * and only once the request carries a signature, so an unsigned one costs nothing.
   */
  private async unparsedBodyOf(
    request: WebhookRequest,
    signature: string | undefined,
  ): Promise<Buffer | undefined> {
    if (!hasJsonBody(request)) return undefined;
    if (isBodyReadWithoutRawBytes(request)) {
      this.reportMissingRawBody();
      throw new ZumRailsWebhookError('config');
    }
    const stream = unreadStreamOf(request);
    if (stream === undefined || signature === undefined) return undefined;
    if ((declaredLengthOf(request) ?? 0) > MAX_UNPARSED_BODY_BYTES) {
      throw new ZumRailsWebhookError('webhook-body-too-large');
    }
    const body = await readBody(stream);
    if (body === 'too-large') throw new ZumRailsWebhookError('webhook-body-too-large');
    if (body === 'timeout') throw new ZumRailsWebhookError('webhook-body-timeout');
    return body === 'failed' ? undefined : body;
  }

  private reportMissingRawBody(): void {
    if (this.rawBodyProblemLogged) return;
    this.rawBodyProblemLogged = true;
    this.logger.error(logRecord('webhook-raw-body-missing', RAW_BODY_MISSING_MESSAGE));
  }
}

function pickSecrets(
  fromAuthModule: WebhookSecrets | undefined,
  fromWebhookModule: WebhookSecrets | undefined,
): WebhookSecrets {
  const auth = fromAuthModule?.configured === true;
  const own = fromWebhookModule?.configured === true;
  if (auth && own) {
    throw new ZumRailsConfigError(
      'webhookSecret',
      'the webhook secret is set both in ZumRailsAuthModule (webhookSecret) and in ZumRailsWebhookModule: keep one',
    );
  }
  const secrets = own ? fromWebhookModule : auth ? fromAuthModule : undefined;
  if (!secrets) {
    throw new ZumRailsConfigError(
      'webhookSecret',
      'ZumRailsWebhookGuard has no webhook secret: set webhookSecret in ZumRailsAuthModule options, ' +
        "or import ZumRailsWebhookModule.forRoot({ secret }) where the guard's controller can see it (isGlobal: true); " +
        'a named account never provides one',
    );
  }
  return secrets;
}

/**
 * `deduplicate` goes with the secret. The one case that can be got wrong: the secret in
 * ZumRailsWebhookModule, `deduplicate` in ZumRailsAuthModule, where it would do nothing.
 */
function pickDeduplicator(
  secretInWebhookModule: boolean,
  fromAuthModule: WebhookDeduplicator | undefined,
  fromWebhookModule: WebhookDeduplicator | undefined,
): WebhookDeduplicator | undefined {
  if (!secretInWebhookModule) return fromAuthModule;
  if (fromAuthModule !== undefined && fromWebhookModule === undefined) {
    throw new ZumRailsConfigError(
      'deduplicate',
      'is set in ZumRailsAuthModule but the webhook secret in ZumRailsWebhookModule: set deduplicate next to the secret',
    );
  }
  return fromWebhookModule;
}

function rejection(
  body: Buffer | undefined,
  signature: string | undefined,
): { code: string; text: string } {
  if (body === undefined) return { code: 'no-body', text: 'no JSON body' };
  if (signature === undefined) {
    return { code: 'no-signature', text: 'no zumrails-signature header' };
  }
  return {
    code: 'bad-signature',
    text: 'the signature does not match (wrong webhook secret, or the body was altered)',
  };
}
