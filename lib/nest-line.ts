import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ZumRailsConfigError } from './errors/zumrails.errors.js';

/**
 * The major of each companion package on each Nest line (the `@nestjs/common` major). npm cannot
 * pick the line for an app: the companions' own peer ranges accept both Nest majors, so a plain
 * `npm i nestjs-zumrails-auth` in a Nest 11 app installs `@nestjs/axios` 12, whose ESM-only code
 * then breaks CommonJS Jest. Checked at startup instead.
 */
const NEST_LINES: Readonly<Record<number, Readonly<Record<string, number>>>> = {
  11: { '@nestjs/axios': 4, '@nestjs/schedule': 6, '@nestjs/terminus': 11 },
  12: { '@nestjs/axios': 12, '@nestjs/schedule': 12, '@nestjs/terminus': 12 },
};
const COMPANIONS = ['@nestjs/axios', '@nestjs/schedule', '@nestjs/terminus'] as const;
/** How far up from a package's entry file its package.json may be (`dist/esm/x/index.js`). */
const MAX_DEPTH = 6;

/**
 * Reads the installed versions once per module init and fails the start on a mix of Nest lines:
 * from this file in the CommonJS build (peers resolve as this library resolves them), from the
 * working directory in the ESM build (which has no `__filename`; `import.meta` cannot be
 * written in code compiled to both).
 * @throws ZumRailsConfigError naming each mismatched package (see assertOneNestLine).
 */
export function assertInstalledNestLine(): void {
  const from = typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js');
  assertOneNestLine(installedVersions(from));
}

/** Package name → installed version; absent when not installed or not readable. */
export type InstalledVersions = Partial<Record<string, string>>;

/**
 * The versions of `@nestjs/common` and its companions as this library resolves them from
 * `from` (a file path): the package.json next to each resolved entry. Unreadable means unknown,
 * never an error.
 */
export function installedVersions(from: string): InstalledVersions {
  const versions: InstalledVersions = {};
  const require = createRequire(from);
  for (const name of ['@nestjs/common', ...COMPANIONS]) {
    const version = versionOf(require, name);
    if (version !== undefined) versions[name] = version;
  }
  return versions;
}

function versionOf(require: NodeJS.Require, name: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return undefined; // not installed (an optional peer), or no entry `require` can resolve
  }
  for (let depth = 0; depth < MAX_DEPTH; depth++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    // Node has parsed this file already to load the package (its `type`): it is JSON.
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    if (manifest.name === name && typeof manifest.version === 'string') return manifest.version;
  }
  return undefined;
}

/**
 * Fails the start when a companion package belongs to the other Nest line than
 * `@nestjs/common` (e.g. `@nestjs/axios` 12 beside `@nestjs/common` 11), naming each such
 * package and the install command that fixes it. Unknown versions and Nest lines this library
 * does not know are not judged.
 * @throws ZumRailsConfigError naming the mismatched packages.
 */
export function assertOneNestLine(versions: InstalledVersions): void {
  const nestMajor = major(versions['@nestjs/common']);
  const line = nestMajor === undefined ? undefined : NEST_LINES[nestMajor];
  if (line === undefined) return;
  const wrong = COMPANIONS.filter((name) => {
    const installed = major(versions[name]);
    return (
      installed !== undefined &&
      installed !== line[name] &&
      Object.values(NEST_LINES).some((other) => other[name] === installed)
    );
  });
  if (wrong.length === 0) return;
  const found = wrong.map((name) => `${name} ${versions[name]}`).join(', ');
  const fix = wrong.map((name) => `${name}@^${line[name]}`).join(' ');
  throw new ZumRailsConfigError(
    wrong[0]!,
    `${found} installed beside @nestjs/common ${versions['@nestjs/common']}: one Nest line only ` +
      `(npm picks the newest companions unless told); install the Nest ${nestMajor} ones with ` +
      `npm install ${fix}`,
  );
}

function major(version: string | undefined): number | undefined {
  const match = version === undefined ? null : /^(\d+)\./.exec(version);
  return match ? Number(match[1]) : undefined;
}
