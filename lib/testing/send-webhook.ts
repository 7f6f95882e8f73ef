import { createHmac } from 'node:crypto';
import {
  request as httpRequest,
  type Agent as HttpAgent,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';

/** Options of `FakeZumRails.sendWebhook`. */
export interface SendWebhookOptions {
  /** The webhook secret to sign with: the app's `webhookSecret`, or another to test rejection. */
  secret: string;
  /**
   * Sends this `zumrails-signature` value instead of the correct one (a deliberately wrong or
   * malformed signature); `false` sends no signature header at all. Default: the correct one.
   */
  signature?: string | false;
  /** Extra request headers, e.g. another `content-type`. */
  headers?: Record<string, string>;
  /** Deadline of the whole exchange in ms. Default 5000. */
  timeoutMs?: number;
  /**
   * The agent to send with, e.g. an `https.Agent` trusting your app's CA, or one with a client
   * certificate. Default: a fresh connection per webhook (`agent: false`).
   */
  agent?: HttpAgent | HttpsAgent;
  /** CA certificate(s), PEM, to trust for an `https:` app with a private CA (without `agent`). */
  ca?: string | Buffer | readonly (string | Buffer)[];
}

/** Options of `FakeZumRails.sendDuplicateWebhooks`. */
export interface SendDuplicateWebhooksOptions extends SendWebhookOptions {
  /** How many times the same delivery is sent, all at once. 1 to 100. */
  times: number;
}

/** What the app answered to a webhook sent by `FakeZumRails.sendWebhook`. */
export interface WebhookDelivery {
  status: number;
  headers: IncomingHttpHeaders;
  /** The answer parsed as JSON, or its text when it is not JSON; `undefined` when empty. */
  body: unknown;
  /** The answer as text (at most 1 MB). */
  text: string;
}

const MAX_ANSWER_BYTES = 1_048_576;

/**
 * POSTs `event` to `url` as Zum Rails does: JSON, signed with
 * `zumrails-signature: Base64(HMAC-SHA256(body, secret))`. A string or Buffer `event` is sent
 * byte for byte (to test exact bodies); anything else is `JSON.stringify`-ed.
 */
export async function sendWebhook(
  url: string,
  event: unknown,
  options: SendWebhookOptions,
): Promise<WebhookDelivery> {
  const body = webhookBytes(event);
  const signature =
    options.signature ?? createHmac('sha256', options.secret).update(body).digest('base64');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    connection: 'close',
    ...(signature === false ? {} : { 'zumrails-signature': signature }),
    ...options.headers,
  };
  return post(new URL(url), headers, body, options);
}

/**
 * Sends the same signed delivery (same bytes, same signature) `times` times at once, to the
 * URLs in turn (several replicas of an app), as a vendor redelivering in a hurry would. Resolves
 * every answer, in sending order.
 * @throws {RangeError} for `times` outside 1..100 or no URL.
 */
export async function sendDuplicateWebhooks(
  urls: string | readonly string[],
  event: unknown,
  options: SendDuplicateWebhooksOptions,
): Promise<WebhookDelivery[]> {
  const targets = typeof urls === 'string' ? [urls] : [...urls];
  const { times, ...single } = options;
  if (!Number.isInteger(times) || times < 1 || times > 100 || targets.length === 0) {
    throw new RangeError('sendDuplicateWebhooks needs 1 to 100 times and at least one URL');
  }
  const body = webhookBytes(event);
  return Promise.all(
    Array.from({ length: times }, (_, index) =>
      sendWebhook(targets[index % targets.length]!, body, single),
    ),
  );
}

function webhookBytes(event: unknown): Buffer {
  if (Buffer.isBuffer(event)) return event;
  return Buffer.from(typeof event === 'string' ? event : JSON.stringify(event), 'utf8');
}

function post(
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  options: SendWebhookOptions,
): Promise<WebhookDelivery> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const https = url.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  const ca = options.ca === undefined ? undefined : ([] as (string | Buffer)[]).concat(options.ca);
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: 'POST',
      headers,
      agent: options.agent ?? false,
      ...(https && ca && !options.agent ? { ca } : {}),
    });
    const timer = setTimeout(
      () =>
        request.destroy(new Error(`webhook to ${url.origin} got no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    request.once('error', fail);
    request.once('response', (response) => {
      readAnswer(response).then((delivery) => {
        clearTimeout(timer);
        resolve(delivery);
      }, fail);
    });
    request.end(body);
  });
}

async function readAnswer(response: IncomingMessage): Promise<WebhookDelivery> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      response.destroy();
      throw new Error(`the answer to the webhook is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: response.statusCode ?? 0, headers: response.headers, body: parsed(text), text };
}

function parsed(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
