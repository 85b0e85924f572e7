package dev.shoehorn.backup.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.shoehorn.backup.schedule.Cron;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "schedule", mixinStandardHelpOptions = true, subcommands = ScheduleCommand.Preview.class,
        description = "A target's backup schedule (backup.targets.<name>.schedule and .schedule-zone).")
final class ScheduleCommand implements Runnable {

    @ParentCommand
    Cli cli;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a subcommand is needed");
    }

    @Command(name = "preview", mixinStandardHelpOptions = true,
            description = { "Print a target's next scheduled backups, in its zone and in UTC, read as the worker reads them.",
                    "Use --from to see a daylight-saving night ahead." })
    static final class Preview implements Callable<Integer> {

        private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx EEE");

        @ParentCommand
        ScheduleCommand parent;

        @Parameters(index = "0", paramLabel = "<target>", description = "Whose schedule.")
        String target;

        @Option(names = "--count", defaultValue = "10", description = "How many runs (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--from", paramLabel = "<time>",
                description = "List the runs after this RFC 3339 time (default: now), e.g. 2027-03-27T00:00:00Z.")
        String from;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            if (count < 1 || count > 1000) {
                throw new CliException(ExitCode.USAGE, "--count must be from 1 to 1000");
            }
            CliSettings.TargetSchedule configured = cli.settings().schedules().get(target);
            if (configured == null) {
                throw new CliException(ExitCode.USAGE, "target " + target + " is not configured (configured: "
                        + String.join(", ", cli.settings().targets()) + ")");
            }
            Optional<Cron> schedule;
            try {
                schedule = Cron.parseUnlessOff(configured.expression(), configured.zone());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, "backup.targets." + target + ".schedule: " + e.getMessage());
            }
            if (schedule.isEmpty()) {
                if (cli.json()) {
                    cli.printJson(Cli.fields("target", target, "expression", Cron.OFF));
                } else {
                    cli.console().line("target " + target + " has no schedule (" + Cron.OFF + ")");
                }
                return ExitCode.OK;
            }
            Cron cron = schedule.get();
            Instant now = cli.clock().instant();
            Instant at = from == null ? now : start(from);
            if (!cli.json()) {
                cli.console().line("target " + target + ": " + cron.expression() + " in " + cron.zone().getId());
            }
            Table table = new Table("#", "LOCAL", "UTC", "IN");
            for (int i = 1; i <= count; i++) {
                at = cron.next(at);
                String local = LOCAL.format(at.atZone(cron.zone()));
                if (cli.json()) {
                    cli.printJson(Cli.fields("target", target, "expression", cron.expression(), "zone",
                            cron.zone().getId(), "slot", at.toString(), "local", at.atZone(cron.zone())
                                    .toOffsetDateTime().toString()));
                } else {
                    table.row(Integer.toString(i), local, at.toString(), Units.age(Duration.between(now, at)));
                }
            }
            if (!cli.json()) {
                table.print(cli.console());
            }
            return ExitCode.OK;
        }

        private static Instant start(String text) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new CliException(ExitCode.USAGE, "--from must be an RFC 3339 time with an offset, e.g. "
                        + "2027-03-27T00:00:00Z");
            }
        }
    }
}
