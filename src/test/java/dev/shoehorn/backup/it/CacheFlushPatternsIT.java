package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.storage.ArchiveStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The cache-flush reaction in {@code patterns} mode on the machine's real Redis: only keys that
 * match the configured patterns, in the configured database, are removed.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestProfile(CachePatternsProfile.class)
class CacheFlushPatternsIT {

    private static Events events;
    private static Commands producer;

    private final List<String> restoreJobs = new ArrayList<>();
    private final List<String> cacheDbKeys = new ArrayList<>();
    private final List<String> otherDbKeys = new ArrayList<>();

    @Inject
    RedisDataSource redis;

    @Inject
    ArchiveStore store;

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
        delete(ReactionsProfile.CACHE_DB, cacheDbKeys);
        delete(ReactionsProfile.OTHER_DB, otherDbKeys);
        restoreJobs.forEach(job -> store.delete(store.keys().reaction(CacheFlushIT.CACHE_FLUSH, job)));
    }

    @Test
    void onlyKeysMatchingThePatternsInTheConfiguredDatabaseAreRemoved() {
        // Given, in the cache's database, more matching keys than one SCAN round returns, and keys
        // that match no pattern; in another database, keys that would match
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> search = IntStream.range(0, 240).mapToObj(i -> "it-cache:search:" + run + ":" + i).toList();
        List<String> session = IntStream.range(0, 7).mapToObj(i -> "it-cache:session:" + run + ":" + i).toList();
        List<String> kept = List.of("it-cache:keep:" + run, "app:search:" + run, "it-cache:searchable:" + run);
        List<String> elsewhere = List.of("it-cache:search:" + run + ":elsewhere", "it-cache:session:" + run + ":x");
        set(ReactionsProfile.CACHE_DB, search, cacheDbKeys);
        set(ReactionsProfile.CACHE_DB, session, cacheDbKeys);
        set(ReactionsProfile.CACHE_DB, kept, cacheDbKeys);
        set(ReactionsProfile.OTHER_DB, elsewhere, otherDbKeys);
        String restoreJob = RestoreEvents.newJobId();
        restoreJobs.add(restoreJob);

        // When a restore that asked for a cache flush completes
        producer.sendCloudEvent(RestoreEvents.TOPIC, WorkerStack.SOURCE,
                RestoreEvents.completed(restoreJob, Commands.newCommandId(), WorkerStack.SOURCE, false, true));

        // Then cache.flushed reports the patterns mode and every matching key
        List<JsonNode> job = CacheFlushIT.awaitReactionEnd(events, restoreJob);
        assertThat(Events.types(job)).containsExactly("dev.shoehorn.cache.flushed");
        assertThat(job.get(0).path("data").path("mode").asText()).isEqualTo("patterns");
        assertThat(job.get(0).path("data").path("keysRemoved").asLong()).isEqualTo(search.size() + session.size());

        // And the matching keys are gone, every other key is still there
        assertThat(search).noneMatch(k -> exists(ReactionsProfile.CACHE_DB, k));
        assertThat(session).noneMatch(k -> exists(ReactionsProfile.CACHE_DB, k));
        assertThat(kept).allMatch(k -> exists(ReactionsProfile.CACHE_DB, k));
        assertThat(elsewhere).allMatch(k -> exists(ReactionsProfile.OTHER_DB, k));
    }

    private void set(int db, List<String> keys, List<String> created) {
        created.addAll(keys);
        redis.withConnection(c -> {
            c.select(db);
            keys.forEach(key -> c.value(String.class).set(key, "cached"));
        });
    }

    private boolean exists(int db, String key) {
        boolean[] found = new boolean[1];
        redis.withConnection(c -> {
            c.select(db);
            found[0] = c.key().exists(key);
        });
        return found[0];
    }

    private void delete(int db, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        redis.withConnection(c -> {
            c.select(db);
            c.key().del(keys.toArray(String[]::new));
        });
    }
}
