package dev.shoehorn.backup.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.codec.ArchiveCodec;
import dev.shoehorn.backup.codec.DecryptionException;
import dev.shoehorn.backup.codec.Keys;
import dev.shoehorn.backup.command.CommandJob;
import dev.shoehorn.backup.failure.DaemonThreads;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.ProgressConfig;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.ArchiveChecks;
import dev.shoehorn.backup.storage.ArchiveFile;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.HashingInput;
import dev.shoehorn.backup.target.PgTools;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.ToolProcess;
import dev.shoehorn.backup.target.WorkDirs;
import dev.shoehorn.backup.tracing.Stage;
import dev.shoehorn.backup.tracing.Traces;
import io.quarkus.runtime.StartupEvent;

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
    /** A directory archive's files download at least this many at a time (more with more restore jobs). */
    private static final int MIN_DOWNLOADS = 2;
    /** What a directory archive's manifest may name: pg_dump's files ({@code toc.dat}, {@code 3012.dat}, {@code blobs.toc}). */
    private static final java.util.regex.Pattern SAFE_FILE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9]+)*");
    private static final Logger LOG = Logger.getLogger(ArchiveRestorer.class);

    private final ArchiveStore store;
    private final PgTools pgTools;
    private final ProgressConfig progressConfig;
    private final Keys keys;
    private final Path workDir;
    private final Optional<Path> configuredWorkDir;
    private final Traces traces;

    public ArchiveRestorer(ArchiveStore store, PgTools pgTools, ProgressConfig progressConfig, Keys keys,
            RestoreConfig config, Traces traces) {
        this.traces = traces;
        this.configuredWorkDir = config.workDir();
        this.workDir = configuredWorkDir.orElse(Path.of(System.getProperty("java.io.tmpdir")));
        this.store = store;
        this.keys = keys;
        this.pgTools = pgTools;
        this.progressConfig = progressConfig;
    }

    /**
     * Removes what killed workers on this host left in a configured working directory (the
     * temporary directory, the default, is swept by {@code PassFileSweeper}).
     */
    void onStart(@Observes StartupEvent start) {
        configuredWorkDir.ifPresent(WorkDirs::sweep);
    }

    /**
     * Restores the command's archive into {@code target}'s database: over its content in one
     * transaction, or, in swap mode, into the empty database beside the target that it names, with
     * the target's {@code restore-jobs}.
     */
    public void restore(RestoreCommand command, CommandJob job, Target target, RestoreMode mode) {
        traces.run(Stage.RESTORE, job.events().trace(), () -> restoreChecked(command.manifest(), command, job, target,
                mode));
    }

    private void restoreChecked(Manifest manifest, RestoreCommand command, CommandJob job, Target target,
            RestoreMode mode) {
        PgTools.Installation tools = toolsFor(target, manifest);
        if (manifest.isDirectory()) {
            Map<String, Long> sizes = new java.util.HashMap<>();
            store.objectsUnder(manifest.archiveKey() + "/").forEach(o -> sizes.put(o.key(), o.bytes()));
            ArchiveChecks.problem(manifest.target(), ArchiveKeys.manifestOf(manifest.archiveKey()), manifest.facts(), sizes)
                    .ifPresent(problem -> {
                        throw corrupt(manifest.archiveKey() + " is incomplete (" + problem + ")");
                    });
        } else {
            long stored = store.size(manifest.archiveKey()).orElseThrow(() -> corrupt(manifest.archiveKey()
                    + " has disappeared from storage"));
            if (stored != manifest.bytes()) {
                throw corrupt(manifest.archiveKey() + " has " + stored + " bytes, its manifest says " + manifest.bytes());
            }
        }
        job.events().emit(new RestoreEvents.Started(command.sourceTarget(), manifest.archive(), 0, manifest.bytes(), 0));
        try {
            if (manifest.isDirectory()) {
                restoreFromDisk(manifest, job, tools, target, mode,
                        mode == RestoreMode.SWAP ? target.restoreJobs() : 1);
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
            Held last = decodeVerified(Part.of(manifest), manifest, job,
                    new Progress(job.events(), manifest.bytes(), progressConfig.interval()),
                    (chunk, n) -> reading[0] = reading[0] && write(stdin, chunk, n), pgRestore::kill);
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
     * A directory archive is a folder of files, which pg_restore reads in parallel ({@code --jobs}
     * into an empty database): they are decoded into a private working directory in
     * {@code backup.restore.work-dir}, each checked against its manifest, then restored, and the
     * directory deleted. A custom-format archive always streams: written through a pipe, it holds
     * no data offsets, and pg_restore's parallel workers would each scan the file for their tables
     * (measured 1.5 times slower than one streaming job, docs/performance.md).
     */
    private void restoreFromDisk(Manifest manifest, CommandJob job, PgTools.Installation tools, Target target,
            RestoreMode mode, int jobs) throws IOException {
        Path work = WorkDirs.create(workDir, "restore");
        try {
            Path archive = downloadDirectory(manifest, job, work.resolve("archive"), Math.max(MIN_DOWNLOADS, jobs));
            job.events().emit(new RestoreEvents.Verified(manifest.archive(), manifest.bytes(), manifest.bytes(), 99));
            job.lock().ensureHeld();
            LOG.debugf("job=%s target=%s stage=pg-restore jobs=%d format=directory", job.events().jobId(),
                    target.name(), jobs);
            try (ToolProcess pgRestore = ToolProcess.start(command(tools, target, mode, jobs, archive), target,
                    job.cancellation(), ToolProcess.Stdout.DISCARD)) {
                pgRestore.stdin().close();
                finish(pgRestore, true, job.cancellation());
            }
        } finally {
            WorkDirs.delete(work);
        }
    }

    /**
     * Every file of a directory archive, decoded into {@code dir} under pg_dump's names, each
     * checked; {@code parallel} at a time, as one stream leaves cores idle while it waits on storage.
     * The first failure stops the rest.
     */
    private Path downloadDirectory(Manifest manifest, CommandJob job, Path dir, int parallel) throws IOException {
        if (!Manifest.filesDigest(manifest.files()).equals(manifest.sha256())) {
            throw corrupt(manifest.archiveKey() + "'s manifest lists files whose digest is not its sha256");
        }
        for (ArchiveFile file : manifest.files()) {
            if (!SAFE_FILE_NAME.matcher(file.name()).matches()) {
                throw corrupt(manifest.archiveKey() + "'s manifest names a file that pg_dump cannot have written");
            }
        }
        Files.createDirectory(dir);
        Progress progress = new Progress(job.events(), manifest.bytes(), progressConfig.interval());
        ExecutorService downloads = Executors.newFixedThreadPool(parallel, DaemonThreads.named("bw-restore-download"));
        try {
            CompletionService<Path> done = new ExecutorCompletionService<>(downloads);
            // largest first, so that the last to finish is a small one
            manifest.files().stream().sorted(Comparator.comparingLong(ArchiveFile::bytes).reversed())
                    .forEach(file -> done.submit(() -> download(new Part(manifest.archiveKey() + "/" + file.object(),
                            file.bytes(), file.sha256()), manifest, job, progress, dir.resolve(file.name()))));
            for (int i = 0; i < manifest.files().size(); i++) {
                await(done, job.cancellation());
            }
            return dir;
        } finally {
            downloads.shutdownNow();
            try {
                if (!downloads.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warnf("job=%s stage=restore-downloads-left", job.events().jobId());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The next finished download; its failure is the restore's. */
    private static void await(CompletionService<Path> done, Cancellation cancellation) {
        Future<Path> next;
        try {
            while ((next = done.poll(200, TimeUnit.MILLISECONDS)) == null) {
                cancellation.check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
        }
        cancellation.await(next);
    }

    /** One object, decoded into {@code file} and checked against what the manifest says of it. */
    private Path download(Part part, Manifest manifest, CommandJob job, Progress progress, Path file) {
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW)) {
            Held last = decodeVerified(part, manifest, job, progress, (chunk, n) -> {
                try {
                    out.write(chunk, 0, n);
                    return true;
                } catch (IOException e) {
                    throw writeFailed(file, e);
                }
            }, () -> { });
            if (last.length() > 0) {
                out.write(last.data(), 0, last.length());
            }
        } catch (IOException e) {
            throw writeFailed(file, e);
        }
        return file;
    }

    private static JobFailedException writeFailed(Path file, IOException e) {
        return new JobFailedException(Failure.retryable(ErrorCode.PG_RESTORE_FAILED,
                "writing the archive to " + file + ": " + e.getMessage()), e);
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

    /** A restore's progress events over all of its archive's objects, read by one thread or several. */
    private static final class Progress {

        private final JobEvents events;
        private final long total;
        private final long intervalNanos;
        private long done;
        private long lastEvent = System.nanoTime();

        Progress(JobEvents events, long total, java.time.Duration interval) {
            this.events = events;
            this.total = total;
            this.intervalNanos = interval.toNanos();
        }

        synchronized void add(long bytes) {
            done += bytes;
            long now = System.nanoTime();
            if (now - lastEvent >= intervalNanos) {
                lastEvent = now;
                events.emit(new RestoreEvents.Progress(done, total, (int) Math.min(99, done * 100 / Math.max(1, total))));
            }
        }
    }

    /** The last decoded chunk, held back until the whole archive is verified; length -1 for an empty archive. */
    private record Held(byte[] data, int length) {
    }

    /** One stored object of an archive and what its manifest says it must be. */
    private record Part(String key, long bytes, String sha256) {

        static Part of(Manifest manifest) {
            return new Part(manifest.archiveKey(), manifest.bytes(), manifest.sha256());
        }
    }

    /**
     * Reads the archive, decoded (decrypted, decompressed), into {@code sink}, all but the last
     * chunk, which is returned only once the stored bytes' size and hash match the manifest and the
     * decoding reached its authenticated end. A receiver that stops early does not stop the reading,
     * so that a corrupt archive is reported as such rather than as the receiver's error.
     *
     * @param progress the archive's progress, of this object and any others read meanwhile
     * @param abort stops the receiver when the archive turns out corrupt or undecodable
     */
    private Held decodeVerified(Part part, Manifest manifest, CommandJob job, Progress progress, ChunkSink sink,
            Runnable abort) {
        Cancellation cancellation = job.cancellation();
        byte[] held = new byte[CHUNK];
        byte[] next = new byte[CHUNK];
        int heldLength = -1;
        long counted = 0;
        String key = part.key();
        try (HashingInput stored = new HashingInput(store.open(key))) {
            InputStream decoded = null;
            try {
                decoded = decoder(manifest, key, stored);
                while (true) {
                    cancellation.check();
                    if (Thread.currentThread().isInterrupted()) {
                        // another download of the archive failed
                        throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
                    }
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
                    progress.add(stored.bytes() - counted);
                    counted = stored.bytes();
                }
                drain(stored, key, cancellation);
            } catch (UndecodableException | DecryptionException e) {
                abort.run();
                drain(stored, key, cancellation);
                requireIntact(part, stored);
                throw (e instanceof UndecodableException u ? u : new UndecodableException(key, e)).failure();
            } finally {
                closeQuietly(decoded);
            }
            if (!intact(part, stored)) {
                abort.run();
                requireIntact(part, stored);
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

    /** pg_dump's bytes of the archive's object {@code key} from its stored ones, as the manifest says they were encoded. */
    public InputStream decoder(Manifest manifest, String key, InputStream stored) throws IOException {
        return ArchiveCodec.decoder(stored, manifest.compressionOrNative(), manifest.encryptionIfAny(), keys.keyring(),
                store.keys().objectName(key));
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

    private static boolean intact(Part part, HashingInput stored) {
        return stored.bytes() == part.bytes() && stored.sha256().equals(part.sha256());
    }

    private static void requireIntact(Part part, HashingInput stored) {
        if (!intact(part, stored)) {
            throw corrupt(part.key() + " does not match its manifest (" + stored.bytes() + " bytes, sha256 "
                    + stored.sha256() + "; expected " + part.bytes() + " bytes, sha256 " + part.sha256()
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
