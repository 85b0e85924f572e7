package dev.shoehorn.backup.eventarchive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shoehorn.backup.cli.Main;
import dev.shoehorn.backup.it.CliRun;
import dev.shoehorn.backup.journal.JournalEvents;
import dev.shoehorn.backup.target.ChildJvm;

/**
 * {@code audit} over the event archive and the live topic as one history: jobs whose events the
 * topic no longer holds, jobs that began in the archive and ended in the topic, other traffic on the
 * topic, and a history of 100,000 events read in a small, measured heap.
 */
class AuditIT {

    private static final int PARTITIONS = 3;
    private static final Instant NOW = Instant.now();

    private final ArchiveRig rig = new ArchiveRig(PARTITIONS);
    private KafkaProducer<String, byte[]> producer;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (producer != null) {
            producer.close();
        }
        rig.close();
    }

    @Test
    void auditReadsTheArchiveAndTheTopicAsOneHistory() throws Exception {
        // Given a history of jobs, and other traffic, that was archived and then left the topic (retention)
        job("backup", "j-done", "shoehorn", "ops-cli:alice", "nightly", NOW.minusSeconds(7200), "completed", null);
        job("restore", "j-failed", "staging", "ops-cli:bob", "refresh", NOW.minusSeconds(7000), "failed", "PG_RESTORE_FAILED");
        job("backup", "j-rejected", "ghost", null, null, NOW.minusSeconds(6900), "rejected", "UNKNOWN_TARGET");
        send("shoehorn", NOW.minusSeconds(6800), "{\"type\":\"com.example.other\",\"data\":{\"jobId\":\"x\"}}");
        send("shoehorn", NOW.minusSeconds(6700), "not an event");
        // and a job whose first stages were archived too
        send("shoehorn", NOW.minusSeconds(6600), accepted("backup", "j-span", "shoehorn", "ops-cli:alice", "long one",
                NOW.minusSeconds(6600)));
        send("shoehorn", NOW.minusSeconds(6590), stage("backup", "started", "j-span", "shoehorn", 2, NOW.minusSeconds(6590)));
        archiveAllAndDropFromTheTopic();

        // and later events that only the topic holds: the spanning job's end, and two more jobs
        send("shoehorn", NOW.minusSeconds(3000), stage("backup", "completed", "j-span", "shoehorn", 3, NOW.minusSeconds(3000)));
        job("backup", "j-live", "shoehorn", "ops-cli:carol", null, NOW.minusSeconds(2000), "completed", null);
        job("restore", "j-live-2", "staging", "ops-cli:alice", "drill", NOW.minusSeconds(1000), "completed", null);
        producer.flush();

        // When the last three hours are audited
        CliRun run = CliRun.of(settings(), "audit", "--since", "3h", "--format", "json");

        // Then every job is there once, in the order they ended, the spanning one whole
        assertThat(run.exit()).as(run.toString()).isZero();
        List<JsonNode> jobs = run.json();
        assertThat(jobs).extracting(j -> j.path("jobId").asText())
                .containsExactly("j-done", "j-failed", "j-rejected", "j-span", "j-live", "j-live-2");
        JsonNode span = jobs.get(3);
        assertThat(span.path("complete").asBoolean()).isTrue();
        assertThat(span.path("stages").findValuesAsText("name")).containsExactly("accepted", "started", "completed");
        assertThat(span.path("requestedBy").asText()).isEqualTo("ops-cli:alice");
        assertThat(span.path("reason").asText()).isEqualTo("long one");
        assertThat(jobs.get(1).path("outcome").asText()).isEqualTo("FAILED");
        assertThat(jobs.get(1).path("error").path("code").asText()).isEqualTo("PG_RESTORE_FAILED");
        assertThat(jobs.get(2).path("outcome").asText()).isEqualTo("REJECTED");
        assertThat(run.err()).isEmpty();

        // and the filters narrow it
        List<JsonNode> alices = CliRun.of(settings(), "--json", "audit", "--since", "3h", "--requested-by", "ops-cli:alice").json();
        assertThat(alices).extracting(j -> j.path("jobId").asText()).containsExactly("j-done", "j-span", "j-live-2");
        List<JsonNode> staging = CliRun.of(settings(), "--json", "audit", "--since", "3h", "--target", "staging",
                "--until", NOW.minusSeconds(1500).toString()).json();
        assertThat(staging).extracting(j -> j.path("jobId").asText()).containsExactly("j-failed");

        // and a table for people, a CSV for spreadsheets
        CliRun csv = CliRun.of(settings(), "audit", "--since", "3h", "--format", "csv");
        assertThat(csv.lines().get(0)).startsWith("ended,target,kind,outcome,requested_by,reason");
        assertThat(csv.lines()).hasSize(7);
    }

    @Test
    void aHundredThousandEventsAreAuditedInASmallHeap() throws Exception {
        // Given 20,000 jobs of five events each, with other traffic between them, half archived and gone from the topic
        int jobs = 20_000;
        sendJobs(0, jobs / 2);
        archiveAllAndDropFromTheTopic();
        sendJobs(jobs / 2, jobs);
        producer.flush();

        // When audit reads them all in a JVM of its own with a 48 MiB heap (their JSON alone is 35 MB)
        Path out = Files.createTempFile("audit-", ".csv");
        Path gcLog = Files.createTempFile("audit-gc-", ".log");
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_STORAGE_SECRET_ACCESS_KEY", rig.secretKey());
        List<String> jvm = new ArrayList<>(List.of("-Xmx48m", "-Xlog:gc:file=" + gcLog));
        settings().forEach((k, v) -> {
            if (!k.equals("backup.storage.secret-access-key")) {
                jvm.add("-D" + k + "=" + v);
            }
        });
        jvm.add("-Dquarkus.profile=cli-test");
        long started = System.nanoTime();
        // the CLI's classpath has none of the test classpath's logging back ends: unconfigured, the JBoss
        // log manager keeps every record and Log4j loads its plugins, the test's memory, not the CLI's
        Process audit = ChildJvm.start(Main.class, entry -> !entry.contains("jboss-logmanager")
                && !entry.contains("slf4j-jboss") && !entry.contains("log4j"), env, jvm, "audit", "--since", "4h",
                "--format", "csv");
        Files.copy(audit.getInputStream(), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(audit.waitFor(5, TimeUnit.MINUTES)).isTrue();
        double seconds = (System.nanoTime() - started) / 1e9;

        // Then every job is there: a 48 MiB heap held a history whose JSON alone is 35 MB (holding it would
        // take several times that as objects); the heap in use is printed for the record
        assertThat(audit.exitValue()).isZero();
        List<String> rows = Files.readAllLines(out);
        assertThat(rows).hasSize(jobs + 1);
        long completed = rows.stream().filter(r -> r.contains(",backup,completed,")).count();
        assertThat(completed).isEqualTo(jobs);
        int liveMiB = liveHeapMiB(Files.readString(gcLog));
        System.out.printf("audit of %d events (+%d other records): %.1f s, heap in use after collections at most %d MiB"
                + " (-Xmx48m)%n", jobs * 5, jobs / 4, seconds, liveMiB);
        assertThat(liveMiB).isPositive().isLessThan(48);
        Files.delete(out);
        Files.delete(gcLog);
    }

    /**
     * The most heap still in use after the collections that follow a marking of the whole heap (full,
     * remark, cleanup), as {@code -Xlog:gc} reports them ({@code 30M->5M(48M)}): what the audit holds,
     * not what it has yet to let go.
     */
    private static int liveHeapMiB(String gcLog) {
        Matcher m = Pattern.compile("Pause (?:Full|Remark|Cleanup).*? (\\d+)M->(\\d+)M\\((\\d+)M\\)").matcher(gcLog);
        int live = 0;
        while (m.find()) {
            live = Math.max(live, Integer.parseInt(m.group(2)));
        }
        return live;
    }

    private Map<String, String> settings() {
        return CliRun.settings(rig.bootstrapServers(), rig.s3Endpoint(), rig.bucket(), ArchiveRig.PREFIX,
                rig.accessKey(), rig.secretKey());
    }

    private void sendJobs(int from, int to) {
        for (int n = from; n < to; n++) {
            String target = "target-" + (n % 11);
            Instant at = NOW.minusSeconds(3 * 3600).plusMillis(n * 100L);
            job("backup", "job-" + n, target, "ops-cli:load", "load " + n, at, "completed", null, true);
            if (n % 4 == 0) {
                send(target, at, "{\"type\":\"com.example.other\",\"data\":{\"n\":" + n + "}}");
            }
        }
    }

    private void job(String kind, String jobId, String target, String who, String why, Instant at, String end, String code) {
        job(kind, jobId, target, who, why, at, end, code, false);
    }

    private void job(String kind, String jobId, String target, String who, String why, Instant at, String end, String code,
            boolean withProgress) {
        long seq = 1;
        if (!"rejected".equals(end)) {
            send(target, at, accepted(kind, jobId, target, who, why, at));
            send(target, at.plusMillis(10), stage(kind, "started", jobId, target, ++seq, at.plusMillis(10)));
            if (withProgress) {
                ObjectNode progress = JournalEvents.cloudEvent(kind, "progress", jobId, target, ++seq, at.plusMillis(20));
                ((ObjectNode) progress.path("data")).put("bytesDone", 500).put("bytesTotal", 1000).put("percent", 50);
                send(target, at.plusMillis(20), progress.toString());
                send(target, at.plusMillis(30), stage(kind, "uploaded", jobId, target, ++seq, at.plusMillis(30)));
            }
            seq++;
        }
        ObjectNode last = JournalEvents.cloudEvent(kind, end, jobId, target, seq, at.plusMillis(50));
        if (code != null) {
            ((ObjectNode) last.path("data")).putObject("error").put("code", code).put("message", "it went wrong")
                    .put("retryable", false);
        }
        send(target, at.plusMillis(50), last.toString());
    }

    private static String accepted(String kind, String jobId, String target, String who, String why, Instant at) {
        ObjectNode event = JournalEvents.cloudEvent(kind, "accepted", jobId, target, 1, at);
        if (who != null) {
            ((ObjectNode) event.path("data")).put("requestedBy", who);
        }
        if (why != null) {
            ((ObjectNode) event.path("data")).put("reason", why);
        }
        return event.toString();
    }

    private static String stage(String kind, String stage, String jobId, String target, long seq, Instant at) {
        return JournalEvents.cloudEvent(kind, stage, jobId, target, seq, at).toString();
    }

    private void send(String key, Instant timestamp, String value) {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, rig.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                    new ByteArraySerializer());
        }
        producer.send(new ProducerRecord<>(ArchiveRig.TOPIC, null, timestamp.toEpochMilli(), key,
                value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Archives what the topic holds, then deletes it from the topic, as retention would. */
    private void archiveAllAndDropFromTheTopic() throws Exception {
        producer.flush();
        Map<TopicPartition, Long> ends = rig.endOffsets();
        ArchiveRig.Running archiver = rig.startArchiver(Duration.ofMillis(300), 10_000);
        await().atMost(Duration.ofMinutes(2)).until(() -> rig.archivedUpTo().equals(ends));
        archiver.stop();
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        ends.forEach((tp, end) -> delete.put(tp, RecordsToDelete.beforeOffset(end)));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", rig.bootstrapServers()))) {
            admin.deleteRecords(delete).all().get(30, TimeUnit.SECONDS);
        }
    }
}
