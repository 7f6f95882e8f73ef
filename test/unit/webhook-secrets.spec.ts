import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { ZumRailsConfigError } from '../../lib/index.js';
import { parseWebhookEvent } from '../../lib/webhooks/zumrails-webhook-event.decorator.js';
import { resolveWebhookSecrets } from '../../lib/webhooks/webhook-secrets.js';

const SECRET = 'whsec-unit-9d0a7f3e21';

function configErrorOf(value: unknown): ZumRailsConfigError {
  try {
    resolveWebhookSecrets(value, 'webhookSecret');
  } catch (error) {
    if (error instanceof ZumRailsConfigError) return error;
    throw error;
  }
  throw new Error('expected a ZumRailsConfigError');
}

describe('resolveWebhookSecrets', () => {
  it('is empty (not configured) when the option is absent', () => {
    const secrets = resolveWebhookSecrets(undefined, 'webhookSecret');
    expect(secrets.configured).toBe(false);
    expect(secrets.values).toEqual([]);
  });

  it('takes one secret or several, newest first', () => {
    expect(resolveWebhookSecrets(SECRET, 'webhookSecret').values).toEqual([SECRET]);
    expect(resolveWebhookSecrets([SECRET, 'old'], 'webhookSecret').values).toEqual([SECRET, 'old']);
  });

  it.each([
    ['an empty string', '', 'webhookSecret'],
    ['blanks', '   ', 'webhookSecret'],
    ['a number', 42, 'webhookSecret'],
    ['null', null, 'webhookSecret'],
    ['an empty array', [], 'webhookSecret'],
    ['six secrets', ['a', 'b', 'c', 'd', 'e', 'f'], 'webhookSecret'],
    ['an empty entry', [SECRET, ''], 'webhookSecret[1]'],
    ['a leading space', ` ${SECRET}`, 'webhookSecret'],
    ['a trailing newline', `${SECRET}\n`, 'webhookSecret'],
    ['a 1025-character secret', `${SECRET}${'x'.repeat(1_025)}`, 'webhookSecret'],
  ])('rejects %s, naming the field and never echoing the value', (_, value, field) => {
    const error = configErrorOf(value);
    expect(error.field).toBe(field);
    for (const shown of [error.message, JSON.stringify(error), inspect(error)]) {
      expect(shown).not.toContain(SECRET);
    }
  });

  it('never shows the secrets when inspected or serialised', () => {
    const secrets = resolveWebhookSecrets([SECRET, 'whsec-old-secret'], 'webhookSecret');
    for (const shown of [
      JSON.stringify(secrets),
      inspect(secrets, { showHidden: true, depth: 5 }),
    ]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain('whsec-old-secret');
    }
    expect(JSON.parse(JSON.stringify(secrets))).toEqual({ secrets: 2 });
  });
});

describe('parseWebhookEvent', () => {
  const parse = (text: string) => parseWebhookEvent(Buffer.from(text, 'utf8'));

  it('keeps Type, Event and Data and nothing else', () => {
    expect(parse('{"Type":"Invoice","Event":"Created","Data":{"Id":"i-1"},"Extra":1}')).toEqual({
      Type: 'Invoice',
      Event: 'Created',
      Data: { Id: 'i-1' },
    });
  });

  it('makes an absent or null Event absent', () => {
    expect(parse('{"Type":"Transaction","Data":{"Id":"t"}}')).toEqual({
      Type: 'Transaction',
      Data: { Id: 't' },
    });
    expect(parse('{"Type":"User","Event":null,"Data":{}}')).toEqual({ Type: 'User', Data: {} });
  });

  it.each([
    ['not JSON', '{"Type":'],
    ['an array', '[{"Type":"User","Data":{}}]'],
    ['no Type', '{"Data":{}}'],
    ['an empty Type', '{"Type":"","Data":{}}'],
    ['a numeric Event', '{"Type":"User","Event":1,"Data":{}}'],
    ['no Data', '{"Type":"User"}'],
    ['an array Data', '{"Type":"User","Data":[]}'],
    ['invalid UTF-8 making bad JSON', '\u0000'],
  ])('refuses %s', (_, text) => {
    expect(parse(text)).toBeUndefined();
  });
});
