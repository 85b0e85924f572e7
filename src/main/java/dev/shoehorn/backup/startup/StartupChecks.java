package dev.shoehorn.backup.startup;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.DaemonThreads;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Redactor;
import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.job.JobsConfig;
import dev.shoehorn.backup.retention.RetentionConfig;
import dev.shoehorn.backup.retention.RetentionService;
import dev.shoehorn.backup.storage.StorageConfig;
import dev.shoehorn.backup.schedule.Schedules;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.target.PgTools;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Before the worker takes its first command: can it reach the broker, the bucket with its
 * credentials, and every target's database, with a pg_dump for each server? All checks run at
 * once, each bounded by {@code backup.startup.check-timeout}, so a worker configured wrong stops
 * within seconds with one message that names every problem, instead of logging connection
 * warnings in a loop and failing its first backup. Then one line sums up the configuration in
 * effect, without secrets. {@code ./backup-worker check} runs the same and exits.
 */
@ApplicationScoped
public class StartupChecks {

    private static final Logger LOG = Logger.getLogger(StartupChecks.class);

    private final StartupConfig config;
    private final TargetRegistry targets;
    private final PgTools pgTools;
    private final ArchiveStore store;
    private final Map<String, Object> kafka;
    private final ConfigSummary summary;
    private final RetentionConfig retention;
    private final StorageConfig storage;
    private final JobsConfig jobs;
    private final CommandConfig commands;

    public StartupChecks(StartupConfig config, TargetRegistry targets, PgTools pgTools, ArchiveStore store,
            @Identifier("default-kafka-broker") Map<String, Object> kafka, ConfigSummary summary,
            RetentionConfig retention, StorageConfig storage, JobsConfig jobs, CommandConfig commands) {
        this.config = config;
        this.retention = retention;
        this.storage = storage;
        this.jobs = jobs;
        this.commands = commands;
        this.targets = targets;
        this.pgTools = pgTools;
        this.store = store;
        this.kafka = kafka;
        this.summary = summary;
    }

    /** First of the start-up observers: nothing has touched a database, the store or a topic yet. */
    void onStart(@Observes @Priority(1) StartupEvent start) {
        if (config.checkOnly()) {
            List<String> problems = problems();
            PrintStream out = System.out;
            problems.forEach(problem -> out.println("problem: " + problem));
            out.println(problems.isEmpty() ? "ok: " + summary.line() : problems.size() + " problem(s)");
            out.flush();
            // no other start-up work may run (sweeps, schedules, consumers); the JVM has nothing to flush
            Runtime.getRuntime().halt(problems.isEmpty() ? 0 : 1);
        }
        if (config.checks() != StartupConfig.Checks.OFF) {
            List<String> problems = problems();
            if (!problems.isEmpty()) {
                String message = "backup-worker cannot work as configured, " + problems.size() + " problem(s): "
                        + String.join("; ", problems);
                if (config.checks() == StartupConfig.Checks.FAIL) {
                    LOG.errorf("stage=startup-checks problems=%d msg=\"%s\"", problems.size(), message);
                    throw new IllegalStateException(message);
                }
                LOG.warnf("stage=startup-checks problems=%d msg=\"%s\"", problems.size(), message);
            }
        }
        LOG.infof("stage=configuration %s", summary.line());
    }

    /**
     * Every problem found, one sentence each, in a stable order: the broker, the store, the targets,
     * then the schedules and retention's settings (read here too, so that a bad one is named with the
     * rest and not alone later, and so that {@code check} finds it).
     */
    public List<String> problems() {
        Map<String, Callable<Optional<String>>> checks = new java.util.LinkedHashMap<>();
        checks.put("kafka", this::kafka);
        checks.put("storage", this::storage);
        if (targets.all().isEmpty()) {
            checks.put("targets", () -> Optional.of("no target is configured: set backup.targets.<name>.host,"
                    + " .database and .user (docs/configuration.md)"));
        }
        targets.all().stream().sorted(java.util.Comparator.comparing(Target::name))
                .forEach(target -> checks.put("target " + target.name(), () -> target(target)));
        ExecutorService pool = Executors.newCachedThreadPool(DaemonThreads.named("bw-startup-check"));
        try {
            Map<String, Future<Optional<String>>> running = new java.util.LinkedHashMap<>();
            checks.forEach((what, check) -> running.put(what, pool.submit(check)));
            long deadline = System.nanoTime() + config.checkTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, Future<Optional<String>>> check : running.entrySet()) {
                outcome(check.getKey(), check.getValue(), deadline).ifPresent(problems::add);
            }
            problems.addAll(configurationProblems());
            return problems.stream().map(Redactor::redact).collect(Collectors.toList());
        } finally {
            pool.shutdownNow();
        }
    }

    private Optional<String> outcome(String what, Future<Optional<String>> check, long deadline) {
        try {
            return check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.of(what + ": no answer within " + seconds(config.checkTimeout()));
        } catch (ExecutionException e) {
            return Optional.of(what + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(what + ": interrupted");
        }
    }

    private List<String> configurationProblems() {
        List<String> problems = new ArrayList<>();
        targets.all().stream().sorted(java.util.Comparator.comparing(Target::name))
                .forEach(target -> problems.addAll(Schedules.problems(target)));
        problems.addAll(RetentionService.problems(retention, targets, storage, jobs, commands));
        return problems;
    }

    private Optional<String> kafka() {
        Map<String, Object> settings = new HashMap<>(kafka);
        int timeout = (int) config.checkTimeout().toMillis();
        settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, "backup-worker-startup-check");
        settings.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        settings.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        // one connection warning a second while the broker is away, not ten
        settings.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, 1000);
        settings.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        settings.remove(CommonClientConfigs.GROUP_ID_CONFIG);
        Object servers = settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(settings)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout)).nodes()
                    .get(timeout, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.of("kafka: no broker answered at " + servers + " within " + seconds(config.checkTimeout())
                    + " (kafka.bootstrap.servers, KAFKA_BOOTSTRAP_SERVERS)");
        }
    }

    private Optional<String> storage() {
        try {
            store.ping();
            return Optional.empty();
        } catch (NoSuchBucketException e) {
            return Optional.of("storage: bucket " + store.bucket() + " does not exist (backup.storage.bucket)");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.of("storage: bucket " + store.bucket() + " does not exist (backup.storage.bucket)");
            }
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                return Optional.of("storage: the store refused the credentials for bucket " + store.bucket()
                        + " (HTTP " + e.statusCode() + "; backup.storage.access-key-id, backup.storage.secret-access-key)");
            }
            return Optional.of("storage: bucket " + store.bucket() + ": HTTP " + e.statusCode() + " " + e.getMessage());
        } catch (SdkClientException e) {
            String message = String.valueOf(e.getMessage());
            return Optional.of(message.contains("credentials")
                    ? "storage: no S3 credentials (backup.storage.access-key-id and backup.storage.secret-access-key,"
                            + " or the AWS default chain)"
                    : "storage: cannot reach the store for bucket " + store.bucket() + ": " + message);
        }
    }

    private Optional<String> target(Target target) {
        try (java.sql.Connection connection = Postgres.connect(target)) {
            Postgres.ServerFacts facts = Postgres.inspect(connection);
            pgTools.forServer(facts.major(), facts.version());
            return Optional.empty();
        } catch (java.sql.SQLException e) {
            return Optional.of("target " + target.name() + ": " + e.getMessage());
        } catch (JobFailedException e) {
            return Optional.of("target " + target.name() + ": " + e.failure().message());
        }
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
