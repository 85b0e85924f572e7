package dev.shoehorn.backup.reaction;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.shoehorn.backup.failure.JobFailedException;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.quarkus.redis.datasource.keys.KeyScanCursor;

/**
 * The application cache in Redis ({@code quarkus.redis.hosts}), as the cache-flush reaction clears
 * it. Each operation runs on a connection of its own that first SELECTs the configured database,
 * so that the index never depends on what a pooled connection did before. Keys are found with
 * SCAN, never KEYS, which would block the server on a large database.
 */
@ApplicationScoped
public class RedisCache {

    private final RedisDataSource redis;

    public RedisCache(RedisDataSource redis) {
        this.redis = redis;
    }

    /** Empties {@code database} (FLUSHDB ASYNC); returns how many keys it held just before (DBSIZE). */
    public long flushDatabase(int database) {
        long[] removed = new long[1];
        call("flushing database " + database, () -> redis.withConnection(connection -> {
            connection.select(database);
            removed[0] = connection.execute("DBSIZE").toLong();
            connection.execute("FLUSHDB", "ASYNC");
        }));
        return removed[0];
    }

    /** Removes the keys of {@code database} that match any of {@code patterns}; returns how many went. */
    public long unlinkMatching(int database, List<String> patterns, int scanCount) {
        long[] removed = new long[1];
        call("removing matching keys from database " + database, () -> redis.withConnection(connection -> {
            connection.select(database);
            KeyCommands<String> keys = connection.key();
            for (String pattern : patterns) {
                KeyScanCursor<String> cursor = keys.scan(new KeyScanArgs().match(pattern).count(scanCount));
                while (cursor.hasNext()) {
                    Set<String> batch = cursor.next();
                    if (!batch.isEmpty()) {
                        removed[0] += keys.unlink(batch.toArray(String[]::new));
                    }
                }
            }
        }));
        return removed[0];
    }

    /** PING, for readiness. */
    public void ping() {
        call("pinging Redis", () -> redis.execute("PING"));
    }

    private static void call(String action, Runnable operation) {
        try {
            operation.run();
        } catch (JobFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JobFailedException(RedisFailures.of(action, e), e);
        }
    }
}
