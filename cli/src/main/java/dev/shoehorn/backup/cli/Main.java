package dev.shoehorn.backup.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

/** The CLI's entry point: {@code ./backup-worker <command>} for every command but local, demo and serve. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        String log = System.getenv("BW_CLI_LOG");
        if (log != null && !log.isBlank()) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", log);
        }
        System.exit(run(Cli.system(), args));
    }

    /** Runs one command line; returns its exit code. */
    public static int run(Cli cli, String... args) {
        CommandLine line = commandLine(cli);
        return line.execute(args);
    }

    static CommandLine commandLine(Cli cli) {
        CommandLine line = new CommandLine(cli);
        line.registerConverter(java.time.Duration.class, Units::duration);
        PrintWriter err = cli.console().err();
        line.setOut(cli.console().out());
        line.setErr(err);
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof CliException failure) {
                cli.console().error(failure.getMessage());
                return failure.exitCode();
            }
            cli.console().error("unexpected " + e);
            return ExitCode.FAILED;
        });
        return line;
    }
}
