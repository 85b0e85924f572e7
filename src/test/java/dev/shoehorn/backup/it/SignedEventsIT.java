package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.reaction.Reaction;
import dev.shoehorn.backup.signing.SignatureHeader;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.signing.Signer;
import dev.shoehorn.backup.signing.Verification;
import dev.shoehorn.backup.storage.ArchiveStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Reactions that require signed events, on the machine's real Redis: a forged restore.completed
 * asking for a flush and a re-index does neither; one signed by a worker does.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestProfile(SignedEventsProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignedEventsIT {

    private static final List<String> GROUPS = List.of("backup-worker-cache-flush", "backup-worker-backfill");
    private static Events events;
    private static Commands producer;
    private static Admin admin;

    private final List<String> keys = new ArrayList<>();
    private final List<String> restoreJobs = new ArrayList<>();

    @Inject
    RedisDataSource redis;

    @Inject
    ArchiveStore store;

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        producer = new Commands(WorkerStack.bootstrapServers());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, WorkerStack.bootstrapServers()));
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        producer.close();
        admin.close();
    }

    @AfterEach
    void cleanUp() {
        redis.withConnection(c -> {
            c.select(ReactionsProfile.CACHE_DB);
            if (!keys.isEmpty()) {
                c.key().del(keys.toArray(String[]::new));
            }
        });
        restoreJobs.forEach(job -> store.delete(store.keys().reaction(CacheFlushIT.CACHE_FLUSH, job)));
    }

    @ParameterizedTest(name = "{0}")
    @Order(1)
    @ValueSource(strings = { "unsigned", "signed by a stranger under the worker's key id", "signed as a command" })
    void aForgedRestoreCompletedFlushesNothingAndRequestsNoBackfill(String forgery) {
        // Given cached keys, and a restore.completed asking for both reactions that no trusted worker signed
        String key = cacheKey();
        String restoreJob = newRestoreJob();
        byte[] event = completed(restoreJob);
        int postsBefore = SearchApiStandIn.posts().size();
        String signature = switch (forgery) {
            case "unsigned" -> null;
            case "signed as a command" -> SigningKeys.worker().sign(SignedKind.RESTORE, event);
            default -> new Signer(SigningKeys.WORKER_ID, SigningKeys.STRANGER.getPrivate()).sign(SignedKind.EVENT, event);
        };

        // When it is published, and both reaction groups have acknowledged it
        awaitAcknowledged(publish(event, signature));

        // Then the cache keeps its key, no reaction job began, and the search API was not called
        assertThat(exists(key)).isTrue();
        assertThat(reactionEvents(restoreJob)).isEmpty();
        assertThat(SearchApiStandIn.posts()).hasSize(postsBefore);
    }

    @Test
    @Order(2)
    void aRestoreCompletedSignedByAWorkerFlushesTheCache() {
        // Given cached keys, and a restore.completed signed as a worker signs its events
        String key = cacheKey();
        String restoreJob = newRestoreJob();
        byte[] event = completed(restoreJob);

        // When it is published
        publish(event, SigningKeys.worker().sign(SignedKind.EVENT, event));

        // Then the cache is flushed, and the reaction's own event is signed by this worker
        await().atMost(Duration.ofSeconds(30)).until(() -> reactionEvents(restoreJob).stream()
                .anyMatch(e -> e.path("type").asText().equals("dev.shoehorn.cache.flushed")));
        assertThat(exists(key)).isFalse();
        String jobId = Reaction.jobId(CacheFlushIT.CACHE_FLUSH, restoreJob);
        assertThat(events.tail().matching(r -> jobId.equals(Events.parse(r.value()).path("data").path("jobId").asText())))
                .singleElement().satisfies(r -> assertThat(SigningKeys.verifyEvent(r))
                        .isEqualTo(new Verification.Valid(SigningKeys.WORKER_ID)));
    }

    @Test
    @Order(Integer.MAX_VALUE) // after the tests above, whose output it reads
    void noLogLineOrEventCarriesAPrivateKey() throws IOException {
        List<String> output = new ArrayList<>();
        output.add(Files.readString(Path.of("target/it-worker.log")));
        events.tail().records().forEach(r -> output.add(new String(r.value(), StandardCharsets.UTF_8)));

        assertThat(output.get(0)).contains("stage=refused verdict=missing");
        assertThat(output).hasSizeGreaterThan(1).allSatisfy(text -> assertThat(text)
                .doesNotContain(SigningKeys.privateKeySpellings()));
    }

    private static byte[] completed(String restoreJob) {
        return RestoreEvents.completed(restoreJob, Commands.newCommandId(), WorkerStack.SOURCE, true, true)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static RecordMetadata publish(byte[] event, String signature) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(RestoreEvents.TOPIC, WorkerStack.SOURCE, event);
        record.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        if (signature != null) {
            record.headers().add(SignatureHeader.NAME, signature.getBytes(StandardCharsets.US_ASCII));
        }
        return producer.send(record);
    }

    /** Waits until both reaction groups have committed past the record: they are done with it. */
    private static void awaitAcknowledged(RecordMetadata record) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (String group : GROUPS) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                        .get(new TopicPartition(record.topic(), record.partition()));
                if (committed == null || committed.offset() <= record.offset()) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Events of the reaction jobs (cache flush or backfill) that the restore job would start. */
    private static List<JsonNode> reactionEvents(String restoreJob) {
        List<String> jobs = List.of(Reaction.jobId(CacheFlushIT.CACHE_FLUSH, restoreJob), Reaction.jobId("backfill", restoreJob));
        return events.all().stream().filter(e -> jobs.contains(e.path("data").path("jobId").asText())).toList();
    }

    private String newRestoreJob() {
        String job = RestoreEvents.newJobId();
        restoreJobs.add(job);
        return job;
    }

    private String cacheKey() {
        String key = "it-cache:signed:" + UUID.randomUUID();
        keys.add(key);
        redis.withConnection(c -> {
            c.select(ReactionsProfile.CACHE_DB);
            c.value(String.class).set(key, "cached");
        });
        return key;
    }

    private boolean exists(String key) {
        boolean[] found = new boolean[1];
        redis.withConnection(c -> {
            c.select(ReactionsProfile.CACHE_DB);
            found[0] = c.key().exists(key);
        });
        return found[0];
    }
}
