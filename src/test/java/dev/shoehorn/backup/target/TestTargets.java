package dev.shoehorn.backup.target;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Targets for unit tests, without a running configuration. */
public final class TestTargets {

    private TestTargets() {
    }

    public record Config(String host, int port, String database, String user, Optional<String> password,
            Optional<Path> passwordFile, Optional<String> sslmode, boolean isProtected, boolean restorable,
            Optional<java.util.List<String>> migrateCommand)
            implements TargetsConfig.TargetConfig {

        @Override
        public String maintenanceDatabase() {
            return "postgres";
        }
    }

    public static Config config(String database, Optional<String> password) {
        return new Config("127.0.0.1", 5432, database, "postgres", password, Optional.empty(), Optional.empty(), false,
                false, Optional.empty());
    }

    public static TargetRegistry registry(String... names) {
        Map<String, TargetsConfig.TargetConfig> all = new java.util.HashMap<>();
        for (String name : names) {
            all.put(name, config(name, Optional.empty()));
        }
        return new TargetRegistry(() -> all);
    }
}
