// Once before the integration-apache project: fetch Apache Kafka's jars if they are not cached yet
// (the first run needs `mvn` and Maven Central), and say which Kafka the suites run on.
import { ensureKafkaDistribution } from '@orders-dwh/apache-kafka';

export default function setup(): void {
  const distribution = ensureKafkaDistribution({ log: (line) => console.log(line) });
  console.log(`integration-apache: these suites run on Apache Kafka ${distribution.version} (jars in ${distribution.libDir})`);
}
