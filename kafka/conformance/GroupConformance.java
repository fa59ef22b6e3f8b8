// A consumer group of two classic members on a 4-partition topic: the second member's join
// splits the partitions, both commit and close, and a fresh member of the group resumes exactly
// at the committed offsets. Finally 3 records are left unconsumed on partition 0 (lag for the
// admin checks and kafka-consumer-groups).
//
//   java -cp '<kafka libs>/*' GroupConformance.java <bootstrap> <prefix>
//
// Topic and group are both named "<prefix>-group". One JSON line per check on stdout; on the
// first failure a line with "ok":false and exit 1.
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class GroupConformance {
    static final int PARTITIONS = 4;
    static final int FIRST_RECORDS_PER_PARTITION = 10;
    static final int LATER_RECORDS_PER_PARTITION = 5;
    static final int LAG_ON_PARTITION_0 = 3;
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A member, what its rebalance listener saw, and the records it polled since its last
     * assignment (eager rebalancing restarts every partition from its committed offset).
     */
    record Member(String name, KafkaConsumer<String, String> consumer, List<String> events, List<ConsumerRecord<String, String>> records) {
        void poll() {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                check(consumer.assignment().contains(new TopicPartition(r.topic(), r.partition())), "%s got a record of partition %d it does not own", name, r.partition());
                records.add(r);
            }
        }
    }

    static String bootstrap;
    static String topic;
    static String group;
    static String currentCheck = "setup";

    public static void main(String[] args) throws Exception {
        bootstrap = args[0];
        topic = args[1] + "-group";
        group = args[1] + "-group";
        try {
            createTopic();
            produce(0, FIRST_RECORDS_PER_PARTITION, PARTITIONS);
            rebalanceConsumeCommit();
            produce(FIRST_RECORDS_PER_PARTITION, LATER_RECORDS_PER_PARTITION, PARTITIONS);
            resumeFromCommitted();
            produce(FIRST_RECORDS_PER_PARTITION + LATER_RECORDS_PER_PARTITION, LAG_ON_PARTITION_0, 1);
        } catch (Throwable failure) {
            report(currentCheck, false, Map.of("error", String.valueOf(failure)));
            failure.printStackTrace();
            System.exit(1);
        }
    }

    static void createTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            createTopics(admin, List.of(new NewTopic(topic, PARTITIONS, (short) 1)));
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

    /** `count` records to each of the first `partitions` partitions, record n of a partition valued "p<p>-<n>". */
    static void produce(int firstIndex, int count, int partitions) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int p = 0; p < partitions; p++) {
                for (int n = firstIndex; n < firstIndex + count; n++) producer.send(new ProducerRecord<>(topic, p, "key-" + n, "p" + p + "-" + n)).get();
            }
        }
    }

    static void rebalanceConsumeCommit() throws Exception {
        currentCheck = "first-member";
        Member a = join("member-a");
        pollUntil(List.of(a), () -> a.consumer.assignment().size() == PARTITIONS, "member-a owns every partition");
        int firstGeneration = a.consumer.groupMetadata().generationId();
        report(currentCheck, true, Map.of("assignment", partitionsOf(a.consumer.assignment()), "generation", firstGeneration));

        currentCheck = "rebalance";
        Member b = join("member-b");
        pollUntil(List.of(a, b), () -> a.consumer.assignment().size() == PARTITIONS / 2 && b.consumer.assignment().size() == PARTITIONS / 2, "the partitions are split between the two members");
        int secondGeneration = a.consumer.groupMetadata().generationId();
        check(secondGeneration > firstGeneration, "the rebalance started a new generation: %d after %d", secondGeneration, firstGeneration);
        check(b.consumer.groupMetadata().generationId() == secondGeneration, "both members are in generation %d", secondGeneration);
        check(a.events.stream().anyMatch(e -> e.startsWith("revoked")), "member-a's partitions were revoked: %s", a.events);
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("memberA", partitionsOf(a.consumer.assignment()));
        split.put("memberB", partitionsOf(b.consumer.assignment()));
        split.put("generation", secondGeneration);
        split.put("memberAEvents", a.events);
        report(currentCheck, true, split);

        currentCheck = "consume-and-commit";
        int expected = PARTITIONS * FIRST_RECORDS_PER_PARTITION;
        pollUntil(List.of(a, b), () -> a.records.size() + b.records.size() >= expected, expected + " records consumed");
        List<ConsumerRecord<String, String>> all = new ArrayList<>(a.records);
        all.addAll(b.records);
        List<Long> firstOffsets = IntStream.range(0, FIRST_RECORDS_PER_PARTITION).mapToObj(n -> (long) n).toList();
        for (var offsets : offsetsByPartition(all).entrySet()) {
            check(offsets.getValue().equals(firstOffsets), "partition %d was consumed at offsets %s, expected %s", offsets.getKey(), offsets.getValue(), firstOffsets);
        }
        check(all.size() == expected, "the two members consumed %d records, expected %d", all.size(), expected);
        Map<Integer, Long> committed = new TreeMap<>();
        for (Member m : List.of(a, b)) {
            m.consumer.commitSync();
            committed.putAll(offsetsOf(m.consumer.committed(m.consumer.assignment())));
        }
        for (long offset : committed.values()) check(offset == FIRST_RECORDS_PER_PARTITION, "committed offsets are %s", committed);
        report(currentCheck, true, Map.of("memberA", a.records.size(), "memberB", b.records.size(), "committed", committed));
        a.consumer.close();
        b.consumer.close();
    }

    static void resumeFromCommitted() throws Exception {
        currentCheck = "resume-from-committed";
        Member c = join("member-c");
        pollUntil(List.of(c), () -> c.consumer.assignment().size() == PARTITIONS, "member-c owns every partition");
        Map<Integer, Long> committedAtStart = offsetsOf(c.consumer.committed(c.consumer.assignment()));
        int expected = PARTITIONS * LATER_RECORDS_PER_PARTITION;
        pollUntil(List.of(c), () -> c.records.size() >= expected, expected + " records consumed");
        for (int i = 0; i < 5; i++) c.poll(); // a re-delivery would show up here
        Map<Integer, List<Long>> resumedOffsets = offsetsByPartition(c.records);
        List<Long> laterOffsets = IntStream.range(FIRST_RECORDS_PER_PARTITION, FIRST_RECORDS_PER_PARTITION + LATER_RECORDS_PER_PARTITION).mapToObj(n -> (long) n).toList();
        for (int p = 0; p < PARTITIONS; p++) {
            check(laterOffsets.equals(resumedOffsets.get(p)), "partition %d resumed with offsets %s, expected %s", p, resumedOffsets.get(p), laterOffsets);
        }
        c.consumer.commitSync();
        Map<Integer, Long> committedAtEnd = offsetsOf(c.consumer.committed(c.consumer.assignment()));
        c.consumer.close();
        report(currentCheck, true, Map.of("committedAtStart", committedAtStart, "offsets", resumedOffsets, "committedAtEnd", committedAtEnd));
    }

    static Member join(String name) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", group);
        props.put("group.protocol", "classic");
        props.put("client.id", name);
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("session.timeout.ms", "10000");
        props.put("heartbeat.interval.ms", "300");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        Member member = new Member(name, new KafkaConsumer<>(props), new ArrayList<>(), new ArrayList<>());
        member.consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) member.events.add("revoked " + partitionsOf(partitions));
            }

            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                member.events.add("assigned " + partitionsOf(partitions));
                member.records.clear();
            }
        });
        return member;
    }

    /** Polls every member in turn (a rebalance needs all of them polling) until the condition holds. */
    static void pollUntil(List<Member> members, java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            check(System.currentTimeMillis() < deadline, "timed out waiting until %s", what);
            for (Member m : members) m.poll();
        }
    }

    /** Offsets per partition in the order consumed; every record must hold the value produced for it. */
    static Map<Integer, List<Long>> offsetsByPartition(List<ConsumerRecord<String, String>> records) {
        Map<Integer, List<Long>> out = new TreeMap<>();
        for (ConsumerRecord<String, String> r : records) {
            check(r.value().equals("p" + r.partition() + "-" + r.offset()), "record %d/%d holds %s", r.partition(), r.offset(), r.value());
            out.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.offset());
        }
        return out;
    }

    static List<Integer> partitionsOf(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).sorted().toList();
    }

    static Map<Integer, Long> offsetsOf(Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<Integer, Long> out = new TreeMap<>();
        committed.forEach((tp, om) -> out.put(tp.partition(), om == null ? null : om.offset()));
        return out;
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
