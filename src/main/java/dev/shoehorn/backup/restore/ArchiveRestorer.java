package dev.shoehorn.backup.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.codec.ArchiveCodec;
import dev.shoehorn.backup.codec.DecryptionException;
import dev.shoehorn.backup.codec.Keys;
import dev.shoehorn.backup.command.CommandJob;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.ProgressConfig;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.HashingInput;
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
    /** Archives decoded for a parallel restore: {@code bw-restore-<jobId>-<random>.dump}. */
    static final String WORK_FILE_PREFIX = "bw-restore-";
    private static final Logger LOG = Logger.getLogger(ArchiveRestorer.class);

    private final ArchiveStore store;
    private final PgTools pgTools;
    private final ProgressConfig progressConfig;
    private final Keys keys;
    private final Path workDir;

    public ArchiveRestorer(ArchiveStore store, PgTools pgTools, ProgressConfig progressConfig, Keys keys,
            RestoreConfig config) {
        this.workDir = config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        this.store = store;
        this.keys = keys;
        this.pgTools = pgTools;
        this.progressConfig = progressConfig;
    }

    /**
     * Restores the command's archive into {@code target}'s database: over its content in one
     * transaction, or, in swap mode, into the empty database beside the target that it names, with
     * the target's {@code restore-jobs}.
     */
    public void restore(RestoreCommand command, CommandJob job, Target target, RestoreMode mode) {
        Manifest manifest = command.manifest();
        PgTools.Installation tools = toolsFor(target, manifest);
        long stored = store.size(manifest.archiveKey()).orElseThrow(() -> corrupt(manifest.archiveKey()
                + " has disappeared from storage"));
        if (stored != manifest.bytes()) {
            throw corrupt(manifest.archiveKey() + " has " + stored + " bytes, its manifest says " + manifest.bytes());
        }
        job.events().emit(new RestoreEvents.Started(command.sourceTarget(), manifest.archive(), 0, manifest.bytes(), 0));
        int jobs = mode == RestoreMode.SWAP ? target.restoreJobs() : 1;
        try {
            if (jobs > 1) {
                restoreFromFile(manifest, job, tools, target, jobs);
            } else {
                restoreStreaming(manifest, job, tools, target, mode);
            }
        } catch (IOException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.PG_RESTORE_FAILED,
                    "running pg_restore: " + e.getMessage()), e);
        }
    }

    /** pg_restore reads the archive from its stdin as it streams from storage: no local copy. */
    private void restoreStreaming(Manifest manifest, CommandJob job, PgTools.Installation tools, Target target,
            RestoreMode mode) throws IOException {
        try (ToolProcess pgRestore = ToolProcess.start(command(tools, target, mode, 1, null), target,
                job.cancellation(), ToolProcess.Stdout.DISCARD)) {
            OutputStream stdin = pgRestore.stdin();
            boolean[] reading = { true };
            Held last = decodeVerified(manifest, job, (chunk, n) -> reading[0] = reading[0] && write(stdin, chunk, n),
                    pgRestore::kill);
            boolean fed = reading[0];
            if (fed) {
                job.events().emit(new RestoreEvents.Verified(manifest.archive(), manifest.bytes(), manifest.bytes(), 99));
                // The last bytes let pg_restore commit: only while this job still holds the target.
                job.lock().ensureHeld();
                fed = last.length() < 0 || write(stdin, last.data(), last.length());
                try {
                    stdin.close();
                } catch (IOException e) {
                    fed = false;
                }
            }
            finish(pgRestore, fed, job.cancellation());
        }
    }

    /**
     * pg_restore {@code --jobs} needs a file it can seek in: the archive is decoded into one in
     * {@code backup.restore.work-dir}, checked whole against its manifest, restored, and deleted.
     */
    private void restoreFromFile(Manifest manifest, CommandJob job, PgTools.Installation tools, Target target,
            int jobs) throws IOException {
        Path file = Files.createTempFile(workDir, WORK_FILE_PREFIX + job.events().jobId() + "-", ".dump",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (OutputStream out = Files.newOutputStream(file)) {
                Held last = decodeVerified(manifest, job, (chunk, n) -> {
                    try {
                        out.write(chunk, 0, n);
                        return true;
                    } catch (IOException e) {
                        throw new JobFailedException(Failure.retryable(ErrorCode.PG_RESTORE_FAILED,
                                "writing the archive to " + file + ": " + e.getMessage()), e);
                    }
                }, () -> { });
                if (last.length() > 0) {
                    out.write(last.data(), 0, last.length());
                }
            }
            job.events().emit(new RestoreEvents.Verified(manifest.archive(), manifest.bytes(), manifest.bytes(), 99));
            job.lock().ensureHeld();
            LOG.debugf("job=%s target=%s stage=pg-restore jobs=%d bytes=%d", job.events().jobId(), target.name(), jobs,
                    Files.size(file));
            try (ToolProcess pgRestore = ToolProcess.start(command(tools, target, RestoreMode.SWAP, jobs, file), target,
                    job.cancellation(), ToolProcess.Stdout.DISCARD)) {
                pgRestore.stdin().close();
                finish(pgRestore, true, job.cancellation());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void finish(ToolProcess pgRestore, boolean fed, Cancellation cancellation) {
        int exit = pgRestore.waitFor();
        cancellation.check();
        if (!fed || exit != 0) {
            throw new JobFailedException(Failure.permanent(ErrorCode.PG_RESTORE_FAILED,
                    "pg_restore exited with " + exit + ": " + pgRestore.diagnostics()));
        }
    }

    /**
     * @param jobs pg_restore's {@code --jobs}, above 1 only into an empty database
     * @param file the archive on disk, or null when pg_restore reads it from stdin
     */
    static List<String> command(PgTools.Installation tools, Target target, RestoreMode mode, int jobs, Path file) {
        List<String> argv = new ArrayList<>();
        argv.add(tools.tool("pg_restore").toString());
        argv.addAll(switch (mode) {
            case SINGLE_TRANSACTION -> OVER_TARGET;
            case SWAP -> INTO_EMPTY;
        });
        if (jobs > 1) {
            argv.add("--jobs=" + jobs);
        }
        argv.add("--dbname=" + target.database());
        if (file != null) {
            argv.add(file.toString());
        }
        return argv;
    }

    /** Where decoded chunks go; false once the receiver stopped taking them (the rest is still read and hashed). */
    @FunctionalInterface
    private interface ChunkSink {
        boolean write(byte[] chunk, int length);
    }

    /** The last decoded chunk, held back until the whole archive is verified; length -1 for an empty archive. */
    private record Held(byte[] data, int length) {
    }

    /**
     * Reads the archive, decoded (decrypted, decompressed), into {@code sink}, all but the last
     * chunk, which is returned only once the stored bytes' size and hash match the manifest and the
     * decoding reached its authenticated end. A receiver that stops early does not stop the reading,
     * so that a corrupt archive is reported as such rather than as the receiver's error.
     *
     * @param abort stops the receiver when the archive turns out corrupt or undecodable
     */
    private Held decodeVerified(Manifest manifest, CommandJob job, ChunkSink sink, Runnable abort) {
        JobEvents events = job.events();
        Cancellation cancellation = job.cancellation();
        byte[] held = new byte[CHUNK];
        byte[] next = new byte[CHUNK];
        int heldLength = -1;
        long interval = progressConfig.interval().toNanos();
        long lastEvent = System.nanoTime();
        String key = manifest.archiveKey();
        try (HashingInput stored = new HashingInput(store.open(key))) {
            InputStream decoded = null;
            try {
                decoded = decoder(manifest, stored);
                while (true) {
                    int n = readChunk(decoded, next, stored, key, cancellation);
                    if (n <= 0) {
                        break;
                    }
                    if (heldLength >= 0) {
                        sink.write(held, heldLength);
                    }
                    byte[] swap = held;
                    held = next;
                    next = swap;
                    heldLength = n;
                    long now = System.nanoTime();
                    if (now - lastEvent >= interval) {
                        lastEvent = now;
                        events.emit(new RestoreEvents.Progress(stored.bytes(), manifest.bytes(),
                                (int) Math.min(99, stored.bytes() * 100 / Math.max(1, manifest.bytes()))));
                    }
                }
                drain(stored, key, cancellation);
            } catch (UndecodableException | DecryptionException e) {
                abort.run();
                drain(stored, key, cancellation);
                requireIntact(manifest, stored);
                throw (e instanceof UndecodableException u ? u : new UndecodableException(key, e)).failure();
            } finally {
                closeQuietly(decoded);
            }
            if (!intact(manifest, stored)) {
                abort.run();
                requireIntact(manifest, stored);
            }
            return new Held(held, heldLength);
        } catch (IOException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                    "reading " + key + ": " + e.getMessage()), e);
        }
    }

    /**
     * Fails with {@code DECRYPT_FAILED} unless the worker's keyset holds the key an encrypted
     * archive names: checked before anything is created or touched.
     */
    public void requireKey(Manifest manifest) {
        manifest.encryptionIfAny().ifPresent(encryption -> {
            if (keys.keyring().filter(k -> k.has(encryption.keyId())).isEmpty()) {
                throw new JobFailedException(Failure.permanent(ErrorCode.DECRYPT_FAILED, manifest.archiveKey()
                        + " is encrypted with key " + encryption.keyId() + ", which the worker's keyset "
                        + keys.keyring().map(k -> "does not hold (its keys: " + String.join(",", k.keyIds()) + ")")
                                .orElse("is not configured")
                        + "; the target was not changed"));
            }
        });
    }

    /** pg_dump's bytes from the stored ones, as the manifest says they were encoded. */
    public InputStream decoder(Manifest manifest, InputStream stored) throws IOException {
        return ArchiveCodec.decoder(stored, manifest.compressionOrNative(), manifest.encryptionIfAny(), keys.keyring(),
                store.keys().objectName(manifest.archiveKey()));
    }

    /** Frees the decoder's native memory; the stored stream under it is closed by its own try. */
    private static void closeQuietly(InputStream decoded) {
        if (decoded == null) {
            return;
        }
        try {
            decoded.close();
        } catch (IOException e) {
            // everything needed was read and checked; only the connection's release failed
        }
    }

    private static boolean intact(Manifest manifest, HashingInput stored) {
        return stored.bytes() == manifest.bytes() && stored.sha256().equals(manifest.sha256());
    }

    private static void requireIntact(Manifest manifest, HashingInput stored) {
        if (!intact(manifest, stored)) {
            throw corrupt(manifest.archiveKey() + " does not match its manifest (" + stored.bytes() + " bytes, sha256 "
                    + stored.sha256() + "; expected " + manifest.bytes() + " bytes, sha256 " + manifest.sha256()
                    + "); the target was not changed");
        }
    }

    /** Hashes what the decoder left unread (bytes after the end of the zstd frame, or all of it after a failure). */
    private static void drain(HashingInput stored, String key, Cancellation cancellation) {
        byte[] rest = new byte[CHUNK];
        try {
            while (stored.read(rest) >= 0) {
                cancellation.check();
            }
        } catch (IOException e) {
            cancellation.check();
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                    "reading " + key + ": " + e.getMessage()), e);
        }
    }

    /**
     * Fills {@code buffer} from the decoded archive. A failure of the stored bytes' reading is a
     * storage error; one of the decoding is an {@link UndecodableException}, judged by the caller
     * once the rest has been hashed.
     */
    private static int readChunk(InputStream decoded, byte[] buffer, HashingInput stored, String key,
            Cancellation cancellation) {
        try {
            int total = 0;
            while (total < buffer.length) {
                int n = decoded.read(buffer, total, buffer.length - total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        } catch (IOException | RuntimeException e) {
            cancellation.check();
            if (!stored.failed()) {
                throw new UndecodableException(key, e);
            }
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                    "reading " + key + ": " + e.getMessage()), e);
        }
    }

    /** The stored bytes could be read but not decoded: a wrong key, or damage that the hash check names first. */
    private static final class UndecodableException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        UndecodableException(String key, Exception cause) {
            super(key + ": " + cause.getMessage(), cause);
        }

        JobFailedException failure() {
            boolean decryption = getCause() instanceof DecryptionException;
            return new JobFailedException(Failure.permanent(decryption ? ErrorCode.DECRYPT_FAILED : ErrorCode.ARCHIVE_CORRUPT,
                    (decryption ? "cannot decrypt " : "cannot decompress ") + getMessage() + "; the target was not changed"),
                    this);
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
