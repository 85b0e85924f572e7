package dev.shoehorn.backup.target;

import java.io.IOException;
import java.nio.file.Path;

import org.jboss.logging.Logger;

/**
 * Private working directories of jobs that need local disk (a directory dump on its way to
 * storage, an archive decoded for a parallel restore): 0700, named after the worker process, so
 * that a worker starting after a killed one removes what it left, as it does pass files.
 */
public final class WorkDirs {

    private static final Logger LOG = Logger.getLogger(WorkDirs.class);

    private WorkDirs() {
    }

    /** A new directory under {@code parent} for one job of {@code kind} ({@code dump}, {@code restore}). */
    public static Path create(Path parent, String kind) throws IOException {
        return PassFileDirectory.create(parent, kind);
    }

    /** Removes a job's directory and everything in it; a failure is logged, for the next start to sweep. */
    public static void delete(Path dir) {
        try {
            PassFileDirectory.deleteTree(dir);
        } catch (IOException e) {
            LOG.warnf("stage=work-dir-left dir=%s msg=\"%s\"", dir, e.getMessage());
        }
    }

    /** Removes the directories under {@code parent} of workers that are gone (at start-up). */
    public static void sweep(Path parent) {
        try {
            int removed = PassFileDirectory.sweep(parent);
            if (removed > 0) {
                LOG.infof("stage=work-dir-sweep dir=%s removed=%d", parent, removed);
            }
        } catch (IOException e) {
            LOG.warnf("stage=work-dir-sweep dir=%s msg=\"%s\"", parent, e.getMessage());
        }
    }
}
