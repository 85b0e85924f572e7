package dev.shoehorn.backup.command;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits on incoming command records. */
@ConfigMapping(prefix = "backup.commands")
public interface CommandConfig {

    /** Records larger than this are rejected with RECORD_TOO_LARGE before any parsing. */
    @WithDefault("65536")
    int maxRecordBytes();
}
