package dev.shoehorn.backup.eventarchive;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The event archive (docs/operations.md, "Event archive"): the progress topic copied to object
 * storage in daily gzip NDJSON segments under {@code <prefix>/.events/}, so that audits reach back
 * beyond the topic's retention.
 */
@ConfigMapping(prefix = "backup.event-archive")
public interface EventArchiveConfig {

    /** Whether this worker takes part in archiving (one replica per partition does it, chosen by the group). */
    @WithDefault("true")
    boolean enabled();

    /** The consumer group whose members share the archiving, a partition each. */
    @WithDefault("backup-worker-event-archive")
    String groupId();

    /** A segment is closed at this many records, whatever its age, so that one stays small to write and read. */
    @WithDefault("100000")
    int maxSegmentRecords();

    /**
     * A segment is closed once its first record was read this long ago and nothing more is waiting;
     * segments are closed at the end of each UTC day anyway. Shorter keeps the archive closer to
     * the topic's head, at the cost of more, smaller objects.
     */
    @WithDefault("24h")
    Duration maxSegmentAge();

    /** Wait between tries after Kafka or the object store failed, doubling up to {@link #retryMax()}. */
    @WithDefault("1s")
    Duration retryInitial();

    @WithDefault("1m")
    Duration retryMax();
}
