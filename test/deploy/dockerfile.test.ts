// The Dockerfile's essentials, checked without Docker: multi-stage, production dependencies only in
// the runtime stage, a type-checking build, a non-root user, node started directly in exec form.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyArgs, dockerignoreMatcher, execForm, parseDockerfile, type Stage } from './dockerfile.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const runtime = stages[stages.length - 1]!;
const build = stages[0]!;
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  it('is multi-stage: a build stage, then a runtime stage that copies from it', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBe('build');
    expect(runtime.base).toMatch(/^node:20(\.\d+)*-/);
    const fromBuild = all(runtime, 'COPY')
      .map((c) => copyArgs(c.args))
      .filter((c) => c.from === 'build');
    expect(fromBuild.length).toBeGreaterThan(0);
  });

  it('type-checks in the build stage and installs production dependencies only in the runtime stage', () => {
    expect(all(build, 'RUN').some((r) => /\btsc\b.*--noEmit/.test(r.args))).toBe(true);
    const installs = all(runtime, 'RUN').filter((r) => /\bnpm (ci|install)\b/.test(r.args));
    expect(installs.length).toBe(1);
    expect(installs[0]!.args).toMatch(/npm ci --omit=dev/);
    // tsx runs the services, so it must be a production dependency.
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toContain('tsx');
  });

  it('runs as a non-root user, set after the last step that needs root', () => {
    const users = all(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1]!;
    expect(user.args.split(':')[0]).not.toMatch(/^(root|0)$/);
    const lastRun = Math.max(...all(runtime, 'RUN').map((r) => r.line));
    expect(user.line).toBeGreaterThan(lastRun);
    const cmd = all(runtime, 'CMD').concat(all(runtime, 'ENTRYPOINT'));
    expect(Math.min(...cmd.map((c) => c.line))).toBeGreaterThan(user.line);
  });

  it('starts node directly in exec form (no npm, no shell), so signals reach the service', () => {
    expect(all(runtime, 'ENTRYPOINT')).toEqual([]);
    const cmds = all(runtime, 'CMD');
    expect(cmds.length).toBe(1);
    const argv = execForm(cmds[0]!.args);
    expect(argv).not.toBeNull();
    expect(argv![0]).toBe('node');
    expect(argv).toEqual(['node', '--import', 'tsx', 'services/source/src/main.ts']);
  });

  it('listens on every interface inside the container and runs in production mode', () => {
    const env = all(runtime, 'ENV')
      .map((e) => e.args)
      .join(' ');
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).not.toMatch(/PASSWORD|SECRET|API_KEY|DATABASE_URL/);
  });

  it('ships what the commands run: services, migrations and the topics tool', () => {
    const shipped = all(runtime, 'COPY').flatMap((c) => copyArgs(c.args).sources.map((s) => s.replace(/^\/app\//, '')));
    for (const needed of ['services', 'migrations', 'scripts/topics.ts']) expect(shipped).toContain(needed);
  });

  it('gives npm ci every workspace package’s manifest before it runs, in both stages', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
    for (const stage of [build, runtime]) {
      const install = all(stage, 'RUN').find((r) => /\bnpm ci\b/.test(r.args))!;
      const copiedBefore = all(stage, 'COPY')
        .filter((c) => c.line < install.line)
        .flatMap((c) => copyArgs(c.args).sources);
      for (const workspace of pkg.workspaces) expect(copiedBefore).toContain(`${workspace}/package.json`);
    }
  });

  it('the lint can fail: shell-form CMD, root user and single stage are caught', () => {
    const bad = parseDockerfile('FROM node:20\nUSER root\nCMD npm start\n');
    expect(bad.length).toBe(1);
    expect(execForm(bad[0]!.instructions.find((i) => i.keyword === 'CMD')!.args)).toBeNull();
    expect(bad[0]!.instructions.find((i) => i.keyword === 'USER')!.args).toBe('root');
    const continued = parseDockerfile('FROM node:20 AS a\nRUN echo a \\\n  # note\n  && echo b\nFROM a\n');
    expect(continued[0]!.instructions[0]).toEqual({ keyword: 'RUN', args: 'echo a && echo b', line: 2 });
  });
});

describe('.dockerignore', () => {
  const ignored = dockerignoreMatcher(readFileSync(path.join(root, '.dockerignore'), 'utf8'));

  it('keeps secrets, local state and dependencies out of the build context', () => {
    for (const file of ['.env', '.env.local', '.git/HEAD', 'node_modules/pg/package.json', '.data/broker/x', 'coverage/index.html']) {
      expect(ignored(file), file).toBe(true);
    }
  });

  it('keeps out tests and benchmarks, keeps in what the image builds from', () => {
    for (const file of ['services/dds/test/hash-keys.test.ts', 'broker/test/x.test.ts', 'test/e2e/pipeline.int.test.ts', 'broker/bench/throughput.ts']) {
      expect(ignored(file), file).toBe(true);
    }
    for (const file of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'services/dds/src/main.ts',
      'scripts/migrate.ts',
      'migrations/20251121000100000_layer-schemas.ts',
      'scripts/topics.ts',
      'broker/src/index.ts',
      '.env_template',
    ]) {
      expect(ignored(file), file).toBe(false);
    }
  });

  it('follows Docker: last match wins, ! re-includes, a folder pattern covers its content', () => {
    const matcher = dockerignoreMatcher('*.md\n!README.md\nlogs/\n**/tmp\n');
    expect(matcher('NOTES.md')).toBe(true);
    expect(matcher('README.md')).toBe(false);
    expect(matcher('docs/NOTES.md')).toBe(false); // '*' does not cross '/'
    expect(matcher('logs/today/x.log')).toBe(true);
    expect(matcher('a/b/tmp/c')).toBe(true);
  });
});
