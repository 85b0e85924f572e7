package dev.shoehorn.backup.local;

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

    private final EmbeddedKafkaBroker broker;

    private LocalKafka(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    /**
     * Starts a broker listening on {@code 127.0.0.1:port}.
     *
     * @param port the client port, or 0 for a free one (tests); the controller port is always free-chosen
     */
    public static LocalKafka start(int port) {
        Ports.requireFree("Kafka", port);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaHost(HOST)
                .withKafkaPort(port)
                .withDeleteLogDirsOnClose(true);
        return new LocalKafka(broker.start());
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

    /** Stops the broker and deletes its log directories. */
    @Override
    public void close() {
        broker.close();
    }
}
