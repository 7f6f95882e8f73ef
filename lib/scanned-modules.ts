import type { InjectionToken } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';

/** The part of Nest's scanned `Module` the startup checks read (stable since Nest 8). */
export interface ScannedModule {
  readonly name: string;
  readonly imports: Set<ScannedModule>;
  readonly providers: Map<InjectionToken, { readonly instance: unknown }>;
}

/** Every module of the application being started, globals already bound into `imports`. */
export function scannedModules(container: ModulesContainer): ScannedModule[] {
  return [...(container as unknown as Map<string, ScannedModule>).values()];
}

/** The value of a `useValue` provider of `module`, when it has one under `token`. */
export function providedValue(module: ScannedModule, token: InjectionToken): unknown {
  return module.providers.get(token)?.instance;
}
