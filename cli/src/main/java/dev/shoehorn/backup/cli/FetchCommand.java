package dev.shoehorn.backup.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = { "Download a complete archive as pg_restore reads it, for a restore by hand (docs/restore.md):",
                "checked against its manifest, decrypted with backup.encryption.keyset(-file), decompressed.",
                "The custom format becomes a file, the directory format a folder of pg_dump's files.",
                "Touches no database. Exit 0 when every check passes; on a problem nothing is left at <path>." })
final class FetchCommand implements Callable<Integer> {

    @ParentCommand
    Cli cli;

    @Parameters(index = "0", paramLabel = "<key>|<target>:latest", description = "An archive key, or a target's newest complete archive.")
    String what;

    @Parameters(index = "1", paramLabel = "<path>", description = "Where to write it; must not exist.")
    Path path;

    @Override
    public Integer call() {
        if (Files.exists(path)) {
            throw new CliException(ExitCode.USAGE, path + " exists");
        }
        List<String> problems = new ArrayList<>();
        ArchiveBrowser.Archive archive;
        try (ArchiveBrowser store = new ArchiveBrowser(cli.settings().storage(), cli.mapper())) {
            archive = ArchiveDownload.resolve(store, what);
            if (!archive.complete()) {
                throw new CliException(ExitCode.FAILED, archive.key() + " is incomplete: " + archive.problem());
            }
            ArchiveDownload.Download download = new ArchiveDownload(cli, store).fetch(archive, path, problems);
            if (download.bytes() != archive.manifestBytes() || !download.sha256().equals(archive.sha256())) {
                problems.add("the archive does not match its manifest (" + download.bytes() + " bytes, sha256 "
                        + download.sha256() + ")");
            }
        } catch (IOException e) {
            problems.add("could not download: " + e.getMessage());
            archive = null;
        } finally {
            cli.console().live(List.of());
        }
        if (!problems.isEmpty()) {
            if (Files.exists(path)) {
                ArchiveDownload.deleteTree(path, cli.console());
            }
            problems.forEach(p -> cli.console().error(p));
            return ExitCode.FAILED;
        }
        boolean directory = archive.isDirectory();
        cli.console().line("fetched " + archive.key() + " to " + path + (directory ? "/" : "")
                + " (checked against its manifest)");
        cli.console().line("restore it by hand with, for example:");
        cli.console().line("  pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction "
                + "--exit-on-error --dbname=<database> " + path);
        if (directory) {
            cli.console().line("  (into an empty database, --jobs=N instead of --clean --if-exists --single-transaction)");
        }
        return ExitCode.OK;
    }
}
