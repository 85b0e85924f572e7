package dev.shoehorn.backup.command;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether this process takes commands, and limits on incoming command records. */
@ConfigMapping(prefix = "backup.commands")
public interface CommandConfig {

    /**
     * Whether this process consumes the command topics (group {@code backup-worker}); switches the
     * {@code backup-commands} and {@code restore-commands} channels. Off in a deployment that runs
     * reactions only.
     */
    @WithDefault("true")
    boolean enabled();

    /** Records larger than this are rejected with RECORD_TOO_LARGE before any parsing. */
    @WithDefault("65536")
    int maxRecordBytes();
}
