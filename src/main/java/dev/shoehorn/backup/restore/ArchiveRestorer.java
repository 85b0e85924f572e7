package dev.shoehorn.backup.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.shoehorn.backup.command.CommandJob;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.ProgressConfig;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.Sha256;
import dev.shoehorn.backup.target.PgTools;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.ToolProcess;

/**
 * Streams an archive from object storage into pg_restore, checking its size and SHA-256 against
 * the manifest on the way. The last chunk is held back until the whole archive has been hashed:
 * pg_restore cannot finish without the archive's final bytes, so a corrupt archive is detected
 * before it is complete. Over the live target ({@code --single-transaction}), killing pg_restore
 * then rolls the transaction back and the target stays exactly as it was; into a fresh database
 * (swap mode), the caller drops that database.
 */
@ApplicationScoped
public class ArchiveRestorer {

    /** Over the live target: the operations guide's flags, in one transaction so that a failure part-way changes nothing. */
    static final List<String> OVER_TARGET = List.of("--clean", "--if-exists", "--no-owner", "--no-privileges",
            "--single-transaction", "--exit-on-error", "--no-password");
    /**
     * Into an empty database: nothing to clean, and no single transaction, as the database is
     * dropped on failure; that leaves room for {@code --jobs}, which cannot run in one transaction.
     */
    static final List<String> INTO_EMPTY = List.of("--no-owner", "--no-privileges", "--exit-on-error",
            "--no-password");
    private static final int CHUNK = 256 * 1024;

    private final ArchiveStore store;
    private final PgTools pgTools;
    private final ProgressConfig progressConfig;

    public ArchiveRestorer(ArchiveStore store, PgTools pgTools, ProgressConfig progressConfig) {
        this.store = store;
        this.pgTools = pgTools;
        this.progressConfig = progressConfig;
    }

    /**
     * Restores the command's archive into {@code target}'s database: over its content in one
     * transaction, or, in swap mode, into the empty database beside the target that it names.
     */
    public void restore(RestoreCommand command, CommandJob job, Target target, RestoreMode mode) {
        JobEvents events = job.events();
        Cancellation cancellation = job.cancellation();
        Manifest manifest = command.manifest();
        PgTools.Installation tools = toolsFor(target, manifest);
        long stored = store.size(manifest.archiveKey()).orElseThrow(() -> corrupt(manifest.archiveKey()
                + " has disappeared from storage"));
        if (stored != manifest.bytes()) {
            throw corrupt(manifest.archiveKey() + " has " + stored + " bytes, its manifest says " + manifest.bytes());
        }
        events.emit(new RestoreEvents.Started(command.sourceTarget(), manifest.archive(), 0, manifest.bytes(), 0));

        try (ToolProcess pgRestore = ToolProcess.start(command(tools, target, mode), target, cancellation,
                ToolProcess.Stdout.DISCARD)) {
            boolean fed = feed(manifest, pgRestore, job);
            int exit = pgRestore.waitFor();
            cancellation.check();
            if (!fed || exit != 0) {
                throw new JobFailedException(Failure.permanent(ErrorCode.PG_RESTORE_FAILED,
                        "pg_restore exited with " + exit + ": " + pgRestore.diagnostics()));
            }
        } catch (IOException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.PG_RESTORE_FAILED,
                    "running pg_restore: " + e.getMessage()), e);
        }
    }

    static List<String> command(PgTools.Installation tools, Target target, RestoreMode mode) {
        List<String> argv = new ArrayList<>();
        argv.add(tools.tool("pg_restore").toString());
        argv.addAll(switch (mode) {
            case SINGLE_TRANSACTION -> OVER_TARGET;
            case SWAP -> INTO_EMPTY;
        });
        argv.add("--dbname=" + target.database());
        return argv;
    }

    /**
     * Copies the archive into pg_restore's stdin, holding back the last chunk until size and hash
     * match the manifest. Should pg_restore stop reading early, the rest of the archive is still
     * hashed, so that a corrupt archive is reported as such rather than as pg_restore's error.
     * Returns false when pg_restore stopped reading (its exit code and stderr say why).
     */
    private boolean feed(Manifest manifest, ToolProcess pgRestore, CommandJob job) {
        JobEvents events = job.events();
        Cancellation cancellation = job.cancellation();
        MessageDigest sha256 = Sha256.digest();
        byte[] held = new byte[CHUNK];
        byte[] next = new byte[CHUNK];
        int heldLength = -1;
        long bytes = 0;
        boolean reading = true;
        long interval = progressConfig.interval().toNanos();
        long lastEvent = System.nanoTime();
        OutputStream stdin = pgRestore.stdin();
        try (InputStream archive = store.open(manifest.archiveKey())) {
            while (true) {
                int n = readChunk(archive, next, manifest.archiveKey(), cancellation);
                if (n <= 0) {
                    break;
                }
                sha256.update(next, 0, n);
                bytes += n;
                if (heldLength >= 0 && reading) {
                    reading = write(stdin, held, heldLength);
                }
                byte[] swap = held;
                held = next;
                next = swap;
                heldLength = n;
                long now = System.nanoTime();
                if (now - lastEvent >= interval) {
                    lastEvent = now;
                    events.emit(new RestoreEvents.Progress(bytes, manifest.bytes(),
                            (int) Math.min(99, bytes * 100 / Math.max(1, manifest.bytes()))));
                }
            }
        } catch (IOException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                    "reading " + manifest.archiveKey() + ": " + e.getMessage()), e);
        }
        String actual = Sha256.hex(sha256);
        if (bytes != manifest.bytes() || !actual.equals(manifest.sha256())) {
            pgRestore.kill();
            throw corrupt(manifest.archiveKey() + " does not match its manifest (" + bytes + " bytes, sha256 " + actual
                    + "; expected " + manifest.bytes() + " bytes, sha256 " + manifest.sha256()
                    + "); the target was not changed");
        }
        if (!reading) {
            return false;
        }
        events.emit(new RestoreEvents.Verified(manifest.archive(), bytes, manifest.bytes(), 99));
        // The last bytes let pg_restore commit: only while this job still holds the target.
        job.lock().ensureHeld();
        boolean fed = heldLength < 0 || write(stdin, held, heldLength);
        try {
            stdin.close();
        } catch (IOException e) {
            return false;
        }
        return fed;
    }

    private static int readChunk(InputStream archive, byte[] buffer, String key, Cancellation cancellation) {
        try {
            int total = 0;
            while (total < buffer.length) {
                int n = archive.read(buffer, total, buffer.length - total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        } catch (IOException | RuntimeException e) {
            cancellation.check();
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                    "reading " + key + ": " + e.getMessage()), e);
        }
    }

    private static boolean write(OutputStream stdin, byte[] data, int length) {
        try {
            stdin.write(data, 0, length);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    PgTools.Installation toolsFor(Target target, Manifest manifest) {
        Postgres.ServerFacts facts = Postgres.inspect(target);
        int archiveMajor = major(manifest.pgDumpVersion());
        return archiveMajor > facts.major() ? pgTools.forServer(archiveMajor, manifest.pgDumpVersion())
                : pgTools.forServer(facts.major(), facts.version());
    }

    static int major(String version) {
        try {
            return Integer.parseInt(version.split("\\.")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static JobFailedException corrupt(String message) {
        return new JobFailedException(Failure.permanent(ErrorCode.ARCHIVE_CORRUPT, message));
    }
}
