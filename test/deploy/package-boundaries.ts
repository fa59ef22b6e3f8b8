// The workspace packages' front doors, checked from the source text: code reaches another package
// only by its name and an entry its package.json exports, and a package's own code imports only
// what its package.json declares. The one allowance: a package's tests may use the repository's
// test harness (test/support/), which starts the real Postgres, Redis and Kafka they run against.
import { builtinModules } from 'node:module';
import path from 'node:path';

export interface WorkspacePackage {
  name: string;
  /** Directory relative to the repository root; '' for the root package. */
  dir: string;
  exports: string[];
  /** The files those entries name, relative to the repository root. */
  entryFiles: string[];
  dependencies: string[];
  devDependencies: string[];
}

export interface SourceFile {
  /** Path relative to the repository root, with '/' separators. */
  path: string;
  text: string;
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm;
const BUILTINS = new Set(builtinModules);
const TEST_HARNESS = 'test/support/';
// Vite bundles its config with esbuild and hands bare imports to Node, which cannot load TypeScript
// from a package; the config reaches a package by the path of an entry the package exports.
const BUNDLED_CONFIGS = new Set(['vitest.config.ts']);

export function importSpecifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[1]!);
}

/** The package whose directory holds this path: the deepest match, the root package otherwise. */
export function packageOf(file: string, packages: WorkspacePackage[]): WorkspacePackage {
  const holders = packages.filter((p) => p.dir === '' || file.startsWith(`${p.dir}/`));
  return holders.sort((a, b) => b.dir.length - a.dir.length)[0]!;
}

const isTestFile = (file: string, own: WorkspacePackage) =>
  path.posix
    .relative(own.dir, file)
    .split('/')
    .some((part) => part === 'test' || part === 'bench');

/** Bare specifier → package name: 'pg' → 'pg', '@scope/name/sub' → '@scope/name'. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every import that breaks a boundary, as "file: why". */
export function boundaryViolations(files: SourceFile[], packages: WorkspacePackage[]): string[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const problems: string[] = [];
  for (const file of files) {
    const own = packageOf(file.path, packages);
    for (const specifier of importSpecifiers(file.text)) {
      if (specifier.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), specifier));
        const holder = packageOf(target, packages);
        if (holder === own) continue;
        if (holder.dir === '' && target.startsWith(TEST_HARNESS) && isTestFile(file.path, own)) continue;
        if (BUNDLED_CONFIGS.has(file.path) && holder.entryFiles.includes(target)) continue;
        problems.push(`${file.path}: '${specifier}' reaches into ${holder.name} (${target}); import it by name`);
        continue;
      }
      if (specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
      const name = packageName(specifier);
      const workspace = byName.get(name);
      if (workspace) {
        const entry = `.${specifier.slice(name.length)}`;
        if (!workspace.exports.includes(entry)) {
          problems.push(`${file.path}: '${specifier}' is not an entry ${name} exports (${workspace.exports.join(', ')})`);
        }
      }
      const declared = isTestFile(file.path, own) ? [...own.dependencies, ...own.devDependencies] : own.dependencies;
      if (own.dir !== '' && !declared.includes(name)) {
        problems.push(`${file.path}: imports '${name}', which ${own.name}'s package.json does not declare`);
      }
    }
  }
  return problems;
}
