// server.properties for one Apache Kafka node in KRaft mode (broker and controller in one JVM).
// Pure: kafka/test/server-properties.test.ts checks it without a JVM.
import { type KafkaSecurityLayout, secureListenerProperties, securityProperties } from './security/server-security.ts';

export interface KafkaNodeLayout {
  nodeId: number;
  host: string;
  /** Address clients are told to use; the host by default. */
  advertisedHost?: string;
  port: number;
  controllerPort: number;
  logDir: string;
  /** Every controller of the cluster, "id@host:port"; just this node for a single node. */
  voters: string[];
  /** Partitions of a topic created without a count (auto-created topics). */
  defaultPartitions?: number;
  /** TLS and SASL on the client listener, and optionally the authorizer; PLAINTEXT when absent. */
  security?: KafkaSecurityLayout;
  /** Extra or overriding settings, e.g. `min.insync.replicas`. */
  overrides?: Record<string, string | number | boolean>;
}

export function serverProperties(layout: KafkaNodeLayout): string {
  const clusterSize = layout.voters.length;
  const replication = Math.min(3, clusterSize);
  const advertisedHost = layout.advertisedHost ?? layout.host;
  const listeners = layout.security
    ? secureListenerProperties({ host: layout.host, advertisedHost, port: layout.port, controllerPort: layout.controllerPort })
    : {
        listeners: `PLAINTEXT://${layout.host}:${layout.port},CONTROLLER://${layout.host}:${layout.controllerPort}`,
        'advertised.listeners': `PLAINTEXT://${advertisedHost}:${layout.port}`,
        'controller.listener.names': 'CONTROLLER',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name': 'PLAINTEXT',
      };
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': layout.nodeId,
    'controller.quorum.voters': layout.voters.join(','),
    ...listeners,
    'log.dirs': layout.logDir,
    'num.partitions': layout.defaultPartitions ?? 1,
    'default.replication.factor': replication,
    'offsets.topic.replication.factor': replication,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': Math.min(2, replication),
    // A development cluster: a consumer group starts at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms': 0,
    ...(layout.security ? securityProperties(layout.security) : {}),
    ...layout.overrides,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** Kafka's own logging (log4j 1 / reload4j in 3.9) to one file, warnings and errors only by default. */
export function log4jProperties(logFile: string, level = 'INFO'): string {
  return [
    `log4j.rootLogger=${level}, file`,
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.MaxFileSize=20MB',
    'log4j.appender.file.MaxBackupIndex=2',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.org.apache.kafka.clients=WARN',
    '',
  ].join('\n');
}
