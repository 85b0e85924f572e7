package dev.shoehorn.backup.target;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where the PostgreSQL client tools (pg_dump, pg_restore) are found. */
@ConfigMapping(prefix = "backup.pg")
public interface PgToolsConfig {

    /**
     * Directories holding pg_dump and pg_restore, one per major version. When unset, the worker
     * looks in {@code /usr/lib/postgresql/<major>/bin}, {@code /usr/pgsql-<major>/bin} and on PATH.
     */
    Optional<List<Path>> binDirs();
}
