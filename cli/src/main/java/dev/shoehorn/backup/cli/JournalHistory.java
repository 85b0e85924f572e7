package dev.shoehorn.backup.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.journal.EventSegments;
import dev.shoehorn.backup.journal.JournalEvent;
import dev.shoehorn.backup.journal.SegmentLine;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole history of the progress topic between two times, as one stream: per partition, the
 * archived segments first ({@code <prefix>/.events/}), then the live topic from the offset after the
 * last archived one (or from the time asked for, whichever is later), so that nothing is read twice
 * and nothing in between is skipped; the partitions merged by time. Memory holds one fetch per
 * partition and one line per segment, whatever the number of events.
 */
final class JournalHistory {

    /** Offsets that are in neither the archive nor the topic any more. */
    record Gap(int partition, long fromOffset, long toOffset) {
    }

    /** Kept small: audit reads with a bounded heap. */
    private static final int FETCH_BYTES = 256 << 10;
    private static final Duration POLL = Duration.ofMillis(500);

    private final CliSettings settings;
    private final ObjectMapper json;
    private final ArchiveBrowser store;

    JournalHistory(CliSettings settings, ObjectMapper json, ArchiveBrowser store) {
        this.settings = settings;
        this.json = json;
        this.store = store;
    }

    /**
     * Hands every event of the project with a timestamp in [since, until] to {@code handler}, in time
     * order across partitions; returns the gaps found.
     */
    List<Gap> read(Instant since, Instant until, Consumer<JournalEvent> handler) {
        List<Gap> gaps = new ArrayList<>();
        List<PartitionStream> streams = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> probe = KafkaIo.reader(settings, "audit")) {
            for (TopicPartition partition : KafkaIo.partitions(probe, settings.progressTopic(), settings.answerTimeout())) {
                streams.add(new PartitionStream(partition, since, until, gaps));
            }
        }
        try {
            PriorityQueue<PartitionStream> heads = new PriorityQueue<>(
                    java.util.Comparator.comparingLong(PartitionStream::headTimestamp));
            streams.stream().filter(PartitionStream::advance).forEach(heads::add);
            while (!heads.isEmpty()) {
                PartitionStream next = heads.poll();
                handler.accept(next.head());
                if (next.advance()) {
                    heads.add(next);
                }
            }
        } finally {
            streams.forEach(PartitionStream::close);
        }
        return gaps;
    }

    /** One partition: archived lines, then live records, each event of the range once. */
    private final class PartitionStream {
        private final TopicPartition partition;
        private final long sinceMillis;
        private final long untilMillis;
        private final List<Gap> gaps;
        private final Iterator<S3Object> segments;
        private BufferedReader segment;
        private long lastArchived = -1;
        private boolean laterSegmentsLeftOut;
        private KafkaConsumer<byte[], byte[]> live;
        private long liveEnd;
        private final Deque<ConsumerRecord<byte[], byte[]>> fetched = new ArrayDeque<>();
        private JournalEvent head;
        private boolean done;

        PartitionStream(TopicPartition partition, Instant since, Instant until, List<Gap> gaps) {
            this.partition = partition;
            this.sinceMillis = since.toEpochMilli();
            this.untilMillis = until.toEpochMilli();
            this.gaps = gaps;
            this.segments = segments(since, until).iterator();
        }

        private List<S3Object> segments(Instant since, Instant until) {
            String folder = EventSegments.partitionFolder(settings.storage().prefix(), partition.topic(), partition.partition());
            String after = EventSegments.startAfter(settings.storage().prefix(), partition.topic(), partition.partition(),
                    EventSegments.day(since));
            List<S3Object> found = new ArrayList<>();
            try {
                store.s3().listObjectsV2Paginator(b -> b.bucket(store.bucket()).prefix(folder).startAfter(after))
                        .contents().stream()
                        .filter(o -> EventSegments.firstOffset(o.key()).isPresent())
                        .forEach(found::add);
                // segments of days after --until hold nothing in range; the topic is not read for them either
                int all = found.size();
                found.removeIf(o -> EventSegments.dayOf(o.key()).orElseThrow().isAfter(EventSegments.day(until)));
                laterSegmentsLeftOut = found.size() < all;
            } catch (SdkException e) {
                throw CliException.unreachable("the object store", e);
            }
            return found;
        }

        long headTimestamp() {
            return head.timestamp().toEpochMilli();
        }

        JournalEvent head() {
            return head;
        }

        /** Moves to the next event in range; false when the partition is done. */
        boolean advance() {
            while (!done) {
                JournalEvent next = segment != null || segments.hasNext() ? nextArchived() : nextLive();
                if (next != null) {
                    head = next;
                    return true;
                }
            }
            return false;
        }

        private JournalEvent nextArchived() {
            try {
                while (true) {
                    if (segment == null) {
                        if (!segments.hasNext()) {
                            return null; // on to the live topic
                        }
                        S3Object object = segments.next();
                        InputStream in = new GZIPInputStream(store.open(object.key()), 1 << 16);
                        segment = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                    }
                    String text = segment.readLine();
                    if (text == null) {
                        segment.close();
                        segment = null;
                        continue;
                    }
                    SegmentLine line = SegmentLine.parse(json, text);
                    lastArchived = Math.max(lastArchived, line.offset());
                    if (line.timestamp() > untilMillis) {
                        // records of a partition are kept in offset order: what follows is later still, but
                        // producers' clocks differ, so read on and let the range test decide
                        continue;
                    }
                    if (line.timestamp() >= sinceMillis) {
                        JournalEvent event = line.journalEvent().orElse(null);
                        if (event != null) {
                            return event;
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading an archived segment of partition " + partition.partition(), e);
            }
        }

        private JournalEvent nextLive() {
            if (live == null) {
                openLive();
                if (done) {
                    return null;
                }
            }
            while (true) {
                if (fetched.isEmpty()) {
                    if (live.position(partition) >= liveEnd) {
                        done = true;
                        return null;
                    }
                    live.poll(POLL).forEach(fetched::add);
                    continue;
                }
                ConsumerRecord<byte[], byte[]> record = fetched.poll();
                if (record.offset() >= liveEnd) {
                    done = true;
                    return null;
                }
                if (record.timestamp() < sinceMillis || record.timestamp() > untilMillis) {
                    continue;
                }
                JournalEvent event = JournalEvent.parse(json, record.partition(), record.offset(), record.timestamp(),
                        record.value()).orElse(null);
                if (event != null) {
                    return event;
                }
            }
        }

        private void openLive() {
            Map<String, Object> extra = new HashMap<>();
            extra.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_BYTES);
            extra.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FETCH_BYTES);
            live = KafkaIo.reader(settings, "audit-" + partition.partition(), extra);
            try {
                List<TopicPartition> one = List.of(partition);
                live.assign(one);
                long beginning = live.beginningOffsets(one, settings.answerTimeout()).get(partition);
                liveEnd = live.endOffsets(one, settings.answerTimeout()).get(partition);
                OffsetAndTimestamp byTime = live.offsetsForTimes(Map.of(partition, sinceMillis), settings.answerTimeout())
                        .get(partition);
                long wanted = byTime == null ? liveEnd : byTime.offset();
                long start = lastArchived >= 0 ? Math.max(lastArchived + 1, wanted) : wanted;
                if (laterSegmentsLeftOut) {
                    done = true;
                    return;
                }
                if (lastArchived >= 0 && beginning > lastArchived + 1 && start < beginning) {
                    gaps.add(new Gap(partition.partition(), lastArchived + 1, beginning - 1));
                }
                start = Math.max(start, beginning);
                if (start >= liveEnd) {
                    done = true;
                    return;
                }
                live.seek(partition, start);
            } catch (KafkaException e) {
                throw CliException.unreachable("Kafka", e);
            }
        }

        void close() {
            try {
                if (segment != null) {
                    segment.close();
                }
            } catch (IOException e) {
                // closing what was read: nothing to tell
            }
            if (live != null) {
                live.close(Duration.ofSeconds(1));
            }
        }
    }
}
