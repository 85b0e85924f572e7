package dev.shoehorn.backup.eventarchive;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Redactor;
import dev.shoehorn.backup.failure.Retry;
import dev.shoehorn.backup.failure.StopSignal;
import dev.shoehorn.backup.journal.EventSegments;
import dev.shoehorn.backup.journal.SegmentLine;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.PutIfAbsent;

/**
 * Copies the progress topic to object storage, segment by segment, for as long as it runs.
 * <p>
 * Exactly once, with no gap: the store, not the consumer group, says where each partition resumes
 * (the offset after the last segment's last record), and a segment is written only where no object
 * is yet ({@code If-None-Match}), under a key made of its first offset. The group gives each
 * partition to one replica; when a rebalance lets two write the same segment for a moment, the
 * second write is refused and its writer resumes after the first one's segment. Offsets are
 * committed after each segment only so that the group's lag shows how far behind the archive is.
 */
public final class EventArchiver implements Runnable {

    private static final Logger LOG = Logger.getLogger(EventArchiver.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final String CONTENT_TYPE = "application/gzip";

    private final ArchiveStore store;
    private final String prefix;
    private final String topic;
    private final Map<String, Object> kafka;
    private final EventArchiveConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final EventArchiveMetrics metrics;
    private final StopSignal stop = new StopSignal();
    private final Map<Integer, OpenSegment> open = new HashMap<>();
    /** Per partition: the next offset to archive. */
    private final Map<Integer, Long> next = new HashMap<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public EventArchiver(ArchiveStore store, String prefix, String topic, Map<String, Object> kafka,
            EventArchiveConfig config, ObjectMapper json, Clock clock, EventArchiveMetrics metrics) {
        this.store = store;
        this.prefix = prefix;
        this.topic = topic;
        this.kafka = kafka;
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        Retry retry = Retry.untilStopped(new Backoff(config.retryInitial(), config.retryMax()));
        try {
            retry.run(attempt -> {
                session();
                return null;
            }, stop, (attempt, failure, wait) -> LOG.warnf(
                    "stage=event-archive-retry attempt=%d waitMs=%d msg=\"%s\"", attempt, wait.toMillis(),
                    Redactor.redact(failure.message())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JobFailedException e) {
            LOG.errorf("stage=event-archive-stopped msg=\"%s\"", Redactor.redact(e.failure().message()));
        }
    }

    /** Ends {@link #run()}: what is not written yet is left to the next archiver, from the topic. */
    public void stop() {
        stop.stop();
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    private void session() {
        if (stop.stopped()) {
            return;
        }
        try (KafkaConsumer<byte[], byte[]> c = newConsumer()) {
            consumer = c;
            c.subscribe(List.of(topic), new Rebalance(c));
            while (!stop.stopped()) {
                ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                for (TopicPartition tp : records.partitions()) {
                    take(c, tp, records.records(tp));
                }
                for (OpenSegment segment : List.copyOf(open.values())) {
                    if (records.records(new TopicPartition(topic, segment.partition())).isEmpty() && due(segment)) {
                        write(c, segment);
                    }
                }
            }
        } catch (WakeupException e) {
            if (!stop.stopped()) {
                throw retryable(ErrorCode.BROKER_UNAVAILABLE, "woken up", e);
            }
        } catch (KafkaException e) {
            throw retryable(ErrorCode.BROKER_UNAVAILABLE, "kafka: " + e.getMessage(), e);
        } catch (IOException e) {
            throw retryable(ErrorCode.STORAGE_ERROR, "a segment's temporary file: " + e.getMessage(), e);
        } finally {
            consumer = null;
            discardAll();
        }
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "backup-worker-event-archive-" + UUID.randomUUID());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        settings.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Appends a partition's records in offset order; stops at a seek, which makes the rest of them stale. */
    private void take(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records)
            throws IOException {
        int partition = tp.partition();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Long expected = next.get(partition);
            if (expected == null) {
                return; // revoked meanwhile
            }
            if (record.offset() < expected) {
                continue; // archived already (by us before a seek, or by another replica)
            }
            OpenSegment segment = open.get(partition);
            if (segment != null && (segment.otherDay(record.timestamp()) || segment.records() >= config.maxSegmentRecords())) {
                boolean moved = write(c, segment);
                segment = null;
                if (moved) {
                    return;
                }
            }
            if (segment == null) {
                segment = new OpenSegment(partition, record.offset(), record.timestamp(), System.nanoTime());
                open.put(partition, segment);
            }
            Map<String, byte[]> headers = new HashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value());
            }
            segment.append(record.offset(), record.timestamp(), SegmentLine.of(json, partition, record.offset(),
                    record.timestamp(), record.key(), headers, record.value()).toJson(json));
            next.put(partition, record.offset() + 1);
        }
    }

    /** Whether a quiet partition's segment should be closed now: its day is over, or it is old enough. */
    private boolean due(OpenSegment segment) {
        boolean dayOver = LocalDate.now(clock.withZone(ZoneOffset.UTC)).isAfter(segment.day());
        boolean old = System.nanoTime() - segment.openedNanos() >= config.maxSegmentAge().toNanos();
        return dayOver || old;
    }

    /**
     * Writes a segment unless one with its first offset exists. Returns whether the partition was
     * moved to resume after someone else's segment (the caller's records of it are then stale).
     */
    private boolean write(KafkaConsumer<byte[], byte[]> c, OpenSegment segment) throws IOException {
        int partition = segment.partition();
        open.remove(partition);
        try (segment) {
            String key = EventSegments.key(prefix, topic, partition, segment.day(), segment.firstOffset());
            PutIfAbsent result = store.putFileIfAbsent(key, segment.finish(), CONTENT_TYPE, segment.metadata());
            TopicPartition tp = new TopicPartition(topic, partition);
            if (result == PutIfAbsent.CREATED) {
                LOG.infof("stage=events-archived partition=%d firstOffset=%d lastOffset=%d records=%d key=%s", partition,
                        segment.firstOffset(), segment.lastOffset(), segment.records(), key);
                metrics.archived(segment.records());
                commitQuietly(c, tp, segment.lastOffset() + 1);
                return false;
            }
            long resume = lastOffsetOf(key) + 1;
            LOG.infof("stage=events-segment-exists partition=%d firstOffset=%d ours=%d theirs=%d next=%d", partition,
                    segment.firstOffset(), segment.lastOffset(), resume - 1, resume);
            c.seek(tp, resume);
            next.put(partition, resume);
            return true;
        }
    }

    private static void commitQuietly(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, long offset) {
        try {
            c.commitSync(Map.of(tp, new OffsetAndMetadata(offset)));
        } catch (KafkaException e) {
            // the committed offset only shows lag; the store says where archiving resumes
            LOG.debugf("stage=events-commit-skipped partition=%d msg=\"%s\"", tp.partition(), e.getMessage());
        }
    }

    /** Where a partition resumes: after the last segment's last record, or at the topic's first record. */
    private long resumeOffset(KafkaConsumer<byte[], byte[]> c, TopicPartition tp) {
        List<String> keys = store.keysUnder(EventSegments.partitionFolder(prefix, topic, tp.partition())).stream()
                .filter(k -> EventSegments.firstOffset(k).isPresent()).toList();
        long beginning = c.beginningOffsets(List.of(tp)).get(tp);
        if (keys.isEmpty()) {
            LOG.infof("stage=events-archive-start partition=%d from=%d", tp.partition(), beginning);
            return beginning;
        }
        String last = keys.stream().max((a, b) -> Long.compare(EventSegments.firstOffset(a).getAsLong(),
                EventSegments.firstOffset(b).getAsLong())).orElseThrow();
        long resume = lastOffsetOf(last) + 1;
        long end = c.endOffsets(List.of(tp)).get(tp);
        if (resume > end) {
            // never skip what a new topic of the same name holds, nor overwrite the old one's segments
            throw new JobFailedException(Failure.permanent(ErrorCode.BROKER_UNAVAILABLE, "the event archive of partition "
                    + tp.partition() + " ends at offset " + (resume - 1) + ", past the topic's end " + end
                    + ": the topic was recreated; move " + EventSegments.partitionFolder(prefix, topic, tp.partition())
                    + " aside to archive the new one"));
        }
        if (resume < beginning) {
            LOG.warnf("stage=events-gap partition=%d fromOffset=%d toOffset=%d reason=\"the topic's retention removed"
                    + " them before they were archived\"", tp.partition(), resume, beginning - 1);
            metrics.gap(beginning - resume);
            return beginning;
        }
        LOG.infof("stage=events-archive-resume partition=%d from=%d after=%s", tp.partition(), resume, last);
        return resume;
    }

    /** The offset of a segment's last record: its metadata says, or its lines do. */
    private long lastOffsetOf(String key) {
        String known = store.metadata(key).get(EventSegments.LAST_OFFSET);
        if (known != null) {
            return Long.parseLong(known);
        }
        long last = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(store.open(key)),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                last = Math.max(last, SegmentLine.parse(json, line).offset());
            }
        } catch (IOException e) {
            throw new JobFailedException(Failure.permanent(ErrorCode.STORAGE_ERROR,
                    "segment " + key + " has no " + EventSegments.LAST_OFFSET + " metadata and cannot be read: "
                            + e.getMessage()));
        }
        return last;
    }

    private void discard(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            next.remove(tp.partition());
            OpenSegment segment = open.remove(tp.partition());
            if (segment != null) {
                segment.close();
            }
        }
    }

    private void discardAll() {
        open.values().forEach(OpenSegment::close);
        open.clear();
        next.clear();
    }

    private static JobFailedException retryable(ErrorCode code, String message, Exception cause) {
        return new JobFailedException(Failure.retryable(code, message), cause);
    }

    /** Positions each partition given to this replica where the store says it resumes. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> c;

        Rebalance(KafkaConsumer<byte[], byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                long resume = resumeOffset(c, tp);
                c.seek(tp, resume);
                next.put(tp.partition(), resume);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            discard(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            discard(partitions);
        }
    }
}
