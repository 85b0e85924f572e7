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
import dev.shoehorn.backup.journal.JobRecord;
import dev.shoehorn.backup.journal.JobRecord.Outcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = { "One row per target: the last good backup and its age, the last failure, a running job.",
                "Backups come from the object store; failures and running jobs from the progress topic since --since." })
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
            Table table = new Table("TARGET", "LAST GOOD BACKUP", "AGE", "SIZE", "LAST FAILURE", "RUNNING");
            for (String target : targets) {
                Optional<ArchiveBrowser.Archive> latest = store.latest(target);
                Seen events = seen.getOrDefault(target, new Seen());
                if (cli.json()) {
                    cli.printJson(json(target, latest, events, now));
                    continue;
                }
                table.row(target,
                        latest.map(ArchiveBrowser.Archive::key).orElse("none"),
                        latest.map(a -> Units.age(Duration.between(completedAt(a), now))).orElse("-"),
                        latest.map(a -> Units.bytes(a.bytes())).orElse("-"),
                        failure(events.lastFailure, now),
                        running(events.running, now));
            }
            if (!cli.json()) {
                table.print(cli.console());
            }
        }
        return ExitCode.OK;
    }

    private Map<String, Seen> readEvents(Instant from) {
        Map<String, Seen> seen = new HashMap<>();
        JobFolder folder = new JobFolder(MAX_OPEN, job -> {
            if (job.target() != null && !job.isReaction()
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

    private static String running(JobRecord job, Instant now) {
        if (job == null) {
            return "-";
        }
        String progress = job.progress() != null && job.progress().percent() >= 0 ? " " + job.progress().percent() + "%" : "";
        Duration quiet = Duration.between(job.lastAt(), now);
        return job.kind() + " " + job.stage() + progress
                + (quiet.compareTo(SILENT) > 0 ? " (silent for " + Units.age(quiet) + ")" : "");
    }

    private static Map<String, Object> json(String target, Optional<ArchiveBrowser.Archive> latest, Seen events, Instant now) {
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
        row.put("lastFailure", events.lastFailure);
        row.put("running", events.running);
        return row;
    }
}
