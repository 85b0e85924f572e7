import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One backup or one restore through Kafka, timed from the outside, for bench/restore-throughput:
 *
 * <pre>
 * java -cp 'local/target/lib/*' bench/RestoreClient.java backup  BOOTSTRAP TARGET [TIMEOUT_SECONDS]
 * java -cp 'local/target/lib/*' bench/RestoreClient.java restore BOOTSTRAP TARGET SOURCE_TARGET ARCHIVE_KEY [TIMEOUT_SECONDS]
 * </pre>
 *
 * Follows every partition of {@code backup.progress} from its end (positioned before anything is
 * published, so no event of ours can be missed), waits 3 s for its own start-up to settle (as
 * bench/BackupClient.java does), publishes one command keyed by the target ({@code backup.commands},
 * or {@code restore.commands} with every post-restore step off and, when {@code BENCH_RESTORE_MODE}
 * is set, that {@code mode}), and waits for the
 * {@code completed} event of that commandId. Prints one line on stdout:
 *
 * <pre>
 * backup:  commandId=… elapsed_ms=… started_ms=… uploaded_ms=… archive_bytes=… worker_duration_ms=… machine_cpu_s=… [cpu_…] key=… sha256=…
 * restore: commandId=… elapsed_ms=… started_ms=… verified_ms=… applied_ms=… archive_bytes=… worker_duration_ms=… machine_cpu_s=… [cpu_…] key=…
 * </pre>
 *
 * where {@code elapsed_ms} runs from just before the send to the completed event's arrival, and
 * the other {@code *_ms} are when those events arrived, on the same clock (-1: not seen);
 * {@code machine_cpu_s} is the CPU time the whole machine spent over that span (Linux), and
 * {@code cpu_<name>_s} / {@code cpu_<name>_children_s} the CPU seconds of each process named in
 * {@code BENCH_WATCH=name=pid,…} and of its reaped children (the worker's pg_restore) over the same
 * span; ticks are {@code BENCH_CLK_TCK} per second (default 100). Exits 1,
 * naming the error, on {@code failed}, {@code rejected} or {@code skipped}, or on a timeout.
 */
public final class RestoreClient {

    private static final String PROGRESS = "backup.progress";
    private static final long SETTLE_MILLIS = 3_000;

    public static void main(String[] args) throws Exception {
        // slf4j-simple from local/target/lib: only warnings, on stderr
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
        String mode = args.length > 0 ? args[0] : "";
        boolean backup = mode.equals("backup") && (args.length == 3 || args.length == 4);
        boolean restore = mode.equals("restore") && (args.length == 5 || args.length == 6);
        if (!backup && !restore) {
            System.err.println("usage: java -cp 'local/target/lib/*' bench/RestoreClient.java backup BOOTSTRAP TARGET [TIMEOUT_SECONDS]");
            System.err.println("       java -cp 'local/target/lib/*' bench/RestoreClient.java restore BOOTSTRAP TARGET SOURCE_TARGET ARCHIVE_KEY [TIMEOUT_SECONDS]");
            System.exit(2);
        }
        String bootstrap = args[1];
        String target = args[2];
        int timeoutArg = backup ? 3 : 5;
        long timeoutNanos = TimeUnit.SECONDS.toNanos(args.length > timeoutArg ? Long.parseLong(args[timeoutArg]) : 3600);
        ObjectMapper json = new ObjectMapper();
        String commandId = UUID.randomUUID().toString();
        ObjectNode command = json.createObjectNode()
                .put("commandId", commandId)
                .put("target", target);
        if (restore) {
            command.put("sourceTarget", args[3]).put("archive", args[4]);
        }
        command.put("requestedBy", "bench");
        if (restore) {
            command.putObject("postRestore").put("migrate", false).put("backfill", false).put("flushCache", false);
            String restoreMode = System.getenv("BENCH_RESTORE_MODE");
            if (restoreMode != null && !restoreMode.isEmpty()) {
                command.put("mode", restoreMode);
            }
        }
        String topic = backup ? "backup.commands" : "restore.commands";
        String prefix = backup ? "dev.shoehorn.backup." : "dev.shoehorn.restore.";
        Set<String> gaveUp = Set.of(prefix + "failed", prefix + "rejected", prefix + "skipped");

        try (KafkaConsumer<String, String> events = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "restore-bench",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                new StringDeserializer(), new StringDeserializer());
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.CLIENT_ID_CONFIG, "restore-bench",
                        ProducerConfig.ACKS_CONFIG, "all"),
                        new StringSerializer(), new StringSerializer())) {
            List<TopicPartition> partitions = events.partitionsFor(PROGRESS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                fail("topic " + PROGRESS + " has no partitions");
            }
            events.assign(partitions);
            events.seekToEnd(partitions);
            partitions.forEach(events::position); // resolve the lazy seek now, before publishing
            producer.partitionsFor(topic); // fetch metadata now, outside the timed span
            // Let this JVM's own start-up (source compilation, JIT) die down, so that it does not
            // compete with the job being measured on a small machine.
            Thread.sleep(SETTLE_MILLIS);

            long startedMs = -1;
            long uploadedMs = -1;
            long verifiedMs = -1;
            long appliedMs = -1;
            double cpuAtStart = machineCpuSeconds();
            Map<String, double[]> watchedAtStart = watchedCpu();
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, target, command.toString())).get(30, TimeUnit.SECONDS);
            System.err.println("published " + commandId + " to " + topic + " (key " + target + ")");

            while (System.nanoTime() - start < timeoutNanos) {
                for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(200))) {
                    JsonNode event;
                    try {
                        event = json.readTree(record.value());
                    } catch (Exception e) {
                        continue; // not a CloudEvent, not ours
                    }
                    JsonNode data = event.path("data");
                    if (!commandId.equals(data.path("commandId").asText())) {
                        continue;
                    }
                    String type = event.path("type").asText();
                    long atMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    switch (type.startsWith(prefix) ? type.substring(prefix.length()) : "") {
                        case "started" -> startedMs = atMs;
                        case "uploaded" -> uploadedMs = atMs;
                        case "verified" -> verifiedMs = atMs;
                        case "applied" -> appliedMs = atMs;
                        default -> {
                        }
                    }
                    if ((prefix + "completed").equals(type)) {
                        String cpu = String.format(Locale.ROOT, " machine_cpu_s=%.2f", machineCpuSeconds() - cpuAtStart)
                                + cpuDeltas(watchedAtStart, watchedCpu());
                        JsonNode archive = data.path("archive");
                        String line = "commandId=" + commandId + " elapsed_ms=" + atMs + " started_ms=" + startedMs
                                + (backup ? " uploaded_ms=" + uploadedMs
                                        : " verified_ms=" + verifiedMs + " applied_ms=" + appliedMs)
                                + " archive_bytes=" + archive.path("bytes").asLong(-1)
                                + " worker_duration_ms=" + data.path("durationMs").asLong(-1)
                                + cpu
                                + " key=" + archive.path("key").asText("?");
                        if (backup) {
                            line += " sha256=" + archive.path("sha256").asText("?");
                        }
                        System.out.println(line);
                        return;
                    }
                    if (gaveUp.contains(type)) {
                        JsonNode error = data.path("error");
                        fail("the worker reported " + type + ": " + error.path("code").asText("?") + " "
                                + error.path("message").asText(""));
                    }
                    if (!(prefix + "progress").equals(type)) {
                        System.err.printf("+%.1fs %s%n", (System.nanoTime() - start) / 1e9, type);
                    }
                }
            }
            fail("no completed or failed event for " + commandId + " within "
                    + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
        }
    }

    /**
     * CPU seconds the whole machine has spent busy since boot (Linux {@code /proc/stat}: user, nice,
     * system, irq, softirq, steal), or NaN elsewhere.
     */
    private static double machineCpuSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            return busy / ticksPerSecond();
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /**
     * CPU seconds of the processes named in {@code BENCH_WATCH} ({@code name=pid,name=pid}), each as
     * {own, reaped children}, from {@code /proc/<pid>/stat}; empty when unset or unreadable.
     */
    private static Map<String, double[]> watchedCpu() {
        Map<String, double[]> cpu = new LinkedHashMap<>();
        String watch = System.getenv("BENCH_WATCH");
        if (watch == null || watch.isBlank()) {
            return cpu;
        }
        for (String entry : watch.trim().split(",")) {
            String[] nameAndPid = entry.split("=", 2);
            try {
                String stat = Files.readString(Path.of("/proc", nameAndPid[1].trim(), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+"); // f[0] is field 3
                cpu.put(nameAndPid[0].trim(), new double[] {
                        (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticksPerSecond(),
                        (Long.parseLong(f[13]) + Long.parseLong(f[14])) / ticksPerSecond() });
            } catch (Exception e) {
                // not on Linux, or the process is gone: nothing to report for it
            }
        }
        return cpu;
    }

    private static String cpuDeltas(Map<String, double[]> before, Map<String, double[]> after) {
        StringBuilder out = new StringBuilder();
        before.forEach((name, b) -> {
            double[] a = after.get(name);
            if (a != null) {
                out.append(String.format(Locale.ROOT, " cpu_%s_s=%.2f cpu_%s_children_s=%.2f",
                        name, a[0] - b[0], name, a[1] - b[1]));
            }
        });
        return out.toString();
    }

    private static double ticksPerSecond() {
        String hz = System.getenv("BENCH_CLK_TCK");
        return hz == null || hz.isBlank() ? 100.0 : Double.parseDouble(hz);
    }

    private static void fail(String message) {
        System.err.println("RestoreClient: FAILED: " + message);
        System.exit(1);
    }
}
