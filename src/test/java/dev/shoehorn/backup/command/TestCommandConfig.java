package dev.shoehorn.backup.command;

import java.time.Duration;

/** Command limits for unit tests, without a running configuration: the documented defaults. */
public final class TestCommandConfig {

    private TestCommandConfig() {
    }

    public static CommandConfig limit(int maxRecordBytes) {
        return new CommandConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public int maxRecordBytes() {
                return maxRecordBytes;
            }

            @Override
            public Duration backupMaxAge() {
                return Duration.ofHours(24);
            }

            @Override
            public Duration restoreMaxAge() {
                return Duration.ofHours(1);
            }

            @Override
            public Duration clockSkew() {
                return Duration.ofMinutes(5);
            }
        };
    }
}
