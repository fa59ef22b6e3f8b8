// deploy/k8s checked without a cluster: the YAML parses, the objects reference each other
// consistently, and they agree with the code (ports, consumer groups, topics, configuration).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SERVICE_ROLES } from '../../scripts/migrate/service-roles.ts';
import { loadConfig, requirePushApiKey } from '@orders-dwh/shared/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const k8s = path.join(root, 'deploy', 'k8s');

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: each kind's spec is read by path, as parsed YAML
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};

function readManifests(file: string): Manifest[] {
  const documents = parseAllDocuments(readFileSync(path.join(k8s, file), 'utf8'));
  for (const document of documents) expect(document.errors, file).toEqual([]);
  return documents.map((d) => d.toJS() as Manifest).filter(Boolean);
}

const kustomization = parse(readFileSync(path.join(k8s, 'kustomization.yaml'), 'utf8')) as { resources: string[]; images: Array<{ name: string }> };
const manifests = kustomization.resources.flatMap(readManifests);
const secretExample = readManifests('secrets.example.yaml')[0]!;
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const named = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
const configMap = named('ConfigMap', 'dwh-pipeline-config')!;

const SERVICES = {
  source: { port: 5011, input: null },
  stg: { port: 5012, input: 'TOPIC_STG' },
  dds: { port: 5013, input: 'TOPIC_DDS' },
  cdm: { port: 5014, input: 'TOPIC_CDM' },
} as const;
const CONSUMERS = ['stg', 'dds', 'cdm'] as const;

/** The environment a container of this Deployment sees (Secret values from the example). */
function containerEnv(deployment: Manifest): Record<string, string> {
  const container = deployment.spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) Object.assign(env, named('ConfigMap', source.configMapRef.name)!.data);
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    env[variable.name] = ref ? secretExample.stringData![ref.key]! : String(variable.value);
  }
  return env;
}

describe('deploy/k8s', () => {
  it('lists every manifest in kustomization.yaml, and each one parses', () => {
    const files = readdirSync(k8s).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !f.includes('.example.'));
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(manifests.every((m) => m.apiVersion && m.kind && m.metadata?.name)).toBe(true);
    expect(kustomization.images.map((i) => i.name)).toEqual(['orders-dwh-pipeline']);
  });

  it('has a Deployment and a Service per service, a ConfigMap, a migration Job and a ScaledObject per consumer', () => {
    const names = (kind: string) =>
      byKind(kind)
        .map((m) => m.metadata.name)
        .sort();
    expect(names('Deployment')).toEqual(['dwh-cdm', 'dwh-dds', 'dwh-source', 'dwh-stg']);
    expect(names('Service')).toEqual(['dwh-cdm', 'dwh-dds', 'dwh-source', 'dwh-stg']);
    expect(names('ScaledObject')).toEqual(['dwh-cdm', 'dwh-dds', 'dwh-stg']);
    expect(names('ConfigMap')).toEqual(['dwh-pipeline-config']);
    expect(names('Job')).toEqual(['dwh-migrate']);
    expect(byKind('Secret')).toEqual([]); // secrets are created from a secret store, never applied from git
  });

  it('runs each service from the image on its port, with /health probes, as a non-root user', () => {
    for (const [name, { port }] of Object.entries(SERVICES)) {
      const deployment = named('Deployment', `dwh-${name}`)!;
      const pod = deployment.spec.template;
      expect(deployment.spec.selector.matchLabels, name).toEqual({ 'app.kubernetes.io/name': `dwh-${name}` });
      expect(pod.metadata.labels, name).toMatchObject(deployment.spec.selector.matchLabels);
      const [container, ...others] = pod.spec.containers;
      expect(others, name).toEqual([]);
      expect(container.image, name).toBe('orders-dwh-pipeline');
      expect(container.command, name).toEqual(['node', '--import', 'tsx', `services/${name}/src/main.ts`]);
      expect(existsSync(path.join(root, container.command[3])), name).toBe(true);
      expect(container.ports, name).toEqual([{ name: 'http', containerPort: port }]);
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        expect(container[probe]?.httpGet, `${name} ${probe}`).toEqual({ path: '/health', port: 'http' });
      }
      // Liveness gives up long after readiness: a dependency outage takes the pod out of the Service, not into a restart loop.
      expect(container.livenessProbe.failureThreshold * container.livenessProbe.periodSeconds).toBeGreaterThanOrEqual(120);
      expect(pod.spec.securityContext, name).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(container.securityContext, name).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
      expect(container.volumeMounts, name).toContainEqual({ name: 'tmp', mountPath: '/tmp' }); // tsx's cache
      expect(pod.spec.terminationGracePeriodSeconds, name).toBeGreaterThan(20); // the service's own stop timeout
      expect(pod.metadata.annotations['prometheus.io/port'], name).toBe(String(port));

      const service = named('Service', `dwh-${name}`)!;
      expect(service.spec.selector, name).toEqual(deployment.spec.selector.matchLabels);
      expect(service.spec.ports, name).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    }
  });

  it("gives each service a configuration its loadConfig accepts, connecting as the service's own role", () => {
    for (const [name, { port }] of Object.entries(SERVICES) as Array<[keyof typeof SERVICES, { port: number }]>) {
      const env = containerEnv(named('Deployment', `dwh-${name}`)!);
      const config = loadConfig(env);
      expect(config.ports[name], name).toBe(port);
      expect(config.host, name).toBe('0.0.0.0');
      expect(new URL(config.databaseUrl).username, name).toBe(SERVICE_ROLES[name]);
      expect(env.NODE_ENV, name).toBe('production');
    }
    // The source starts only with its API key, and no Secret reference may be left out when missing.
    expect(() => requirePushApiKey(loadConfig(containerEnv(named('Deployment', 'dwh-source')!)))).not.toThrow();
    const references = JSON.stringify(manifests).match(/"secretKeyRef":\{[^}]*\}/g) ?? [];
    expect(references.length).toBeGreaterThan(5);
    expect(references.filter((reference) => reference.includes('optional'))).toEqual([]);
    const job = named('Job', 'dwh-migrate')!;
    const env = containerEnv(job);
    expect(new URL(env.DATABASE_URL!).username).toBe('dwh');
    for (const role of Object.values(SERVICE_ROLES)) expect(env[`${role.toUpperCase()}_PASSWORD`], role).toBeDefined();
    expect(Object.values(secretExample.stringData!).every((value) => value.includes('CHANGE_ME'))).toBe(true);
  });

  it('scales each consumer on its own group lag, up to the partition count', () => {
    const partitions = Number(configMap.data!.TOPIC_PARTITIONS);
    expect(partitions).toBeGreaterThan(1);
    for (const name of CONSUMERS) {
      const scaled = named('ScaledObject', `dwh-${name}`)!;
      expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
      expect(named('Deployment', scaled.spec.scaleTargetRef.name), name).toBeDefined();
      expect(scaled.spec.scaleTargetRef.name).toBe(`dwh-${name}`);
      expect(scaled.spec.minReplicaCount, name).toBeGreaterThanOrEqual(1);
      expect(scaled.spec.maxReplicaCount, name).toBeLessThanOrEqual(partitions);
      expect(scaled.spec.maxReplicaCount, name).toBeGreaterThan(scaled.spec.minReplicaCount);
      expect(scaled.spec.triggers, name).toHaveLength(1);
      const [{ type, metadata }] = scaled.spec.triggers;
      expect(type).toBe('kafka');
      // The group the stage runner joins (`${name}-service`) on the topic it reads.
      expect(metadata.consumerGroup, name).toBe(`${name}-service`);
      expect(metadata.topic, name).toBe(configMap.data![SERVICES[name].input!]);
      expect(metadata.bootstrapServers, name).toBe(configMap.data!.KAFKA_BROKERS);
      expect(metadata.allowIdleConsumers, name).toBe('false');
      expect(metadata.offsetResetPolicy, name).toBe('earliest'); // the consumers start from the beginning
      expect(Number(metadata.lagThreshold), name).toBeGreaterThan(0);
    }
    expect(named('ScaledObject', 'dwh-source')).toBeUndefined();
  });
});
