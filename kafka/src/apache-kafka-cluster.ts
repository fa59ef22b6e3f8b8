// A cluster of Apache Kafka nodes on one machine, each a combined broker + controller in KRaft
// mode, all of them voters: with three, the controller quorum and every partition (replication
// factor 3, min.insync.replicas 2) survive the loss of any one node.
import path from 'node:path';
import { createApacheKafkaNode, newClusterId, type ApacheKafkaNode, type ApacheKafkaOptions } from './apache-kafka.ts';
import { ensureKafkaDistribution, type KafkaDistribution } from './distribution.ts';
import { freePorts } from './free-port.ts';
import { waitForBrokers } from './readiness.ts';
import { type ApacheKafkaSecurityOptions, certificateHosts, withStoredSecrets } from './security/node-security.ts';

export interface ApacheKafkaClusterOptions {
  /** Number of nodes, every one a broker and a voting controller; 3 by default. */
  size?: number;
  /** Each node keeps its data, configuration and log in `${baseDir}/node-<id>`. */
  baseDir: string;
  host?: string;
  /** Extra server.properties for every node, e.g. `{ 'min.insync.replicas': 2 }`. */
  overrides?: ApacheKafkaOptions['overrides'];
  defaultPartitions?: number;
  /** Security of every node, with one CA, server certificate and admin password made in `${baseDir}/security`. */
  security?: ApacheKafkaSecurityOptions;
  /** JVM heap flags for each node, KAFKA_HEAP_OPTS style. */
  heapOptions?: string;
  /** How long to wait for every broker to register; 180 s by default (several JVMs start at once). */
  readyTimeoutMs?: number;
  distribution?: KafkaDistribution;
  /** Called when a node's JVM exits without stop() or kill() asking it to. */
  onUnexpectedExit?: (nodeId: number, reason: string) => void;
}

export interface ApacheKafkaCluster {
  nodes: ApacheKafkaNode[];
  /** Every node's client address, comma-separated: the bootstrap list for KAFKA_BROKERS. */
  bootstrap: string;
  version: string;
  /** SIGTERM to every node still running (SIGKILL after each node's stop timeout). */
  stop(): Promise<void>;
}

export interface ClusterNodeLayout {
  nodeId: number;
  port: number;
  controllerPort: number;
}

/** `controller.quorum.voters` entries ("id@host:port"): every node of the cluster votes. */
export function clusterVoters(host: string, layout: readonly ClusterNodeLayout[]): string[] {
  return layout.map(({ nodeId, controllerPort }) => `${nodeId}@${host}:${controllerPort}`);
}

function checkClusterSize(size: number): void {
  if (!Number.isInteger(size) || size < 1) throw new Error(`a cluster needs a whole number of nodes, at least 1, got ${size}`);
}

/** Node ids from 1, each with a client and a controller port taken in order from `ports` (2 per node, all distinct). */
export function clusterLayout(size: number, ports: readonly number[]): ClusterNodeLayout[] {
  checkClusterSize(size);
  if (ports.length !== 2 * size || new Set(ports).size !== ports.length) {
    throw new Error(`a cluster of ${size} needs ${2 * size} distinct ports, got ${ports.join(', ')}`);
  }
  return Array.from({ length: size }, (_, i) => ({ nodeId: i + 1, port: ports[2 * i]!, controllerPort: ports[2 * i + 1]! }));
}

export async function startApacheKafkaCluster(options: ApacheKafkaClusterOptions): Promise<ApacheKafkaCluster> {
  const size = options.size ?? 3;
  const host = options.host ?? '127.0.0.1';
  const distribution = options.distribution ?? ensureKafkaDistribution();
  checkClusterSize(size);
  const layout = clusterLayout(size, await freePorts(2 * size, host));
  const voters = clusterVoters(host, layout);
  const clusterId = newClusterId();
  const security = options.security && withStoredSecrets(options.security, path.join(options.baseDir, 'security'), certificateHosts(host, host));
  const nodes: ApacheKafkaNode[] = [];
  for (const { nodeId, port, controllerPort } of layout) {
    nodes.push(
      await createApacheKafkaNode({
        dataDir: path.join(options.baseDir, `node-${nodeId}`),
        host,
        nodeId,
        port,
        controllerPort,
        voters,
        clusterId,
        defaultPartitions: options.defaultPartitions,
        overrides: options.overrides,
        security,
        heapOptions: options.heapOptions,
        distribution,
        waitUntilReady: false,
        onUnexpectedExit: options.onUnexpectedExit && ((reason) => options.onUnexpectedExit!(nodeId, reason)),
      }),
    );
  }
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  const addresses = nodes.map((node) => node.address);
  try {
    // Together: a node cannot serve clients before a majority of the voters elected a controller.
    await Promise.all(nodes.map((node) => node.start()));
    const access = nodes[0]!.security;
    const ready = waitForBrokers(addresses, size, options.readyTimeoutMs ?? 180_000, access ? access.kafkajs(access.admin, 'PLAIN') : {});
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        const dead = nodes.filter((node) => !node.running());
        if (dead.length > 0)
          reject(new Error(`Apache Kafka node ${dead.map((n) => n.nodeId).join(', ')} exited while the cluster started; see ${dead[0]!.logFile}`));
      }, 250);
    });
    try {
      await Promise.race([ready, exited]);
    } finally {
      clearInterval(timer);
      ready.catch(() => {});
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, bootstrap: addresses.join(','), version: distribution.version, stop };
}
