package dev.shoehorn.backup.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.codec.ArchiveCodec;
import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.codec.Keyring;
import dev.shoehorn.backup.codec.Keys;
import dev.shoehorn.backup.command.CommandJob;
import dev.shoehorn.backup.command.Faults;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.progress.JobEvents;
import dev.shoehorn.backup.progress.ProgressConfig;
import dev.shoehorn.backup.storage.ArchiveFile;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveRef;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.StreamingUpload;
import dev.shoehorn.backup.target.PgTools;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.ToolProcess;
import dev.shoehorn.backup.target.WorkDirs;
import dev.shoehorn.backup.tracing.Stage;
import dev.shoehorn.backup.tracing.StageSpan;
import dev.shoehorn.backup.tracing.Traces;
import io.quarkus.runtime.StartupEvent;

/**
 * One attempt at an archive: pg_dump's output flows straight into a multipart upload, and the
 * manifest is written only once the upload is complete. Whatever goes wrong on the way, the
 * upload is aborted, so no archive that looks complete is left behind.
 */
@ApplicationScoped
public class DumpStreamer {

    private static final Logger LOG = Logger.getLogger(DumpStreamer.class);
    static final String FORMAT = "custom";
    /** The operations guide's flags; {@code --no-password} because a prompt would hang the job. */
    static final List<String> PG_DUMP_FLAGS = List.of("--format=custom", "--no-owner", "--no-privileges",
            "--no-password");
    private static final int READ_CHUNK = 256 * 1024;
    private static final long MIN_LOCAL_DISK_LIMIT = 64L * 1024 * 1024;

    private final ArchiveStore store;
    private final PgTools pgTools;
    private final ProgressConfig progressConfig;
    private final Keys keys;
    private final Path workDir;
    private final Optional<Path> configuredWorkDir;
    private final long localDiskLimit;
    private final Traces traces;

    public DumpStreamer(ArchiveStore store, PgTools pgTools, ProgressConfig progressConfig, Keys keys,
            DumpConfig config, Traces traces) {
        this.traces = traces;
        this.configuredWorkDir = config.workDir();
        this.localDiskLimit = config.localDiskLimit().asLongValue();
        this.workDir = configuredWorkDir.orElse(Path.of(System.getProperty("java.io.tmpdir")));
        this.store = store;
        this.keys = keys;
        this.pgTools = pgTools;
        this.progressConfig = progressConfig;
    }

    /** One attempt; the archive's key is noted in the job's record before the upload starts. */
    public Manifest dump(BackupCommand command, CommandJob job) {
        Target target = job.target();
        JobEvents events = job.events();
        Cancellation cancellation = job.cancellation();
        Instant startedAt = Instant.now();
        Postgres.ServerFacts facts = Postgres.inspect(target);
        PgTools.Installation tools = pgTools.forServer(facts.major(), facts.version());
        Compression compression = command.options().compression().orElse(target.compression());
        if (tools.major() < compression.minimumPgDumpMajor()) {
            throw new JobFailedException(Failure.permanent(ErrorCode.PG_DUMP_UNAVAILABLE, "compression "
                    + compression.spec() + " needs pg_dump " + compression.minimumPgDumpMajor() + " or later; this one is "
                    + tools.version()));
        }
        String format = command.options().format().orElse(target.format());
        Optional<Keyring> keyring = keys.forNewArchive(target.encrypt());
        long estimate = SizeEstimate.of(facts.databaseBytes(), previous(target));
        String key = BackupOptions.DIRECTORY.equals(format) ? store.newDirectoryKey(target.name(), startedAt)
                : store.newArchiveKey(target.name(), startedAt, ArchiveCodec.suffix(compression, keyring.isPresent()));
        cancellation.check();
        job.archive(key);
        Encoding encoding = new Encoding(compression, keyring, target.compressionWorkers());

        try (SnapshotCounts counts = target.rowCounts() ? SnapshotCounts.open(target) : null) {
            String snapshot = counts == null ? null : counts.snapshot();
            Runnable firstBytes = counts == null ? () -> { } : counts::start;
            LOG.debugf("job=%s target=%s stage=pg-dump pgDump=%s server=%s key=%s format=%s compression=%s",
                    events.jobId(), target.name(), tools.version(), facts.version(), key, format, compression.spec());
            Dumped dumped = BackupOptions.DIRECTORY.equals(format)
                    ? dumpDirectory(key, command.options().jobs().orElse(target.dumpJobs()), tools, snapshot, firstBytes,
                            encoding, job, estimate)
                    : dumpCustom(key, tools, snapshot, firstBytes, encoding, job, estimate);
            Map<String, Long> rowCounts = counts == null ? null : counts.await(target);
            events.emit(new BackupEvents.Uploaded(dumped.archive().bytes(), dumped.archive().bytes(), 100,
                    dumped.archive()));
            Manifest manifest = new Manifest(Manifest.VERSION, key, target.name(), command.commandId().toString(),
                    events.jobId(), format, dumped.archive().bytes(), dumped.archive().sha256(), tools.version(),
                    facts.version(), facts.databaseBytes(), startedAt, Instant.now(), facts.rlsTables(),
                    command.requestedBy(), command.reason(), rowCounts, compression,
                    keyring.map(Keyring::primary).orElse(null), dumped.files(), dumped.dumpBytes());
            traces.run(Stage.MANIFEST, events.trace(), () -> {
                job.lock().ensureHeld();
                commit(manifest);
            });
            job.crashPoint(Faults.AFTER_MANIFEST);
            return manifest;
        }
    }

    /** How the stored bytes are made from pg_dump's. */
    private record Encoding(Compression compression, Optional<Keyring> keys, int workers) {
    }

    /**
     * What a dump stored: the archive, a directory archive's files (null for the custom format), and
     * the size of pg_dump's output before encoding.
     */
    private record Dumped(ArchiveRef archive, List<ArchiveFile> files, long dumpBytes) {
    }

    /** The custom format: pg_dump's stdout, encoded, straight into one multipart upload. */
    private Dumped dumpCustom(String key, PgTools.Installation tools, String snapshot, Runnable firstBytes,
            Encoding encoding, CommandJob job, long estimate) {
        Cancellation cancellation = job.cancellation();
        // the dump and its upload overlap: two spans of the job, not one inside the other
        try (StageSpan uploading = traces.open(Stage.UPLOAD, job.events().trace());
                StreamingUpload upload = store.startUpload(key, estimate, cancellation);
                StageSpan dumping = traces.open(Stage.DUMP, job.events().trace());
                ToolProcess pgDump = ToolProcess.start(command(tools, encoding.compression(), snapshot), job.target(),
                        cancellation, ToolProcess.Stdout.PIPE)) {
            job.events().emit(new BackupEvents.Started(0, estimate, 0));
            OutputStream encoder = ArchiveCodec.encoder(new KeepOpen(upload), encoding.compression(), encoding.keys(),
                    store.keys().objectName(key), encoding.workers());
            long dumpBytes;
            try {
                dumpBytes = stream(pgDump.stdout(), encoder, upload,
                        new ProgressTicker(job.events(), estimate, progressConfig.interval()), cancellation, firstBytes);
                finish(pgDump, cancellation);
                dumping.done();
            } catch (RuntimeException e) {
                dumping.failed(e);
                closeAfterFailure(encoder);
                throw e;
            }
            close(encoder, upload);
            Dumped dumped = new Dumped(upload.complete(FORMAT), null, dumpBytes);
            uploading.done();
            return dumped;
        } catch (IOException e) {
            throw pgDumpFailed(cancellation, e);
        }
    }

    /**
     * The directory format: {@code pg_dump --format=directory --jobs=N} into a private working
     * directory, each file uploaded (encoded) as soon as pg_dump has finished it. A failure deletes
     * what was uploaded: without a manifest it could never be restored anyway.
     */
    private Dumped dumpDirectory(String key, int jobs, PgTools.Installation tools, String snapshot, Runnable firstBytes,
            Encoding encoding, CommandJob job, long estimate) {
        Cancellation cancellation = job.cancellation();
        JobEvents events = job.events();
        Path work = null;
        boolean stored = false;
        try {
            work = WorkDirs.create(workDir, "dump");
            Path dir = work.resolve("dump");
            DirectoryDump upload = new DirectoryDump(store, key, encoding.compression(), encoding.keys(),
                    encoding.workers(), estimate, localDiskLimit, cancellation,
                    new ProgressTicker(events, estimate, progressConfig.interval())::done, events.jobId());
            List<ArchiveFile> files;
            try (StageSpan uploading = traces.open(Stage.UPLOAD, events.trace());
                    StageSpan dumping = traces.open(Stage.DUMP, events.trace());
                    ToolProcess pgDump = ToolProcess.start(directoryCommand(tools, encoding.compression(), jobs,
                            snapshot, dir), job.target(), cancellation, ToolProcess.Stdout.DISCARD)) {
                events.emit(new BackupEvents.Started(0, estimate, 0));
                // pg_dump holds its snapshot once it has started its workers; counting may begin
                firstBytes.run();
                files = upload.run(pgDump.handle(), dir);
                finish(pgDump, cancellation);
                dumping.done();
                uploading.done();
            }
            LOG.infof("job=%s target=%s stage=directory-stored files=%d bytes=%d jobs=%d peakLocalBytes=%d pauses=%d",
                    events.jobId(), job.target().name(), files.size(), upload.storedBytes(), jobs, upload.peakLocalBytes(),
                    upload.pauses());
            stored = true;
            return new Dumped(new ArchiveRef(key, upload.storedBytes(), Manifest.filesDigest(files),
                    BackupOptions.DIRECTORY), files, upload.dumpBytes());
        } catch (IOException e) {
            throw pgDumpFailed(cancellation, e);
        } finally {
            if (work != null) {
                WorkDirs.delete(work);
            }
            if (!stored) {
                deleteQuietly(key);
            }
        }
    }

    private static void finish(ToolProcess pgDump, Cancellation cancellation) {
        int exit = pgDump.waitFor();
        cancellation.check();
        if (exit != 0) {
            throw new JobFailedException(PgDumpFailures.of(exit, pgDump.diagnostics()));
        }
    }

    private static JobFailedException pgDumpFailed(Cancellation cancellation, IOException e) {
        return new JobFailedException(cancellation.isCancelled() ? cancellation.reason()
                : Failure.retryable(ErrorCode.PG_DUMP_FAILED, "running pg_dump: " + e.getMessage()), e);
    }

    private void deleteQuietly(String key) {
        try {
            store.deleteArchive(key);
        } catch (RuntimeException e) {
            LOG.warnf("stage=incomplete-archive-left key=%s msg=\"%s\"", key, e.getMessage());
        }
    }

    /**
     * @param compression whose {@code --compress} pg_dump gets: none of its own where the worker compresses
     * @param snapshot the exported snapshot to dump (whose rows are counted), or null for pg_dump's own
     */
    static List<String> command(PgTools.Installation tools, Compression compression, String snapshot) {
        var argv = new java.util.ArrayList<String>();
        argv.add(tools.tool("pg_dump").toString());
        argv.addAll(PG_DUMP_FLAGS);
        if (compression.pgDumpFlag() != null) {
            argv.add(compression.pgDumpFlag());
        }
        if (snapshot != null) {
            argv.add("--snapshot=" + snapshot);
        }
        return argv;
    }

    /** As {@link #command}, in the directory format with {@code jobs} parallel workers, into {@code dir}. */
    static List<String> directoryCommand(PgTools.Installation tools, Compression compression, int jobs,
            String snapshot, Path dir) {
        var argv = new java.util.ArrayList<>(command(tools, compression, snapshot));
        argv.set(1, "--format=directory");
        argv.add("--jobs=" + jobs);
        // the files live until stored, and syncing them would only cost the disk's time
        argv.add("--no-sync");
        argv.add("--file=" + dir);
        return argv;
    }

    /** Ends the zstd frame and the last encrypted segment, which the upload receives before it completes. */
    private static void close(OutputStream encoder, StreamingUpload upload) {
        try {
            encoder.close();
        } catch (IOException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                    "finishing " + upload.key() + ": " + e.getMessage()), e);
        }
    }

    /** Frees zstd's native memory; what it writes goes to an upload that is aborted anyway. */
    private static void closeAfterFailure(OutputStream encoder) {
        try {
            encoder.close();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("stage=encoder-closed-after-failure msg=\"%s\"", e.getMessage());
        }
    }

    /**
     * Copies pg_dump's output into the encoder (and so the upload), telling {@code progress} the bytes
     * so far, and returns how many there were;
     * {@code firstBytes} runs when the first bytes arrive (pg_dump holds its snapshot and locks by then).
     */
    private static long stream(InputStream dump, OutputStream encoder, StreamingUpload upload, ProgressTicker progress,
            Cancellation cancellation, Runnable firstBytes) {
        boolean first = true;
        byte[] chunk = new byte[READ_CHUNK];
        long done = 0;
        while (true) {
            int n;
            try {
                n = dump.read(chunk);
            } catch (IOException e) {
                cancellation.check();
                throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED,
                        "reading pg_dump's output: " + e.getMessage()), e);
            }
            if (n < 0) {
                return done;
            }
            if (first) {
                first = false;
                firstBytes.run();
            }
            try {
                encoder.write(chunk, 0, n);
            } catch (IOException e) {
                cancellation.check();
                throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                        "uploading " + upload.key() + ": " + e.getMessage()), e);
            }
            done += n;
            progress.done(done);
        }
    }

    /**
     * Removes what killed workers on this host left in a configured working directory (the
     * temporary directory, the default, is swept by {@code PassFileSweeper}), and warms what the
     * first backup would otherwise pay for: zstd's native library and the encrypter's classes.
     */
    void onStart(@Observes StartupEvent start) {
        if (localDiskLimit < MIN_LOCAL_DISK_LIMIT) {
            throw new IllegalArgumentException("backup.dump.local-disk-limit must be at least 64M: a directory dump"
                    + " holds up to " + DirectoryDump.RELEASE_STEP / (1024 * 1024) + " MiB of each file it is reading");
        }
        configuredWorkDir.ifPresent(WorkDirs::sweep);
        try (OutputStream warm = ArchiveCodec.encoder(OutputStream.nullOutputStream(), Compression.ZSTD,
                keys.keyring(), "warm-up", 1)) {
            warm.write(new byte[64 * 1024]);
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warnf("stage=warm-up msg=\"%s\"", e.getMessage());
        }
    }

    /**
     * The manifest makes the archive count; if it cannot be written, the archive goes too, unless
     * a manifest is there after all (a write whose answer was lost, or another archive's), which is
     * left as it is.
     */
    private void commit(Manifest manifest) {
        try {
            store.putManifest(manifest);
        } catch (RuntimeException e) {
            try {
                if (!store.exists(ArchiveKeys.manifestOf(manifest.archiveKey()))) {
                    store.deleteArchive(manifest.archiveKey());
                }
            } catch (RuntimeException cleanup) {
                LOG.warnf("stage=orphan-archive key=%s msg=\"%s\"", manifest.archiveKey(), cleanup.getMessage());
            }
            throw e;
        }
    }

    private Optional<Manifest> previous(Target target) {
        try {
            return store.latestManifest(target.name());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
