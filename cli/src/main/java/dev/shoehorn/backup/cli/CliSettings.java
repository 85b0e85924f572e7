package dev.shoehorn.backup.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.shoehorn.backup.codec.Keyring;
import dev.shoehorn.backup.retention.RetentionRules;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * What the CLI needs to know, read from the worker's own configuration: its
 * {@code application.properties} (bundled), then {@code config/application.properties} in the
 * working directory, environment variables and {@code -D} system properties, in Quarkus' order and
 * with its profiles. The profile is {@code QUARKUS_PROFILE} (or {@code -Dquarkus.profile}); unset, it
 * is {@code local}, so that the CLI talks to {@code ./backup-worker local} out of the box.
 *
 * @param profile the active profile
 * @param kafka the Kafka client settings: every {@code kafka.*} key without its prefix
 * @param backupCommandsTopic {@code backup.topics.backup-commands}
 * @param restoreCommandsTopic {@code backup.topics.restore-commands}
 * @param progressTopic {@code backup.topics.progress}
 * @param storage where archives and the event archive are
 * @param signingKeyId the key id commands are signed with, if any
 * @param privateKeyFile the private key's file, if any
 * @param privateKey the private key itself, if any (never printed)
 * @param publicKeys trusted public keys by key id, to check events' signatures
 * @param keyset the archive keyset in Tink's JSON ({@code backup.encryption.keyset-file} or {@code .keyset}), if any (never printed)
 * @param targets the configured targets' names
 * @param schedules each target's backup schedule and its zone, with the worker's defaults
 * @param retention each target's retention rules and the runs' settings, with the worker's defaults
 * @param overdue the overdue watchdog's grace and each target's own window, where set
 * @param pgBinDirs where to look for {@code pg_restore} before the PATH
 * @param answerTimeout how long Kafka and the store may take to answer ({@code backup.cli.timeout})
 */
public record CliSettings(
        String profile,
        Map<String, Object> kafka,
        String backupCommandsTopic,
        String restoreCommandsTopic,
        String progressTopic,
        Storage storage,
        Optional<String> signingKeyId,
        Optional<Path> privateKeyFile,
        Optional<String> privateKey,
        Map<String, String> publicKeys,
        Optional<String> keyset,
        Set<String> targets,
        Map<String, TargetSchedule> schedules,
        Retention retention,
        Overdue overdue,
        Optional<String> pgBinDirs,
        java.time.Duration answerTimeout) {

    /** The object store, as {@code backup.storage.*} describes it. */
    public record Storage(Optional<URI> endpoint, String region, String bucket, String prefix, boolean pathStyle,
            Optional<String> accessKeyId, Optional<String> secretAccessKey) {

        @Override
        public String toString() {
            return "Storage[" + endpoint.map(URI::toString).orElse("aws") + " bucket=" + bucket + " prefix=" + prefix
                    + "]";
        }
    }

    /** {@code backup.targets.<name>.schedule} and {@code .schedule-zone}, as configured or by default. */
    public record TargetSchedule(String expression, String zone) {
    }

    /** {@code backup.targets.<name>.retention.*}, {@code backup.retention.*}, {@code backup.storage.abandoned-upload-age}. */
    public record Retention(Map<String, RetentionRules> rules, java.time.Duration incompleteGrace,
            java.time.Duration recordMaxAge, java.time.Duration abandonedUploadAge) {
    }

    /** {@code backup.overdue.grace} and {@code backup.targets.<name>.overdue-after}. */
    public record Overdue(java.time.Duration grace, Map<String, java.time.Duration> overdueAfter) {
    }

    private static final Pattern TARGET_KEY = Pattern.compile("backup\\.targets\\.([^.]+)\\..+");
    private static final String DEFAULT_PROFILE = "local";

    /** Reads the settings from the bundled file, the working directory, the environment and {@code -D}. */
    public static CliSettings load() {
        return load(Map.of());
    }

    /**
     * As {@link #load()}, with {@code overrides} above every other source (the tests point the CLI
     * at their own broker and store this way).
     */
    public static CliSettings load(Map<String, String> overrides) {
        String profile = overrides.getOrDefault("quarkus.profile", System.getProperty("quarkus.profile",
                Optional.ofNullable(System.getenv("QUARKUS_PROFILE")).orElse(DEFAULT_PROFILE)));
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withProfile(profile)
                .addDefaultInterceptors()
                .addSystemSources()
                .withSources(new PropertiesConfigSource(overrides, "cli-overrides", 1000));
        URL bundled = CliSettings.class.getClassLoader().getResource("application.properties");
        try {
            if (bundled != null) {
                builder.withSources(new PropertiesConfigSource(bundled, 250));
            }
            Path local = Path.of("config", "application.properties");
            if (Files.isRegularFile(local)) {
                builder.withSources(new PropertiesConfigSource(local.toUri().toURL(), 260));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the configuration: " + e.getMessage(), e);
        }
        SmallRyeConfig config = builder.build();
        return new CliSettings(
                profile,
                kafka(config),
                value(config, "backup.topics.backup-commands", "backup.commands"),
                value(config, "backup.topics.restore-commands", "restore.commands"),
                value(config, "backup.topics.progress", "backup.progress"),
                new Storage(
                        optional(config, "backup.storage.endpoint").map(URI::create),
                        value(config, "backup.storage.region", "us-east-1"),
                        value(config, "backup.storage.bucket", "shoehorn-backups"),
                        value(config, "backup.storage.prefix", "backups"),
                        Boolean.parseBoolean(value(config, "backup.storage.path-style", "false")),
                        optional(config, "backup.storage.access-key-id"),
                        optional(config, "backup.storage.secret-access-key")),
                optional(config, "backup.signing.key-id"),
                optional(config, "backup.signing.private-key-file").map(Path::of),
                optional(config, "backup.signing.private-key"),
                prefixed(config, "backup.signing.public-keys."),
                keyset(config),
                targets(config),
                schedules(config),
                retention(config),
                overdue(config),
                optional(config, "backup.pg.bin-dirs"),
                Units.duration(value(config, "backup.cli.timeout", "15s")));
    }

    private static Optional<String> keyset(SmallRyeConfig config) {
        return Keyring.configuredJson(optional(config, "backup.encryption.keyset-file").map(Path::of),
                optional(config, "backup.encryption.keyset"));
    }

    private static String value(SmallRyeConfig config, String key, String defaultValue) {
        return optional(config, key).orElse(defaultValue);
    }

    private static Optional<String> optional(SmallRyeConfig config, String key) {
        return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank());
    }

    /** Every {@code kafka.*} key, as the worker's default Kafka configuration has them; {@code KAFKA_*} variables too. */
    private static Map<String, Object> kafka(SmallRyeConfig config) {
        Map<String, Object> kafka = new TreeMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !value.isBlank()) {
                kafka.put(name.substring(6).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        prefixed(config, "kafka.").forEach(kafka::put);
        return kafka;
    }

    private static Map<String, String> prefixed(SmallRyeConfig config, String prefix) {
        Map<String, String> found = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(prefix)) {
                optional(config, name).ifPresent(v -> found.put(name.substring(prefix.length()), v));
            }
        }
        return found;
    }

    private static Set<String> targets(SmallRyeConfig config) {
        Set<String> names = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            Matcher m = TARGET_KEY.matcher(name);
            if (m.matches()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The worker's defaults are those of TargetsConfig: the guide's 02:00, in UTC. */
    private static Map<String, TargetSchedule> schedules(SmallRyeConfig config) {
        Map<String, TargetSchedule> schedules = new TreeMap<>();
        for (String target : targets(config)) {
            schedules.put(target, new TargetSchedule(value(config, "backup.targets." + target + ".schedule", "0 2 * * *"),
                    value(config, "backup.targets." + target + ".schedule-zone", "UTC")));
        }
        return schedules;
    }

    /** The worker's defaults are those of TargetsConfig.Retention and RetentionConfig. */
    private static Retention retention(SmallRyeConfig config) {
        Map<String, RetentionRules> rules = new TreeMap<>();
        for (String target : targets(config)) {
            String key = "backup.targets." + target + ".retention.";
            rules.put(target, new RetentionRules(Integer.parseInt(value(config, key + "keep-last", "3")),
                    Units.duration(value(config, key + "max-age", "14d")),
                    Integer.parseInt(value(config, key + "keep-daily", "0")),
                    Integer.parseInt(value(config, key + "keep-weekly", "0")),
                    Integer.parseInt(value(config, key + "keep-monthly", "0"))));
        }
        return new Retention(rules, Units.duration(value(config, "backup.retention.incomplete-grace", "24h")),
                Units.duration(value(config, "backup.retention.record-max-age", "30d")),
                Units.duration(value(config, "backup.storage.abandoned-upload-age", "24h")));
    }

    private static Overdue overdue(SmallRyeConfig config) {
        Map<String, java.time.Duration> after = new TreeMap<>();
        for (String target : targets(config)) {
            optional(config, "backup.targets." + target + ".overdue-after").map(Units::duration)
                    .ifPresent(d -> after.put(target, d));
        }
        return new Overdue(Units.duration(value(config, "backup.overdue.grace", "1h")), after);
    }

    /** For {@code --verbose}: what is in use, never a secret. */
    public String describe() {
        return "profile=" + profile + " kafka=" + kafka.get("bootstrap.servers") + " storage=" + storage
                + " signing=" + signingKeyId.orElse("off") + " targets=" + targets;
    }
}
