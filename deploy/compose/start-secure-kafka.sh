#!/usr/bin/env bash
# Starts one Apache Kafka node (KRaft, broker and controller) with security on, in place of the
# apache/kafka image's own start script: TLS and SASL (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN) on both
# client listeners, the StandardAuthorizer (nothing allowed without an ACL, the admin a super user),
# and a SCRAM user per pipeline service, created when the storage is first formatted. The same
# layout as kafka/src/security/server-security.ts, which the test suite runs on Apache Kafka;
# test/deploy/secure-kafka-compose.int.test.ts runs this script itself.
set -euo pipefail

: "${KAFKA_ADMIN_PASSWORD:?set KAFKA_ADMIN_PASSWORD}"
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
CERTS_DIR=${CERTS_DIR:-/etc/kafka/certs}              # ca.pem and keystore.pem (npm run kafka -- certs)
DATA_DIR=${DATA_DIR:-/var/lib/kafka/data}
CONFIG_DIR=${CONFIG_DIR:-/tmp/kafka-config}
INTERNAL_HOST=${INTERNAL_HOST:-kafka}                 # what containers connect to
EXTERNAL_HOST=${EXTERNAL_HOST:-localhost}             # what the host connects to
INTERNAL_PORT=${INTERNAL_PORT:-9092}
EXTERNAL_PORT=${EXTERNAL_PORT:-9094}
CONTROLLER_PORT=${CONTROLLER_PORT:-9093}
CLUSTER_ID=${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}
NUM_PARTITIONS=${NUM_PARTITIONS:-6}
# Pipeline users: name=password for each service, from the environment (never written to a file
# but the server's own config, which stays inside the container).
SCRAM_USERS=(
  "svc-source=${KAFKA_SOURCE_PASSWORD:?set KAFKA_SOURCE_PASSWORD}"
  "svc-stg=${KAFKA_STG_PASSWORD:?set KAFKA_STG_PASSWORD}"
  "svc-dds=${KAFKA_DDS_PASSWORD:?set KAFKA_DDS_PASSWORD}"
  "svc-cdm=${KAFKA_CDM_PASSWORD:?set KAFKA_CDM_PASSWORD}"
)

mkdir -p "$CONFIG_DIR"
chmod 700 "$CONFIG_DIR"
plain_admin="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$KAFKA_ADMIN_PASSWORD\" user_admin=\"$KAFKA_ADMIN_PASSWORD\";"
scram="org.apache.kafka.common.security.scram.ScramLoginModule required;"

cat > "$CONFIG_DIR/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=INTERNAL://0.0.0.0:$INTERNAL_PORT,EXTERNAL://0.0.0.0:$EXTERNAL_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=INTERNAL://$INTERNAL_HOST:$INTERNAL_PORT,EXTERNAL://$EXTERNAL_HOST:$EXTERNAL_PORT
listener.security.protocol.map=INTERNAL:SASL_SSL,EXTERNAL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=$plain_admin
listener.name.internal.plain.sasl.jaas.config=$plain_admin
listener.name.internal.scram-sha-256.sasl.jaas.config=$scram
listener.name.internal.scram-sha-512.sasl.jaas.config=$scram
listener.name.external.plain.sasl.jaas.config=$plain_admin
listener.name.external.scram-sha-256.sasl.jaas.config=$scram
listener.name.external.scram-sha-512.sasl.jaas.config=$scram
ssl.keystore.type=PEM
ssl.keystore.location=$CERTS_DIR/keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$CERTS_DIR/ca.pem
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
log.dirs=$DATA_DIR
num.partitions=$NUM_PARTITIONS
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES

# For the healthcheck and Kafka's tools inside the container: the admin over the internal listener.
cat > "$CONFIG_DIR/admin-client.properties" <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=$plain_admin
ssl.truststore.type=PEM
ssl.truststore.location=$CERTS_DIR/ca.pem
PROPERTIES

scram_args=(--add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]")
for user in "${SCRAM_USERS[@]}"; do
  scram_args+=(--add-scram "SCRAM-SHA-512=[name=${user%%=*},password=${user#*=}]")
done
# Formats only a new data directory: the users are those of the first start.
"$KAFKA_HOME/bin/kafka-storage.sh" format --ignore-formatted --cluster-id "$CLUSTER_ID" --config "$CONFIG_DIR/server.properties" "${scram_args[@]}"
exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$CONFIG_DIR/server.properties"
