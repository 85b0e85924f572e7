package dev.shoehorn.backup.restore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.storage.ArchiveFile;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.target.PgTools;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.ToolProcess;
import dev.shoehorn.backup.target.WorkDirs;

/**
 * The tables an archive's table of contents names, read by {@code pg_restore --list} from the
 * archive's head as it streams from storage (the TOC comes first; pg_restore stops reading after it).
 */
final class TocTables {

    /** {@code 215; 1259 16386 TABLE public documents owner}, not {@code TABLE DATA}. */
    private static final Pattern TABLE = Pattern.compile("^\\d+; \\d+ \\d+ TABLE (?!DATA )(\\S+) (\\S+)( .*)?$");

    private TocTables() {
    }

    /**
     * The tables as schema.table, in TOC order. A directory archive's TOC is its {@code toc.dat},
     * decoded into a private directory for pg_restore to read.
     */
    static List<String> of(ArchiveStore store, ArchiveRestorer restorer, Manifest manifest, PgTools.Installation tools,
            Target target, Cancellation cancellation) {
        if (!manifest.isDirectory()) {
            return list(List.of(tools.tool("pg_restore").toString(), "--list"), target, cancellation,
                    stdin -> feed(store, restorer, manifest, manifest.archiveKey(), stdin));
        }
        Path work = null;
        try {
            work = WorkDirs.create(Path.of(System.getProperty("java.io.tmpdir")), "restore");
            String tocKey = manifest.archiveKey() + "/" + manifest.files().stream()
                    .filter(f -> f.name().equals(ArchiveFile.TOC)).findFirst()
                    .orElseThrow(() -> new JobFailedException(Failure.permanent(ErrorCode.ARCHIVE_CORRUPT,
                            manifest.archiveKey() + " lists no toc.dat"))).object();
            try (InputStream toc = restorer.decoder(manifest, tocKey, store.open(tocKey))) {
                Files.copy(toc, work.resolve(ArchiveFile.TOC));
            }
            return list(List.of(tools.tool("pg_restore").toString(), "--list", work.toString()), target, cancellation,
                    stdin -> closeQuietly(stdin));
        } catch (IOException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                    "reading the table of contents of " + manifest.archiveKey() + ": " + e.getMessage()), e);
        } finally {
            if (work != null) {
                WorkDirs.delete(work);
            }
        }
    }

    private static void closeQuietly(OutputStream stdin) {
        try {
            stdin.close();
        } catch (IOException e) {
            // pg_restore reads a directory, not its stdin
        }
    }

    private static List<String> list(List<String> argv, Target target, Cancellation cancellation,
            java.util.function.Consumer<OutputStream> input) {
        try (ToolProcess pgRestore = ToolProcess.start(argv, target, cancellation, ToolProcess.Stdout.PIPE)) {
            Thread feeder = new Thread(() -> input.accept(pgRestore.stdin()), "toc-feed");
            feeder.setDaemon(true);
            feeder.start();
            List<String> tables = new ArrayList<>();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(pgRestore.stdout(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Matcher m = TABLE.matcher(line);
                    if (m.matches()) {
                        tables.add(m.group(1) + "." + m.group(2));
                    }
                }
            }
            int exit = pgRestore.waitFor();
            cancellation.check();
            if (exit != 0) {
                throw new JobFailedException(Failure.permanent(ErrorCode.ARCHIVE_CORRUPT,
                        "pg_restore --list exited with " + exit + ": " + pgRestore.diagnostics()));
            }
            return tables;
        } catch (IOException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.PG_RESTORE_FAILED,
                    "listing the archive's contents: " + e.getMessage()), e);
        }
    }

    /** Streams the archive, decoded, until pg_restore has read what it wants and closes its end. */
    private static void feed(ArchiveStore store, ArchiveRestorer restorer, Manifest manifest, String key,
            OutputStream stdin) {
        byte[] chunk = new byte[64 * 1024];
        try (InputStream archive = restorer.decoder(manifest, key, store.open(key)); stdin) {
            for (int n = archive.read(chunk); n >= 0; n = archive.read(chunk)) {
                stdin.write(chunk, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            // pg_restore stopped reading (it had the TOC), or storage failed: its exit code tells
        }
    }
}
