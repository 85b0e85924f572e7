package dev.shoehorn.backup.backup;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where directory-format dumps are written on their way to storage. */
@ConfigMapping(prefix = "backup.dump")
public interface DumpConfig {

    /**
     * Where {@code pg_dump --format=directory} writes its files, each deleted once uploaded; default:
     * the JVM's temporary directory. Peak use is bounded as docs/performance.md states.
     */
    Optional<Path> workDir();
}
