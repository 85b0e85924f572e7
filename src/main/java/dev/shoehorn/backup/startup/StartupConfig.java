package dev.shoehorn.backup.startup;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the worker checks before it starts, and what a failed check does. */
@ConfigMapping(prefix = "backup.startup")
public interface StartupConfig {

    /** {@code fail}: a problem stops start-up, every problem named in one message; {@code warn}: logged; {@code off}. */
    @WithDefault("fail")
    Checks checks();

    /** How long each check (the broker, the store, one target) may take. */
    @WithDefault("10s")
    Duration checkTimeout();

    /** Run the checks, print their outcome and exit, 0 when all passed ({@code ./backup-worker check}). */
    @WithDefault("false")
    boolean checkOnly();

    enum Checks {
        FAIL,
        WARN,
        OFF
    }
}
