package dev.shoehorn.backup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.local.DemoDatabase;
import dev.shoehorn.backup.local.LocalKafka;
import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.local.LocalS3;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * The real parts of a test whose workers are processes of their own (to be killed, halted or cut
 * off from the broker): a broker and an S3 server in the test JVM, a bucket, demo databases on the
 * machine's PostgreSQL, and the test's view of the topics. Everything it makes goes in
 * {@link #close()}.
 */
final class ProcessStack implements AutoCloseable {

    static final LocalPostgres PG = LocalPostgres.fromEnvironment();

    private final String name;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String secret;
    private final LocalKafka kafka;
    private final LocalS3 s3;
    private final Map<String, String> databases;
    private final Events events;
    private final Commands commands;

    /**
     * @param name what the test is, in the bucket's and databases' names
     * @param targets target name to whether its database starts as the demo database (else empty)
     */
    private ProcessStack(String name, LocalKafka kafka, Map<String, Boolean> targets, int partitions,
            UnaryOperator<BlobStore> store) throws Exception {
        this.name = name;
        this.secret = SuiteSecrets.secret(name + "-secret-" + suffix);
        this.kafka = kafka;
        kafka.createTopics(Map.of("backup.commands", partitions, "restore.commands", partitions, "backup.progress",
                partitions, "backup.commands.dlq", 1, "restore.commands.dlq", 1));
        this.s3 = LocalS3.start(0, null, name, secret, store);
        s3.createBucket(bucket());
        this.databases = new java.util.TreeMap<>();
        for (var target : targets.entrySet()) {
            String database = "bw_" + target.getKey() + "_" + suffix;
            if (target.getValue()) {
                DemoDatabase.ensureDemo(PG, database);
            } else {
                DemoDatabase.ensureEmpty(PG, database);
            }
            databases.put(target.getKey(), database);
        }
        this.events = new Events(kafka.bootstrapServers());
        this.commands = new Commands(kafka.bootstrapServers());
    }

    static ProcessStack start(String name, Map<String, Boolean> targets) throws Exception {
        return start(name, targets, 1);
    }

    /** With {@code partitions} partitions of the command and progress topics, for work spread over workers. */
    static ProcessStack start(String name, Map<String, Boolean> targets, int partitions) throws Exception {
        return new ProcessStack(name, LocalKafka.start(0), targets, partitions, UnaryOperator.identity());
    }

    /** With the S3 server's store wrapped by {@code store}, e.g. to hold reads ({@link StalledReads}). */
    static ProcessStack start(String name, Map<String, Boolean> targets, UnaryOperator<BlobStore> store)
            throws Exception {
        return new ProcessStack(name, LocalKafka.start(0), targets, 1, store);
    }

    /** With a broker that the test can stop and start again. */
    static ProcessStack startRestartable(String name, Map<String, Boolean> targets) throws Exception {
        return new ProcessStack(name, LocalKafka.startRestartable(), targets, 1, UnaryOperator.identity());
    }

    LocalKafka kafka() {
        return kafka;
    }

    LocalS3 s3() {
        return s3;
    }

    Events events() {
        return events;
    }

    Commands commands() {
        return commands;
    }

    String bucket() {
        return "bw-it-" + name + "-" + suffix;
    }

    String database(String target) {
        return databases.get(target);
    }

    /** Settings of a worker named {@code workerName} on this stack, every target added, ready for more. */
    Map<String, String> workerSettings(String workerName) {
        Map<String, String> properties = WorkerJvm.settings(workerName, kafka.bootstrapServers(), s3, bucket());
        databases.forEach((target, database) -> WorkerJvm.withTarget(properties, target, PG, database));
        properties.put("mp.messaging.incoming.restore-commands.session.timeout.ms", "6000");
        properties.put("mp.messaging.incoming.restore-commands.heartbeat.interval.ms", "1000");
        return properties;
    }

    WorkerJvm worker(String workerName, Map<String, String> properties) throws IOException {
        return WorkerJvm.start(workerName, properties,
                Map.of("BACKUP_STORAGE_ACCESS_KEY_ID", name, "BACKUP_STORAGE_SECRET_ACCESS_KEY", secret));
    }

    /** Every object's key in the stack's bucket. */
    List<String> objectKeys() {
        return s3.blobStore().list(bucket()).contents().stream().map(o -> o.key()).toList();
    }

    /** Keys of the manifests that name the command: the complete archives it made. */
    List<String> manifestsOf(String commandId) {
        return s3.blobStore().list(bucket()).contents().stream()
                .map(o -> o.key())
                .filter(k -> k.endsWith(".manifest.json"))
                .filter(k -> new String(read(k)).contains(commandId))
                .toList();
    }

    /** The one object whose key ends with {@code suffix} (a record's path below the prefix), as JSON. */
    JsonNode record(String suffix) {
        List<String> keys = objectKeys().stream().filter(k -> k.endsWith(suffix)).toList();
        if (keys.size() != 1) {
            throw new IllegalStateException("not one object ends with " + suffix + ": " + keys);
        }
        return Events.parse(read(keys.get(0)));
    }

    private byte[] read(String key) {
        try (var in = s3.blobStore().getBlob(bucket(), key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        events.close();
        commands.close();
        for (String database : databases.values()) {
            DemoDatabase.drop(PG, database);
        }
        s3.deleteBucket(bucket());
        s3.close();
        TopicDump.save(kafka.bootstrapServers(), name);
        kafka.close();
    }
}
