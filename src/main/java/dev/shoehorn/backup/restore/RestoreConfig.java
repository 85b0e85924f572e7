package dev.shoehorn.backup.restore;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Defaults of restores for commands that do not say. Whether the reactions (backfill, cache flush)
 * follow a restore is the target's own setting ({@code backup.targets.<name>.backfill},
 * {@code .flush-cache}), never a global default.
 */
@ConfigMapping(prefix = "backup.restore")
public interface RestoreConfig {

    /** Run the target's migration command after the restore (when upgrading). */
    @WithDefault("false")
    boolean migrate();
}
