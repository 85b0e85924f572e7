package dev.shoehorn.backup.command;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether this process takes commands, and what it accepts of them. */
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

    /**
     * A backup command older than this (its record's timestamp, or its signed {@code requestedAt})
     * is rejected with EXPIRED: a replayed topic or lost offsets never re-run old backups.
     */
    @WithDefault("24h")
    Duration backupMaxAge();

    /** A restore command older than this is rejected with EXPIRED: last month's restore never runs again. */
    @WithDefault("1h")
    Duration restoreMaxAge();

    /**
     * How far in the future a command's time may lie (clocks differ); a later one is refused, since
     * it would stay fresh for longer than its maximum age.
     */
    @WithDefault("5m")
    Duration clockSkew();
}
