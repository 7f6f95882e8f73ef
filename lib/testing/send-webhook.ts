import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

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
  return post(new URL(url), headers, body, options.timeoutMs ?? 5_000);
}

function webhookBytes(event: unknown): Buffer {
  if (Buffer.isBuffer(event)) return event;
  return Buffer.from(typeof event === 'string' ? event : JSON.stringify(event), 'utf8');
}

function post(
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
): Promise<WebhookDelivery> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { method: 'POST', headers, agent: false });
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
