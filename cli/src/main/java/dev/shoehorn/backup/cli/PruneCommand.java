package dev.shoehorn.backup.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.shoehorn.backup.retention.Pruner;
import dev.shoehorn.backup.retention.RetentionRules;
import dev.shoehorn.backup.signing.SignedKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = { "Apply the targets' retention (backup.targets.<name>.retention.*) by the workers' own rules.",
                "A dry run unless --confirm: it lists what would be deleted and kept, and why, and deletes nothing.",
                "With --confirm it deletes (a manifest before its archive) and reports the run as retention.pruned." })
final class PruneCommand implements Callable<Integer> {

    private static final String CLOUDEVENTS_JSON = "application/cloudevents+json";

    @ParentCommand
    Cli cli;

    @Option(names = "--target", paramLabel = "<target>", description = "Only this target (repeatable); default: every configured one.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--confirm", description = "Delete; without it nothing is deleted.")
    boolean confirm;

    @Override
    public Integer call() {
        CliSettings settings = cli.settings();
        CliSettings.Retention retention = settings.retention();
        List<String> chosen = targets.isEmpty() ? List.copyOf(retention.rules().keySet()) : targets;
        for (String target : chosen) {
            if (!retention.rules().containsKey(target)) {
                throw new CliException(ExitCode.USAGE, "target " + target + " is not configured (configured: "
                        + String.join(", ", settings.targets()) + ")");
            }
        }
        boolean anyFailed = false;
        try (ArchiveBrowser store = new ArchiveBrowser(settings.storage(), cli.mapper())) {
            Pruner pruner = new Pruner(store, retention.incompleteGrace(), retention.recordMaxAge(),
                    retention.abandonedUploadAge(), line -> { });
            for (String target : chosen) {
                RetentionRules rules = retention.rules().get(target);
                long started = System.nanoTime();
                Pruner.Result result = pruner.prune(target, rules, cli.clock().instant(), !confirm);
                long durationMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
                anyFailed |= !result.failed().isEmpty();
                if (confirm) {
                    publish(settings, target, rules, result, durationMs);
                }
                print(target, rules, result);
            }
        }
        return anyFailed ? ExitCode.FAILED : ExitCode.OK;
    }

    private void print(String target, RetentionRules rules, Pruner.Result result) {
        if (cli.json()) {
            cli.printJson(Cli.fields("target", target, "dryRun", !confirm, "rules", rulesJson(rules), "deleted",
                    result.deleted(), "kept", result.kept(), "failed", result.failed(), "recordsDeleted",
                    result.recordsDeleted()));
            return;
        }
        cli.console().line("target " + target + " (" + rules + ")" + (confirm ? ""
                : ": dry run, nothing deleted; --confirm deletes"));
        Table table = new Table("ACTION", "KEY", "REASON");
        String delete = confirm ? "deleted" : "delete";
        result.deleted().forEach(i -> table.row(delete, i.key(), i.reason()));
        result.failed().forEach(i -> table.row("FAILED", i.key(), i.reason() + ": " + i.error()));
        result.kept().forEach(i -> table.row("keep", i.key(), i.reason()));
        table.print(cli.console());
        cli.console().line(result.recordsDeleted() + " record(s) older than "
                + Units.age(cli.settings().retention().recordMaxAge()) + (confirm ? " deleted" : " to delete"));
    }

    /** The run's retention.pruned event, as a worker writes it (schemas/events/retention.pruned.schema.json). */
    private void publish(CliSettings settings, String target, RetentionRules rules, Pruner.Result result,
            long durationMs) {
        Map<String, Object> data = Cli.fields("jobId", UUID.randomUUID().toString(), "target", target, "seq", 1,
                "attempt", 1, "trigger", "cli", "rules", rulesJson(rules),
                "deleted", listed(result.deleted()), "deletedCount", result.deleted().size(),
                "kept", listed(result.kept()), "keptCount", result.kept().size(),
                "failed", listed(result.failed()), "failedCount", result.failed().size(),
                "recordsDeleted", result.recordsDeleted(), "durationMs", durationMs);
        Instant now = cli.clock().instant();
        Map<String, Object> event = Cli.fields("specversion", "1.0", "id", UUID.randomUUID().toString(),
                "source", "backup-worker-cli/" + System.getProperty("user.name", "unknown") + "@" + host(),
                "type", "dev.shoehorn.retention.pruned", "subject", target, "time", now.toString(),
                "datacontenttype", "application/json", "data", data);
        byte[] value;
        try {
            value = cli.mapper().writeValueAsString(event).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the run's event cannot be written as JSON", e);
        }
        CommandPublisher.send(settings, SignedKind.EVENT, settings.progressTopic(), target, value, CLOUDEVENTS_JSON);
    }

    private static Map<String, Object> rulesJson(RetentionRules rules) {
        return Cli.fields("keepLast", rules.keepLast(), "maxAgeSeconds", rules.maxAge().toSeconds(), "keepDaily",
                rules.keepDaily(), "keepWeekly", rules.keepWeekly(), "keepMonthly", rules.keepMonthly());
    }

    /** At most as many entries as a worker's event lists. */
    private static <T> List<T> listed(List<T> items) {
        return items.subList(0, Math.min(items.size(), 500));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
