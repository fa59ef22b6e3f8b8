// An idempotent producer (acks=all) once per compression codec, and a consumer reading every
// record back intact: key, value, headers, timestamp, and offsets in send order per partition.
// Then a transactional producer: it either commits a transaction a read_committed consumer sees,
// or is refused at once by initTransactions with TransactionalIdAuthorizationException (how the
// development broker answers); the "outcome" fact says which.
//
//   java -cp '<kafka libs>/*' ProducerConformance.java <bootstrap> <prefix>
//
// One JSON line per check on stdout; on the first failure a line with "ok":false and exit 1.
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class ProducerConformance {
    static final List<String> ALL_CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    static final int PARTITIONS = 3;
    static final int RECORDS = 300;
    static final ObjectMapper JSON = new ObjectMapper();

    /** What was sent, with where the broker said it landed. */
    record Sent(ProducerRecord<String, String> record, RecordMetadata metadata) {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String prefix = args[1];
        String check = "setup";
        try {
            List<String> topics = new ArrayList<>(ALL_CODECS.stream().map(codec -> prefix + "-" + codec).toList());
            topics.add(prefix + "-transactions");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                createTopics(admin, topics.stream().map(topic -> new NewTopic(topic, PARTITIONS, (short) 1)).toList());
            }
            for (String codec : ALL_CODECS) {
                check = "produce-consume-" + codec;
                report(check, roundTrip(bootstrap, prefix + "-" + codec, codec));
            }
            check = "transactions";
            report(check, transaction(bootstrap, prefix + "-transactions"));
        } catch (Throwable failure) {
            System.out.println(JSON.writeValueAsString(Map.of("check", check, "ok", false, "error", String.valueOf(failure))));
            failure.printStackTrace();
            System.exit(1);
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

    static Map<String, Object> transaction(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("transactional.id", topic + "-producer");
        props.put("max.block.ms", "20000");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            try {
                producer.initTransactions();
            } catch (org.apache.kafka.common.errors.TransactionalIdAuthorizationException refused) {
                return Map.of("outcome", "refused", "exception", refused.getClass().getSimpleName(), "message", String.valueOf(refused.getMessage()));
            }
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "key", "committed"));
            producer.commitTransaction();
        }
        Properties consumerProps = new Properties();
        consumerProps.put("bootstrap.servers", bootstrap);
        consumerProps.put("isolation.level", "read_committed");
        consumerProps.put("key.deserializer", StringDeserializer.class.getName());
        consumerProps.put("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            check(values.equals(List.of("committed")), "a read_committed consumer sees the committed record, got %s", values);
        }
        return Map.of("outcome", "committed");
    }

    static Map<String, Object> roundTrip(String bootstrap, String topic, String codec) throws Exception {
        List<Sent> sent = produce(bootstrap, topic, codec);
        Map<TopicPartition, List<Sent>> expected = new TreeMap<>((a, b) -> a.partition() - b.partition());
        for (Sent s : sent) expected.computeIfAbsent(new TopicPartition(topic, s.metadata.partition()), tp -> new ArrayList<>()).add(s);
        for (var entry : expected.entrySet()) {
            List<Sent> inPartition = entry.getValue();
            for (int i = 0; i < inPartition.size(); i++) {
                check(inPartition.get(i).metadata.offset() == i, "%s: send %d of the partition was acknowledged at offset %d", entry.getKey(), i, inPartition.get(i).metadata.offset());
            }
        }
        Map<TopicPartition, List<ConsumerRecord<String, String>>> received = consumeAll(bootstrap, expected.keySet());
        for (var entry : expected.entrySet()) {
            List<ConsumerRecord<String, String>> got = received.getOrDefault(entry.getKey(), List.of());
            check(got.size() == entry.getValue().size(), "%s: read %d records, sent %d", entry.getKey(), got.size(), entry.getValue().size());
            for (int i = 0; i < got.size(); i++) compare(entry.getValue().get(i), got.get(i));
        }
        return Map.of("topic", topic, "records", sent.size(), "perPartition", expected.values().stream().map(List::size).toList());
    }

    static List<Sent> produce(String bootstrap, String topic, String codec) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("compression.type", codec);
        props.put("linger.ms", "20");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            // Every 25th record is a tombstone: a null value must come back null, not empty.
            String value = i % 25 == 0 ? null : "value " + i + " " + "compressible text ".repeat(8);
            List<Header> headers = List.of(new RecordHeader("seq", bytes(String.valueOf(i))), new RecordHeader("codec", bytes(codec)), new RecordHeader("empty", new byte[0]));
            records.add(new ProducerRecord<>(topic, null, "key-" + (i % 11), value, headers));
        }
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
            for (ProducerRecord<String, String> record : records) acks.add(producer.send(record));
            producer.flush();
            for (int i = 0; i < records.size(); i++) sent.add(new Sent(records.get(i), acks.get(i).get()));
        }
        return sent;
    }

    static Map<TopicPartition, List<ConsumerRecord<String, String>>> consumeAll(String bootstrap, java.util.Set<TopicPartition> partitions) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        Map<TopicPartition, List<ConsumerRecord<String, String>>> received = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int count = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            while (count < RECORDS && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    received.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new ArrayList<>()).add(record);
                    count++;
                }
            }
            // Anything beyond what was sent would be a duplicate: give it a moment to show up.
            for (ConsumerRecord<String, String> extra : consumer.poll(Duration.ofMillis(300))) {
                throw new AssertionError("unexpected extra record at " + extra.partition() + "/" + extra.offset());
            }
        }
        return received;
    }

    static void compare(Sent sent, ConsumerRecord<String, String> got) {
        String where = got.topic() + "-" + got.partition() + "@" + got.offset();
        check(got.offset() == sent.metadata.offset(), "%s: expected offset %d", where, sent.metadata.offset());
        check(Objects.equals(got.key(), sent.record.key()), "%s: key %s, sent %s", where, got.key(), sent.record.key());
        check(Objects.equals(got.value(), sent.record.value()), "%s: value %s, sent %s", where, got.value(), sent.record.value());
        check(got.timestamp() == sent.metadata.timestamp(), "%s: timestamp %d, acknowledged %d", where, got.timestamp(), sent.metadata.timestamp());
        check(headersOf(got.headers()).equals(headersOf(sent.record.headers())), "%s: headers %s, sent %s", where, headersOf(got.headers()), headersOf(sent.record.headers()));
    }

    static List<String> headersOf(Iterable<Header> headers) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) out.add(h.key() + "=" + (h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8)));
        return out;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new AssertionError(String.format(format, args));
    }

    static void report(String check, Map<String, Object> facts) throws Exception {
        System.out.println(JSON.writeValueAsString(Map.of("check", check, "ok", true, "facts", facts)));
        System.out.flush();
    }
}
