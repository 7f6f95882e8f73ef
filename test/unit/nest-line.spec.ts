import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { ZumRailsAuthModule, ZumRailsConfigError } from '../../lib/index.js';
import { assertOneNestLine, installedVersions } from '../../lib/nest-line.js';

/** An app directory whose node_modules holds these packages (manifest, entry file). */
function appWith(packages: Record<string, { version: string; manifest?: object }>): string {
  const app = mkdtempSync(join(tmpdir(), 'nest-line-'));
  for (const [name, { version, manifest = { main: 'index.js' } }] of Object.entries(packages)) {
    const dir = join(app, 'node_modules', name);
    const main = (manifest as { main?: string }).main ?? 'dist/index.js';
    mkdirSync(dirname(join(dir, main)), { recursive: true });
    writeFileSync(join(dir, main), '');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, ...manifest }));
  }
  return app;
}

describe('one Nest line', () => {
  const apps: string[] = [];
  afterAll(() => {
    for (const app of apps) rmSync(app, { recursive: true, force: true });
  });

  it('reads the versions the library resolves, through packages that do not export package.json', () => {
    const app = appWith({
      '@nestjs/common': { version: '11.2.12' },
      // @nestjs/axios 12: ESM-only, its exports map has no ./package.json.
      '@nestjs/axios': {
        version: '12.0.1',
        manifest: { main: 'dist/index.js', exports: { '.': { default: './dist/index.js' } } },
      },
      '@nestjs/schedule': { version: '6.1.3' },
      '@nestjs/terminus': { version: '11.1.1', manifest: { main: 'dist/index.js' } },
    });
    apps.push(app);
    // A manifest on the way up without the package's name (as in dual builds) is passed over.
    writeFileSync(
      join(app, 'node_modules/@nestjs/terminus/dist/package.json'),
      '{"type":"commonjs"}',
    );
    expect(installedVersions(join(app, 'main.js'))).toEqual({
      '@nestjs/common': '11.2.12',
      '@nestjs/axios': '12.0.1',
      '@nestjs/schedule': '6.1.3',
      '@nestjs/terminus': '11.1.1',
    });
  });

  it('fails the start naming @nestjs/axios 12 beside @nestjs/common 11, and the command that fixes it', () => {
    const check = () =>
      assertOneNestLine({
        '@nestjs/common': '11.2.12',
        '@nestjs/axios': '12.0.1',
        '@nestjs/schedule': '12.0.2',
        '@nestjs/terminus': '11.1.1',
      });
    expect(check).toThrow(ZumRailsConfigError);
    expect(check).toThrow(
      '@nestjs/axios 12.0.1, @nestjs/schedule 12.0.2 installed beside @nestjs/common 11.2.12',
    );
    expect(check).toThrow('npm install @nestjs/axios@^4 @nestjs/schedule@^6');
  });

  it('names a Nest 11 companion beside Nest 12 too', () => {
    expect(() =>
      assertOneNestLine({ '@nestjs/common': '12.5.1', '@nestjs/terminus': '11.1.1' }),
    ).toThrow('npm install @nestjs/terminus@^12');
  });

  it.each([
    [
      'each line whole (Nest 11)',
      { '@nestjs/common': '11.0.0', '@nestjs/axios': '4.0.1', '@nestjs/schedule': '6.1.3' },
    ],
    [
      'each line whole (Nest 12)',
      {
        '@nestjs/common': '12.5.1',
        '@nestjs/axios': '12.0.1',
        '@nestjs/schedule': '12.0.2',
        '@nestjs/terminus': '12.1.0',
      },
    ],
    ['unknown versions', {}],
    ['a Nest line it does not know', { '@nestjs/common': '13.0.0', '@nestjs/axios': '12.0.1' }],
    [
      'a companion major of no known line',
      { '@nestjs/common': '11.0.0', '@nestjs/axios': '5.0.0' },
    ],
  ])('accepts %s', (_, versions) => {
    expect(() => assertOneNestLine(versions)).not.toThrow();
  });

  it('fails the module start in an app that resolves @nestjs/axios 12 beside @nestjs/common 11', async () => {
    const app = appWith({
      '@nestjs/common': { version: '11.2.12' },
      '@nestjs/axios': { version: '12.0.1' },
      '@nestjs/schedule': { version: '6.1.3' },
    });
    apps.push(app);
    const cwd = process.cwd();
    // The ESM build (and these sources under Jest) resolve from the working directory.
    process.chdir(app);
    try {
      const moduleRef = Test.createTestingModule({
        imports: [
          ZumRailsAuthModule.forRoot({
            baseUrl: 'http://127.0.0.1:9',
            username: 'u',
            password: 'p',
            startup: 'lazy',
          }),
        ],
      });
      await expect(moduleRef.compile()).rejects.toThrow(
        /option "@nestjs\/axios": @nestjs\/axios 12\.0\.1 installed beside @nestjs\/common 11\.2\.12.*npm install @nestjs\/axios@\^4$/,
      );
    } finally {
      process.chdir(cwd);
    }
  });
});
