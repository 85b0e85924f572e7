package dev.shoehorn.backup.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * A single-node Kafka (KRaft broker and controller in this JVM), so that local mode and the
 * integration tests need neither Docker nor a Kafka installation. Its log directories are
 * temporary and deleted on close: local Kafka state never outlives the process.
 */
public final class LocalKafka implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final short REPLICATION_FACTOR = 1;
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private EmbeddedKafkaBroker broker;
    /** For a broker that can be stopped and started again; null otherwise. */
    private final Restartable restartable;

    private LocalKafka(EmbeddedKafkaBroker broker, Restartable restartable) {
        this.broker = broker;
        this.restartable = restartable;
    }

    /**
     * What a broker needs to come back as itself: its ports, cluster id and log directory, and
     * whether that directory outlives the broker.
     */
    private record Restartable(int port, int controllerPort, String clusterId, Path logDir, boolean kept) {

        EmbeddedKafkaBroker broker() {
            return new EmbeddedKafkaBroker()
                    .withKafkaHost(HOST)
                    .withKafkaPort(port)
                    .withControllerPort(controllerPort)
                    .withClusterId(clusterId)
                    .withAdditionalProperties(p -> {
                        p.put("log.dir", logDir.toString());
                        noJoinDelay(p);
                    })
                    .withDeleteLogDirsOnClose(false);
        }
    }

    /**
     * A one-machine broker has no stragglers to wait for: the first member of a consumer group gets its
     * partitions at once, not after the 3 s that a cluster waits for more members to join.
     */
    private static void noJoinDelay(java.util.Properties p) {
        p.put("group.initial.rebalance.delay.ms", "0");
    }

    /**
     * Starts a broker listening on {@code 127.0.0.1:port}.
     *
     * @param port the client port, or 0 for a free one (tests); the controller port is always free-chosen
     */
    public static LocalKafka start(int port) {
        Ports.requireFree("Kafka", port);
        // The broker picks a free port for each listener one at a time, which can pick one twice.
        int[] free = Ports.free(2);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaHost(HOST)
                .withKafkaPort(port == 0 ? free[0] : port)
                .withControllerPort(free[1])
                .withAdditionalProperties(LocalKafka::noJoinDelay)
                .withDeleteLogDirsOnClose(true);
        return new LocalKafka(broker.start(), null);
    }

    /**
     * Starts a broker that {@link #stopBroker()} and {@link #startBroker()} can take away and bring
     * back with its data, as a broker restart or an outage does; for the tests of what the worker
     * does meanwhile.
     */
    public static LocalKafka startRestartable() {
        try {
            int[] ports = Ports.free(2);
            Restartable config = new Restartable(ports[0], ports[1],
                    org.apache.kafka.common.Uuid.randomUuid().toString(),
                    Files.createTempDirectory("bw-kafka-"), false);
            return new LocalKafka(config.broker().start(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker on {@code 127.0.0.1:port} whose data is kept in {@code dir} across runs, as the
     * local S3 server's is: the progress topic and the event archive made from it stay in step.
     */
    public static LocalKafka startKept(int port, Path dir) {
        Ports.requireFree("Kafka", port);
        try {
            Files.createDirectories(dir);
            Path idFile = dir.resolve("cluster.id");
            if (!Files.exists(idFile)) {
                Files.writeString(idFile, org.apache.kafka.common.Uuid.randomUuid().toString());
            }
            Restartable config = new Restartable(port, Ports.free(1)[0], Files.readString(idFile).trim(),
                    dir.resolve("logs"), true);
            return new LocalKafka(config.broker().start(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the broker, keeping its data; clients see it unreachable until {@link #startBroker()}. */
    public synchronized void stopBroker() {
        requireRestartable();
        broker.close();
    }

    /** Starts the stopped broker again, on the same port, with the data it had. */
    public synchronized void startBroker() {
        requireRestartable();
        broker = restartable.broker().start();
    }

    private void requireRestartable() {
        if (restartable == null) {
            throw new IllegalStateException("this broker was not started restartable");
        }
    }

    /** The bootstrap servers as clients want them: {@code host:port}, without the listener name. */
    public String bootstrapServers() {
        return Arrays.stream(broker.getAdvertisedListeners().split(","))
                .map(listener -> listener.replaceFirst("^[A-Z_]+://", ""))
                .collect(Collectors.joining(","));
    }

    /**
     * Creates the topics that do not exist yet; existing topics are left as they are, whatever
     * their partition count.
     */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        List<NewTopic> topics = partitionsByTopic.entrySet().stream()
                .map(e -> new NewTopic(e.getKey(), e.getValue(), REPLICATION_FACTOR))
                .toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            for (var created : admin.createTopics(topics).values().entrySet()) {
                awaitCreated(created.getKey(), created.getValue());
            }
        }
    }

    private static void awaitCreated(String topic, KafkaFuture<Void> creation) {
        try {
            creation.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + topic + ": " + e.getCause().getMessage(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        }
    }

    /** Stops the broker and deletes its log directories, unless they are kept. */
    @Override
    public synchronized void close() {
        if (broker.isRunning()) {
            broker.close();
        }
        if (restartable != null && !restartable.kept()) {
            deleteTree(restartable.logDir());
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("LocalKafka: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
