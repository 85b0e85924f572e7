package dev.shoehorn.backup.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
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

import org.jline.utils.AttributedString;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.codec.ArchiveCodec;
import dev.shoehorn.backup.codec.DecryptionException;
import dev.shoehorn.backup.codec.Keyring;
import dev.shoehorn.backup.storage.ArchiveChecks;
import dev.shoehorn.backup.storage.HashingInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = { "Download an archive, check its size and sha256 against its manifest, and read it with pg_restore --list.",
                "Touches no database. Exit 0 when every check passes, 1 when one fails." })
final class VerifyCommand implements Callable<Integer> {

    private static final int BUFFER = 1 << 16;

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
            ArchiveBrowser.Archive archive = resolve(store);
            result = check(store, archive);
        } finally {
            cli.console().live(List.of());
        }
        print(result);
        return result.ok() ? ExitCode.OK : ExitCode.FAILED;
    }

    private ArchiveBrowser.Archive resolve(ArchiveBrowser store) {
        if (what.endsWith(":latest")) {
            String target = what.substring(0, what.length() - ":latest".length());
            return store.latest(target).orElseThrow(() -> new CliException(ExitCode.FAILED,
                    "no complete archive of " + target));
        }
        return store.archive(what).orElseThrow(() -> new CliException(ExitCode.FAILED, "no archive " + what));
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
            Download download = archive.isDirectory() ? downloadDirectory(store, archive, local, problems)
                    : download(store, archive, archive.key(), local, problems);
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
                deleteTree(work);
            }
        }
    }

    private void deleteTree(Path work) {
        try (var paths = Files.walk(work)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            cli.console().error("could not delete " + work + ": " + e.getMessage());
        }
    }

    /**
     * Every file of a directory archive, each checked against its line in the manifest and decoded
     * under pg_dump's name into {@code dir}; the totals are the archive's size and the digest of
     * its files' list, as the manifest records them.
     */
    private Download downloadDirectory(ArchiveBrowser store, ArchiveBrowser.Archive archive, Path dir,
            List<String> problems) throws IOException {
        Files.createDirectory(dir);
        long bytes = 0;
        boolean decoded = true;
        Map<String, String> digests = new LinkedHashMap<>();
        for (JsonNode file : archive.files()) {
            String name = file.path("name").asText();
            String object = file.path("object").asText();
            if (!name.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9]+)*") || object.contains("/")) {
                problems.add("files: the manifest names " + name + ", which pg_dump cannot have written");
                decoded = false;
                continue;
            }
            Download one = download(store, archive, archive.key() + "/" + object, dir.resolve(name), problems);
            if (one.bytes() != file.path("bytes").asLong(-1) || !one.sha256().equals(file.path("sha256").asText())) {
                problems.add("file " + object + ": " + one.bytes() + " bytes, sha256 " + one.sha256()
                        + " downloaded; the manifest says " + file.path("bytes").asLong(-1) + " bytes, sha256 "
                        + file.path("sha256").asText());
            }
            bytes += one.bytes();
            digests.put(object, one.sha256());
            decoded &= one.decoded();
        }
        return new Download(bytes, ArchiveChecks.filesDigest(digests), decoded);
    }

    /** @param decoded whether pg_dump's bytes could be recovered (decrypted, decompressed) into the file */
    private record Download(long bytes, String sha256, boolean decoded) {
    }

    /**
     * Downloads the archive, hashing the stored bytes, and writes pg_dump's bytes (decrypted with
     * the configured keyset, decompressed) to {@code file}; a failure to decode is a problem, and
     * the stored bytes are still hashed to the end.
     */
    private Download download(ArchiveBrowser store, ArchiveBrowser.Archive archive, String key, Path file,
            List<String> problems) throws IOException {
        long shownAt = 0;
        byte[] buffer = new byte[BUFFER];
        boolean decoded = true;
        Optional<Keyring> keyring = cli.settings().keyset().map(Keyring::parse);
        try (HashingInput stored = new HashingInput(store.open(key));
                OutputStream out = Files.newOutputStream(file)) {
            // the decoder is closed (freeing zstd's native memory) only after the rest is hashed, as closing it closes the download
            InputStream in = null;
            try {
                in = ArchiveCodec.decoder(stored, archive.compression(), archive.encryption(), keyring,
                        store.keys().objectName(key));
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    if (System.nanoTime() - shownAt > 250_000_000L) {
                        shownAt = System.nanoTime();
                        cli.console().live(List.of(new AttributedString("downloading " + key + "  "
                                + Units.bytes(stored.bytes())
                                + (archive.bytes() > 0 ? " / " + Units.bytes(archive.bytes()) : ""))));
                    }
                }
            } catch (IOException e) {
                if (stored.failed()) {
                    throw e;
                }
                decoded = false;
                problems.add((e instanceof DecryptionException ? "decrypt " : "decompress ") + key + ": " + e.getMessage());
            }
            while (stored.read(buffer) >= 0) {
                // the rest of the stored bytes, for the size and hash
            }
            String sha256 = stored.sha256();
            if (in != null) {
                in.close();
            }
            return new Download(stored.bytes(), sha256, decoded);
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
