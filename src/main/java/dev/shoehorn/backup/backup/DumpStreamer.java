package dev.shoehorn.backup.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.codec.ArchiveCodec;
import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.codec.Encryption;
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
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveRef;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.storage.StreamingUpload;
import dev.shoehorn.backup.target.PgTools;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.ToolProcess;

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

    private final ArchiveStore store;
    private final PgTools pgTools;
    private final ProgressConfig progressConfig;
    private final Keys keys;

    public DumpStreamer(ArchiveStore store, PgTools pgTools, ProgressConfig progressConfig, Keys keys) {
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
        Optional<Keyring> keyring = keys.forNewArchive(target.encrypt());
        long estimate = SizeEstimate.of(facts.databaseBytes(), previous(target));
        String key = store.newArchiveKey(target.name(), startedAt,
                compression.suffix() + (keyring.isPresent() ? Encryption.SUFFIX : ""));
        cancellation.check();
        job.archive(key);

        try (SnapshotCounts counts = target.rowCounts() ? SnapshotCounts.open(target) : null;
                StreamingUpload upload = store.startUpload(key, estimate, cancellation);
                ToolProcess pgDump = ToolProcess.start(command(tools, compression,
                        counts == null ? null : counts.snapshot()), target, cancellation, ToolProcess.Stdout.PIPE)) {
            events.emit(new BackupEvents.Started(0, estimate, 0));
            LOG.debugf("job=%s target=%s stage=pg-dump pgDump=%s server=%s key=%s compression=%s", events.jobId(),
                    target.name(), tools.version(), facts.version(), key, compression.spec());
            OutputStream encoder = ArchiveCodec.encoder(new KeepOpen(upload), compression, keyring,
                    store.keys().objectName(key), target.compressionWorkers());
            try {
                stream(pgDump.stdout(), encoder, upload, events, estimate, cancellation,
                        counts == null ? () -> { } : counts::start);
                int exit = pgDump.waitFor();
                cancellation.check();
                if (exit != 0) {
                    throw new JobFailedException(PgDumpFailures.of(exit, pgDump.diagnostics()));
                }
            } catch (RuntimeException e) {
                closeAfterFailure(encoder);
                throw e;
            }
            close(encoder, upload);
            Map<String, Long> rowCounts = counts == null ? null : counts.await(target);
            ArchiveRef archive = upload.complete(FORMAT);
            events.emit(new BackupEvents.Uploaded(archive.bytes(), archive.bytes(), 100, archive));
            Manifest manifest = new Manifest(Manifest.VERSION, key, target.name(), command.commandId().toString(),
                    events.jobId(), FORMAT, archive.bytes(), archive.sha256(), tools.version(), facts.version(),
                    facts.databaseBytes(), startedAt, Instant.now(), facts.rlsTables(), command.requestedBy(),
                    command.reason(), rowCounts, compression, keyring.map(Keyring::primary).orElse(null));
            job.lock().ensureHeld();
            commit(manifest);
            job.crashPoint(Faults.AFTER_MANIFEST);
            return manifest;
        } catch (IOException e) {
            throw new JobFailedException(cancellation.isCancelled() ? cancellation.reason()
                    : Failure.retryable(ErrorCode.PG_DUMP_FAILED, "running pg_dump: " + e.getMessage()), e);
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

    /** The upload as the encoder's sink: closing the encoder must not close (that is, abort) the upload. */
    private static final class KeepOpen extends java.io.FilterOutputStream {

        KeepOpen(OutputStream upload) {
            super(upload);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /**
     * Copies pg_dump's output into the upload, emitting a progress event at most once per interval;
     * {@code firstBytes} runs when the first bytes arrive (pg_dump holds its snapshot and locks by then).
     */
    private void stream(InputStream dump, OutputStream encoder, StreamingUpload upload, JobEvents events, long estimate,
            Cancellation cancellation, Runnable firstBytes) {
        boolean first = true;
        byte[] chunk = new byte[READ_CHUNK];
        long intervalNanos = progressConfig.interval().toNanos();
        long lastEvent = System.nanoTime();
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
                return;
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
            long now = System.nanoTime();
            if (now - lastEvent >= intervalNanos) {
                lastEvent = now;
                long done = upload.bytes();
                long total = Math.max(estimate, done);
                events.emit(new BackupEvents.Progress(done, total, SizeEstimate.percent(done, total)));
            }
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
                    store.delete(manifest.archiveKey());
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
