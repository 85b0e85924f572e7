package dev.shoehorn.backup.target;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

/**
 * Where this process writes its {@code .pgpass} files: one 0700 directory per worker process in
 * the temp directory, named after the process: {@code bw-pg-<pid namespace>-<pid>-<start ms>-<random>}.
 * A worker killed with SIGKILL cannot remove its files; {@link #sweep} lets the next worker on the
 * host tell a dead worker's directory from a live one's by its name alone. The start time guards
 * against a PID reused by a newer process, the PID namespace against workers in other containers
 * that share the temp directory (their PIDs mean nothing here, so their directories are left alone).
 */
final class PassFileDirectory {

    private static final Logger LOG = Logger.getLogger(PassFileDirectory.class);
    /** pass files ({@code pg}), and the working directories of directory dumps and parallel restores ({@link WorkDirs}). */
    private static final Pattern NAME = Pattern.compile("bw-(?:pg|dump|restore)-(\\d+)-(\\d+)-(\\d+)-[^/]+");
    /** The layout of earlier versions: a directory per child, {@code bw-pg-<random>/pgpass}. */
    private static final Pattern OLD_NAME = Pattern.compile("bw-pg-\\d+");
    private static final String TAG = pidNamespace() + "-" + ProcessHandle.current().pid() + "-"
            + startMillis(ProcessHandle.current()).orElse(0L) + "-";
    private static final String SELF = "bw-pg-" + TAG;

    private static Path current;

    private PassFileDirectory() {
    }

    /**
     * This process's directory, created on first use and again should something (systemd-tmpfiles)
     * have removed it; the random end of its name keeps another local user from taking it first.
     */
    static synchronized Path current() throws IOException {
        if (current == null || !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
            current = Files.createTempDirectory(SELF,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return current;
    }

    /** A new 0700 directory of this process under {@code parent}, named so that {@link #sweep} knows whose it is. */
    static Path create(Path parent, String kind) throws IOException {
        return Files.createTempDirectory(parent, "bw-" + kind + "-" + TAG,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Removes the directories, and the files in them, of workers that are gone; returns how many. */
    static int sweep(Path parent) throws IOException {
        int removed = 0;
        Instant started = startMillis(ProcessHandle.current()).map(Instant::ofEpochMilli).orElse(Instant.EPOCH);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, "bw-*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && isOwn(dir) && isAbandoned(dir, started)) {
                    endToolsWorkingIn(dir);
                    try {
                        deleteTree(dir);
                        removed++;
                    } catch (IOException e) {
                        LOG.warnf("stage=pgpass-sweep dir=%s msg=\"%s\"", dir, e.getMessage());
                    }
                }
            }
        }
        return removed;
    }

    /**
     * A killed worker's pg_dump or pg_restore can live on, and a directory dump paused for local
     * disk would hold its snapshot for good; it works for no one now. SIGKILL ends a stopped process too.
     */
    private static void endToolsWorkingIn(Path dir) {
        String inside = dir + "/";
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments()
                        .map(args -> java.util.Arrays.stream(args).anyMatch(arg -> arg.contains(inside))).orElse(false))
                .forEach(p -> {
                    LOG.infof("stage=work-dir-sweep dir=%s endedPid=%d", dir, p.pid());
                    p.destroyForcibly();
                });
    }

    private static boolean isAbandoned(Path dir, Instant started) throws IOException {
        String name = dir.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (m.matches()) {
            if (!m.group(1).equals(pidNamespace())) {
                return false;
            }
            long start = Long.parseLong(m.group(3));
            return ProcessHandle.of(Long.parseLong(m.group(2)))
                    .map(p -> startMillis(p).map(s -> s != start).orElse(false))
                    .orElse(true);
        }
        // an earlier version's directory made before this process started cannot be of a job of a worker
        // started after it; one made since may be, so it is left to the next start
        return OLD_NAME.matcher(name).matches()
                && Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(started);
    }

    private static boolean isOwn(Path path) throws IOException {
        return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                .equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    private static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }

    private static String pidNamespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString().replaceAll("\\D", "");
        } catch (IOException | UnsupportedOperationException e) {
            return "0";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
