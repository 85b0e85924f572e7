package dev.shoehorn.backup.target;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

/**
 * At start-up, removes what killed workers on this host left in the temporary directory: their
 * {@code .pgpass} files and the working directories of their jobs ({@link WorkDirs}).
 */
@ApplicationScoped
public class PassFileSweeper {

    void onStart(@Observes StartupEvent start) {
        WorkDirs.sweep(Path.of(System.getProperty("java.io.tmpdir")));
    }
}
