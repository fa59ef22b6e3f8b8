// A dry run of `docker build` without Docker: the build context filtered by .dockerignore, each
// stage's COPY lines applied to a folder, then what each stage must achieve checked there:
// the build stage type-checks, and everything the runtime stage's commands load is in the image
// and needs production dependencies only.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyArgs, dockerignoreMatcher, parseDockerfile, type Stage } from './dockerfile.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const stages = parseDockerfile(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

let work: string;
const folders = new Map<string, string>(); // stage name → its /app

/** The build context: every file under the project that .dockerignore keeps. */
function buildContext(): string {
  const ignored = dockerignoreMatcher(readFileSync(path.join(root, '.dockerignore'), 'utf8'));
  const context = path.join(work, 'context');
  const visit = (relative: string) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (ignored(child)) continue;
      if (entry.isDirectory()) visit(child);
      else if (entry.isFile()) cpSync(path.join(root, child), path.join(context, child));
    }
  };
  visit('');
  return context;
}

/**
 * What `npm ci` installs: the project's own node_modules stands in for the registry's packages, and
 * the workspace packages are linked to the stage's own copies, as npm ci links them, so that code
 * missing from the image is missing here too.
 */
function installLikeNpmCi(app: string): void {
  const modules = path.join(app, 'node_modules');
  mkdirSync(modules);
  const { workspaces } = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as { workspaces: string[] };
  const linked = workspaces.map((dir) => ({ dir, name: (JSON.parse(readFileSync(path.join(app, dir, 'package.json'), 'utf8')) as { name: string }).name }));
  const scopes = new Set(linked.map(({ name }) => name.split('/')[0]!));
  for (const entry of readdirSync(path.join(root, 'node_modules'))) {
    if (!scopes.has(entry)) symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry), 'dir');
  }
  for (const scope of scopes) {
    mkdirSync(path.join(modules, scope));
    for (const entry of readdirSync(path.join(root, 'node_modules', scope))) {
      if (!linked.some(({ name }) => name === `${scope}/${entry}`))
        symlinkSync(path.join(root, 'node_modules', scope, entry), path.join(modules, scope, entry), 'dir');
    }
  }
  for (const { dir, name } of linked) symlinkSync(path.join(app, dir), path.join(modules, name), 'dir');
}

/** Applies a stage's COPY lines (relative destinations are under WORKDIR /app). */
function assemble(stage: Stage, context: string): string {
  const app = path.join(work, `stage-${stage.name ?? 'final'}`);
  mkdirSync(app, { recursive: true });
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') expect(instruction.args).toBe('/app');
    if (instruction.keyword !== 'COPY') continue;
    const { from, sources, destination } = copyArgs(instruction.args);
    const origin = from === null ? context : folders.get(from)!;
    expect(origin, `COPY --from=${from}`).toBeDefined();
    const target = path.resolve(app, destination.replace(/^\/app\/?/, ''));
    const intoFolder = destination.endsWith('/') || sources.length > 1;
    for (const source of sources) {
      const from = path.join(origin, source.replace(/^\/app\//, ''));
      expect(existsSync(from), `${instruction.line}: COPY ${source}: not in the ${stage.name ?? 'build'} source`).toBe(true);
      const to = statSync(from).isFile() && intoFolder ? path.join(target, path.basename(from)) : target;
      cpSync(from, to, { recursive: true });
    }
  }
  installLikeNpmCi(app);
  if (stage.name) folders.set(stage.name, app);
  return app;
}

function runTsc(cwd: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [tsc, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

let context: string;
let runtime: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'docker-dry-run-'));
  context = buildContext();
  for (const stage of stages.slice(0, -1)) assemble(stage, context);
  runtime = assemble(stages[stages.length - 1]!, context);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('docker build, dry run', () => {
  it('leaves tests and secrets out of the build context', () => {
    expect(existsSync(path.join(context, 'services/dds/src/main.ts'))).toBe(true);
    expect(existsSync(path.join(context, 'services/dds/test'))).toBe(false);
    expect(existsSync(path.join(context, '.env'))).toBe(false);
    expect(existsSync(path.join(context, '.git'))).toBe(false);
  });

  it('type-checks in the build stage', () => {
    const { status, output } = runTsc(folders.get('build')!, ['-p', 'tsconfig.json', '--noEmit']);
    expect(output).toBe('');
    expect(status).toBe(0);
  }, 150_000);

  it('the runtime stage holds everything its commands load', () => {
    // The commands of docker-compose.yml and deploy/k8s, and every migration (loaded by node-pg-migrate).
    const entries = [
      ...['source', 'stg', 'dds', 'cdm'].map((name) => `services/${name}/src/main.ts`),
      'scripts/migrate.ts',
      'scripts/migrate/set-role-passwords.ts',
      'scripts/topics.ts',
      ...readdirSync(path.join(runtime, 'migrations'))
        .filter((f) => /^\d{13,17}_[\w-]+\.ts$/.test(f))
        .map((f) => `migrations/${f}`),
    ];
    for (const entry of entries) expect(existsSync(path.join(runtime, entry)), entry).toBe(true);
    const rootConfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
    writeFileSync(path.join(runtime, 'tsconfig.entries.json'), JSON.stringify({ compilerOptions: rootConfig.compilerOptions, files: entries }));
    // An import of a file that is not in the image fails here as "Cannot find module".
    const { status, output } = runTsc(runtime, ['-p', 'tsconfig.entries.json', '--noEmit']);
    expect(output).toBe('');
    expect(status).toBe(0);
  }, 150_000);

  it('the runtime code imports production dependencies only', () => {
    const pkg = JSON.parse(readFileSync(path.join(runtime, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const imported = new Set<string>();
    for (const file of filesUnder(path.join(runtime, 'services')).concat(
      filesUnder(path.join(runtime, 'migrations')),
      filesUnder(path.join(runtime, 'scripts')),
    )) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^'.][^']*)'|import\('([^'.][^']*)'\)/gm)) {
        if (!specifier || specifier.startsWith('node:')) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        imported.add(name);
      }
    }
    expect(imported.size).toBeGreaterThan(3);
    expect([...imported].filter((name) => !(name in pkg.dependencies)).sort()).toEqual([]);
  });
});
