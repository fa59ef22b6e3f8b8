// No code imports another workspace package's internals (broker/, kafka/, services/shared/ are
// packages with `exports`), and each package declares what its code imports.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryViolations, type SourceFile, type WorkspacePackage } from './package-boundaries.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const SKIP = new Set(['node_modules', '.git', '.data', '.test-output', 'dist', 'coverage']);

function readPackage(dir: string): WorkspacePackage {
  const json = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as {
    name: string;
    exports?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  return {
    name: json.name,
    dir,
    exports: Object.keys(json.exports ?? {}),
    entryFiles: Object.values(json.exports ?? {}).map((file) => path.posix.join(dir, file)),
    dependencies: Object.keys(json.dependencies ?? {}),
    devDependencies: Object.keys(json.devDependencies ?? {}),
  };
}

function sourceFiles(dir = ''): SourceFile[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|mts|js)$/.test(entry.name) ? [{ path: relative, text: readFileSync(path.join(root, relative), 'utf8') }] : [];
  });
}

const workspaces = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
const packages = [readPackage(''), ...workspaces.map(readPackage)];

/** Import lines for the cases below, built so that this file's own text holds none of them. */
const source = (...imports: Array<[names: string, specifier: string]>) =>
  imports.map(([names, specifier]) => `import ${names} from ${JSON.stringify(specifier).replaceAll('"', "'")};`).join('\n');

describe('package boundaries', () => {
  it('the workspaces are the development broker, Apache Kafka and the services’ shared package', () => {
    expect(packages.slice(1).map((p) => [p.dir, p.name])).toEqual([
      ['services/shared', '@orders-dwh/shared'],
      ['broker', '@orders-dwh/dev-broker'],
      ['kafka', '@orders-dwh/apache-kafka'],
    ]);
  });

  it('no file imports another package by a relative path, an entry it does not export, or an undeclared dependency', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(300);
    expect(boundaryViolations(files, packages)).toEqual([]);
  });

  it('names each kind of crossing it is there to catch', () => {
    const files: SourceFile[] = [
      { path: 'services/stg/src/a.ts', text: source(['{ x }', '../../shared/src/stage/stage-runner.ts']) },
      { path: 'test/e2e/b.test.ts', text: source(['{ startBroker }', '../../broker/src/broker.ts']) },
      { path: 'scripts/c.ts', text: source(['{ runner }', '@orders-dwh/shared/src/stage/stage-runner.ts']) },
      { path: 'services/shared/src/d.ts', text: source(['{ redis }', '../../../test/support/redis.ts']) },
      { path: 'broker/src/e.ts', text: source(['pg', 'pg']) },
      { path: 'services/shared/test/f.test.ts', text: source(['{ startTestInfra }', '../../../test/support/service-harness.ts']) },
      { path: 'services/dds/src/g.ts', text: source(['{ hubHashKey }', '@orders-dwh/shared/vault'], ['pg', 'pg']) },
      { path: 'vitest.config.ts', text: source(['{ apacheKafkaAvailability }', './kafka/src/index.ts']) },
      { path: 'vitest.config.ts', text: source(['{ kafkaVersion }', './kafka/src/distribution.ts']) },
    ];
    const found = boundaryViolations(files, packages);
    expect(found.map((problem) => problem.split(':')[0])).toEqual([
      'services/stg/src/a.ts',
      'test/e2e/b.test.ts',
      'scripts/c.ts',
      'services/shared/src/d.ts',
      'broker/src/e.ts',
      'vitest.config.ts',
    ]);
    expect(found[0]).toContain('reaches into @orders-dwh/shared');
    expect(found[2]).toContain('is not an entry @orders-dwh/shared exports');
    expect(found[4]).toContain("imports 'pg', which @orders-dwh/dev-broker's package.json does not declare");
  });
});
