package dev.shoehorn.backup.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import dev.shoehorn.backup.journal.JobFolder;
import dev.shoehorn.backup.journal.JobRecord;
import dev.shoehorn.backup.journal.JournalEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = { "Follow every job on every worker: a live bar per running job, stages and reactions as they happen.",
                "Reads the progress topic without a consumer group; Ctrl-C ends it." })
final class WatchCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(200);
    /** Jobs followed at once; beyond it the oldest is dropped from the bars (its events still print). */
    private static final int MAX_RUNNING = 1000;

    @ParentCommand
    Cli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "<target>", description = "Only this target's jobs (and the reactions to them).")
    String target;

    @Option(names = "--job", paramLabel = "<jobId>", description = "Only this job (a full jobId or its first characters).")
    String job;

    @Option(names = "--since", paramLabel = "<time>",
            description = "Replay from this time first: 10m, 2h, 7d ago, an instant or a date (default: from now on).")
    String since;

    @Option(names = "--for", paramLabel = "<duration>", description = "Stop after this long (30s, 10m, 2h, or ISO-8601); default: until Ctrl-C.")
    Duration duration;

    @Override
    public Integer call() {
        Instant from = null;
        if (since != null) {
            try {
                from = Units.time(since, cli.clock().instant());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        Console console = cli.console();
        JobBars bars = new JobBars();
        JobFolder folder = new JobFolder(MAX_RUNNING, ended -> bars.forget(ended.jobId()));
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        try (JournalTail tail = from == null ? JournalTail.atEnd(cli.settings(), cli.mapper(), "watch")
                : JournalTail.since(cli.settings(), cli.mapper(), "watch", from)) {
            if (!cli.json()) {
                console.line("watching " + cli.settings().progressTopic() + (from == null ? " from now" : " since " + from)
                        + (target == null ? "" : ", target " + target) + (job == null ? "" : ", job " + job)
                        + (duration == null ? " (Ctrl-C ends)" : " for " + duration.toSeconds() + " s"));
            }
            while (System.nanoTime() < deadline) {
                tail.poll(POLL, event -> {
                    if (!wanted(event)) {
                        return;
                    }
                    JobRecord now = folder.accept(event);
                    bars.observe(now);
                    show(event, now, bars);
                });
                if (!cli.json()) {
                    console.live(folder.running().stream().filter(j -> j.progress() != null || !j.isReaction())
                            .map(bars::line).toList());
                }
            }
        } finally {
            console.live(List.of());
            console.close();
        }
        return ExitCode.OK;
    }

    private boolean wanted(JournalEvent event) {
        if (target != null && !target.equals(event.target())) {
            return false;
        }
        if (job != null) {
            String restoreJob = event.data().path("restoreJobId").asText("");
            return event.jobId().startsWith(job) || restoreJob.startsWith(job);
        }
        return true;
    }

    private void show(JournalEvent event, JobRecord job, JobBars bars) {
        Console console = cli.console();
        if (cli.json()) {
            cli.printJson(EventLines.json(event));
            return;
        }
        if (!event.isProgress()) {
            console.line(EventLines.line(event) + "  [" + shortId(event.jobId()) + "]");
            return;
        }
        if (!console.tty() && bars.plainDue(job.jobId(), cli.clock().instant())) {
            console.line(EventLines.time(event) + bars.plain(job) + "  [" + shortId(job.jobId()) + "]");
        }
    }

    static String shortId(String jobId) {
        return jobId.length() > 8 ? jobId.substring(0, 8) : jobId;
    }
}
