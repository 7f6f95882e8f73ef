// `node --import ./register-ts.mjs child.ts`: runs the TypeScript sources of this repository
// in a plain Node process (no build, no dist/), by transpiling each .ts file on load with the
// project's own `typescript` devDependency. Test-only; Node >= 20.6 (module.register).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
