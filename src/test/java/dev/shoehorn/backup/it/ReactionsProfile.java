package dev.shoehorn.backup.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A deployment that runs the reactions only: the command channels off, backfill against the
 * {@link SearchApiStandIn}, cache flush (FLUSHDB) of Redis database {@value #CACHE_DB} on the
 * machine's Redis. Timings are short so that retries, polls and the timeout fit a test.
 */
public class ReactionsProfile implements QuarkusTestProfile {

    /** Redis database the reactions' tests own: it is emptied by the flushdb test. */
    public static final int CACHE_DB = 13;
    /** Another database that must never be touched. */
    public static final int OTHER_DB = 12;
    /** Configured as well, but the token file wins: this one must never be sent or leak. */
    public static final String CONFIG_TOKEN = SuiteSecrets.secret("it-config-token-" + java.util.UUID.randomUUID());

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("backup.commands.enabled", "false");
        config.put("backup.reactions.backfill.enabled", "true");
        config.put("backup.reactions.backfill.token", CONFIG_TOKEN);
        config.put("backup.reactions.backfill.collections", "projects,documents");
        config.put("backup.reactions.backfill.max-attempts", "3");
        config.put("backup.reactions.backfill.backoff-initial", "100ms");
        config.put("backup.reactions.backfill.backoff-max", "200ms");
        config.put("backup.reactions.backfill.request-timeout", "5s");
        config.put("backup.reactions.backfill.poll-interval", "100ms");
        config.put("backup.reactions.backfill.timeout", "3s");
        config.put("backup.reactions.cache.enabled", "true");
        config.put("backup.reactions.cache.mode", "flushdb");
        config.put("backup.reactions.cache.database", Integer.toString(CACHE_DB));
        config.put("backup.reactions.cache.backoff-initial", "100ms");
        // The broker is new for each test run: read the progress topic from its start, so that no
        // event published before the groups joined is missed (production starts at the end).
        config.put("mp.messaging.incoming.backfill-trigger.auto.offset.reset", "earliest");
        config.put("mp.messaging.incoming.cache-flush.auto.offset.reset", "earliest");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SearchApiStandIn.class));
    }
}
