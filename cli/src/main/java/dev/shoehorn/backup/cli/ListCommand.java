package dev.shoehorn.backup.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = { "List a target's archives, newest first: key, size, age, format, sha256 prefix, complete or not.",
                "An archive is complete when its manifest names it and its size matches (the worker's rule for latest)." })
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    Cli cli;

    @Parameters(index = "0", paramLabel = "<target>", description = "Whose archives.")
    String target;

    @Override
    public Integer call() {
        try (ArchiveBrowser store = new ArchiveBrowser(cli.settings().storage(), cli.mapper())) {
            List<ArchiveBrowser.Archive> archives = store.list(target);
            Instant now = cli.clock().instant();
            if (cli.json()) {
                archives.forEach(a -> cli.printJson(json(a, now)));
                return ExitCode.OK;
            }
            if (archives.isEmpty()) {
                cli.console().line("no archives of " + target + " in s3://" + store.bucket() + "/"
                        + cli.settings().storage().prefix() + "/" + target + "/");
                return ExitCode.OK;
            }
            Table table = new Table("KEY", "SIZE", "AGE", "FORMAT", "SHA256", "STATE");
            for (ArchiveBrowser.Archive a : archives) {
                table.row(a.key(), a.bytes() < 0 ? "-" : Units.bytes(a.bytes()),
                        a.lastModified() == null ? "-" : Units.age(Duration.between(a.lastModified(), now)),
                        a.format(), a.sha256() == null ? "-" : a.sha256().substring(0, Math.min(12, a.sha256().length())),
                        a.complete() ? "complete" : "incomplete (" + a.problem() + ")");
            }
            table.print(cli.console());
            return ExitCode.OK;
        }
    }

    static Map<String, Object> json(ArchiveBrowser.Archive a, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key", a.key());
        row.put("target", a.target());
        row.put("bytes", a.bytes());
        row.put("lastModified", a.lastModified() == null ? null : a.lastModified().toString());
        row.put("ageSeconds", a.lastModified() == null ? null : Duration.between(a.lastModified(), now).toSeconds());
        row.put("format", a.format());
        row.put("sha256", a.sha256());
        row.put("complete", a.complete());
        row.put("problem", a.problem());
        row.put("completedAt", a.completedAt() == null ? null : a.completedAt().toString());
        return row;
    }
}
