/** `nestjs-zumrails-auth/testing`: a real HTTP fake of the Zum Rails API for tests. */
export { FakeZumRails } from './fake-zumrails.js';
export type {
  FakeZumRailsClock,
  FakeZumRailsCounters,
  FakeZumRailsOptions,
  FakeZumRailsTlsOptions,
  RecordedRequest,
  ZumRailsFault,
} from './types.js';
export type { FakeZumRailsKeyPair } from './test-certificates.js';
export type {
  SendDuplicateWebhooksOptions,
  SendWebhookOptions,
  WebhookDelivery,
} from './send-webhook.js';
