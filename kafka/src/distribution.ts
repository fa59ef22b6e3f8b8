// Apache Kafka's jars, fetched once from Maven Central by `mvn` (kafka/pom.xml pins the version)
// into a cache shared by every checkout, so later starts need neither Maven nor the network.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const POM_PATH = fileURLToPath(new URL('../pom.xml', import.meta.url));

/** Missing Java or Maven, or a failed download: one sentence that says what to do. */
export class KafkaSetupError extends Error {
  override name = 'KafkaSetupError';
}

export interface KafkaDistribution {
  version: string;
  /** Directory of the jars; `${libDir}/*` is the class path. */
  libDir: string;
  classPath: string;
  java: string;
}

/** The Kafka version pinned in kafka/pom.xml, the one place it is written for Java. */
export function kafkaVersion(pom = readFileSync(POM_PATH, 'utf8')): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new KafkaSetupError(`${POM_PATH} does not set <kafka.version>`);
  return match[1].trim();
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KAFKA_CACHE_DIR) return path.resolve(env.KAFKA_CACHE_DIR);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'orders-dwh-pipeline');
}

/** The java binary: $JAVA_HOME/bin/java when JAVA_HOME is set, else java on PATH. */
export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Java's feature release (17 for "17.0.15"), or null when no java runs. */
export function javaFeatureVersion(java = javaCommand()): number | null {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr + result.stdout);
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

export function hasMaven(): boolean {
  const result = spawnSync('mvn', ['--version'], { encoding: 'utf8' });
  return !result.error && result.status === 0;
}

const NEED_JAVA = 'Apache Kafka needs Java 17 or newer: install a JDK (for example `apt-get install openjdk-17-jdk-headless`) or point JAVA_HOME at one.';
const NEED_MAVEN =
  'The first run fetches Apache Kafka from Maven Central with `mvn`: install Apache Maven (for example `apt-get install maven`), then run this again.';

/** Java is there and new enough; throws KafkaSetupError otherwise. */
export function requireJava(env: NodeJS.ProcessEnv = process.env): string {
  const java = javaCommand(env);
  const feature = javaFeatureVersion(java);
  if (feature === null) throw new KafkaSetupError(NEED_JAVA);
  if (feature < 17) throw new KafkaSetupError(`${NEED_JAVA} Found Java ${feature}.`);
  return java;
}

/**
 * The jars of the pinned Kafka, downloading them on first use. A `.complete` file written last
 * (holding a hash of the pom) marks a finished copy, so an interrupted download is redone.
 */
export function ensureKafkaDistribution(options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): KafkaDistribution {
  const env = options.env ?? process.env;
  const java = requireJava(env);
  const pom = readFileSync(POM_PATH, 'utf8');
  const version = kafkaVersion(pom);
  const home = path.join(cacheRoot(env), `kafka-${version}`);
  const libDir = path.join(home, 'lib');
  const marker = path.join(home, '.complete');
  const pomHash = createHash('sha256').update(pom).digest('hex');
  const cached = existsSync(marker) && readFileSync(marker, 'utf8').trim() === pomHash;
  if (!cached) {
    if (!hasMaven()) throw new KafkaSetupError(NEED_MAVEN);
    options.log?.(`fetching Apache Kafka ${version} from Maven Central into ${home} (once)`);
    mkdirSync(home, { recursive: true });
    const staging = path.join(home, `lib.${process.pid}.tmp`);
    rmSync(staging, { recursive: true, force: true });
    const mvn = spawnSync('mvn', ['-B', '-q', '-f', POM_PATH, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'], {
      encoding: 'utf8',
      env,
    });
    if (mvn.error || mvn.status !== 0 || !existsSync(staging)) {
      rmSync(staging, { recursive: true, force: true });
      const detail = (mvn.stdout + mvn.stderr).trim().split('\n').slice(-5).join('\n');
      throw new KafkaSetupError(`mvn could not fetch Apache Kafka ${version} from Maven Central (exit ${mvn.status}):\n${detail}`);
    }
    rmSync(libDir, { recursive: true, force: true });
    renameSync(staging, libDir);
    writeFileSync(marker, `${pomHash}\n`);
  }
  if (!readdirSync(libDir).some((name) => name.startsWith(`kafka_2.13-${version}`))) {
    throw new KafkaSetupError(`${libDir} lacks kafka_2.13-${version}.jar: delete ${home} and run again`);
  }
  return { version, libDir, classPath: path.join(libDir, '*'), java };
}
