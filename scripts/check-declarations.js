// Checks the declarations scripts/build.js emitted, as a consumer's tsc will read them:
// `stripInternal` left no `@internal` member in any .d.ts, and what it left still type-checks
// with skipLibCheck off. A stripped type that a public one still names, an `implements` clause
// whose hook was stripped, or a comment that mentions the tag and so strips a whole public
// class fails here, at build time, instead of in an app.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** Each build's entry points and the resolution its consumers use (nest11-cjs: Node10). */
const BUILDS = [
  { dir: 'dist/esm', module: ts.ModuleKind.NodeNext, resolution: ts.ModuleResolutionKind.NodeNext },
  { dir: 'dist/cjs', module: ts.ModuleKind.CommonJS, resolution: ts.ModuleResolutionKind.Node10 },
];
const ENTRIES = ['index.d.ts', 'testing/index.d.ts'];

/** The .d.ts files under `dir` (relative to `root`) that still contain `@internal`. */
function filesWithInternalTag(root, dir) {
  return readdirSync(join(root, dir), { recursive: true })
    .map((file) => join(dir, String(file)))
    .filter((file) => file.endsWith('.d.ts'))
    .filter((file) => readFileSync(join(root, file), 'utf8').includes('@internal'));
}

/**
 * The errors in a build's own .d.ts, with a strict consumer's options. Only our files are
 * checked (what skipLibCheck: false adds for them); checking every library's declarations
 * as well would cost a full `tsc` run per build.
 */
function declarationErrors(root, build) {
  const program = ts.createProgram(
    ENTRIES.map((entry) => join(root, build.dir, entry)),
    {
      noEmit: true,
      strict: true,
      skipLibCheck: false,
      target: ts.ScriptTarget.ES2022,
      types: ['node'],
      module: build.module,
      moduleResolution: build.resolution,
    },
  );
  const ours = program
    .getSourceFiles()
    .filter((file) => !relative(join(root, build.dir), file.fileName).startsWith('..'));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...ours.flatMap((file) => [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]),
  ];
  const host = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  return diagnostics.length ? ts.formatDiagnostics(diagnostics, host) : '';
}

/** Throws when a declaration still carries `@internal` or the declarations do not type-check. */
export function checkDeclarations(root) {
  const tagged = BUILDS.flatMap((build) => filesWithInternalTag(root, build.dir));
  if (tagged.length > 0) {
    throw new Error(
      `@internal left in published declarations (stripInternal drops only a declaration whose leading comment has the tag):\n  ${tagged.join('\n  ')}`,
    );
  }
  for (const build of BUILDS) {
    const errors = declarationErrors(root, build);
    if (errors) throw new Error(`${build.dir}/**/*.d.ts do not type-check:\n${errors}`);
  }
}
