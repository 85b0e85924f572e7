package dev.shoehorn.backup.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.jline.utils.AttributedString;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shoehorn.backup.journal.JobFolder;
import dev.shoehorn.backup.journal.JobRecord;
import dev.shoehorn.backup.journal.JobRecord.Outcome;
import dev.shoehorn.backup.journal.JournalEvent;
import dev.shoehorn.backup.signing.SignedKind;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * What {@code backup} and {@code restore} share: publish a fresh command and, with {@code --wait},
 * follow its job on the progress topic to its end, with a live bar, the stages as they come and the
 * reactions to it, and exit with the job's outcome ({@link ExitCode}).
 */
abstract class JobCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(200);

    @ParentCommand
    Cli cli;

    @Option(names = "--reason", description = "Why: kept in the events and the archive's manifest, shown by audit.")
    String reason;

    @Option(names = "--requested-by", paramLabel = "<who>",
            description = "Who asks (default: cli:<user name>).")
    String requestedBy;

    @Option(names = "--wait", description = "Follow the job to its end with a live progress bar; exit with its outcome.")
    boolean waitForJob;

    @Option(names = "--accept-timeout", paramLabel = "<duration>", defaultValue = "60s",
            description = "With --wait: how long a worker may take to answer (accept or reject) before exit 4 (default ${DEFAULT-VALUE}).")
    Duration acceptTimeout;

    @Option(names = "--timeout", paramLabel = "<duration>",
            description = "With --wait: stop waiting after this long (30s, 10m, 2h) and exit 4; the job goes on.")
    Duration timeout;

    /** The kind's command, without commandId, target and requestedAt, which publishing adds. */
    abstract ObjectNode command();

    abstract SignedKind kind();

    abstract String topic(CliSettings settings);

    abstract String target();

    /** Checks that need no broker, so that a usage error never publishes anything. */
    void validate() {
    }

    @Override
    public Integer call() {
        validate();
        CliSettings settings = cli.settings();
        ObjectNode command = command();
        command.put("requestedBy", requestedBy != null ? requestedBy : "cli:" + System.getProperty("user.name", "unknown"));
        if (reason != null) {
            command.put("reason", reason);
        }
        if (!waitForJob) {
            announce(CommandPublisher.publish(settings, kind(), topic(settings), target(), command, cli.clock().instant()));
            return ExitCode.OK;
        }
        try (JournalTail tail = JournalTail.atEnd(settings, cli.mapper(), "wait")) {
            CommandPublisher.Published published = CommandPublisher.publish(settings, kind(), topic(settings), target(),
                    command, cli.clock().instant());
            announce(published);
            return follow(tail, published.commandId());
        } finally {
            cli.console().close();
        }
    }

    private void announce(CommandPublisher.Published published) {
        if (cli.json()) {
            cli.printJson(Cli.fields("kind", "published", "commandId", published.commandId(), "target", target(),
                    "topic", published.topic(), "partition", published.partition(), "offset", published.offset(),
                    "signedBy", published.signedBy().orElse(null)));
        } else {
            cli.console().line(kind().name().toLowerCase() + " command " + published.commandId() + " published to "
                    + published.topic() + " (partition " + published.partition() + ", offset " + published.offset()
                    + (published.signedBy().map(k -> ", signed by key " + k).orElse(", unsigned")) + ")");
        }
    }

    private int follow(JournalTail tail, String commandId) {
        Console console = cli.console();
        JobBars bars = new JobBars();
        List<JobRecord> ended = new ArrayList<>(1);
        JobFolder folder = new JobFolder(64, job -> {
            if (!job.isReaction()) {
                ended.add(job);
            }
        });
        long start = System.nanoTime();
        boolean answered = false;
        while (ended.isEmpty()) {
            List<JournalEvent> ours = new ArrayList<>();
            tail.poll(POLL, event -> {
                if (commandId.equals(event.commandId())) {
                    ours.add(event);
                }
            });
            for (JournalEvent event : ours) {
                answered = true;
                JobRecord job = folder.accept(event);
                bars.observe(job);
                if (cli.json()) {
                    cli.printJson(EventLines.json(event));
                } else if (!event.isProgress()) {
                    console.line(EventLines.line(event));
                } else if (!console.tty() && bars.plainDue(job.jobId(), cli.clock().instant())) {
                    console.line(EventLines.time(event) + bars.plain(job));
                }
                if (!cli.json() && !job.isReaction()) {
                    console.live(job.outcome().ended() ? List.of() : List.<AttributedString>of(bars.line(job)));
                }
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (!answered && waited.compareTo(acceptTimeout) > 0) {
                throw new CliException(ExitCode.UNREACHABLE, "no worker answered within " + acceptTimeout.toSeconds()
                        + " s: is a worker running, and consuming " + topic(cli.settings()) + "? The command stays on the topic.");
            }
            if (timeout != null && waited.compareTo(timeout) > 0) {
                throw new CliException(ExitCode.UNREACHABLE, "gave up waiting after " + timeout.toSeconds()
                        + " s; the job goes on (follow it with: watch --job " + folder.running().stream()
                                .filter(j -> !j.isReaction()).map(JobRecord::jobId).findFirst().orElse("?") + ")");
            }
        }
        JobRecord job = ended.get(0);
        return outcome(job);
    }

    private int outcome(JobRecord job) {
        int exit = switch (job.outcome()) {
            case COMPLETED -> ExitCode.OK;
            case REJECTED -> ExitCode.REJECTED;
            case SKIPPED -> "COMPLETED".equals(job.originalOutcome()) ? ExitCode.OK : ExitCode.FAILED;
            default -> ExitCode.FAILED;
        };
        if (cli.json()) {
            cli.printJson(Cli.fields("kind", "outcome", "outcome", job.outcome().name(), "exitCode", exit, "job", job));
        } else {
            cli.console().line(summary(job));
        }
        return exit;
    }

    private static String summary(JobRecord job) {
        StringBuilder text = new StringBuilder();
        text.append(job.kind()).append(' ').append(job.outcome().name().toLowerCase()).append(" (job ")
                .append(job.jobId()).append(", ").append(Units.millis(job.duration().toMillis())).append(')');
        if (job.archive() != null && job.outcome() == Outcome.COMPLETED) {
            text.append(": ").append(job.archive().key());
            if (job.archive().bytes() != null) {
                text.append(", ").append(Units.bytes(job.archive().bytes()));
            }
            if (job.archive().sha256() != null) {
                text.append(", sha256 ").append(job.archive().sha256(), 0, Math.min(12, job.archive().sha256().length()));
            }
        }
        if (job.error() != null) {
            text.append(": ").append(job.error().code()).append(' ').append(job.error().message());
        }
        if (job.originalJobId() != null) {
            text.append(": already run by job ").append(job.originalJobId()).append(", ").append(job.originalOutcome());
        }
        return text.toString();
    }
}
