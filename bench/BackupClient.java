import java.time.Duration;
import java.util.List;
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

/**
 * One backup through Kafka, timed from the outside, for bench/backup-throughput:
 *
 * <pre>
 * java -cp 'local/target/lib/*' bench/BackupClient.java BOOTSTRAP TARGET [TIMEOUT_SECONDS]
 * </pre>
 *
 * Follows every partition of {@code backup.progress} from its end (positioned before anything is
 * published, so no event of ours can be missed), waits 3 s for its own start-up to settle, publishes
 * one backup command keyed by the target,
 * and waits for the {@code completed} event of that commandId. Prints one line on stdout:
 *
 * <pre>
 * commandId=… elapsed_ms=… started_ms=… uploaded_ms=… archive_bytes=… worker_duration_ms=… machine_cpu_s=… key=… sha256=…
 * </pre>
 *
 * where {@code elapsed_ms} runs from just before the send to the completed event's arrival, and
 * {@code started_ms} and {@code uploaded_ms} are when the started (pg_dump running) and uploaded
 * events arrived, on the same clock; {@code machine_cpu_s} is the CPU time the whole machine spent
 * over that span (Linux), and {@code cpu_<name>_s} / {@code cpu_<name>_children_s} the CPU seconds of
 * each process named in {@code BENCH_WATCH=name=pid,…} and of its reaped children over the same
 * span. Exits 1,
 * naming the error, on {@code failed}, {@code rejected} or {@code skipped}, or on a timeout.
 */
public final class BackupClient {

    private static final String COMMANDS = "backup.commands";
    private static final String PROGRESS = "backup.progress";
    private static final String PREFIX = "dev.shoehorn.backup.";
    private static final long SETTLE_MILLIS = 3_000;
    private static final Set<String> GAVE_UP = Set.of(PREFIX + "failed", PREFIX + "rejected", PREFIX + "skipped");

    public static void main(String[] args) throws Exception {
        // slf4j-simple from local/target/lib: only warnings, on stderr
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: java -cp 'local/target/lib/*' bench/BackupClient.java BOOTSTRAP TARGET [TIMEOUT_SECONDS]");
            System.exit(2);
        }
        String bootstrap = args[0];
        String target = args[1];
        long timeoutNanos = TimeUnit.SECONDS.toNanos(args.length == 3 ? Long.parseLong(args[2]) : 3600);
        ObjectMapper json = new ObjectMapper();
        String commandId = UUID.randomUUID().toString();
        String command = json.createObjectNode()
                .put("commandId", commandId)
                .put("target", target)
                .put("requestedBy", "bench")
                .toString();

        try (KafkaConsumer<String, String> events = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "backup-bench",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                new StringDeserializer(), new StringDeserializer());
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.CLIENT_ID_CONFIG, "backup-bench",
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
            producer.partitionsFor(COMMANDS); // fetch metadata now, outside the timed span
            // Let this JVM's own start-up (source compilation, JIT) die down, so that it does not
            // compete with the backup being measured on a small machine.
            Thread.sleep(SETTLE_MILLIS);

            long startedMs = -1;
            long uploadedMs = -1;
            double cpuAtStart = machineCpuSeconds();
            Map<String, double[]> watchedAtStart = watchedCpu();
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(COMMANDS, target, command)).get(30, TimeUnit.SECONDS);
            System.err.println("published " + commandId + " to " + COMMANDS + " (key " + target + ")");

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
                    if ((PREFIX + "started").equals(type)) {
                        startedMs = atMs;
                    } else if ((PREFIX + "uploaded").equals(type)) {
                        uploadedMs = atMs;
                    }
                    if ((PREFIX + "completed").equals(type)) {
                        JsonNode archive = data.path("archive");
                        System.out.println("commandId=" + commandId
                                + " elapsed_ms=" + atMs
                                + " started_ms=" + startedMs
                                + " uploaded_ms=" + uploadedMs
                                + " archive_bytes=" + archive.path("bytes").asLong(-1)
                                + " worker_duration_ms=" + data.path("durationMs").asLong(-1)
                                + String.format(java.util.Locale.ROOT, " machine_cpu_s=%.2f",
                                        machineCpuSeconds() - cpuAtStart)
                                + cpuDeltas(watchedAtStart, watchedCpu())
                                + " key=" + archive.path("key").asText("?")
                                + " sha256=" + archive.path("sha256").asText("?"));
                        return;
                    }
                    if (GAVE_UP.contains(type)) {
                        JsonNode error = data.path("error");
                        fail("the worker reported " + type + ": " + error.path("code").asText("?") + " "
                                + error.path("message").asText(""));
                    }
                    if (!(PREFIX + "progress").equals(type)) {
                        System.err.printf("+%.1fs %s%n", (System.nanoTime() - start) / 1e9, type);
                    }
                }
            }
            fail("no completed or failed event for " + commandId + " within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
        }
    }

    /**
     * CPU seconds the whole machine has spent busy since boot (Linux {@code /proc/stat}: user, nice,
     * system, irq, softirq, steal), or NaN elsewhere. Ticks are {@code BENCH_CLK_TCK} per second (100).
     */
    private static double machineCpuSeconds() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            String hz = System.getenv("BENCH_CLK_TCK");
            return busy / (hz == null || hz.isBlank() ? 100.0 : Double.parseDouble(hz));
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /**
     * CPU seconds of the processes named in {@code BENCH_WATCH} ({@code name=pid,name=pid}), each as
     * {own, reaped children}, from {@code /proc/<pid>/stat}; empty when unset or unreadable.
     */
    private static Map<String, double[]> watchedCpu() {
        Map<String, double[]> cpu = new java.util.LinkedHashMap<>();
        String watch = System.getenv("BENCH_WATCH");
        if (watch == null || watch.isBlank()) {
            return cpu;
        }
        String hz = System.getenv("BENCH_CLK_TCK");
        double ticks = hz == null || hz.isBlank() ? 100.0 : Double.parseDouble(hz);
        for (String entry : watch.trim().split(",")) {
            String[] nameAndPid = entry.split("=", 2);
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", nameAndPid[1].trim(), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+"); // f[0] is field 3
                cpu.put(nameAndPid[0].trim(), new double[] {
                        (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticks,
                        (Long.parseLong(f[13]) + Long.parseLong(f[14])) / ticks });
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
                out.append(String.format(java.util.Locale.ROOT, " cpu_%s_s=%.2f cpu_%s_children_s=%.2f",
                        name, a[0] - b[0], name, a[1] - b[1]));
            }
        });
        return out.toString();
    }

    private static void fail(String message) {
        System.err.println("BackupClient: FAILED: " + message);
        System.exit(1);
    }
}
