package dev.shoehorn.backup.eventarchive;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The event archive's metrics; their names are defined here only. */
public final class EventArchiveMetrics {

    public static final String ARCHIVED = "backup_events_archived";
    public static final String GAP = "backup_events_archive_gap_records";

    private final Counter archived;
    private final Counter gap;

    public EventArchiveMetrics(MeterRegistry registry) {
        this.archived = Counter.builder(ARCHIVED)
                .description("Records of the progress topic written to the event archive")
                .register(registry);
        this.gap = Counter.builder(GAP)
                .description("Records the topic's retention removed before they were archived")
                .register(registry);
    }

    void archived(long records) {
        archived.increment(records);
    }

    void gap(long records) {
        gap.increment(records);
    }
}
