package dev.shoehorn.backup.target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;

/**
 * Finds the installed PostgreSQL client tools and picks, per server, the oldest major version that
 * is at least the server's: pg_dump refuses servers newer than itself, and an archive made by the
 * oldest fitting pg_dump is readable by the widest range of pg_restore versions.
 */
@ApplicationScoped
public class PgTools {

    private static final Logger LOG = Logger.getLogger(PgTools.class);
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    /** One directory of client tools and their version. */
    public record Installation(Path binDir, int major, String version) {
        public Path tool(String name) {
            return binDir.resolve(name);
        }
    }

    private final List<Path> candidates;
    private volatile List<Installation> installations;

    public PgTools(PgToolsConfig config) {
        this.candidates = config.binDirs().orElseGet(PgTools::defaultDirs);
    }

    /**
     * The installation to use for {@code major} (a server's, or for a restore the newer of the
     * server's and the archive's), or a permanent failure naming both versions.
     */
    public Installation forServer(int serverMajor, String serverVersion) {
        List<Installation> found = installations();
        return found.stream()
                .filter(i -> i.major() >= serverMajor)
                .min(Comparator.comparingInt(Installation::major))
                .orElseThrow(() -> new JobFailedException(Failure.permanent(ErrorCode.PG_DUMP_UNAVAILABLE,
                        "version " + serverVersion + " is newer than every pg_dump/pg_restore available ("
                                + (found.isEmpty() ? "none found"
                                        : found.stream().map(i -> i.version() + " in " + i.binDir())
                                                .collect(Collectors.joining(", ")))
                                + "); install the client tools of PostgreSQL " + serverMajor
                                + " or later and list their directory in backup.pg.bin-dirs")));
    }

    public List<Installation> installations() {
        List<Installation> found = installations;
        if (found == null) {
            found = discover();
            installations = found;
        }
        return found;
    }

    private List<Installation> discover() {
        List<Installation> found = new ArrayList<>();
        Set<Integer> majors = new java.util.HashSet<>();
        for (Path dir : candidates) {
            Path pgDump = dir.resolve("pg_dump");
            if (!Files.isExecutable(pgDump) || !Files.isExecutable(dir.resolve("pg_restore"))) {
                continue;
            }
            String version = version(pgDump);
            Matcher m = version == null ? null : VERSION.matcher(version);
            if (m != null && m.find() && majors.add(Integer.parseInt(m.group(1)))) {
                String v = m.group(1) + (m.group(2) == null ? "" : "." + m.group(2));
                found.add(new Installation(dir, Integer.parseInt(m.group(1)), v));
            }
        }
        found.sort(Comparator.comparingInt(Installation::major));
        LOG.infof("stage=pg-tools found=\"%s\"", found.stream()
                .map(i -> i.version() + "@" + i.binDir()).collect(Collectors.joining(" ")));
        return List.copyOf(found);
    }

    private static String version(Path pgDump) {
        try {
            Process p = new ProcessBuilder(pgDump.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static List<Path> defaultDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.addAll(versionDirs(Path.of("/usr/lib/postgresql"), "*", "bin"));
        dirs.addAll(versionDirs(Path.of("/usr"), "pgsql-*", "bin"));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isBlank()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        return List.copyOf(dirs);
    }

    private static List<Path> versionDirs(Path parent, String glob, String child) {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return dirs;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(parent, glob)) {
            stream.forEach(p -> dirs.add(p.resolve(child)));
        } catch (IOException e) {
            LOG.debugf("cannot list %s: %s", parent, e.getMessage());
        }
        return dirs;
    }
}
