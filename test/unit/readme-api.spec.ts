import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES = ['lib/index.ts', 'lib/testing/index.ts'].map((entry) => `${root}${entry}`);

/** `export const A = …, B = …`, `export type A = …`, `export class A`, … : their names. */
function declaredExports(statement: ts.Statement): string[] {
  const exported = ts.canHaveModifiers(statement)
    ? ts.getModifiers(statement)?.some(({ kind }) => kind === ts.SyntaxKind.ExportKeyword)
    : false;
  if (!exported) return [];
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map(({ name }) => name.getText());
  }
  const { name } = statement as ts.DeclarationStatement;
  return name !== undefined && ts.isIdentifier(name) ? [name.text] : [];
}

/**
 * Every name an entry point exports, values and types alike. Read from the syntax (the entries
 * are lists of named re-exports; a `export *` would fail the test, as it hides names).
 */
function exportedNames(): string[] {
  return ENTRIES.flatMap((entry) => {
    const source = ts.createSourceFile(
      entry,
      readFileSync(entry, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    return source.statements.flatMap((statement) => {
      if (!ts.isExportDeclaration(statement)) return declaredExports(statement);
      const clause = statement.exportClause;
      if (clause === undefined || !ts.isNamedExports(clause)) {
        throw new Error(`${entry}: only named re-exports are listed in the README`);
      }
      return clause.elements.map((element) => element.name.text);
    });
  });
}

/** The text of a `## <title>` section of README.md, up to the next `## `. */
function readmeSection(title: string): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README "API"', () => {
  const names = exportedNames();
  const listed = new Set(
    [...readmeSection('API').matchAll(/`([A-Za-z_$][\w$]*)`/g)].map(([, name]) => name!),
  );

  it('names every export of the two entry points', () => {
    expect(names.length).toBeGreaterThan(50);
    expect(names.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('names nothing the package does not export', () => {
    expect([...listed].filter((name) => !names.includes(name))).toEqual([]);
  });
});
