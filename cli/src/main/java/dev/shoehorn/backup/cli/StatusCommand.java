package dev.shoehorn.backup.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import dev.shoehorn.backup.journal.JobFolder;
import dev.shoehorn.backup.overdue.OverdueWindow;
import dev.shoehorn.backup.schedule.Cron;
import dev.shoehorn.backup.journal.JobRecord;
import dev.shoehorn.backup.journal.JobRecord.Outcome;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.StoredObject;
import dev.shoehorn.backup.storage.DrillReports;
import dev.shoehorn.backup.storage.DrillReports.DrillSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = { "One row per target: the last good backup and its age, the schedule and its next run, whether",
                "it is overdue, the last restore drill, the last failure, a running job. Backups, overdue and drills",
                "come from the object store (the watchdog's rule, the drills' reports); failures and running jobs",
                "from the progress topic since --since." })
final class StatusCommand implements Callable<Integer> {

    private static final int MAX_OPEN = 10_000;
    /** A job with no event for this long is shown as silent: its worker may have died. */
    private static final Duration SILENT = Duration.ofMinutes(10);

    @ParentCommand
    Cli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "<time>", defaultValue = "7d",
            description = "How far back the events are read for failures and running jobs (default: ${DEFAULT-VALUE}).")
    String since;

    /** What the events say of one target. */
    private static final class Seen {
        JobRecord lastFailure;
        JobRecord running;
    }

    @Override
    public Integer call() {
        Instant now = cli.clock().instant();
        Instant from;
        try {
            from = Units.time(since, now);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Map<String, Seen> seen = readEvents(from);
        TreeSet<String> targets = new TreeSet<>(cli.settings().targets());
        try (ArchiveBrowser store = new ArchiveBrowser(cli.settings().storage(), cli.mapper())) {
            targets.addAll(store.targetsInStore());
            targets.addAll(seen.keySet());
            Table table = new Table("TARGET", "LAST GOOD BACKUP", "AGE", "SIZE", "SCHEDULE", "NEXT RUN", "OVERDUE",
                    "LAST DRILL", "LAST FAILURE", "RUNNING");
            for (String target : targets) {
                Optional<ArchiveBrowser.Archive> latest = store.latest(target);
                Seen events = seen.getOrDefault(target, new Seen());
                Freshness freshness = freshness(store, target, latest, now);
                Optional<DrillSummary> drill = DrillReports.newest(store.objects(store.keys().drillReports(target))
                        .stream().map(StoredObject::key).toList(), 1, store::json).stream().findFirst();
                if (cli.json()) {
                    cli.printJson(json(target, latest, freshness, drill, events, now));
                    continue;
                }
                table.row(target,
                        latest.map(ArchiveBrowser.Archive::key).orElse("none"),
                        latest.map(a -> Units.age(Duration.between(completedAt(a), now))).orElse("-"),
                        latest.map(a -> Units.bytes(a.bytes())).orElse("-"),
                        freshness.schedule.map(Cron::toString).orElse(Cron.OFF),
                        freshness.schedule.map(c -> "in " + Units.age(Duration.between(now, c.next(now)))).orElse("-"),
                        freshness.overdueAt == null ? "-" : freshness.overdue()
                                ? "OVERDUE " + Units.age(Duration.between(freshness.overdueAt, now)) : "no",
                        drill.map(d -> drill(d, now)).orElse("-"),
                        failure(events.lastFailure, now),
                        running(events.running, now));
            }
            if (!cli.json()) {
                table.print(cli.console());
            }
        }
        return ExitCode.OK;
    }

    /**
     * A target's schedule and whether it is overdue, by the watchdog's rule: its window from the last
     * good backup, or, with none, from when the watchdog began watching it (its record in the store).
     */
    private record Freshness(Optional<Cron> schedule, Duration window, Instant overdueAt, Instant now) {
        boolean overdue() {
            return overdueAt != null && now.isAfter(overdueAt);
        }
    }

    private Freshness freshness(ArchiveBrowser store, String target, Optional<ArchiveBrowser.Archive> latest,
            Instant now) {
        CliSettings settings = cli.settings();
        Optional<Cron> cron = Optional.ofNullable(settings.schedules().get(target)).flatMap(s -> {
            try {
                return Cron.parseUnlessOff(s.expression(), s.zone());
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // the worker refuses to start with it; nothing to show
            }
        });
        Optional<Duration> overdueAfter = Optional.ofNullable(settings.overdue().overdueAfter().get(target));
        if (!settings.targets().contains(target) || cron.isEmpty() && overdueAfter.isEmpty()) {
            return new Freshness(cron, null, null, now);
        }
        Optional<Instant> since = latest.map(StatusCommand::completedAt).or(() -> store
                .json(store.keys().overdue(target) + ArchiveKeys.OVERDUE_WATCHING)
                .map(w -> Instant.parse(w.path("at").asText())));
        if (since.isEmpty()) {
            return new Freshness(cron, null, null, now); // no backup, and not watched yet: nothing to tell
        }
        Duration window = OverdueWindow.of(cron, overdueAfter, settings.overdue().grace(), since.get()).orElseThrow();
        return new Freshness(cron, window, OverdueWindow.overdueAt(since.get(), window), now);
    }

    private Map<String, Seen> readEvents(Instant from) {
        Map<String, Seen> seen = new HashMap<>();
        JobFolder folder = new JobFolder(MAX_OPEN, job -> {
            // an overdue target has its own column
            if (job.target() != null && !job.isReaction() && !"overdue".equals(job.stage())
                    && (job.outcome() == Outcome.FAILED || job.outcome() == Outcome.REJECTED)) {
                seen.computeIfAbsent(job.target(), t -> new Seen()).lastFailure = job;
            }
        });
        try (JournalTail tail = JournalTail.since(cli.settings(), cli.mapper(), "status", from)) {
            var ends = tail.ends();
            while (!tail.reached(ends)) {
                tail.poll(Duration.ofMillis(200), folder::accept);
            }
        }
        for (JobRecord job : folder.running()) {
            if (job.target() != null && !job.isReaction()) {
                seen.computeIfAbsent(job.target(), t -> new Seen()).running = job;
            }
        }
        return seen;
    }

    private static Instant completedAt(ArchiveBrowser.Archive archive) {
        return archive.completedAt() != null ? archive.completedAt() : archive.lastModified();
    }

    private static String failure(JobRecord job, Instant now) {
        if (job == null) {
            return "-";
        }
        return job.kind() + " " + job.outcome().name().toLowerCase() + " " + Units.age(Duration.between(job.lastAt(), now))
                + " ago" + (job.error() == null ? "" : ": " + job.error().code());
    }

    private static String drill(DrillSummary drill, Instant now) {
        return (drill.passed() ? "passed " : "FAILED ")
                + (drill.startedAt() == null ? "" : Units.age(Duration.between(drill.startedAt(), now)) + " ago")
                + (drill.failedChecks().isEmpty() ? "" : ": " + String.join(",", drill.failedChecks()))
                + (drill.errorCode() == null ? "" : ": could not run, " + drill.errorCode());
    }

    private static String running(JobRecord job, Instant now) {
        if (job == null) {
            return "-";
        }
        String progress = job.progress() != null && job.progress().percent() >= 0 ? " " + job.progress().percent() + "%" : "";
        Duration quiet = Duration.between(job.lastAt(), now);
        return job.kind() + " " + job.stage() + progress
                + (quiet.compareTo(SILENT) > 0 ? " (silent for " + Units.age(quiet) + ")" : "");
    }

    private static Map<String, Object> json(String target, Optional<ArchiveBrowser.Archive> latest, Freshness freshness,
            Optional<DrillSummary> drill, Seen events, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("target", target);
        row.put("lastGoodBackup", latest.map(a -> {
            Map<String, Object> archive = new LinkedHashMap<>();
            archive.put("key", a.key());
            archive.put("bytes", a.bytes());
            archive.put("completedAt", completedAt(a).toString());
            archive.put("ageSeconds", Duration.between(completedAt(a), now).toSeconds());
            return archive;
        }).orElse(null));
        row.put("schedule", freshness.schedule.map(c -> Cli.fields("expression", c.expression(), "zone",
                c.zone().getId(), "nextRun", c.next(now).toString())).orElse(null));
        row.put("overdue", freshness.overdue());
        row.put("overdueAt", freshness.overdueAt == null ? null : freshness.overdueAt.toString());
        row.put("windowSeconds", freshness.window == null ? null : freshness.window.toSeconds());
        row.put("lastDrill", drill.orElse(null));
        row.put("lastFailure", events.lastFailure);
        row.put("running", events.running);
        return row;
    }
}
