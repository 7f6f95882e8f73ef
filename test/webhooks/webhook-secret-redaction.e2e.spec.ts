import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

const OLD = 'whsec-redact-old-7c51d2';
const NEW = 'whsec-redact-new-e09b4a';

describe('webhookSecret is redacted like the password', () => {
  const fixture = useFakeZumRails();

  it('from errors, status and logs when a vendor text echoes it', async () => {
    const subject = await fixture.start({ webhookSecret: [NEW, OLD], requestTimeoutMs: 500 });
    fixture.fake.failLogin({
      kind: 'status',
      status: 400,
      body: { statusCode: 400, isError: true, message: `Bad request: secrets ${NEW} and ${OLD}` },
    });
    const error = await rejectionOf(subject.tokens.getToken());
    const renderings = [
      (error as Error).message,
      JSON.stringify(error),
      inspect(error, { depth: 5 }),
      JSON.stringify(subject.tokens.getStatus()),
      subject.logs.text(),
    ];
    expect((error as Error).message).toContain('[REDACTED]');
    for (const text of renderings) {
      expect(text).not.toContain(NEW);
      expect(text).not.toContain(OLD);
    }
  });
});
