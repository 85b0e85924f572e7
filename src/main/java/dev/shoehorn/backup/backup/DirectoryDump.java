package dev.shoehorn.backup.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.shoehorn.backup.codec.ArchiveCodec;
import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.codec.Keyring;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.storage.ArchiveFile;
import dev.shoehorn.backup.storage.ArchiveRef;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.StreamingUpload;
import dev.shoehorn.backup.target.ToolProcess;

/**
 * Uploads the files of a running {@code pg_dump --format=directory --jobs=N} one by one, each as
 * soon as pg_dump has finished writing it, and deletes it locally once stored: local disk holds
 * only the files pg_dump is writing and the one being uploaded. A file is finished when no
 * process of pg_dump's (the leader and its parallel workers) holds it open, read from
 * {@code /proc/<pid>/fd}; {@code toc.dat}, written last, goes once pg_dump has exited. Where
 * {@code /proc} cannot be read, every file goes after pg_dump exits.
 */
final class DirectoryDump {

    private static final long POLL_MILLIS = 100;
    private static final int CHUNK = 256 * 1024;

    private final ArchiveStore store;
    private final String archiveKey;
    private final Compression compression;
    private final Optional<Keyring> keys;
    private final int workers;
    private final Cancellation cancellation;
    private final ProgressTicker progress;
    private final List<ArchiveFile> files = new ArrayList<>();
    private final Set<String> uploaded = new HashSet<>();
    private long storedBytes;
    private long dumpBytes;
    private long peakLocalBytes;

    DirectoryDump(ArchiveStore store, String archiveKey, Compression compression, Optional<Keyring> keys, int workers,
            Cancellation cancellation, ProgressTicker progress) {
        this.store = store;
        this.archiveKey = archiveKey;
        this.compression = compression;
        this.keys = keys;
        this.workers = workers;
        this.cancellation = cancellation;
        this.progress = progress;
    }

    /**
     * Uploads {@code dir}'s files while pg_dump writes them, until it has exited and every file is
     * stored; returns them in name order. pg_dump's exit code is the caller's to check.
     */
    List<ArchiveFile> run(ToolProcess pgDump, Path dir) {
        // the kernel names open files by their real paths: compare like with like
        Path watched = realPath(dir);
        while (true) {
            cancellation.check();
            boolean exited = !pgDump.handle().isAlive();
            List<Path> present = list(watched);
            peakLocalBytes = Math.max(peakLocalBytes, sizeOf(present));
            Optional<Set<Path>> open = exited ? Optional.of(Set.of()) : openFiles(pgDump.handle(), watched);
            boolean any = false;
            for (Path file : present) {
                String name = file.getFileName().toString();
                boolean finished = open.isPresent() && !open.get().contains(file) && (exited || !name.equals(ArchiveFile.TOC));
                if (finished && uploaded.add(name)) {
                    files.add(upload(file, name));
                    any = true;
                }
            }
            if (exited) {
                break; // every file there after pg_dump's exit was finished, so it has just been stored
            }
            if (!any) {
                sleep();
            }
        }
        files.sort(java.util.Comparator.comparing(ArchiveFile::name));
        return List.copyOf(files);
    }

    long storedBytes() {
        return storedBytes;
    }

    /** The size of pg_dump's files, before encoding. */
    long dumpBytes() {
        return dumpBytes;
    }

    /** The most bytes pg_dump's files held on local disk at once, as sampled between uploads. */
    long peakLocalBytes() {
        return peakLocalBytes;
    }

    /** The object's name in the archive's folder: pg_dump's name plus the encoding's suffix. */
    String objectName(String name) {
        return name + ArchiveCodec.suffix(compression, keys.isPresent());
    }

    private ArchiveFile upload(Path file, String name) {
        String object = objectName(name);
        String key = archiveKey + "/" + object;
        long size = sizeOf(List.of(file));
        try (StreamingUpload upload = store.startUpload(key, size, cancellation)) {
            OutputStream encoder = ArchiveCodec.encoder(new KeepOpen(upload), compression, keys,
                    store.keys().objectName(key), workers);
            long read = 0;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] chunk = new byte[CHUNK];
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                    encoder.write(chunk, 0, n);
                    read += n;
                }
            } finally {
                encoder.close();
            }
            if (Files.size(file) != read) {
                // a file still growing was taken for finished: its object would be cut short
                throw new JobFailedException(Failure.retryable(ErrorCode.PG_DUMP_FAILED, file
                        + " changed while it was uploaded (" + read + " bytes read, " + Files.size(file) + " now)"));
            }
            ArchiveRef stored = upload.complete(BackupOptions.DIRECTORY);
            Files.delete(file);
            storedBytes += stored.bytes();
            dumpBytes += read;
            progress.done(dumpBytes);
            return new ArchiveFile(name, object, stored.bytes(), stored.sha256());
        } catch (IOException e) {
            cancellation.check();
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                    "uploading " + key + " from " + file + ": " + e.getMessage()), e);
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

    private static long sizeOf(List<Path> paths) {
        long total = 0;
        for (Path p : paths) {
            try {
                total += Files.size(p);
            } catch (IOException e) {
                // gone meanwhile: uploaded, or removed with a failed pg_dump
            }
        }
        return total;
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

    private void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
        }
    }
}
