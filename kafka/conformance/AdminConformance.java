// The AdminClient calls AKHQ makes to show topics, messages, consumer groups and lag, plus
// offsetsForTimes through the consumer. Runs after ProducerConformance and GroupConformance with
// the same prefix: it reads their topics and the group "<prefix>-group" (committed offsets 15,
// end offsets 18/15/15/15, so a lag of 3 on partition 0). It adds the topics
// "<prefix>-times-none", "<prefix>-times-zstd" and "writes-<prefix>", and the groups
// "<prefix>-live" and "<prefix>-offsets"; last, it tries the admin calls that change things.
//
//   java -cp '<kafka libs>/*' AdminConformance.java <bootstrap> <prefix>
//
// One JSON line per check on stdout; on the first failure a line with "ok":false and exit 1.
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class AdminConformance {
    static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    static final List<String> TOPIC_CONFIGS = List.of("cleanup.policy", "compression.type", "max.message.bytes", "message.timestamp.type", "min.insync.replicas", "retention.bytes", "retention.ms", "segment.bytes");
    static final List<String> BROKER_CONFIGS = List.of("auto.create.topics.enable", "default.replication.factor", "log.retention.bytes", "log.retention.hours", "log.segment.bytes", "message.max.bytes", "min.insync.replicas", "num.partitions", "offsets.topic.replication.factor");
    /** Records of the timestamp topic are this far apart, all in one batch. */
    static final long TIMESTAMP_STEP_MS = 1000;
    static final int TIMESTAMP_RECORDS = 10;
    static final ObjectMapper JSON = new ObjectMapper();

    static String bootstrap;
    static String prefix;
    static String groupTopic;
    static String group;
    static String currentCheck = "setup";

    public static void main(String[] args) throws Exception {
        bootstrap = args[0];
        prefix = args[1];
        groupTopic = prefix + "-group";
        group = prefix + "-group";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Node node = describeCluster(admin);
            listTopics(admin);
            describeTopics(admin, node);
            describeTopicConfigs(admin);
            describeBrokerConfigs(admin, node);
            consumerGroups(admin, node);
            offsetsAndLag(admin);
            offsetsForTimes(admin);
            adminWrites(admin);
        } catch (Throwable failure) {
            report(currentCheck, false, Map.of("error", String.valueOf(failure)));
            failure.printStackTrace();
            System.exit(1);
        }
    }

    static Node describeCluster(Admin admin) throws Exception {
        currentCheck = "describe-cluster";
        DescribeClusterResult cluster = admin.describeCluster();
        Collection<Node> nodes = cluster.nodes().get();
        Node controller = cluster.controller().get();
        String clusterId = cluster.clusterId().get();
        check(nodes.size() == 1, "one node, got %s", nodes);
        Node node = nodes.iterator().next();
        check(clusterId != null && !clusterId.isEmpty(), "a cluster id, got %s", clusterId);
        check(controller != null && controller.id() == node.id(), "the controller is the node, got %s", controller);
        report(currentCheck, true, Map.of("nodeId", node.id(), "host", node.host(), "port", node.port(), "controller", controller.id(), "clusterId", clusterId));
        return node;
    }

    static void listTopics(Admin admin) throws Exception {
        currentCheck = "list-topics";
        List<String> mine = admin.listTopics().names().get().stream().filter(name -> name.startsWith(prefix + "-")).sorted().toList();
        List<String> expected = new ArrayList<>(CODECS.stream().map(codec -> prefix + "-" + codec).toList());
        expected.add(groupTopic);
        expected.add(prefix + "-transactions");
        expected.sort(null);
        check(mine.equals(expected), "topics %s, expected %s", mine, expected);
        List<String> internal = admin.listTopics(new ListTopicsOptions().listInternal(true)).listings().get().stream().filter(t -> t.isInternal()).map(t -> t.name()).sorted().toList();
        report(currentCheck, true, Map.of("topics", mine, "internal", internal));
    }

    static void describeTopics(Admin admin, Node node) throws Exception {
        currentCheck = "describe-topics";
        Map<String, TopicDescription> described = admin.describeTopics(List.of(groupTopic, prefix + "-zstd")).allTopicNames().get();
        Map<String, Object> facts = new TreeMap<>();
        for (TopicDescription topic : described.values()) {
            check(!topic.isInternal(), "%s is not internal", topic.name());
            for (TopicPartitionInfo p : topic.partitions()) {
                check(p.leader() != null && p.leader().id() == node.id(), "%s-%d is led by node %d, got %s", topic.name(), p.partition(), node.id(), p.leader());
                check(p.replicas().equals(List.of(node)) && p.isr().equals(List.of(node)), "%s-%d: replicas %s, isr %s", topic.name(), p.partition(), p.replicas(), p.isr());
            }
            facts.put(topic.name(), Map.of("partitions", topic.partitions().size(), "topicId", String.valueOf(topic.topicId())));
        }
        check(described.get(groupTopic).partitions().size() == 4, "%s has 4 partitions", groupTopic);
        check(described.get(prefix + "-zstd").partitions().size() == 3, "%s-zstd has 3 partitions", prefix);
        ExecutionException missing = expectFailure(() -> admin.describeTopics(List.of(prefix + "-missing")).allTopicNames().get());
        check(missing.getCause() instanceof UnknownTopicOrPartitionException, "a missing topic fails with UnknownTopicOrPartitionException, got %s", missing.getCause());
        report(currentCheck, true, facts);
    }

    static void describeTopicConfigs(Admin admin) throws Exception {
        currentCheck = "describe-configs-topic";
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, groupTopic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        Map<String, Object> entries = describeEntries(config, TOPIC_CONFIGS);
        ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, prefix + "-missing");
        ExecutionException failure = expectFailure(() -> admin.describeConfigs(List.of(missing)).all().get());
        check(failure.getCause() instanceof UnknownTopicOrPartitionException, "configs of a missing topic fail with UnknownTopicOrPartitionException, got %s", failure.getCause());
        report(currentCheck, true, Map.of("entries", entries, "count", config.entries().size()));
    }

    static void describeBrokerConfigs(Admin admin, Node node) throws Exception {
        currentCheck = "describe-configs-broker";
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(node.id()));
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        report(currentCheck, true, Map.of("entries", describeEntries(config, BROKER_CONFIGS), "count", config.entries().size()));
    }

    /** Each wanted entry as value, source, default and read-only flags; every one must be there. */
    static Map<String, Object> describeEntries(Config config, List<String> wanted) {
        Map<String, Object> out = new TreeMap<>();
        for (String name : wanted) {
            ConfigEntry entry = config.get(name);
            check(entry != null, "config %s is described", name);
            check(entry.value() != null, "config %s has a value", name);
            out.put(name, Map.of("value", entry.value(), "source", entry.source().name(), "default", entry.isDefault(), "readOnly", entry.isReadOnly()));
        }
        return out;
    }

    static void consumerGroups(Admin admin, Node node) throws Exception {
        currentCheck = "list-consumer-groups";
        Map<String, Object> listed = new TreeMap<>();
        for (var listing : admin.listConsumerGroups().all().get()) {
            if (!listing.groupId().startsWith(prefix + "-")) continue;
            listed.put(listing.groupId(), Map.of("state", String.valueOf(listing.state().orElse(null)), "type", String.valueOf(listing.type().orElse(null)), "simple", listing.isSimpleConsumerGroup()));
        }
        check(listed.keySet().equals(java.util.Set.of(group)), "groups %s, expected [%s]", listed.keySet(), group);
        report(currentCheck, true, Map.of("groups", listed));

        currentCheck = "describe-consumer-groups";
        ConsumerGroupDescription empty = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        check(empty.state() == ConsumerGroupState.EMPTY && empty.members().isEmpty(), "%s is Empty without members, got %s", group, empty);
        check(empty.coordinator().id() == node.id(), "the coordinator is node %d, got %s", node.id(), empty.coordinator());
        String liveGroup = prefix + "-live";
        Map<String, Object> live;
        try (KafkaConsumer<String, String> consumer = consumer(liveGroup)) {
            consumer.subscribe(List.of(groupTopic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (consumer.assignment().isEmpty()) {
                check(System.currentTimeMillis() < deadline, "the live group's member got its partitions");
                consumer.poll(Duration.ofMillis(100));
            }
            ConsumerGroupDescription stable = admin.describeConsumerGroups(List.of(liveGroup)).all().get().get(liveGroup);
            check(stable.state() == ConsumerGroupState.STABLE, "%s is Stable, got %s", liveGroup, stable.state());
            check(stable.members().size() == 1, "%s has one member, got %s", liveGroup, stable.members());
            MemberDescription member = stable.members().iterator().next();
            check(member.clientId().equals("conformance-live"), "the member's client id, got %s", member.clientId());
            check(member.host().contains("127.0.0.1"), "the member's host, got %s", member.host());
            List<Integer> assigned = member.assignment().topicPartitions().stream().map(TopicPartition::partition).sorted().toList();
            check(assigned.equals(List.of(0, 1, 2, 3)), "the member's assignment, got %s", assigned);
            check(stable.partitionAssignor().equals("range"), "the group's assignor, got %s", stable.partitionAssignor());
            live = Map.of("state", stable.state().toString(), "assignor", stable.partitionAssignor(), "clientId", member.clientId(), "host", member.host(), "assignment", assigned, "simple", stable.isSimpleConsumerGroup());
        }
        report(currentCheck, true, Map.of("empty", Map.of("state", empty.state().toString(), "members", empty.members().size(), "assignor", empty.partitionAssignor()), "live", live));
    }

    static void offsetsAndLag(Admin admin) throws Exception {
        currentCheck = "offsets-and-lag";
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> partitions = committed.keySet().stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        Map<Integer, Long> committedOffsets = byPartition(committed, OffsetAndMetadata::offset);
        Map<Integer, Long> endOffsets = byPartition(admin.listOffsets(partitions).all().get(), info -> info.offset());
        Map<TopicPartition, OffsetSpec> earliestSpecs = committed.keySet().stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.earliest()));
        Map<Integer, Long> startOffsets = byPartition(admin.listOffsets(earliestSpecs).all().get(), info -> info.offset());
        Map<Integer, Long> lag = new TreeMap<>();
        committedOffsets.forEach((p, offset) -> lag.put(p, endOffsets.get(p) - offset));
        check(committedOffsets.equals(Map.of(0, 15L, 1, 15L, 2, 15L, 3, 15L)), "committed offsets %s", committedOffsets);
        check(endOffsets.equals(Map.of(0, 18L, 1, 15L, 2, 15L, 3, 15L)), "end offsets %s", endOffsets);
        check(startOffsets.equals(Map.of(0, 0L, 1, 0L, 2, 0L, 3, 0L)), "start offsets %s", startOffsets);
        report(currentCheck, true, Map.of("committed", committedOffsets, "end", endOffsets, "start", startOffsets, "lag", lag));
    }

    /**
     * A one-partition topic per codec holding TIMESTAMP_RECORDS records in one batch, timestamps
     * TIMESTAMP_STEP_MS apart; each lookup as (offset, timestamp) or null for "none".
     */
    static void offsetsForTimes(Admin admin) throws Exception {
        for (String codec : List.of("none", "zstd")) {
            currentCheck = "offsets-for-times-" + codec;
            String topic = prefix + "-times-" + codec;
            createTopics(admin, List.of(new NewTopic(topic, 1, (short) 1)));
            long base = System.currentTimeMillis() - 60_000;
            produceTimestamped(topic, codec, base);
            TopicPartition tp = new TopicPartition(topic, 0);
            Map<String, Long> targets = new LinkedHashMap<>();
            targets.put("beforeFirst", base - 5_000);
            targets.put("first", base);
            targets.put("insideBatch", base + 3 * TIMESTAMP_STEP_MS + TIMESTAMP_STEP_MS / 2);
            targets.put("last", base + (TIMESTAMP_RECORDS - 1) * TIMESTAMP_STEP_MS);
            targets.put("afterLast", base + TIMESTAMP_RECORDS * TIMESTAMP_STEP_MS);
            Map<String, Object> viaAdmin = new LinkedHashMap<>();
            Map<String, Object> viaConsumer = new LinkedHashMap<>();
            try (KafkaConsumer<String, String> consumer = consumer(null)) {
                for (var target : targets.entrySet()) {
                    var info = admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(target.getValue()))).partitionResult(tp).get();
                    viaAdmin.put(target.getKey(), info.offset() < 0 ? null : List.of(info.offset(), info.timestamp() - base));
                    OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, target.getValue())).get(tp);
                    viaConsumer.put(target.getKey(), found == null ? null : List.of(found.offset(), found.timestamp() - base));
                }
            }
            check(viaAdmin.equals(viaConsumer), "admin %s and consumer %s agree", viaAdmin, viaConsumer);
            report(currentCheck, true, Map.of("codec", codec, "found", viaConsumer));
        }
    }

    /**
     * What AKHQ can change: each call's outcome, "ok" or the exception's class. A broker without
     * the API must fail the call the way Kafka fails one a broker does not advertise
     * (UnsupportedVersionException), not hang or break the connection. Uses a topic and groups of
     * its own ("writes-<prefix>", "<prefix>-offsets"), so the checks after it see nothing changed.
     */
    static void adminWrites(Admin admin) throws Exception {
        currentCheck = "admin-writes";
        String topic = "writes-" + prefix;
        String offsetsGroup = prefix + "-offsets";
        TopicPartition tp = new TopicPartition(topic, 0);
        createTopics(admin, List.of(new NewTopic(topic, 1, (short) 1)));
        Map<String, String> outcomes = new LinkedHashMap<>();
        outcomes.put("incrementalAlterConfigs", outcome(() -> admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
            List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET)))).all().get()));
        outcomes.put("createPartitions", outcome(() -> admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get()));
        outcomes.put("deleteRecords", outcome(() -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(0))).all().get()));
        outcomes.put("alterConsumerGroupOffsets", outcome(() -> admin.alterConsumerGroupOffsets(offsetsGroup, Map.of(tp, new OffsetAndMetadata(0))).all().get()));
        outcomes.put("deleteConsumerGroupOffsets", outcome(() -> admin.deleteConsumerGroupOffsets(offsetsGroup, java.util.Set.of(tp)).all().get()));
        outcomes.put("deleteConsumerGroups", outcome(() -> admin.deleteConsumerGroups(List.of(prefix + "-live")).all().get()));
        for (String result : outcomes.values()) check(result.equals("ok") || result.equals("UnsupportedVersionException"), "every call succeeds or is unsupported: %s", outcomes);
        report(currentCheck, true, Map.of("outcomes", outcomes));
    }

    static String outcome(Call call) {
        try {
            call.run();
            return "ok";
        } catch (ExecutionException failed) {
            return failed.getCause().getClass().getSimpleName();
        } catch (Exception failed) {
            return failed.getClass().getSimpleName();
        }
    }

    static void produceTimestamped(String topic, String codec, long base) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("compression.type", codec);
        props.put("linger.ms", "1000");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < TIMESTAMP_RECORDS; i++) producer.send(new ProducerRecord<>(topic, 0, base + i * TIMESTAMP_STEP_MS, "key-" + i, "at +" + i + "s"));
            producer.flush();
        }
    }

    /**
     * Creates the topics and waits until the broker leads every partition: a first send racing a
     * partition still being created once confused an idempotent producer on Apache Kafka.
     */
    static void createTopics(Admin admin, List<NewTopic> topics) throws Exception {
        admin.createTopics(topics).all().get();
        List<String> names = topics.stream().map(NewTopic::name).toList();
        for (long deadline = System.currentTimeMillis() + 30_000; ; Thread.sleep(100)) {
            try {
                if (admin.describeTopics(names).allTopicNames().get().values().stream().allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null))) return;
            } catch (java.util.concurrent.ExecutionException notYetKnown) {
                // describe again
            }
            check(System.currentTimeMillis() < deadline, "topics %s have no leaders after 30 s", names);
        }
    }

    static KafkaConsumer<String, String> consumer(String groupId) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        if (groupId != null) props.put("group.id", groupId);
        props.put("group.protocol", "classic");
        props.put("client.id", "conformance-live");
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    static <V> Map<Integer, Long> byPartition(Map<TopicPartition, V> values, Function<V, Long> offset) {
        Map<Integer, Long> out = new TreeMap<>();
        values.forEach((tp, v) -> out.put(tp.partition(), offset.apply(v)));
        return out;
    }

    interface Call {
        void run() throws Exception;
    }

    static ExecutionException expectFailure(Call call) throws Exception {
        try {
            call.run();
        } catch (ExecutionException expected) {
            return expected;
        }
        throw new AssertionError("expected a failure");
    }

    static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new AssertionError(String.format(format, args));
    }

    static void report(String check, boolean ok, Map<String, Object> facts) throws Exception {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("check", check);
        line.put("ok", ok);
        line.put(ok ? "facts" : "error", ok ? facts : facts.get("error"));
        System.out.println(JSON.writeValueAsString(line));
        System.out.flush();
    }
}
