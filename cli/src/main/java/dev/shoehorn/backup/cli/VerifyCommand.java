package dev.shoehorn.backup.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = { "Download an archive, check its size and sha256 against its manifest, and read it with pg_restore --list.",
                "Touches no database. Exit 0 when every check passes, 1 when one fails." })
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    Cli cli;

    @Parameters(index = "0", paramLabel = "<key>|<target>:latest", description = "An archive key, or a target's newest complete archive.")
    String what;

    /** What was checked and found. */
    record Result(String key, String target, long bytes, long expectedBytes, String sha256, String expectedSha256,
            int tocEntries, List<String> problems) {

        boolean ok() {
            return problems.isEmpty();
        }
    }

    @Override
    public Integer call() {
        Result result;
        try (ArchiveBrowser store = new ArchiveBrowser(cli.settings().storage(), cli.mapper())) {
            ArchiveBrowser.Archive archive = ArchiveDownload.resolve(store, what);
            result = check(store, archive);
        } finally {
            cli.console().live(List.of());
        }
        print(result);
        return result.ok() ? ExitCode.OK : ExitCode.FAILED;
    }


    private Result check(ArchiveBrowser store, ArchiveBrowser.Archive archive) {
        List<String> problems = new ArrayList<>();
        if (!archive.complete()) {
            problems.add("incomplete: " + archive.problem());
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("backup-worker-verify-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path local = work.resolve(archive.isDirectory() ? "archive" : "archive.dump");
            ArchiveDownload.Download download = new ArchiveDownload(cli, store).fetch(archive, local, problems);
            if (archive.manifestBytes() >= 0 && download.bytes() != archive.manifestBytes()) {
                problems.add("size: " + download.bytes() + " bytes downloaded, the manifest says " + archive.manifestBytes());
            }
            if (archive.sha256() != null && !archive.sha256().equalsIgnoreCase(download.sha256())) {
                problems.add("sha256: downloaded " + download.sha256() + ", the manifest says " + archive.sha256());
            }
            int toc = download.decoded() ? tocEntries(local, problems) : 0;
            return new Result(archive.key(), archive.target(), download.bytes(), archive.manifestBytes(), download.sha256(),
                    archive.sha256(), toc, List.copyOf(problems));
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "could not download " + archive.key() + ": " + e.getMessage(), e);
        } finally {
            if (work != null) {
                ArchiveDownload.deleteTree(work, cli.console());
            }
        }
    }

    /** Entries of the archive's table of contents; a problem when pg_restore cannot read it. */
    private int tocEntries(Path file, List<String> problems) throws IOException {
        Path pgRestore = PgRestoreBinary.find(cli.settings().pgBinDirs()).orElseThrow(() -> new CliException(
                ExitCode.FAILED, "pg_restore not found (PATH, backup.pg.bin-dirs); Debian: apt-get install postgresql-client-15"));
        ProcessBuilder builder = new ProcessBuilder(pgRestore.toString(), "--list", file.toString())
                .redirectErrorStream(true);
        // pg_restore --list reads a file and connects nowhere: it is given no PG* variable, no secret
        builder.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("LANG") && !name.equals("LC_ALL"));
        Process process = builder.start();
        int entries = 0;
        String firstError = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("pg_restore:") && firstError == null) {
                    firstError = line;
                } else if (!line.isBlank() && !line.startsWith(";")) {
                    entries++;
                }
            }
        }
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                problems.add("pg_restore --list exited with " + exit + Optional.ofNullable(firstError).map(e -> ": " + e).orElse(""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new CliException(ExitCode.FAILED, "interrupted");
        }
        return entries;
    }

    private void print(Result result) {
        if (cli.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("key", result.key());
            json.put("target", result.target());
            json.put("ok", result.ok());
            json.put("bytes", result.bytes());
            json.put("expectedBytes", result.expectedBytes());
            json.put("sha256", result.sha256());
            json.put("expectedSha256", result.expectedSha256());
            json.put("tocEntries", result.tocEntries());
            json.put("problems", result.problems());
            cli.printJson(json);
            return;
        }
        Console console = cli.console();
        console.line("archive   " + result.key());
        console.line("size      " + result.bytes() + " bytes" + (result.bytes() == result.expectedBytes() ? " (matches the manifest)" : ""));
        console.line("sha256    " + result.sha256()
                + (result.sha256().equalsIgnoreCase(String.valueOf(result.expectedSha256())) ? " (matches the manifest)" : ""));
        console.line("contents  " + result.tocEntries() + " table-of-contents entries (pg_restore --list)");
        result.problems().forEach(p -> console.line("PROBLEM   " + p));
        console.line(result.ok() ? "verified: the archive is complete and readable" : "NOT verified");
    }
}
