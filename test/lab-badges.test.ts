// Every badge word the stage can show has its Chinese, not only those the default and named
// runs happen to show (lab-inspect-all.test.ts reads those): a badge is a node's latest
// role-like output named by its type (web/src/run.ts), so the words are the output types
// each algorithm declares. They are read statically, with the TypeScript checker: every
// `defineAlgorithm<Message, Output, …>({ name, … })` in src/algorithms, its Output type's
// `type` literals — an output a run has not yet produced, or one only a rare fault plan
// brings out, is covered too. And no Chinese is kept for a word no algorithm declares.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { listedAlgorithms } from '../src/algorithms/registry.js';
import { badgeWords, hasBadgeZh } from '../web/src/i18n/badges.js';
import { isProgressOutput } from '../web/src/run.js';

const root = join(import.meta.dirname, '..');

function indexFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? indexFiles(join(dir, e.name))
      : e.name === 'index.ts'
        ? [join(dir, e.name)]
        : [],
  );
}

/** The string literals a type's `type` property can take. */
function typeLiterals(checker: ts.TypeChecker, output: ts.Type): string[] {
  const members = output.isUnion() ? output.types : [output];
  return members.flatMap((m) => {
    const prop = m.getProperty('type');
    if (prop === undefined) return [];
    const t = checker.getTypeOfSymbol(prop);
    return (t.isUnion() ? t.types : [t]).flatMap((x) => (x.isStringLiteral() ? [x.value] : []));
  });
}

/** Each algorithm's declared output types, by the name its defineAlgorithm call gives. */
function declaredOutputTypes(): Map<string, string[]> {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const files = indexFiles(join(root, 'src', 'algorithms'));
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const found = new Map<string, string[]>();
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      node.expression.getText() === 'defineAlgorithm' &&
      node.typeArguments?.[1] !== undefined
    ) {
      const spec = node.arguments[0];
      const name =
        spec !== undefined && ts.isObjectLiteralExpression(spec)
          ? spec.properties.find((p) => p.name?.getText() === 'name')
          : undefined;
      if (
        name !== undefined &&
        ts.isPropertyAssignment(name) &&
        ts.isStringLiteral(name.initializer)
      )
        found.set(
          name.initializer.text,
          typeLiterals(checker, checker.getTypeFromTypeNode(node.typeArguments[1])),
        );
    }
    ts.forEachChild(node, visit);
  };
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (source !== undefined) visit(source);
  }
  return found;
}

describe('badge words', () => {
  const declared = declaredOutputTypes();

  it('reads the output types of every algorithm the Lab lists', () => {
    for (const spec of listedAlgorithms())
      expect(declared.get(spec.name)?.length ?? 0, spec.name).toBeGreaterThan(0);
  });

  it('has Chinese for every badge word an algorithm declares', () => {
    const missing = new Set<string>();
    for (const [name, types] of declared)
      for (const type of types)
        if (!isProgressOutput(type) && !hasBadgeZh(type)) missing.add(`${name}: ${type}`);
    expect([...missing]).toEqual([]);
  });

  it('keeps no Chinese for a word no badge shows', () => {
    const shown = new Set([...declared.values()].flat().filter((type) => !isProgressOutput(type)));
    // Besides outputs, a badge shows a node's status.
    for (const status of ['crashed', 'paused']) shown.add(status);
    expect(badgeWords().filter((w) => !shown.has(w))).toEqual([]);
  });
});
