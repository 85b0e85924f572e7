package dev.shoehorn.backup.reaction;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The cache-flush reaction: clears the application's Redis cache after a restore with
 * {@code postRestore.flushCache}. The Redis server itself is {@code quarkus.redis.hosts}.
 */
@ConfigMapping(prefix = "backup.reactions.cache")
public interface CacheFlushConfig {

    /**
     * Whether this process runs the reaction (consumer group {@code backup-worker-cache-flush} on
     * the progress topic). Also switches the {@code cache-flush} channel and the {@code cache}
     * readiness check on or off.
     */
    @WithDefault("false")
    boolean enabled();

    /** {@code flushdb}: empty the whole database; {@code patterns}: remove only keys matching {@code patterns}. */
    @WithDefault("flushdb")
    FlushMode mode();

    /** Redis database index the cache lives in (SELECT). */
    @WithDefault("0")
    int database();

    /** Glob patterns (Redis MATCH syntax, e.g. {@code search:*}) of the keys to remove in {@code patterns} mode. */
    Optional<List<String>> patterns();

    /** COUNT hint of each SCAN in {@code patterns} mode: keys looked at, and removed, per round trip. */
    @WithDefault("500")
    int scanCount();

    /** Attempts, the first included, when Redis is unreachable or times out. */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the second attempt; doubles for each further attempt, up to 30 seconds. */
    @WithDefault("1s")
    Duration backoffInitial();
}
