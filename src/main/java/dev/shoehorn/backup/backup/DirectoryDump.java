package dev.shoehorn.backup.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.codec.ArchiveCodec;
import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.codec.Keyring;
import dev.shoehorn.backup.failure.DaemonThreads;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.storage.ArchiveFile;
import dev.shoehorn.backup.storage.ArchiveRef;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.StreamingUpload;

/**
 * Uploads the files of a running {@code pg_dump --format=directory --jobs=N} while pg_dump writes
 * them: each file is followed from its first byte, encoded and streamed to storage as it grows, and
 * its consumed head is given back to the file system ({@code fallocate --punch-hole}) every
 * {@value #RELEASE_STEP_MIB} MiB. A file is finished when no process of pg_dump's (the leader and
 * its parallel workers) holds it open, read from {@code /proc/<pid>/fd}, and everything up to its
 * end has been read after that was seen; it is then deleted. Local disk thus holds what pg_dump has
 * written and the upload not yet read, plus less than one step per open file; should storage fall
 * behind, {@link DumpThrottle} pauses pg_dump at the configured limit. Where {@code /proc} cannot be
 * read, files finish when pg_dump exits; where heads cannot be given back, the files stay whole
 * until finished and the limit is not enforced (one log line says so).
 */
final class DirectoryDump {

    private static final Logger LOG = Logger.getLogger(DirectoryDump.class);
    private static final long POLL_MILLIS = 50;
    private static final int CHUNK = 256 * 1024;
    private static final int RELEASE_STEP_MIB = 16;
    static final long RELEASE_STEP = RELEASE_STEP_MIB * 1024L * 1024L;
    private static final HostCommand FALLOCATE = HostCommand.find("fallocate");

    private final ArchiveStore store;
    private final String archiveKey;
    private final Compression compression;
    private final Optional<Keyring> keys;
    private final int workers;
    private final long expectedBytes;
    private final long localLimit;
    private final Cancellation cancellation;
    private final LongConsumer progress;
    private final String job;
    private final OpenFiles openFiles = new OpenFiles();
    private final Map<String, Follower> followers = new LinkedHashMap<>();
    private final AtomicLong dumpBytes = new AtomicLong();
    private final AtomicLong storedBytes = new AtomicLong();
    private volatile boolean releasing = FALLOCATE.available();
    /** Set once the dump has ended: a follower still running gives up. */
    private volatile boolean stopped;
    private long peakLocalBytes;
    private int pauses;

    DirectoryDump(ArchiveStore store, String archiveKey, Compression compression, Optional<Keyring> keys, int workers,
            long expectedBytes, long localLimit, Cancellation cancellation, LongConsumer progress, String job) {
        this.store = store;
        this.archiveKey = archiveKey;
        this.compression = compression;
        this.keys = keys;
        this.workers = workers;
        this.expectedBytes = expectedBytes;
        this.localLimit = localLimit;
        this.cancellation = cancellation;
        this.progress = progress;
        this.job = job;
    }

    /**
     * Streams {@code dir}'s files to storage while pg_dump writes them, until it has exited and every
     * file is stored; returns them in name order. pg_dump's exit code is the caller's to check.
     */
    List<ArchiveFile> run(ProcessHandle pgDump, Path dir) {
        // the kernel names open files by their real paths: compare like with like
        Path watched = realPath(dir);
        DumpThrottle throttle = new DumpThrottle(pgDump, localLimit, job);
        ExecutorService uploads = Executors.newCachedThreadPool(DaemonThreads.named("bw-dump-file"));
        try {
            while (true) {
                cancellation.check();
                boolean exited = !pgDump.isAlive();
                List<Path> present = list(watched);
                // listed before the open files are read: a file listed is open in this look, or finished
                long look = openFiles.publish(exited ? Optional.of(Set.of()) : openFiles(pgDump, watched));
                for (Path file : present) {
                    follow(file, look, uploads);
                }
                failFast();
                noteLocalBytes(present, throttle);
                if (exited) {
                    break;
                }
                sleep(POLL_MILLIS);
            }
            throttle.resume();
            List<ArchiveFile> files = new ArrayList<>();
            for (Follower follower : followers.values()) {
                files.add(follower.await());
            }
            files.sort(Comparator.comparing(ArchiveFile::name));
            return List.copyOf(files);
        } finally {
            throttle.resume();
            pauses = throttle.pauses();
            stop(uploads);
        }
    }

    long storedBytes() {
        return storedBytes.get();
    }

    /** The size of pg_dump's files, before encoding. */
    long dumpBytes() {
        return dumpBytes.get();
    }

    /** The most bytes pg_dump's files held on local disk at once, as sampled every poll. */
    long peakLocalBytes() {
        return peakLocalBytes;
    }

    /** How often pg_dump was paused for local disk. */
    int pauses() {
        return pauses;
    }

    /** The object's name in the archive's folder: pg_dump's name plus the encoding's suffix. */
    String objectName(String name) {
        return name + ArchiveCodec.suffix(compression, keys.isPresent());
    }

    private void follow(Path file, long look, ExecutorService uploads) {
        String name = file.getFileName().toString();
        Follower follower = followers.get(name);
        if (follower == null) {
            Follower started = new Follower(file, name, look);
            started.future = uploads.submit(started::upload);
            followers.put(name, started);
        } else if (follower.future.isDone() && Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // listed before its follower deleted it, or made anew since: a follower is done only once
            // it has deleted its file, so one there after that was written again
            follower.await();
            throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED,
                    "pg_dump wrote " + name + " again after it had finished it"));
        }
    }

    /** A failed upload fails the dump now, not once pg_dump has written everything else. */
    private void failFast() {
        for (Follower follower : followers.values()) {
            if (follower.future.isDone()) {
                follower.await();
            }
        }
    }

    private void noteLocalBytes(List<Path> present, DumpThrottle throttle) {
        long onDisk = 0;
        long unread = 0;
        for (Path file : present) {
            Follower follower = followers.get(file.getFileName().toString());
            long size = sizeOf(file);
            onDisk += Math.max(0, size - follower.released);
            unread += Math.max(0, size - follower.read);
        }
        peakLocalBytes = Math.max(peakLocalBytes, onDisk);
        if (!releasing) {
            throttle.disable("the dump's files cannot be given back as they are read (fallocate --punch-hole):"
                    + " local disk holds each whole until it is stored");
        }
        throttle.adjust(onDisk, unread);
    }

    /** One of pg_dump's files, streamed to storage as it is written. */
    private final class Follower {

        private final Path file;
        private final String name;
        /** The first look at pg_dump's open files that was taken after the file was listed. */
        private final long firstLook;
        private volatile long read;
        private volatile long released;
        private long nextRelease = RELEASE_STEP;
        private Future<ArchiveFile> future;

        Follower(Path file, String name, long firstLook) {
            this.file = file;
            this.name = name;
            this.firstLook = firstLook;
        }

        ArchiveFile upload() {
            String object = objectName(name);
            String key = archiveKey + "/" + object;
            try (StreamingUpload upload = store.startUpload(key, expectedBytes, cancellation);
                    FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                OutputStream encoder = ArchiveCodec.encoder(new KeepOpen(upload), compression, keys,
                        store.keys().objectName(key), workers);
                try {
                    copyUntilFinished(in, encoder);
                } finally {
                    encoder.close();
                }
                long size = Files.size(file);
                if (size != read) {
                    throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED, file
                            + " changed after pg_dump had finished it (" + read + " bytes read, " + size + " now)"));
                }
                ArchiveRef stored = upload.complete(BackupOptions.DIRECTORY);
                Files.delete(file);
                storedBytes.addAndGet(stored.bytes());
                return new ArchiveFile(name, object, stored.bytes(), stored.sha256());
            } catch (IOException e) {
                cancellation.check();
                throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                        "uploading " + key(name) + " from " + file + ": " + e.getMessage()), e);
            }
        }

        /**
         * Reads to the end again after each look at pg_dump's open files; the file is done once a
         * look finds it closed, as everything written before the close was then read.
         */
        private void copyUntilFinished(FileChannel in, OutputStream out) throws IOException {
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
            long after = firstLook - 1;
            while (true) {
                OpenFiles.Look seen = openFiles.await(after, POLL_MILLIS * 4);
                checkGoing();
                long got = readToEnd(in, chunk, out);
                if (seen.number() >= firstLook && seen.finished(file)) {
                    return;
                }
                if (got == 0) {
                    after = seen.number(); // nothing new: wait for the next look
                }
            }
        }

        private long readToEnd(FileChannel in, ByteBuffer chunk, OutputStream out) throws IOException {
            long got = 0;
            for (int n = in.read(chunk); n > 0; n = in.read(chunk)) {
                checkGoing();
                out.write(chunk.array(), 0, n);
                chunk.clear();
                got += n;
                read += n;
                progress.accept(dumpBytes.addAndGet(n));
                if (read >= nextRelease) {
                    release();
                }
            }
            return got;
        }

        private void checkGoing() {
            cancellation.check();
            if (stopped) {
                throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED,
                        "the dump ended before " + name + " was stored"));
            }
        }

        /**
         * Gives the read head of the file back to the file system; pg_dump writes on past it. A
         * refusal (a file system without hole punching) stops it for the dump; a run that failed
         * otherwise is tried again at the next step.
         */
        private void release() throws IOException {
            if (!releasing) {
                return;
            }
            long upTo = read / 4096 * 4096;
            Optional<String> refused;
            try {
                refused = FALLOCATE.run(List.of("--punch-hole", "--offset", "0", "--length", Long.toString(upTo),
                        file.toString()));
            } catch (java.io.InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                LOG.debugf("job=%s stage=release-skipped file=%s msg=\"%s\"", job, name, e.getMessage());
                nextRelease = read + RELEASE_STEP;
                return;
            }
            if (refused.isPresent()) {
                releasing = false;
                LOG.warnf("job=%s stage=release-unsupported file=%s msg=\"%s\"", job, name, refused.get());
            } else {
                released = upTo;
                nextRelease = read + RELEASE_STEP;
            }
        }

        ArchiveFile await() {
            return cancellation.await(future);
        }
    }

    private String key(String name) {
        return archiveKey + "/" + objectName(name);
    }

    /**
     * Waits for the uploads still running, which stop at their next chunk once the dump has failed
     * and abort: not interrupted, so that their aborts reach storage. None outlives the dump.
     */
    private void stop(ExecutorService uploads) {
        stopped = true;
        uploads.shutdown();
        try {
            if (!uploads.awaitTermination(60, TimeUnit.SECONDS)) {
                uploads.shutdownNow();
                LOG.warnf("job=%s stage=dump-uploads-left msg=\"uploads did not stop within 60 s\"", job);
            }
        } catch (InterruptedException e) {
            uploads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** {@code dir} (which pg_dump creates) under its parent's real path. */
    private static Path realPath(Path dir) {
        Path absolute = dir.toAbsolutePath();
        try {
            return absolute.getParent().toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED,
                    "resolving the dump's directory " + dir + ": " + e.getMessage()), e);
        }
    }

    private static List<Path> list(Path dir) {
        List<Path> present = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(present::add);
        } catch (java.nio.file.NoSuchFileException e) {
            return present; // pg_dump has not created it yet
        } catch (IOException e) {
            throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED,
                    "listing pg_dump's directory " + dir + ": " + e.getMessage()), e);
        }
        present.sort(null);
        return present;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // gone meanwhile: stored, or removed with a failed pg_dump
        }
    }

    /**
     * The files under {@code dir} that pg_dump or one of its workers holds open; empty when that
     * cannot be known here (no {@code /proc}), so that nothing is taken for finished.
     */
    static Optional<Set<Path>> openFiles(ProcessHandle pgDump, Path dir) {
        Set<Path> open = new HashSet<>();
        List<ProcessHandle> processes = Stream.concat(Stream.of(pgDump), pgDump.descendants()).toList();
        for (ProcessHandle process : processes) {
            Path fds = Path.of("/proc", Long.toString(process.pid()), "fd");
            try (DirectoryStream<Path> links = Files.newDirectoryStream(fds)) {
                for (Path link : links) {
                    try {
                        Path target = Files.readSymbolicLink(link);
                        if (target.startsWith(dir)) {
                            open.add(target);
                        }
                    } catch (IOException e) {
                        // closed while looking
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // the process ended while looking: it holds nothing open
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty();
            }
        }
        return Optional.of(open);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
        }
    }

    /** Successive looks at the files pg_dump holds open, numbered, for the followers to wait on. */
    static final class OpenFiles {

        /** Look {@code number}: the files open then, or empty where that cannot be known. */
        record Look(long number, Optional<Set<Path>> open) {

            boolean finished(Path file) {
                return open.isPresent() && !open.get().contains(file);
            }
        }

        private Look latest = new Look(0, Optional.empty());

        synchronized long publish(Optional<Set<Path>> open) {
            latest = new Look(latest.number() + 1, open);
            notifyAll();
            return latest.number();
        }

        /** The first look after {@code number}, or the latest once {@code millis} have passed. */
        synchronized Look await(long number, long millis) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try {
                for (long left = millis; latest.number() <= number && left > 0;
                        left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
                    wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
            }
            return latest;
        }
    }
}
