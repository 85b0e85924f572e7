package dev.shoehorn.backup.command;

/** Command limits for unit tests, without a running configuration. */
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
        };
    }
}
