import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { SafeToLog, showOnly } from '../../lib/logging/module-logger.js';

const SECRET = 'do-not-show-7f3a';

@SafeToLog((holder: Holder) => ({ name: holder.name }))
class Holder {
  readonly name = 'shown';
  readonly password = SECRET;
}

class Child extends Holder {}

describe('SafeToLog', () => {
  it('shows the class name and the view only, at any depth, hidden fields included', () => {
    const holder = new Holder();
    expect(inspect(holder)).toBe("Holder { name: 'shown' }");
    expect(inspect(new Child(), { showHidden: true, depth: Infinity })).toBe(
      "Child { name: 'shown' }",
    );
    expect(JSON.stringify({ holder })).toBe('{"holder":{"name":"shown"}}');
    expect(inspect({ a: { b: { holder } } }, { depth: 1 })).toBe('{ a: { b: [Object] } }');
    expect(inspect({ a: { holder } }, { depth: 1 })).toBe('{ a: { holder: [Holder] } }');
    expect(Object.keys(holder)).toEqual(['name', 'password']);
  });

  it('gives a plain object the same hooks, out of its keys', () => {
    const options = { user: 'u', password: SECRET };
    showOnly(options, 'Options', () => ({ user: options.user, password: '[REDACTED]' }));
    expect(inspect(options, { showHidden: true })).toBe(
      "Options { user: 'u', password: '[REDACTED]' }",
    );
    expect(JSON.stringify(options)).not.toContain(SECRET);
    expect(Object.keys(options)).toEqual(['user', 'password']);
  });
});
