package dev.shoehorn.backup.eventarchive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.journal.EventSegments;
import dev.shoehorn.backup.journal.JournalEvents;
import dev.shoehorn.backup.journal.SegmentLine;

/** The event archive on a real broker and S3 server: every record once, with replicas coming and going. */
class EventArchiveIT {

    private static final int PARTITIONS = 3;

    private final ArchiveRig rig = new ArchiveRig(PARTITIONS);

    @AfterEach
    void tearDown() throws InterruptedException {
        rig.close();
    }

    @Test
    void twoReplicasAndARestartArchiveEveryRecordExactlyOnce() throws Exception {
        // Given events (and other traffic) produced all along on a three-partition topic
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> produce(producing), "test-producer");
        producer.start();

        // When two replicas archive it, small segments closing fast, and one of them is restarted midway
        ArchiveRig.Running a = rig.startArchiver(Duration.ofMillis(300), 40);
        ArchiveRig.Running b = rig.startArchiver(Duration.ofMillis(300), 40);
        await().atMost(Duration.ofSeconds(30)).until(() -> rig.segments().values().stream().mapToInt(List::size).sum() >= 6);
        a.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> rig.segments().values().stream().mapToInt(List::size).sum() >= 12);
        ArchiveRig.Running restarted = rig.startArchiver(Duration.ofMillis(300), 40);
        await().atMost(Duration.ofSeconds(30)).until(() -> rig.segments().values().stream().mapToInt(List::size).sum() >= 18);
        producing.set(false);
        producer.join();

        // Then, once the archive has caught up, each partition's segments hold offsets 0 … end-1, each once, in order
        Map<TopicPartition, Long> ends = rig.endOffsets();
        await().atMost(Duration.ofSeconds(60)).until(() -> rig.archivedUpTo().equals(ends));
        for (var entry : rig.segments().entrySet()) {
            List<Long> offsets = new ArrayList<>();
            long expectedFirst = 0;
            for (String key : entry.getValue()) {
                List<SegmentLine> lines = rig.lines(key);
                assertThat(EventSegments.firstOffset(key)).hasValue(expectedFirst);
                assertThat(rig.metadata(key)).containsEntry(EventSegments.LAST_OFFSET,
                        Long.toString(lines.get(lines.size() - 1).offset()));
                lines.forEach(l -> offsets.add(l.offset()));
                expectedFirst = lines.get(lines.size() - 1).offset() + 1;
            }
            long end = ends.get(new TopicPartition(ArchiveRig.TOPIC, entry.getKey()));
            assertThat(offsets).as("partition %d", entry.getKey()).hasSize((int) end);
            for (int i = 0; i < offsets.size(); i++) {
                assertThat(offsets.get(i)).isEqualTo(i);
            }
        }
        assertThat(rig.segments()).hasSize(PARTITIONS);
        b.stop();
        restarted.stop();
    }

    @Test
    void replicasOutsideOneGroupStillWriteEachRecordOnce() throws Exception {
        // Given two archivers that do not share a group (a misconfiguration: both take every partition)
        ArchiveRig.Running a = rig.startArchiver(Duration.ofMillis(150), 25, "group-a");
        ArchiveRig.Running b = rig.startArchiver(Duration.ofMillis(250), 15, "group-b");

        // When records come while both run
        for (int i = 0; i < 6; i++) {
            sendEvents(40);
            Thread.sleep(200);
        }

        // Then the store refused every second copy: the segments still follow one another without overlap
        Map<TopicPartition, Long> ends = rig.endOffsets();
        await().atMost(Duration.ofSeconds(60)).until(() -> rig.archivedUpTo().equals(ends));
        a.stop();
        b.stop();
        for (var entry : rig.segments().entrySet()) {
            long expected = 0;
            for (String key : entry.getValue()) {
                for (SegmentLine line : rig.lines(key)) {
                    assertThat(line.offset()).as("partition %d", entry.getKey()).isEqualTo(expected++);
                }
            }
            assertThat(expected).isEqualTo(ends.get(new TopicPartition(ArchiveRig.TOPIC, entry.getKey())));
        }
    }

    @Test
    void aRestartedArchiverResumesAfterTheLastSegment() throws Exception {
        // Given an archive of the first 30 records
        sendEvents(30);
        ArchiveRig.Running first = rig.startArchiver(Duration.ofMillis(200), 1000);
        await().atMost(Duration.ofSeconds(30)).until(() -> rig.archivedUpTo().equals(rig.endOffsets()));
        first.stop();
        Map<Integer, List<String>> before = rig.segments();

        // When more records come and an archiver starts again
        sendEvents(30);
        ArchiveRig.Running second = rig.startArchiver(Duration.ofMillis(200), 1000);
        await().atMost(Duration.ofSeconds(30)).until(() -> rig.archivedUpTo().equals(rig.endOffsets()));
        second.stop();

        // Then the old segments are as they were, and the new ones start right after them
        for (var entry : rig.segments().entrySet()) {
            List<String> old = before.getOrDefault(entry.getKey(), List.of());
            assertThat(entry.getValue()).startsWith(old.toArray(String[]::new));
            if (!old.isEmpty() && entry.getValue().size() > old.size()) {
                long lastOld = Long.parseLong(rig.metadata(old.get(old.size() - 1)).get(EventSegments.LAST_OFFSET));
                assertThat(EventSegments.firstOffset(entry.getValue().get(old.size()))).hasValue(lastOld + 1);
            }
        }
    }

    private void produce(AtomicBoolean producing) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            int n = 0;
            while (producing.get()) {
                String target = "t" + (n % 7);
                byte[] value = n % 10 == 9 ? ("other traffic " + n).getBytes(StandardCharsets.UTF_8)
                        : JournalEvents.cloudEvent("backup", "progress", "job-" + n, target, 1, Instant.now()).toString()
                                .getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(ArchiveRig.TOPIC, target, value));
                n++;
                Thread.sleep(3);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendEvents(int count) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int n = 0; n < count; n++) {
                String target = "t" + (n % 5);
                producer.send(new ProducerRecord<>(ArchiveRig.TOPIC, target, JournalEvents.cloudEvent("backup",
                        "accepted", "job-" + n, target, 1, Instant.now()).toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, rig.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(),
                new ByteArraySerializer());
    }
}
