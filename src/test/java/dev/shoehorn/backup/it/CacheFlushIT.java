package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.reaction.Reaction;
import dev.shoehorn.backup.storage.ArchiveStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The cache-flush reaction in {@code flushdb} mode on the machine's real Redis (127.0.0.1:6379):
 * database {@value ReactionsProfile#CACHE_DB} is the test's own and is emptied; another database
 * must keep its keys.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestProfile(ReactionsProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheFlushIT {

    static final String CACHE_FLUSH = "cache-flush";
    private static final Set<String> ENDS = Set.of("dev.shoehorn.cache.flushed", "dev.shoehorn.cache.flush-failed");
    private static Events events;
    private static Commands producer;

    private final List<String> restoreJobs = new ArrayList<>();
    private final List<String> otherDbKeys = new ArrayList<>();

    @Inject
    RedisDataSource redis;

    @Inject
    ArchiveStore store;

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        producer = new Commands(WorkerStack.bootstrapServers());
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        producer.close();
    }

    @AfterEach
    void cleanUp() {
        redis.withConnection(c -> {
            c.select(ReactionsProfile.OTHER_DB);
            if (!otherDbKeys.isEmpty()) {
                c.key().del(otherDbKeys.toArray(String[]::new));
            }
        });
        restoreJobs.forEach(job -> store.delete(store.keys().reaction(CACHE_FLUSH, job)));
    }

    @Test
    void flushdbEmptiesTheConfiguredDatabaseOnlyAndReportsHowManyKeysWent() {
        // Given keys in the cache's database and one in another database
        String run = UUID.randomUUID().toString();
        set(ReactionsProfile.CACHE_DB, "it-cache:search:" + run, "it-cache:session:" + run, "app:user:" + run);
        String elsewhere = "it-cache:search:" + run;
        set(ReactionsProfile.OTHER_DB, elsewhere);
        otherDbKeys.add(elsewhere);
        long before = dbSize(ReactionsProfile.CACHE_DB);
        String restoreJob = newRestoreJob();
        String commandId = Commands.newCommandId();

        // When a restore that asked for a cache flush completes
        publish(restoreJob, commandId, true);

        // Then the reaction's job reports the flush with its mode and count
        List<JsonNode> job = awaitReactionEnd(restoreJob);
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.cache.flushed");
        JsonNode data = job.get(0).path("data");
        assertThat(data.path("mode").asText()).isEqualTo("flushdb");
        assertThat(data.path("keysRemoved").asLong()).isEqualTo(before).isGreaterThanOrEqualTo(3);
        assertThat(data.path("restoreJobId").asText()).isEqualTo(restoreJob);
        assertThat(data.path("commandId").asText()).isEqualTo(commandId);
        assertThat(data.path("target").asText()).isEqualTo(WorkerStack.SOURCE);
        assertThat(data.path("seq").asLong()).isEqualTo(1);

        // And the cache's database is empty while the other one kept its key
        assertThat(dbSize(ReactionsProfile.CACHE_DB)).isZero();
        assertThat(exists(ReactionsProfile.OTHER_DB, elsewhere)).isTrue();
    }

    @Test
    void aRedeliveredEventFlushesOnce() {
        // Given a restore.completed event delivered twice, and another restore after it
        String restoreJob = newRestoreJob();
        String later = newRestoreJob();
        String event = RestoreEvents.completed(restoreJob, Commands.newCommandId(), WorkerStack.SOURCE, false, true);

        // When all three are published on one partition
        producer.sendCloudEvent(RestoreEvents.TOPIC, WorkerStack.SOURCE, event);
        producer.sendCloudEvent(RestoreEvents.TOPIC, WorkerStack.SOURCE, event);
        publish(later, Commands.newCommandId(), true);

        // Then, once the later one is flushed, the first restore's job has exactly one event
        awaitReactionEnd(later);
        assertThat(Events.types(jobEvents(restoreJob))).containsExactly("dev.shoehorn.cache.flushed");
    }

    @Test
    void aRestoreWithoutFlushCacheTriggersNothing() {
        // Given a restore that did not ask for a flush, followed by one that did
        String without = newRestoreJob();
        String marker = newRestoreJob();

        // When both are published on one partition
        publish(without, Commands.newCommandId(), false);
        publish(marker, Commands.newCommandId(), true);

        // Then, once the second is flushed, the first has left no job behind
        awaitReactionEnd(marker);
        assertThat(jobEvents(without)).isEmpty();
    }

    @Test
    void readinessReportsTheCache() throws Exception {
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(readiness.toURI()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode cache = null;
        for (JsonNode check : new ObjectMapper().readTree(ready.body()).path("checks")) {
            if (check.path("name").asText().equals("cache")) {
                cache = check;
            }
        }
        assertThat(cache).isNotNull();
        assertThat(cache.path("status").asText()).isEqualTo("UP");
        assertThat(cache.path("data").path("reaction").asText()).isEqualTo("enabled");
    }

    private String newRestoreJob() {
        String job = RestoreEvents.newJobId();
        restoreJobs.add(job);
        return job;
    }

    private static void publish(String restoreJob, String commandId, boolean flushCache) {
        producer.sendCloudEvent(RestoreEvents.TOPIC, WorkerStack.SOURCE,
                RestoreEvents.completed(restoreJob, commandId, WorkerStack.SOURCE, false, flushCache));
    }

    static List<JsonNode> jobEvents(Events events, String restoreJob) {
        String jobId = Reaction.jobId(CACHE_FLUSH, restoreJob);
        return events.all().stream().filter(e -> jobId.equals(e.path("data").path("jobId").asText())).toList();
    }

    private static List<JsonNode> jobEvents(String restoreJob) {
        return jobEvents(events, restoreJob);
    }

    static List<JsonNode> awaitReactionEnd(Events events, String restoreJob) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jobEvents(events, restoreJob).stream()
                .anyMatch(e -> ENDS.contains(e.path("type").asText())));
        return jobEvents(events, restoreJob);
    }

    private static List<JsonNode> awaitReactionEnd(String restoreJob) {
        return awaitReactionEnd(events, restoreJob);
    }

    private void set(int db, String... keys) {
        redis.withConnection(c -> {
            c.select(db);
            for (String key : keys) {
                c.value(String.class).set(key, "cached");
            }
        });
    }

    private long dbSize(int db) {
        long[] size = new long[1];
        redis.withConnection(c -> {
            c.select(db);
            size[0] = c.execute("DBSIZE").toLong();
        });
        return size[0];
    }

    private boolean exists(int db, String key) {
        boolean[] found = new boolean[1];
        redis.withConnection(c -> {
            c.select(db);
            found[0] = c.key().exists(key);
        });
        return found[0];
    }

    @Test
    @Order(Integer.MAX_VALUE) // after the unordered tests above, whose events it checks
    void everyCacheEventMatchesTheContractSchemas() {
        Events.ContractCheck check = events.checkContract("dev.shoehorn.cache.");

        assertThat(check.events()).isPositive();
        assertThat(check.violations()).isEmpty();
    }
}
