// One Apache Kafka node (KRaft, broker + controller) as a child JVM: format its storage on first
// use, start it, wait until it serves clients, stop it with SIGTERM (SIGKILL after a timeout), or
// kill it outright and start it again on the same data.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensureKafkaDistribution, type KafkaDistribution } from './distribution.ts';
import { freePorts } from './free-port.ts';
import { waitForBrokers } from './readiness.ts';
import { type ApacheKafkaSecurity, type ApacheKafkaSecurityOptions, certificateHosts, prepareNodeSecurity } from './security/node-security.ts';
import { log4jProperties, serverProperties, type KafkaNodeLayout } from './server-properties.ts';

export interface ApacheKafkaOptions {
  dataDir: string;
  /** Client port; 0 or absent picks a free one (kept across restarts). */
  port?: number;
  controllerPort?: number;
  host?: string;
  advertisedHost?: string;
  nodeId?: number;
  /** All controllers of a cluster ("id@host:port"); absent for a single node. */
  voters?: string[];
  /** Shared by every node of a cluster; generated for a single node. */
  clusterId?: string;
  defaultPartitions?: number;
  overrides?: KafkaNodeLayout['overrides'];
  /** TLS and SASL on the client port, SCRAM and PLAIN users, optionally ACLs (security/node-security.ts); PLAINTEXT when absent. */
  security?: ApacheKafkaSecurityOptions;
  /** JVM heap flags, KAFKA_HEAP_OPTS style. */
  heapOptions?: string;
  stopTimeoutMs?: number;
  readyTimeoutMs?: number;
  /** Wait until the node serves clients before start() resolves (a cluster node waits for its quorum elsewhere). */
  waitUntilReady?: boolean;
  distribution?: KafkaDistribution;
  /** Called when the JVM exits without stop() or kill() asking it to. */
  onUnexpectedExit?: (reason: string) => void;
}

export interface ApacheKafkaNode {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly address: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly version: string;
  /** CA, admin and client options of a secured node; null for a PLAINTEXT one. */
  readonly security: ApacheKafkaSecurity | null;
  /** The JVM's process id while it runs. */
  pid(): number | null;
  running(): boolean;
  /** Starts the JVM again on the same port and data (after stop or kill). */
  start(): Promise<void>;
  /** SIGTERM: Kafka's controlled shutdown; SIGKILL if it has not exited after stopTimeoutMs. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown at all, as when the machine loses power. */
  kill(): Promise<void>;
  /** Resolves once the node answers metadata requests listing `brokers` brokers. */
  ready(brokers?: number): Promise<void>;
}

/** Kafka's cluster id form: 16 random bytes, URL-safe base64. It may begin with "-": pass it as --cluster-id=<id>. */
export const newClusterId = (): string => randomBytes(16).toString('base64url');

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

async function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function createApacheKafkaNode(options: ApacheKafkaOptions): Promise<ApacheKafkaNode> {
  const distribution = options.distribution ?? ensureKafkaDistribution();
  const host = options.host ?? '127.0.0.1';
  const nodeId = options.nodeId ?? 1;
  // Two distinct spares, so that neither a picked client port nor a given one is also picked for the controller.
  const [spare, spareController] = await freePorts(2, host);
  const port = options.port || spare!;
  const controllerPort = options.controllerPort || (spareController === port ? spare! : spareController!);
  const voters = options.voters ?? [`${nodeId}@${host}:${controllerPort}`];
  const dataDir = path.resolve(options.dataDir);
  const logDir = path.join(dataDir, 'log');
  const configDir = path.join(dataDir, 'config');
  const logFile = path.join(dataDir, 'logs', 'server.log');
  const propertiesFile = path.join(configDir, 'server.properties');
  const log4jFile = path.join(configDir, 'log4j.properties');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(path.dirname(logFile), { recursive: true });
  const advertisedHost = options.advertisedHost ?? host;
  const security = options.security && prepareNodeSecurity(options.security, path.join(dataDir, 'security'), certificateHosts(host, advertisedHost));
  writeFileSync(
    propertiesFile,
    serverProperties({
      nodeId,
      host,
      advertisedHost: options.advertisedHost,
      port,
      controllerPort,
      logDir,
      voters,
      defaultPartitions: options.defaultPartitions,
      security: security?.layout,
      overrides: options.overrides,
    }),
  );
  writeFileSync(log4jFile, log4jProperties(logFile));

  if (!existsSync(path.join(logDir, 'meta.properties'))) {
    const format = spawnSync(
      distribution.java,
      [
        '-cp',
        distribution.classPath,
        `-Dlog4j.configuration=file:${log4jFile}`,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${options.clusterId ?? newClusterId()}`,
        '-c',
        propertiesFile,
        '--ignore-formatted',
        ...(security?.formatArguments ?? []),
      ],
      { encoding: 'utf8' },
    );
    if (format.status !== 0) throw new Error(`kafka-storage format failed for ${logDir}:\n${format.stdout}${format.stderr}`);
  }

  const address = `${advertisedHost}:${port}`;
  const access = security?.access(address, distribution) ?? null;
  // The launcher's own check logs in by PLAIN: SCRAM users exist only once the metadata is loaded.
  const readinessSecurity = access ? access.kafkajs(access.admin, 'PLAIN') : {};
  const stopTimeoutMs = options.stopTimeoutMs ?? 20_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  let child: ChildProcess | null = null;
  let exitExpected = false;

  const node: ApacheKafkaNode = {
    nodeId,
    host,
    port,
    controllerPort,
    address,
    dataDir,
    logFile,
    version: distribution.version,
    security: access,
    pid: () => (child && child.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null),
    running: () => node.pid() !== null,
    async start() {
      if (node.running()) return;
      if (await portInUse(host, port)) throw new Error(`cannot start Apache Kafka: ${host}:${port} is already in use`);
      const heap = (options.heapOptions ?? process.env.KAFKA_HEAP_OPTS ?? '-Xms256m -Xmx1g').split(/\s+/).filter(Boolean);
      const started = spawn(
        distribution.java,
        [
          ...heap,
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-Djava.awt.headless=true',
          `-Dlog4j.configuration=file:${log4jFile}`,
          `-Dkafka.logs.dir=${path.dirname(logFile)}`,
          '-cp',
          distribution.classPath,
          'kafka.Kafka',
          propertiesFile,
        ],
        // Its own process group: a Ctrl-C meant for the launcher must not stop Kafka before the
        // services that still commit through it.
        { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
      );
      let stderr = '';
      started.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      child = started;
      exitExpected = false;
      // A Kafka this process started dies with it, even when it ends without stopping it (a test
      // worker torn down, an uncaught error); only a SIGKILL of this process leaves it running.
      const killOnExit = () => started.kill('SIGKILL');
      process.once('exit', killOnExit);
      started.once('exit', (code, signal) => {
        process.off('exit', killOnExit);
        if (!exitExpected) options.onUnexpectedExit?.(`exit ${code ?? signal}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
      });
      if (options.waitUntilReady === false) return;
      try {
        await node.ready();
      } catch (error) {
        const exited = started.exitCode !== null || started.signalCode !== null;
        if (!exited) await node.kill();
        throw new Error(`Apache Kafka node ${nodeId} did not start (${(error as Error).message}); its last words:\n${stderr}${tail(logFile, 15)}`);
      }
    },
    async ready(brokers = 1) {
      const current = child;
      if (!current) throw new Error('not started');
      const exited = waitForExit(current).then(() => {
        throw new Error(`the JVM exited with ${current.exitCode ?? current.signalCode}`);
      });
      await Promise.race([waitForBrokers([address], brokers, readyTimeoutMs, readinessSecurity), exited]);
    },
    async stop() {
      const current = child;
      if (!current || !node.running()) return;
      exitExpected = true;
      const timer = setTimeout(() => current.kill('SIGKILL'), stopTimeoutMs);
      current.kill('SIGTERM');
      await waitForExit(current);
      clearTimeout(timer);
    },
    async kill() {
      const current = child;
      if (!current || !node.running()) return;
      exitExpected = true;
      current.kill('SIGKILL');
      await waitForExit(current);
    },
  };
  return node;
}

/** A single-node Kafka, started and serving clients. */
export async function startApacheKafka(options: ApacheKafkaOptions): Promise<ApacheKafkaNode> {
  const node = await createApacheKafkaNode(options);
  await node.start();
  return node;
}
