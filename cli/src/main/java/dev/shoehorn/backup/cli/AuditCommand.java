package dev.shoehorn.backup.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import dev.shoehorn.backup.journal.JobFolder;
import dev.shoehorn.backup.journal.JobRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = { "Rebuild the job history from the events, archived and live, as one history.",
                "Who asked for what and why, when, each stage's duration, the outcome, the archive and the error.",
                "Seeks by time and reads without a consumer group; a job is printed when it ends (those still open last)." })
final class AuditCommand implements Callable<Integer> {

    enum Format { table, json, csv }

    /** Jobs open at once while reading; far above what runs at once, so only a lost ending evicts one. */
    private static final int MAX_OPEN = 10_000;
    private static final int REACTION_MEMORY = 10_000;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @ParentCommand
    Cli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--since", required = true, paramLabel = "<time>",
            description = "From: 10m, 2h, 7d, 1w ago, an instant (2026-11-28T02:00:00Z) or a UTC date (2026-11-28).")
    String since;

    @Option(names = "--until", paramLabel = "<time>", description = "To (default: now); same forms as --since.")
    String until;

    @Option(names = "--target", paramLabel = "<target>", description = "Only this target's jobs.")
    String target;

    @Option(names = "--requested-by", paramLabel = "<who>", description = "Only jobs this principal asked for (and the reactions to them).")
    String requestedBy;

    @Option(names = "--format", paramLabel = "table|json|csv", description = "Output (default: table; --json means json).")
    Format format;

    @Override
    public Integer call() {
        Instant now = cli.clock().instant();
        Instant from;
        Instant to;
        try {
            from = Units.time(since, now);
            to = until == null ? now : Units.time(until, now);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (to.isBefore(from)) {
            throw new ParameterException(spec.commandLine(), "--until is before --since");
        }
        Format out = format != null ? format : cli.json() ? Format.json : Format.table;
        Rows rows = new Rows(out);
        Map<String, Boolean> matchedRestores = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REACTION_MEMORY;
            }
        };
        JobFolder folder = new JobFolder(MAX_OPEN, job -> {
            if (wanted(job, matchedRestores)) {
                rows.print(job);
            }
        });
        List<JournalHistory.Gap> gaps;
        try (ArchiveBrowser store = new ArchiveBrowser(cli.settings().storage(), cli.mapper())) {
            rows.header();
            gaps = new JournalHistory(cli.settings(), cli.mapper(), store).read(from, to, event -> {
                if (target == null || target.equals(event.target())) {
                    folder.accept(event);
                }
            });
            folder.flush();
        }
        gaps.forEach(g -> cli.console().error("partition " + g.partition() + ": offsets " + g.fromOffset() + ".."
                + g.toOffset() + " are in neither the event archive nor the topic (the topic's retention passed before"
                + " they were archived)"));
        if (out == Format.table && rows.count == 0) {
            cli.console().line("no jobs between " + from + " and " + to);
        }
        return ExitCode.OK;
    }

    private boolean wanted(JobRecord job, Map<String, Boolean> matchedRestores) {
        if (requestedBy == null) {
            return true;
        }
        if (job.isReaction()) {
            return matchedRestores.containsKey(job.restoreJobId());
        }
        boolean match = requestedBy.equals(job.requestedBy());
        if (match && "restore".equals(job.kind())) {
            matchedRestores.put(job.jobId(), Boolean.TRUE);
        }
        return match;
    }

    /** Rows as they come: no buffering, so that a long history costs no memory. */
    private final class Rows {
        private static final String[] COLUMNS = { "ENDED", "TARGET", "KIND", "OUTCOME", "REQUESTED BY", "REASON",
                "DURATION", "STAGES", "ARCHIVE", "ERROR", "JOB" };
        private static final int[] WIDTHS = { 19, 22, 8, 9, 18, 24, 8, 0, 0, 0, 0 };
        private final Format format;
        private long count;

        Rows(Format format) {
            this.format = format;
        }

        void header() {
            switch (format) {
                case csv -> cli.console().line(String.join(",", COLUMNS).toLowerCase(Locale.ROOT).replace(' ', '_'));
                case table -> cli.console().line(cells(COLUMNS));
                default -> {
                }
            }
        }

        void print(JobRecord job) {
            count++;
            if (format == Format.json) {
                cli.printJson(job);
                return;
            }
            String[] cells = {
                    WHEN.format(job.lastAt()) + (job.outcome().ended() ? "" : "*"),
                    job.target(),
                    job.kind(),
                    job.outcome().name().toLowerCase(Locale.ROOT),
                    job.requestedBy(),
                    job.reason(),
                    Units.millis(job.duration().toMillis()),
                    job.stages().stream().map(s -> s.name() + (s.durationMs() == null ? "" : " " + Units.millis(s.durationMs())))
                            .collect(Collectors.joining(", ")),
                    job.archive() == null ? null : job.archive().key(),
                    job.error() == null ? null : job.error().code() + ": " + job.error().message(),
                    job.jobId() + (job.complete() ? "" : " (partial)") };
            cli.console().line(format == Format.csv ? csv(cells) : cells(cells));
        }

        private String cells(String[] cells) {
            if (!cli.console().tty()) {
                return String.join("\t", java.util.Arrays.stream(cells).map(c -> c == null ? "" : c).toList());
            }
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                String cell = cells[i] == null ? "" : cells[i];
                int width = WIDTHS[i];
                if (width > 0 && cell.length() > width) {
                    cell = cell.substring(0, width - 1) + "…";
                }
                line.append(cell);
                if (width > 0) {
                    line.append(" ".repeat(width - cell.length()));
                }
                line.append("  ");
            }
            return line.toString().stripTrailing();
        }

        private static String csv(String[] cells) {
            return java.util.Arrays.stream(cells).map(c -> {
                if (c == null) {
                    return "";
                }
                boolean quote = c.contains(",") || c.contains("\"") || c.contains("\n");
                return quote ? "\"" + c.replace("\"", "\"\"") + "\"" : c;
            }).collect(Collectors.joining(","));
        }
    }
}
