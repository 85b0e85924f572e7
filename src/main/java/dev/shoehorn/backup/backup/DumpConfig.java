package dev.shoehorn.backup.backup;

import java.nio.file.Path;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where directory-format dumps are written on their way to storage, and how much room they may take. */
@ConfigMapping(prefix = "backup.dump")
public interface DumpConfig {

    /**
     * Where {@code pg_dump --format=directory} writes its files, each deleted once uploaded; default:
     * the JVM's temporary directory. Peak use is bounded as docs/performance.md states.
     */
    Optional<Path> workDir();

    /**
     * The most a directory dump's files may hold on local disk before pg_dump is paused until the
     * uploads catch up; at least 64M.
     */
    @WithDefault("256M")
    MemorySize localDiskLimit();
}
