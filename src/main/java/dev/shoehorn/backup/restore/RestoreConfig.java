package dev.shoehorn.backup.restore;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Defaults of the post-restore steps, for commands that do not say. */
@ConfigMapping(prefix = "backup.restore")
public interface RestoreConfig {

    /** Run the target's migration command after the restore (when upgrading). */
    @WithDefault("false")
    boolean migrate();

    /** Ask the search API to re-index after the restore. */
    @WithDefault("true")
    boolean backfill();

    /** Clear the cache after the restore. */
    @WithDefault("true")
    boolean flushCache();
}
