package dev.shoehorn.backup.target;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Targets for unit tests, without a running configuration. */
public final class TestTargets {

    private TestTargets() {
    }

    public record Config(String host, int port, String database, String user, Optional<String> password,
            Optional<Path> passwordFile, Optional<String> sslmode, boolean isProtected, boolean restorable,
            Optional<List<String>> migrateCommand, Optional<List<String>> allowedSources, boolean backfill,
            boolean flushCache, Duration socketTimeout, Duration lockTimeout, boolean requireSignedCommands,
            String maintenanceDatabase, String schedule, String scheduleZone, Optional<Duration> overdueAfter,
            boolean rowCounts, TargetsConfig.Retention retention, TargetsConfig.Drill drill)
            implements TargetsConfig.TargetConfig {

        /** The configuration's defaults: zstd in the worker, encrypted when a keyset is configured. */
        @Override
        public TargetsConfig.Dump dump() {
            return new Dump("custom", 2, "zstd:3", 2, Optional.empty());
        }

        @Override
        public int restoreJobs() {
            return 1;
        }

        public Config restorable(boolean isProtected) {
            return new Config(host, port, database, user, password, passwordFile, sslmode, isProtected, true,
                    migrateCommand, allowedSources, backfill, flushCache, socketTimeout, lockTimeout,
                    requireSignedCommands, maintenanceDatabase, schedule, scheduleZone, overdueAfter, rowCounts, retention, drill);
        }

        public Config allowing(String... sources) {
            return new Config(host, port, database, user, password, passwordFile, sslmode, isProtected, restorable,
                    migrateCommand, Optional.of(List.of(sources)), backfill, flushCache, socketTimeout, lockTimeout,
                    requireSignedCommands, maintenanceDatabase, schedule, scheduleZone, overdueAfter, rowCounts, retention, drill);
        }

        public Config reactions(boolean backfillOn, boolean flushCacheOn) {
            return new Config(host, port, database, user, password, passwordFile, sslmode, isProtected, restorable,
                    migrateCommand, allowedSources, backfillOn, flushCacheOn, socketTimeout, lockTimeout,
                    requireSignedCommands, maintenanceDatabase, schedule, scheduleZone, overdueAfter, rowCounts, retention, drill);
        }

        public Config timeouts(Duration socket, Duration lock) {
            return new Config(host, port, database, user, password, passwordFile, sslmode, isProtected, restorable,
                    migrateCommand, allowedSources, backfill, flushCache, socket, lock, requireSignedCommands,
                    maintenanceDatabase, schedule, scheduleZone, overdueAfter, rowCounts, retention, drill);
        }

        public Config scheduled(String cron, String zone) {
            return new Config(host, port, database, user, password, passwordFile, sslmode, isProtected, restorable,
                    migrateCommand, allowedSources, backfill, flushCache, socketTimeout, lockTimeout,
                    requireSignedCommands, maintenanceDatabase, cron, zone, overdueAfter, rowCounts, retention, drill);
        }

        public Config signedCommandsOnly() {
            return new Config(host, port, database, user, password, passwordFile, sslmode, isProtected, restorable,
                    migrateCommand, allowedSources, backfill, flushCache, socketTimeout, lockTimeout, true,
                    maintenanceDatabase, schedule, scheduleZone, overdueAfter, rowCounts, retention, drill);
        }
    }

    /** Retention rules as the configuration gives them. */
    public record Retention(int keepLast, Duration maxAge, int keepDaily, int keepWeekly, int keepMonthly)
            implements TargetsConfig.Retention {
    }

    /** Dump settings as the configuration gives them. */
    public record Dump(String format, int jobs, String compression, int compressionWorkers, Optional<Boolean> encrypt)
            implements TargetsConfig.Dump {
    }

    /** Drill settings as the configuration gives them. */
    public record Drill(String schedule, String scheduleZone, Duration rto, Map<String, String> probes)
            implements TargetsConfig.Drill {
    }

    /** A target on the local server with the configuration's defaults. */
    public static Config config(String database, Optional<String> password) {
        return new Config("127.0.0.1", 5432, database, "postgres", password, Optional.empty(), Optional.empty(), false,
                false, Optional.empty(), Optional.empty(), false, false, Duration.ofMinutes(1), Duration.ofMinutes(1),
                false, "postgres", "0 2 * * *", "UTC", Optional.empty(), true, new Retention(3, Duration.ofDays(14), 0, 0, 0),
                new Drill("off", "UTC", Duration.ofHours(1), Map.of()));
    }

    public static Config config(String database) {
        return config(database, Optional.empty());
    }

    public static TargetRegistry registry(String... names) {
        Map<String, TargetsConfig.TargetConfig> all = new java.util.HashMap<>();
        for (String name : names) {
            all.put(name, config(name));
        }
        return new TargetRegistry(() -> all, dev.shoehorn.backup.codec.Keys.of(java.util.Optional.empty()));
    }

    public static TargetRegistry registry(Map<String, ? extends TargetsConfig.TargetConfig> targets) {
        Map<String, TargetsConfig.TargetConfig> all = Map.copyOf(targets);
        return new TargetRegistry(() -> all, dev.shoehorn.backup.codec.Keys.of(java.util.Optional.empty()));
    }
}
