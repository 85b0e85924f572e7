import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupState;
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
 *
 * <p>Many backups through a group of workers, for bench/scale-out ({@link Fleet}):
 *
 * <pre>
 * java -cp 'local/target/lib/*' bench/BackupClient.java fleet --bootstrap B --targets FILE --commands N
 *     --members M --out PREFIX [--timeout S] [--stop-pid PID --stop-signal KILL|TERM --stop-worker NAME]
 * java -cp 'local/target/lib/*' bench/BackupClient.java verify --bootstrap B --commands FILE --out FILE
 * </pre>
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
        String mode = args.length > 0 ? args[0] : "";
        if (mode.equals("fleet") || mode.equals("verify")) {
            Map<String, String> options = options(args);
            if (mode.equals("fleet")) {
                Fleet.fleet(options);
            } else {
                Fleet.verify(options);
            }
            return;
        }
        if (args.length < 2 || args.length > 3) {
            usage();
        }
        String bootstrap = args[0];
        String target = args[1];
        long timeoutNanos = TimeUnit.SECONDS.toNanos(args.length == 3 ? Long.parseLong(args[2]) : 3600);
        ObjectMapper json = new ObjectMapper();
        String commandId = UUID.randomUUID().toString();
        String command = command(json, commandId, target);

        try (KafkaConsumer<String, String> events = progressConsumer(bootstrap);
                KafkaProducer<String, String> producer = producer(bootstrap)) {
            followFromEnd(events);
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
                for (JsonNode event : pollEvents(events, json, Duration.ofMillis(200))) {
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

    private static void usage() {
        System.err.println("usage: java -cp 'local/target/lib/*' bench/BackupClient.java BOOTSTRAP TARGET [TIMEOUT_SECONDS]");
        System.err.println("       java -cp 'local/target/lib/*' bench/BackupClient.java fleet --bootstrap B --targets FILE"
                + " --commands N --members M --out PREFIX [--timeout S]"
                + " [--stop-pid PID --stop-signal KILL|TERM --stop-worker NAME]");
        System.err.println("       java -cp 'local/target/lib/*' bench/BackupClient.java verify --bootstrap B --commands FILE"
                + " --out FILE");
        System.exit(2);
    }

    /** {@code --name value} pairs after the mode. */
    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                usage();
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            usage();
        }
        return value;
    }

    private static String command(ObjectMapper json, String commandId, String target) {
        return json.createObjectNode()
                .put("commandId", commandId)
                .put("target", target)
                .put("requestedBy", "bench")
                .toString();
    }

    private static KafkaConsumer<String, String> progressConsumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "backup-bench",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                new StringDeserializer(), new StringDeserializer());
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "backup-bench",
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
    }

    /** The records that arrived within {@code wait}, read as JSON; one that is not JSON is no event of ours. */
    private static List<JsonNode> pollEvents(KafkaConsumer<String, String> events, ObjectMapper json, Duration wait) {
        List<JsonNode> parsed = new ArrayList<>();
        for (ConsumerRecord<String, String> record : events.poll(wait)) {
            try {
                parsed.add(json.readTree(record.value()));
            } catch (Exception e) {
                // not a CloudEvent, not ours
            }
        }
        return parsed;
    }

    /** Assigns every partition of the progress topic, no group, nothing committed; returns them. */
    private static List<TopicPartition> assignProgress(KafkaConsumer<String, String> events) {
        List<TopicPartition> partitions = events.partitionsFor(PROGRESS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            fail("topic " + PROGRESS + " has no partitions");
        }
        events.assign(partitions);
        return partitions;
    }

    /** Follows the progress topic from its end, positioned before anything is published, so that no event of ours is missed. */
    private static void followFromEnd(KafkaConsumer<String, String> events) {
        List<TopicPartition> partitions = assignProgress(events);
        events.seekToEnd(partitions);
        partitions.forEach(events::position); // resolve the lazy seek now, before publishing
    }

    /**
     * Backups of many targets through the workers of one consumer group, each command checked to
     * have been done once.
     *
     * <p>{@code fleet} waits until the group's consumers of {@code backup.commands} are {@code
     * --members} with every partition assigned, publishes one command per target of {@code
     * --targets} (a warm-up, waited for, not measured), then {@code --commands} commands over the
     * targets in turn, keyed by target, and follows their events until every one has ended. When a
     * third of them have ended it stops the worker {@code --stop-pid} (SIGKILL or SIGTERM), whose
     * events carry the source {@code backup-worker/<--stop-worker>}. It writes {@code PREFIX.commands}
     * (commandId, target, partition, phase) and {@code PREFIX.events} (one line an event, progress
     * events left out) and prints one line:
     *
     * <pre>
     * commands=… window=… window_s=… jobs_per_min_window=… run_s=… jobs_per_min_run=… by_worker=w1:…,w2:…
     *   by_partition=0:…,1:…,2:… job_s_median=… job_s_p90=… machine_cpu_s=… [cpu_…] [stopped=… signal=…
     *   stop_s=… held_partitions=… in_flight=… rebalance_s=… pause_s=… recovery_s=… median_gap_s=…
     *   max_gap_after_stop_s=…] commands_checked=… completed_once=… skipped_duplicates=… abandoned=…
     *   violations=…
     * </pre>
     *
     * where the window is the first third of the measured commands to end (the same share for
     * every worker count, and all workers alive through it): {@code jobs_per_min_window} is their
     * rate from publishing to the last of them, {@code machine_cpu_s} and {@code cpu_<name>_s}
     * (processes of {@code BENCH_WATCH}) the CPU seconds over it; {@code jobs_per_min_run} is the
     * rate of the whole run, stop and recovery included; {@code job_s_*} are of the time from a
     * measured job's {@code started} event (pg_dump running) to its {@code completed} one. {@code
     * rebalance_s} is the time from the stop until the group has settled on the workers left, every
     * partition assigned; {@code pause_s} to the first event, from another worker, of a command on a
     * partition the stopped worker held; {@code recovery_s} to the first completion of a command it
     * had taken and not ended; {@code max_gap_after_stop_s} the longest time without a command
     * ending from the stop on, against {@code median_gap_s} between two endings before it.
     *
     * <p>{@code verify} waits until the group has committed every command record (no command can be
     * delivered again, every job has sent its terminal event), then reads the progress topic from its
     * beginning to its end and checks the commands of a {@code .commands} file; it writes the
     * completed ones (commandId, target, jobId, archive key) to {@code --out} and prints the last five
     * fields of the line above.
     *
     * <p>Done once means, per commandId: exactly one {@code completed} event; no {@code rejected}; a
     * {@code failed} only as {@code WORKER_STOPPED} (a job of a stopped worker, whose command is
     * delivered again); a {@code skipped} only when it names that completed job (a delivery after it
     * ended). Events are counted once by their id (a producer's resend is the same event). Either mode
     * exits 1, listing what broke the rule.
     */
    static final class Fleet {

        private static final String GROUP = "backup-worker";
        private static final String WORKER_STOPPED = "WORKER_STOPPED";
        private static final String SOURCE_PREFIX = "backup-worker/";
        private static final String WARM_UP = "warm-up";
        private static final String MEASURED = "measured";
        /** After the last command has ended, how long to wait for the copies a redelivery emits (skipped). */
        private static final long SETTLE_MILLIS = 5_000;
        private static final long GROUP_WAIT_SECONDS = 180;

        /** A published command: the partition that holds it, and whether it was a warm-up or measured. */
        record Sent(String commandId, String target, int partition, String phase) {

            static Sent parse(String line) {
                String[] f = line.split("\t");
                return new Sent(f[0], f[1], Integer.parseInt(f[2]), f[3]);
            }

            String line() {
                return String.join("\t", commandId, target, Integer.toString(partition), phase);
            }
        }

        /** One event of a published command, stamped with its arrival on the clock of {@link Fleet#millis()}. */
        record Seen(long ms, String type, String commandId, String jobId, String worker, String code,
                String originalJobId, String originalOutcome, String archiveKey) {

            static Seen of(long ms, JsonNode event) {
                JsonNode data = event.path("data");
                String source = event.path("source").asText();
                return new Seen(ms, event.path("type").asText().substring(PREFIX.length()), data.path("commandId").asText(),
                        data.path("jobId").asText(), source.startsWith(SOURCE_PREFIX) ? source.substring(SOURCE_PREFIX.length())
                                : source,
                        data.path("error").path("code").asText(""), data.path("originalJobId").asText(""),
                        data.path("originalOutcome").asText(""), data.path("archive").path("key").asText(""));
            }

            /** Whether the command has ended with this event: completed, or an outcome that is not a completion. */
            boolean ends() {
                return switch (type) {
                    case "completed", "rejected" -> true;
                    case "failed" -> !WORKER_STOPPED.equals(code);
                    case "skipped" -> !"COMPLETED".equals(originalOutcome);
                    default -> false;
                };
            }

            /** The event as a line, its time from {@code from} (the warm-up's before it, negative). */
            String line(long from) {
                return String.join("\t", Long.toString(ms - from), type, commandId, jobId, worker, code, originalJobId,
                        originalOutcome, archiveKey);
            }
        }

        /** How the commands ended, by the rule above. */
        record Verdict(int commands, int completedOnce, int duplicates, int abandoned, List<String> violations) {

            static Verdict of(Collection<Sent> sent, List<Seen> events) {
                Map<String, List<Seen>> byCommand = events.stream().collect(Collectors.groupingBy(Seen::commandId));
                int completedOnce = 0;
                int duplicates = 0;
                int abandoned = 0;
                List<String> violations = new ArrayList<>();
                for (Sent command : sent) {
                    List<Seen> seen = byCommand.getOrDefault(command.commandId(), List.of());
                    List<Seen> completed = seen.stream().filter(e -> e.type().equals("completed")).toList();
                    String name = command.commandId() + " (" + command.target() + ")";
                    if (completed.size() == 1) {
                        completedOnce++;
                    } else {
                        violations.add(name + ": completed " + completed.size() + " times, by jobs "
                                + completed.stream().map(Seen::jobId).toList());
                    }
                    String completedJob = completed.size() == 1 ? completed.get(0).jobId() : null;
                    for (Seen e : seen) {
                        switch (e.type()) {
                            case "rejected" -> violations.add(name + ": rejected, " + e.code());
                            case "failed" -> {
                                if (WORKER_STOPPED.equals(e.code())) {
                                    abandoned++;
                                } else {
                                    violations.add(name + ": failed, " + e.code() + " (job " + e.jobId() + ")");
                                }
                            }
                            case "skipped" -> {
                                if ("COMPLETED".equals(e.originalOutcome()) && e.originalJobId().equals(completedJob)) {
                                    duplicates++;
                                } else {
                                    violations.add(name + ": skipped naming job " + e.originalJobId() + " ("
                                            + e.originalOutcome() + "), not its completed job " + completedJob);
                                }
                            }
                            default -> {
                                // accepted, started, uploaded: steps, not outcomes
                            }
                        }
                    }
                }
                return new Verdict(sent.size(), completedOnce, duplicates, abandoned, violations);
            }

            String fields() {
                return "commands_checked=" + commands + " completed_once=" + completedOnce + " skipped_duplicates="
                        + duplicates + " abandoned=" + abandoned + " violations=" + violations.size();
            }

            /** Prints the line; exits 1, naming what broke the rule, when anything did. */
            void report(String line) {
                System.out.println(line);
                if (!violations.isEmpty()) {
                    violations.stream().limit(50).forEach(v -> System.err.println("  " + v));
                    fail(violations.size() + " of " + commands + " commands were not done exactly once");
                }
            }
        }

        private final ObjectMapper json = new ObjectMapper();
        private final KafkaConsumer<String, String> events;
        private final Map<String, Sent> sent = new LinkedHashMap<>();
        private final List<Seen> seen = new ArrayList<>();
        private final Set<String> eventIds = new HashSet<>();
        private final Map<String, Long> endedAt = new HashMap<>();
        private final long origin = System.nanoTime();
        /** When the measured commands were published, on the clock of {@link #millis()}; every time reported is from here. */
        private long measuredFrom;

        private Fleet(KafkaConsumer<String, String> events) {
            this.events = events;
        }

        static void fleet(Map<String, String> options) throws Exception {
            String bootstrap = required(options, "bootstrap");
            List<String> targets = Files.readAllLines(Path.of(required(options, "targets"))).stream()
                    .filter(t -> !t.isBlank()).toList();
            int commands = Integer.parseInt(required(options, "commands"));
            int members = Integer.parseInt(required(options, "members"));
            String out = required(options, "out");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("timeout", "900")));
            String stopPid = options.get("stop-pid");
            String stopWorker = options.get("stop-worker");
            boolean kill = !"TERM".equals(options.getOrDefault("stop-signal", "KILL"));
            int window = Math.max(1, commands / 3);

            awaitGroup(bootstrap, members);
            try (KafkaConsumer<String, String> consumer = progressConsumer(bootstrap);
                    KafkaProducer<String, String> producer = producer(bootstrap)) {
                followFromEnd(consumer);
                Fleet fleet = new Fleet(consumer);
                fleet.publish(producer, targets, targets.size(), WARM_UP);
                fleet.awaitEnded(WARM_UP, targets.size(), deadline);

                double cpuAtStart = machineCpuSeconds();
                Map<String, double[]> watchedAtStart = watchedCpu();
                fleet.measuredFrom = fleet.millis();
                fleet.publish(producer, targets, commands, MEASURED);
                fleet.awaitEnded(MEASURED, window, deadline);
                String windowCpu = String.format(Locale.ROOT, " machine_cpu_s=%.2f", machineCpuSeconds() - cpuAtStart)
                        + cpuDeltas(watchedAtStart, watchedCpu());
                long stopMs = -1;
                CompletableFuture<Long> rebalanced = null;
                if (stopPid != null) {
                    stopMs = fleet.millis();
                    ProcessHandle worker = ProcessHandle.of(Long.parseLong(stopPid))
                            .orElseThrow(() -> new IllegalStateException("worker pid " + stopPid + " is not running"));
                    if (!(kill ? worker.destroyForcibly() : worker.destroy())) {
                        fail("could not signal worker pid " + stopPid);
                    }
                    log(String.format(Locale.ROOT, "+%.1fs SIG%s to worker %s (pid %s): %d of %d commands had ended",
                            (stopMs - fleet.measuredFrom) / 1e3, kill ? "KILL" : "TERM", stopWorker, stopPid, fleet.ended(MEASURED), commands));
                    // the group's own part of the pause: until it has settled on the workers left
                    rebalanced = CompletableFuture.supplyAsync(() -> {
                        awaitGroup(bootstrap, members - 1);
                        return fleet.millis();
                    });
                }
                fleet.awaitEnded(MEASURED, commands, deadline);
                long settled = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
                while (System.nanoTime() < settled) {
                    fleet.poll();
                }
                Files.write(Path.of(out + ".commands"), fleet.sent.values().stream().map(Sent::line).toList());
                Files.write(Path.of(out + ".events"), fleet.seen.stream().map(e -> e.line(fleet.measuredFrom)).toList());
                String stopFields = rebalanced == null ? ""
                        : fleet.stopFields(stopWorker, kill ? "KILL" : "TERM", stopMs, rebalanced.get(GROUP_WAIT_SECONDS,
                                TimeUnit.SECONDS));
                Verdict verdict = Verdict.of(fleet.sent.values(), fleet.seen);
                verdict.report(fleet.rates(commands, window) + windowCpu + stopFields + " " + verdict.fields());
            }
        }

        static void verify(Map<String, String> options) throws Exception {
            List<Sent> commands = Files.readAllLines(Path.of(required(options, "commands"))).stream()
                    .filter(l -> !l.isBlank()).map(Sent::parse).toList();
            String bootstrap = required(options, "bootstrap");
            try (KafkaConsumer<String, String> consumer = progressConsumer(bootstrap)) {
                awaitCommitted(bootstrap);
                List<TopicPartition> partitions = assignProgress(consumer);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                consumer.seekToBeginning(partitions);
                Fleet fleet = new Fleet(consumer);
                commands.forEach(c -> fleet.sent.put(c.commandId(), c));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    if (System.nanoTime() > deadline) {
                        fail("could not read " + PROGRESS + " to its end within 120 s");
                    }
                    fleet.poll();
                }
                Files.write(Path.of(required(options, "out")), fleet.seen.stream()
                        .filter(e -> e.type().equals("completed"))
                        .map(e -> String.join("\t", e.commandId(), fleet.sent.get(e.commandId()).target(), e.jobId(),
                                e.archiveKey()))
                        .toList());
                Verdict verdict = Verdict.of(commands, fleet.seen);
                verdict.report(verdict.fields());
            }
        }

        /**
         * Waits until the group's consumers of the command topic are {@code members} (at most one a
         * partition), the group stable and every partition assigned, so that no measurement includes
         * a worker joining.
         */
        private static void awaitGroup(String bootstrap, int members) {
            try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                int partitions = admin.describeTopics(List.of(COMMANDS)).allTopicNames().get().get(COMMANDS).partitions().size();
                int expected = Math.min(members, partitions);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GROUP_WAIT_SECONDS);
                while (true) {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
                    List<List<Integer>> owned = group.members().stream()
                            .map(m -> m.assignment().topicPartitions().stream()
                                    .filter(p -> p.topic().equals(COMMANDS)).map(TopicPartition::partition).sorted().toList())
                            .filter(p -> !p.isEmpty())
                            .sorted(Comparator.comparing(p -> p.get(0)))
                            .toList();
                    int assigned = owned.stream().mapToInt(List::size).sum();
                    if (group.groupState() == GroupState.STABLE && owned.size() == expected && assigned == partitions) {
                        log("group " + GROUP + ": " + expected + " consumer(s) of " + COMMANDS + ", partitions " + owned);
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        fail("group " + GROUP + " did not settle on " + expected + " consumer(s) of " + COMMANDS + " within "
                                + GROUP_WAIT_SECONDS + " s: " + group.groupState() + ", partitions " + owned);
                    }
                    Thread.sleep(250);
                }
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("could not describe group " + GROUP, e);
            }
        }

        /**
         * Waits until the group has committed every record of the command topic: every command's job
         * has then ended, its terminal event is in the progress topic, and none is delivered again.
         */
        private static void awaitCommitted(String bootstrap) throws Exception {
            try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(COMMANDS)).allTopicNames().get()
                        .get(COMMANDS).partitions().stream()
                        .collect(Collectors.toMap(p -> new TopicPartition(COMMANDS, p.partition()), p -> OffsetSpec.latest()));
                Map<TopicPartition, Long> end = admin.listOffsets(latest).all().get().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GROUP_WAIT_SECONDS);
                while (true) {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                            .partitionsToOffsetAndMetadata().get();
                    Map<Integer, Long> left = new TreeMap<>();
                    end.forEach((p, offset) -> {
                        long done = committed.get(p) == null ? 0 : committed.get(p).offset();
                        if (done < offset) {
                            left.put(p.partition(), offset - done);
                        }
                    });
                    if (left.isEmpty()) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        fail("group " + GROUP + " has not committed every command within " + GROUP_WAIT_SECONDS
                                + " s; records left by partition: " + left);
                    }
                    Thread.sleep(500);
                }
            }
        }

        /** Publishes {@code count} commands over the targets in turn, keyed by target, and notes each one's partition. */
        private void publish(KafkaProducer<String, String> producer, List<String> targets, int count, String phase)
                throws Exception {
            Map<String, Future<RecordMetadata>> acks = new LinkedHashMap<>();
            Map<String, String> targetOf = new HashMap<>();
            for (int i = 0; i < count; i++) {
                String target = targets.get(i % targets.size());
                String commandId = UUID.randomUUID().toString();
                targetOf.put(commandId, target);
                acks.put(commandId, producer.send(new ProducerRecord<>(COMMANDS, target, command(json, commandId, target))));
            }
            for (Map.Entry<String, Future<RecordMetadata>> ack : acks.entrySet()) {
                int partition = ack.getValue().get(30, TimeUnit.SECONDS).partition();
                sent.put(ack.getKey(), new Sent(ack.getKey(), targetOf.get(ack.getKey()), partition, phase));
            }
            log(String.format(Locale.ROOT, "+%.1fs published %d %s commands over %d targets", (millis() - measuredFrom) / 1e3, count, phase,
                    targets.size()));
        }

        /** Reads events until {@code count} commands of the phase have ended; fails past the deadline. */
        private void awaitEnded(String phase, int count, long deadline) {
            while (ended(phase) < count) {
                if (System.nanoTime() > deadline) {
                    List<String> open = sent.values().stream()
                            .filter(c -> c.phase().equals(phase) && !endedAt.containsKey(c.commandId()))
                            .map(c -> c.commandId() + " (" + c.target() + ", partition " + c.partition() + ")").toList();
                    fail(open.size() + " " + phase + " commands did not end in time, e.g. " + open.subList(0, Math.min(10, open.size())));
                }
                poll();
            }
        }

        private void poll() {
            for (JsonNode event : pollEvents(events, json, Duration.ofMillis(100))) {
                String type = event.path("type").asText();
                if (!sent.containsKey(event.path("data").path("commandId").asText()) || !type.startsWith(PREFIX)
                        || type.equals(PREFIX + "progress") || !eventIds.add(event.path("id").asText())) {
                    continue;
                }
                Seen e = Seen.of(millis(), event);
                seen.add(e);
                if (e.ends()) {
                    endedAt.putIfAbsent(e.commandId(), e.ms());
                }
            }
        }

        private long millis() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin);
        }

        private int ended(String phase) {
            return (int) sent.values().stream().filter(c -> c.phase().equals(phase) && endedAt.containsKey(c.commandId()))
                    .count();
        }

        private List<Long> measuredEnds() {
            return sent.values().stream().filter(c -> c.phase().equals(MEASURED)).map(c -> endedAt.get(c.commandId()))
                    .sorted().toList();
        }

        private String rates(int commands, int window) {
            List<Long> ends = measuredEnds();
            long windowMs = ends.get(window - 1) - measuredFrom;
            long lastMs = ends.get(ends.size() - 1) - measuredFrom;
            List<Seen> completed = seen.stream()
                    .filter(e -> e.type().equals("completed") && sent.get(e.commandId()).phase().equals(MEASURED)).toList();
            Map<String, Long> byWorker = completed.stream()
                    .collect(Collectors.groupingBy(Seen::worker, TreeMap::new, Collectors.counting()));
            // pg_dump running to the manifest written, as the events arrived: a job's own time, without its waits
            Map<String, Long> started = seen.stream().filter(e -> e.type().equals("started"))
                    .collect(Collectors.toMap(Seen::jobId, Seen::ms, Math::min));
            List<Long> jobs = completed.stream().filter(e -> started.containsKey(e.jobId()))
                    .map(e -> e.ms() - started.get(e.jobId())).sorted().toList();
            Map<Integer, Long> byPartition = sent.values().stream().filter(c -> c.phase().equals(MEASURED))
                    .collect(Collectors.groupingBy(Sent::partition, TreeMap::new, Collectors.counting()));
            return String.format(Locale.ROOT, "commands=%d window=%d window_s=%.2f jobs_per_min_window=%.1f run_s=%.2f"
                    + " jobs_per_min_run=%.1f by_worker=%s by_partition=%s job_s_median=%.2f job_s_p90=%.2f", commands,
                    window, windowMs / 1e3, window * 60_000.0 / windowMs, lastMs / 1e3, commands * 60_000.0 / lastMs,
                    counts(byWorker), counts(byPartition), jobs.get(jobs.size() / 2) / 1e3,
                    jobs.get(jobs.size() * 9 / 10) / 1e3);
        }

        private static String counts(Map<?, Long> counts) {
            return counts.entrySet().stream().map(c -> c.getKey() + ":" + c.getValue()).collect(Collectors.joining(","));
        }

        /**
         * What the stop cost: the partitions the stopped worker held (those of the commands whose events it
         * sent), the commands it had taken and not ended, the pause until another worker sent an event of a
         * command on those partitions, the first completion of one it had taken, and the gaps between endings.
         */
        private String stopFields(String worker, String signal, long stopMs, long rebalancedMs) {
            Set<Integer> held = new TreeSet<>();
            Set<String> taken = new HashSet<>();
            for (Seen e : seen) {
                if (e.worker().equals(worker) && e.ms() <= stopMs) {
                    held.add(sent.get(e.commandId()).partition());
                    taken.add(e.commandId());
                }
            }
            taken.removeIf(c -> endedAt.containsKey(c) && endedAt.get(c) <= stopMs);
            long pause = seen.stream()
                    .filter(e -> e.ms() > stopMs && !e.worker().equals(worker) && held.contains(sent.get(e.commandId()).partition()))
                    .mapToLong(e -> e.ms() - stopMs).min().orElse(-1);
            long recovery = seen.stream()
                    .filter(e -> e.type().equals("completed") && taken.contains(e.commandId()) && !e.worker().equals(worker))
                    .mapToLong(e -> e.ms() - stopMs).min().orElse(-1);
            List<Long> ends = measuredEnds();
            List<Long> before = new ArrayList<>();
            long maxAfter = 0;
            for (int i = 1; i < ends.size(); i++) {
                long gap = ends.get(i) - ends.get(i - 1);
                if (ends.get(i) <= stopMs) {
                    before.add(gap);
                } else {
                    maxAfter = Math.max(maxAfter, ends.get(i) - Math.max(ends.get(i - 1), stopMs));
                }
            }
            before.sort(null);
            long median = before.isEmpty() ? 0 : before.get(before.size() / 2);
            return String.format(Locale.ROOT, " stopped=%s signal=%s stop_s=%.2f held_partitions=%s in_flight=%d"
                    + " rebalance_s=%.2f pause_s=%s recovery_s=%s median_gap_s=%.2f max_gap_after_stop_s=%.2f", worker,
                    signal, (stopMs - measuredFrom) / 1e3,
                    held.stream().map(String::valueOf).collect(Collectors.joining(",")),
                    taken.size(), (rebalancedMs - stopMs) / 1e3, seconds(pause), seconds(recovery), median / 1e3,
                    maxAfter / 1e3);
        }

        private static String seconds(long ms) {
            return ms < 0 ? "-" : String.format(Locale.ROOT, "%.2f", ms / 1e3);
        }

        private static void log(String line) {
            System.err.println(line);
        }
    }
}
