import { inspect, type InspectOptionsStylized } from 'node:util';

/** A few secret-free fields an object shows instead of its own properties. */
type View<T> = (self: T) => Record<string, unknown>;

/**
 * Makes `target` (an object, or a class prototype for all its instances) show only `name` (by
 * default the instance's class name) and
 * `view` to `util.inspect` (so `console.log` and Nest's loggers), whatever the depth or
 * `showHidden`, and only `view` to `JSON.stringify`. For objects that hold options, credentials
 * or tokens: what they show is chosen, never walked. Both hooks are non-enumerable (out of
 * `Object.keys` and spreads).
 */
export function showOnly<T extends object>(
  target: object,
  name: string | undefined,
  view: View<T>,
): void {
  Object.defineProperties(target, {
    toJSON: {
      value(this: T): Record<string, unknown> {
        return view(this);
      },
      configurable: true,
      writable: true,
    },
    [inspect.custom]: {
      value(this: T, depth: number, options: InspectOptionsStylized): string {
        const shown = name ?? this.constructor.name;
        if (depth < 0) return `[${shown}]`;
        return `${shown} ${inspect(view(this), options)}`;
      },
      configurable: true,
      writable: true,
    },
  });
}

/**
 * Class decorator: every instance (of subclasses too) shows `ClassName { ...view(instance) }`
 * when inspected or logged, and `view(instance)` when serialised (see {@link showOnly}).
 * Default view: nothing.
 */
export function SafeToLog<T extends object>(view: View<T> = () => ({})) {
  return (type: abstract new (...args: never[]) => T): void =>
    showOnly(type.prototype as object, undefined, view);
}
