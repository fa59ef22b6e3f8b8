// The one Kafka version: kafka/pom.xml pins it, the compose stack runs the same image.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KAFKA_TOOLS, toolCommand } from '../src/tools.ts';
import { kafkaVersion, KafkaSetupError } from '../src/distribution.ts';

describe('kafkaVersion', () => {
  it('reads <kafka.version> from the pom', () => {
    expect(kafkaVersion('<properties><kafka.version> 3.9.1 </kafka.version></properties>')).toBe('3.9.1');
    expect(() => kafkaVersion('<project/>')).toThrow(KafkaSetupError);
  });

  it('is the version of the apache/kafka image in docker-compose.yml', () => {
    const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as { services: { kafka: { image: string } } };
    expect(compose.services.kafka.image).toBe(`apache/kafka:${kafkaVersion()}`);
  });
});

describe('toolCommand', () => {
  const distribution = { version: '3.9.1', libDir: '/k/lib', classPath: '/k/lib/*', java: '/j/bin/java' };

  it("runs each tool's main class from the distribution, with the arguments given", () => {
    const { command, args } = toolCommand('kafka-topics', ['--bootstrap-server', 'h:1', '--list'], distribution);
    expect(command).toBe('/j/bin/java');
    expect(args.slice(-4)).toEqual([KAFKA_TOOLS['kafka-topics'], '--bootstrap-server', 'h:1', '--list']);
    expect(args).toContain('/k/lib/*');
    expect(toolCommand('kafka-console-consumer.sh', [], distribution).args).toContain(KAFKA_TOOLS['kafka-console-consumer']);
  });

  it('refuses an unknown tool, naming the known ones', () => {
    expect(() => toolCommand('kafka-mirror-maker', [], distribution)).toThrow(
      /unknown Kafka tool "kafka-mirror-maker": one of kafka-topics\|kafka-consumer-groups/,
    );
  });
});
