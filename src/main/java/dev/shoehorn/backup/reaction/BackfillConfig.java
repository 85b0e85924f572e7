package dev.shoehorn.backup.reaction;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The backfill reaction: asks the search API to re-index after a restore with {@code postRestore.backfill}. */
@ConfigMapping(prefix = "backup.reactions.backfill")
public interface BackfillConfig {

    /**
     * Whether this process runs the reaction (consumer group {@code backup-worker-backfill} on the
     * progress topic). Also switches the {@code backfill-trigger} channel on or off.
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * Base URL of the search API ({@code https://api.example.internal}); required when enabled. Plain
     * http only to a loopback address: the token would cross the network in clear text.
     */
    Optional<URI> api();

    /** Bearer token for the admin endpoints, normally {@code ${SEARCH_API_TOKEN}}; never logged. */
    Optional<String> token();

    /** File holding the token (a mounted secret); read at each request and wins over {@code token}. */
    Optional<Path> tokenFile();

    /** Collections to re-index, sent as {@code {"collections":[…]}}; unset sends no body (the API's default: all). */
    Optional<List<String>> collections();

    /** Attempts of the POST, the first included, on 5xx, 408, 429 and connection errors. */
    @WithDefault("5")
    int maxAttempts();

    /** Wait before the second POST; doubles for each further attempt. */
    @WithDefault("2s")
    Duration backoffInitial();

    /** Upper bound of the wait between two POSTs. */
    @WithDefault("1m")
    Duration backoffMax();

    /** Timeout of one HTTP request (connecting included). */
    @WithDefault("30s")
    Duration requestTimeout();

    /** Time between two status polls. */
    @WithDefault("15s")
    Duration pollInterval();

    /** A backfill still {@code running} this long after it was accepted ends in {@code backfill.failed} with BACKFILL_TIMEOUT. */
    @WithDefault("2h")
    Duration timeout();
}
