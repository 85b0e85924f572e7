package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A corpus of over 300 generated command records that must all be refused: random bytes, deep
 * and huge JSON, fields given twice, trailing garbage, wrong types and nulls, unicode tricks,
 * path traversal in archive keys, shell and option injection in every structured field, newlines
 * and separators meant to forge log lines, expired, mis-keyed and badly signed commands. Each one
 * gets a code and a dead letter; no pg_dump or pg_restore starts meanwhile; no raw control
 * character reaches the worker's log; and the worker, and the partition, go on.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class BadInputCorpusIT {

    private static final String CASE = "corpus.case";
    /** Shell and option injection: none of it may reach a shell, argv or a database. */
    private static final List<String> INJECTIONS = List.of("; rm -rf /", "--file=/etc/passwd", "$(touch /tmp/bw-pwned)",
            "-h", "`id`", "| cat /etc/shadow", "' OR 1=1 --", "&& curl evil.example", "--dbname=postgres", "\\x00");
    private static final String FORGED = "FORGED-BY-CORPUS";

    private record Case(String topic, String key, byte[] value, Instant timestamp, String signature) {
    }

    @Test
    void everyBadRecordIsRefusedWithACodeAndADeadLetterAndTheWorkerGoesOn() throws Exception {
        // Given the corpus, and watches on the process table and the worker's log
        List<Case> corpus = corpus(new Random(20261205));
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(300);
        Path log = Path.of("target/it-worker.log");
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Set<String> tools = ConcurrentHashMap.newKeySet();
        // sampled every 20 ms: a tool started with a record would live far longer than that
        java.util.concurrent.ScheduledExecutorService processWatch = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        processWatch.scheduleAtFixedRate(() -> ProcessHandle.allProcesses().forEach(p -> p.info().command()
                .filter(c -> c.endsWith("/pg_dump") || c.endsWith("/pg_restore") || c.endsWith("/sh"))
                .filter(c -> !c.endsWith("/sh") || p.info().arguments().map(a -> String.join(" ", a))
                        .filter(a -> a.contains("bw-pwned") || a.contains("rm -rf")).isPresent())
                .ifPresent(tools::add)), 0, 20, java.util.concurrent.TimeUnit.MILLISECONDS);

        try (Commands commands = new Commands(WorkerStack.bootstrapServers());
                TopicTail backupDead = new TopicTail(WorkerStack.bootstrapServers(), "backup.commands.dlq");
                TopicTail restoreDead = new TopicTail(WorkerStack.bootstrapServers(), "restore.commands.dlq");
                Events events = new Events(WorkerStack.bootstrapServers())) {
            // When every record is delivered
            for (int i = 0; i < corpus.size(); i++) {
                Case c = corpus.get(i);
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(c.topic(), null,
                        c.timestamp() == null ? null : c.timestamp().toEpochMilli(), c.key(), c.value());
                record.headers().add(CASE, Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
                if (c.signature() != null) {
                    record.headers().add("bw-signature", c.signature().getBytes(StandardCharsets.US_ASCII));
                }
                commands.send(record);
            }

            // Then each one is dead-lettered with an error code
            Map<Integer, String> codes = new TreeMap<>();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                for (ConsumerRecord<String, byte[]> dead : concat(backupDead.records(), restoreDead.records())) {
                    String id = TopicTail.header(dead, CASE);
                    if (id != null) {
                        codes.put(Integer.parseInt(id), TopicTail.header(dead, "error.code"));
                    }
                }
                return codes.size() == corpus.size();
            });
            assertThat(codes.values()).allSatisfy(code -> assertThat(code).isNotBlank());
            Map<String, Long> byCode = new TreeMap<>(codes.values().stream()
                    .collect(java.util.stream.Collectors.groupingBy(code -> code, java.util.stream.Collectors.counting())));
            System.out.println("corpus of " + corpus.size() + " records refused: " + byCode);
            assertThat(Set.copyOf(codes.values())).contains("INVALID_JSON", "RECORD_TOO_LARGE", "MISSING_FIELD",
                    "INVALID_FIELD", "EXPIRED", "KEY_MISMATCH", "UNAUTHORIZED");

            // and the partition moved on: a valid backup sent after the corpus runs to its end
            String fresh = Commands.newCommandId();
            commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(fresh, WorkerStack.SOURCE));
            assertThat(Events.types(events.awaitJobEnd(fresh))).last().isEqualTo("dev.shoehorn.backup.completed");
        } finally {
            processWatch.shutdownNow();
            processWatch.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }

        // and no tool ran but the valid backup's one pg_dump, no shell with a payload
        assertThat(tools).allSatisfy(tool -> assertThat(tool).endsWith("/pg_dump"));
        // and no record forged a log line or put a raw control character into one
        String written = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).substring((int) Math.min(logStart,
                Files.size(log)));
        for (String line : written.split("\n", -1)) {
            assertThat(line).doesNotStartWith(FORGED);
            assertThat(line.chars().filter(ch -> Character.isISOControl(ch) && ch != '\t').count())
                    .as("control characters in the log line %s", line).isZero();
            assertThat(line).doesNotContain("\u202E", "\u2028", "\u2029");
        }
    }

    private static List<ConsumerRecord<String, byte[]>> concat(List<ConsumerRecord<String, byte[]>> a,
            List<ConsumerRecord<String, byte[]>> b) {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<Case> corpus(Random random) {
        String source = WorkerStack.SOURCE;
        String restore = WorkerStack.RESTORE;
        List<Case> corpus = new ArrayList<>();
        // random bytes
        for (int i = 0; i < 60; i++) {
            byte[] bytes = new byte[1 + random.nextInt(3000)];
            random.nextBytes(bytes);
            bytes[0] = (byte) (bytes[0] == '{' ? '}' : bytes[0]);
            corpus.add(backup(source, bytes));
        }
        // deep and huge JSON, fields twice, trailing garbage, not an object
        for (int i = 0; i < 10; i++) {
            int depth = 1_100 + i * 2_000;
            corpus.add(backup(source, "{\"commandId\":\"" + id(random) + "\",\"target\":\"" + source
                    + "\",\"requestedBy\":\"x\",\"reason\":" + "[".repeat(depth) + "]".repeat(depth) + "}"));
            corpus.add(backup(source, "{\"commandId\":\"" + id(random) + "\",\"target\":\"" + source
                    + "\",\"requestedBy\":\"x\",\"reason\":\"" + "a".repeat(70_000 + i) + "\"}"));
            corpus.add(backup(source, "{\"commandId\":\"" + id(random) + "\",\"target\":\"" + source + "\",\"target\":\""
                    + restore + "\",\"requestedBy\":\"x\"}"));
            corpus.add(backup(source, valid(random, source) + List.of(" x", "}", "{}", "[]", "\u0000", " null", "1",
                    "\"a\"", "{\"k\":1}", ",")
                    .get(i)));
            corpus.add(backup(source, List.of("[]", "1", "\"text\"", "null", "true", "[{}]", "-0", "1e400", "\"{}\"",
                    "[" + valid(random, source) + "]").get(i)));
        }
        // wrong types and nulls, field by field
        List<String> wrong = List.of("1", "true", "[]", "{}", "null", "1.5", "[\"" + source + "\"]", "\"\"");
        for (String field : List.of("commandId", "target", "requestedBy", "requestedAt", "reason", "options")) {
            for (String value : wrong) {
                if (field.equals("reason") && value.equals("\"\"") || (field.equals("reason") || field.equals("requestedAt")
                        || field.equals("options")) && value.equals("null")) {
                    continue; // an empty or absent optional field is allowed
                }
                if (field.equals("options") && value.equals("{}")) {
                    continue;
                }
                corpus.add(backup(source, with(random, source, field, value)));
            }
        }
        // unicode tricks
        for (String trick : List.of("\\u202Eexe.txt", "a\\u0000b", "a\\u200Fb", "\\u2066x\\u2069", "a\\u061Cb", "\\u0007bell",
                "\\u001b[31mred", "a\\u0085b", "a\\u009bb", "\\u2028x")) {
            corpus.add(backup(source, with(random, source, "requestedBy", "\"" + trick + "\"")));
            corpus.add(backup(source, with(random, source, "reason", "\"" + trick + "\"")));
        }
        for (String target : List.of("it_s\\u043Eurce", "\\uFF49t_source", "IT_SOURCE", "it_source\\u0000",
                "it_source ", " it_source", "it_source\\u200B", "it\\u2028source", "../it_source", "it_source/..")) {
            corpus.add(backup(source, with(random, source, "target", "\"" + target + "\"")));
        }
        // path traversal in archive keys
        for (String key : List.of("../../etc/passwd", "/etc/passwd", "it-backups/it_source/../../x.dump",
                "it-backups/it_source/it_source_20200101_000000.dump/../../../etc", "%2e%2e/%2e%2e/etc/passwd",
                "s3://other-bucket/it_source/it_source_20200101_000000.dump", "it-backups\\\\it_source\\\\x.dump",
                "it-backups/it_source/it_source_20200101_000000.dump\\u0000.txt", "it-backups//it_source_20200101_000000.dump",
                "it-backups/it_source/it_source_2020010_000000.dump", "file:///etc/passwd", "~/.pgpass",
                "it-backups/../it_source/it_source_20200101_000000.dump", "it-backups/it_source/./it_source_20200101_000000.dump",
                "it-backups/it_source/it_source_20200101_000000.dump.exe", "it-backups/it_source/it_source_20200101_000000.tar",
                "it-backups/IT_SOURCE/IT_SOURCE_20200101_000000.dump", "-it-backups/it_source/it_source_20200101_000000.dump",
                "it-backups/it_source/it_source_20200101_000000.dump;rm", " it-backups/it_source/it_source_20200101_000000.dump")) {
            corpus.add(restoreCase(restore, restoreWith(random, restore, "archive", "\"" + key + "\"")));
        }
        // shell and option injection in every structured field
        for (String payload : INJECTIONS) {
            String text = "\"" + payload.replace("\\", "\\\\") + "\"";
            corpus.add(backup(source, with(random, source, "commandId", text)));
            corpus.add(backup(source, with(random, source, "target", text)));
            corpus.add(backup(source, with(random, source, "requestedAt", text)));
            corpus.add(backup(source, with(random, source, "options", "{\"format\":" + text + "}")));
            corpus.add(backup(source, with(random, source, "options", "{\"compression\":" + text + "}")));
            corpus.add(restoreCase(restore, restoreWith(random, restore, "sourceTarget", text)));
            corpus.add(restoreCase(restore, restoreWith(random, restore, "archive", text)));
            corpus.add(restoreCase(restore, restoreWith(random, restore, "mode", text)));
            corpus.add(restoreCase(restore, restoreWith(random, restore, "rollbackOf", text)));
        }
        // newlines and separators meant to forge log lines
        for (String separator : List.of("\\n", "\\r", "\\r\\n", "\\u2028", "\\u2029")) {
            for (String field : List.of("requestedBy", "reason")) {
                corpus.add(backup(source, with(random, source, field, "\"ok" + separator + FORGED + " INFO [d.s.b] stage=completed\"")));
                corpus.add(restoreCase(restore, restoreWith(random, restore, field, "\"ok" + separator + FORGED + "\"")));
            }
        }
        // expired, mis-keyed, badly signed
        for (int i = 0; i < 10; i++) {
            corpus.add(new Case("backup.commands", source, valid(random, source).getBytes(StandardCharsets.UTF_8),
                    Instant.now().minus(Duration.ofHours(25 + i)), null));
            corpus.add(new Case("restore.commands", restore, restoreValid(random, restore).getBytes(StandardCharsets.UTF_8),
                    Instant.now().minus(Duration.ofHours(2 + i)), null));
            corpus.add(new Case("backup.commands", restore, valid(random, source).getBytes(StandardCharsets.UTF_8), null,
                    null));
            corpus.add(new Case("backup.commands", source, valid(random, source).getBytes(StandardCharsets.UTF_8), null,
                    List.of("garbage", "v1;keyId=nope;sig=AAAA", "v1;keyId=;sig=", "v1;keyId=local;sig=" + "A".repeat(86) + "==",
                            "v1;keyId=../../etc;sig=x", "v1", ";;;", "v1;keyId=\u0000;sig=x", "v2;keyId=k;sig=y",
                            "v1;keyId=k;sig=*").get(i)));
        }
        return corpus;
    }

    private static Case backup(String key, String json) {
        return backup(key, json.getBytes(StandardCharsets.UTF_8));
    }

    private static Case backup(String key, byte[] value) {
        return new Case("backup.commands", key, value, null, null);
    }

    private static Case restoreCase(String key, String json) {
        return new Case("restore.commands", key, json.getBytes(StandardCharsets.UTF_8), null, null);
    }

    private static String id(Random random) {
        return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String valid(Random random, String target) {
        return "{\"commandId\":\"" + id(random) + "\",\"target\":\"" + target + "\",\"requestedBy\":\"it:corpus\"}";
    }

    /** A valid backup command of {@code target} with {@code field} set to the raw JSON {@code value}. */
    private static String with(Random random, String target, String field, String value) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("commandId", "\"" + id(random) + "\"");
        fields.put("target", "\"" + target + "\"");
        fields.put("requestedBy", "\"it:corpus\"");
        fields.put(field, value);
        return object(fields);
    }

    private static String restoreValid(Random random, String target) {
        return restoreWith(random, target, "reason", "\"corpus\"");
    }

    /** A restore of the source's latest archive into {@code target} with {@code field} set to {@code value}. */
    private static String restoreWith(Random random, String target, String field, String value) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("commandId", "\"" + id(random) + "\"");
        fields.put("target", "\"" + target + "\"");
        fields.put("sourceTarget", "\"" + WorkerStack.SOURCE + "\"");
        fields.put("archive", "\"latest\"");
        fields.put("requestedBy", "\"it:corpus\"");
        fields.put(field, value);
        return object(fields);
    }

    private static String object(Map<String, String> fields) {
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return json.append('}').toString();
    }
}
