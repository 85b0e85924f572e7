package dev.shoehorn.backup.it;

import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.shoehorn.backup.local.DemoDatabase;
import dev.shoehorn.backup.local.LocalKafka;
import dev.shoehorn.backup.local.LocalPostgres;
import dev.shoehorn.backup.local.LocalS3;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real parts the worker runs against in integration tests: an Apache Kafka broker (KRaft) and
 * an S3 API server (S3Proxy) in this JVM, and databases on the machine's PostgreSQL. Everything
 * it creates (bucket, databases, role) is removed again in {@link #stop()}.
 */
public class WorkerStack implements QuarkusTestResourceLifecycleManager {

    public static final String SOURCE = "it_source";
    public static final String DENIED = "it_denied";
    /** Restorable, not protected: the database restore tests write into. */
    public static final String RESTORE = "it_restore";
    /** Restorable and protected: needs {@code confirm}. */
    public static final String PROTECTED = "it_protected";
    public static final String RETENTION = "it_retention";
    public static final String OVERDUE = "it_overdue";
    /** The source's database as a target whose archives are encrypted (the others' are not). */
    public static final String SEALED = "it_sealed";
    /** The archive keyset of the worker (and of the CLI run against it). */
    public static final String KEYSET = SuiteSecrets.keyset(dev.shoehorn.backup.codec.Keyring.newKeysetJson());
    public static final String ACCESS_KEY = "it-access";
    /** Secrets the worker is given; tests check they never leak into events or logs. */
    public static final String S3_SECRET = SuiteSecrets.secret("it-s3-secret-" + UUID.randomUUID());
    public static final String PG_PASSWORD = SuiteSecrets.secret("it-pg-password-" + UUID.randomUUID());
    public static final String PREFIX = "it-backups";

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    public static final String BUCKET = "bw-it-" + SUFFIX;
    public static final String SOURCE_DB = "bw_it_src_" + SUFFIX;
    public static final String RESTORE_DB = "bw_it_restore_" + SUFFIX;
    public static final String PROTECTED_DB = "bw_it_protected_" + SUFFIX;
    /** Written to while it is backed up (DrillIT): row counts must be those of the dump's snapshot. */
    public static final String COUNTS = "it_counts";
    public static final String COUNTS_DB = "bw_it_counts_" + SUFFIX;
    static final String DENIED_ROLE = "bw_it_denied_" + SUFFIX;

    private static LocalKafka kafka;
    private static LocalS3 s3;
    private static final LocalPostgres PG = LocalPostgres.fromEnvironment();

    @Override
    public Map<String, String> start() {
        try {
            kafka = LocalKafka.start(0);
            s3 = LocalS3.start(0, null, ACCESS_KEY, S3_SECRET, StorageFaults::wrap);
            s3.createBucket(BUCKET);
            DemoDatabase.ensureDemo(PG, SOURCE_DB);
            DemoDatabase.ensureEmpty(PG, RESTORE_DB);
            DemoDatabase.ensureEmpty(PG, PROTECTED_DB);
            DemoDatabase.ensureEmpty(PG, COUNTS_DB);
            sql("CREATE ROLE " + DENIED_ROLE + " LOGIN");
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("cannot start the test stack", e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("backup.storage.endpoint", s3.endpoint().toString());
        config.put("backup.storage.path-style", "true");
        config.put("backup.storage.bucket", BUCKET);
        config.put("backup.storage.prefix", PREFIX);
        config.put("backup.storage.access-key-id", ACCESS_KEY);
        config.put("backup.storage.secret-access-key", S3_SECRET);
        config.put("backup.storage.part-size", "5M");
        // outages longer than this fail an attempt: tests of failed jobs stay short
        config.put("backup.storage.retry-window", "2s");
        config.put("backup.encryption.keyset", KEYSET);
        target(config, SOURCE, SOURCE_DB, PG.user(), PG_PASSWORD);
        config.put("backup.targets." + SOURCE + ".dump.encrypt", "false");
        target(config, SEALED, SOURCE_DB, PG.user(), PG_PASSWORD);
        target(config, DENIED, SOURCE_DB, DENIED_ROLE, null);
        target(config, RESTORE, RESTORE_DB, PG.user(), PG_PASSWORD);
        config.put("backup.targets." + RESTORE + ".restorable", "true");
        config.put("backup.targets." + RESTORE + ".allowed-sources", SOURCE + "," + RESTORE + "," + SEALED);
        // swap restores into it run pg_restore --jobs=2 from a decoded local copy
        config.put("backup.targets." + RESTORE + ".restore-jobs", "2");
        target(config, PROTECTED, PROTECTED_DB, PG.user(), PG_PASSWORD);
        config.put("backup.targets." + PROTECTED + ".restorable", "true");
        config.put("backup.targets." + PROTECTED + ".protected", "true");
        config.put("backup.targets." + PROTECTED + ".allowed-sources", SOURCE + "," + PROTECTED);
        // drills of the source check its tenants with a probe (DrillIT)
        config.put("backup.targets." + SOURCE + ".drill.probes.tenants", "select count(*) > 0 from tenants");
        config.put("backup.targets." + SOURCE + ".drill.schedule", "@weekly");
        // retention's own target: its folder is filled by hand (RetentionIT), it is never dumped
        target(config, RETENTION, SOURCE_DB, PG.user(), PG_PASSWORD);
        config.put("backup.targets." + RETENTION + ".retention.keep-last", "2");
        config.put("backup.targets." + RETENTION + ".retention.max-age", "7d");
        target(config, COUNTS, COUNTS_DB, PG.user(), PG_PASSWORD);
        // the overdue watchdog's own target: its folder is filled by hand (OverdueIT), it is never dumped
        target(config, OVERDUE, SOURCE_DB, PG.user(), PG_PASSWORD);
        config.put("backup.targets." + RESTORE + ".migrate-command", script("migrate-ok.sh", MIGRATE_OK));
        config.put("backup.targets." + PROTECTED + ".migrate-command", script("migrate-fail.sh", MIGRATE_FAIL));
        return config;
    }

    /** While this file exists, the migration of {@link #RESTORE} fails: a migration that fails once. */
    public static final java.nio.file.Path MIGRATION_BLOCKED = java.nio.file.Path.of("target", "it-scripts",
            "migration-blocked").toAbsolutePath();

    /**
     * A migration that records it ran, and the database's setting app.stage it saw, after checking
     * it got the connection the way the worker promises.
     */
    private static final String MIGRATE_OK = "#!/bin/sh\nset -e\n"
            + "[ ! -e '" + MIGRATION_BLOCKED + "' ] || { echo 'migration 7 blocked' >&2; exit 4; }\n"
            + "[ -z \"$PGPASSWORD\" ] || { echo 'PGPASSWORD must not be set' >&2; exit 9; }\n"
            + "[ -f \"$PGPASSFILE\" ] || { echo 'no PGPASSFILE' >&2; exit 8; }\n"
            + "psql -v ON_ERROR_STOP=1 -q -c 'CREATE TABLE IF NOT EXISTS migrated (at timestamptz DEFAULT now(),"
            + " stage text DEFAULT current_setting($$app.stage$$, true)); INSERT INTO migrated DEFAULT VALUES'\n";
    private static final String MIGRATE_FAIL = "#!/bin/sh\necho 'migration 42 failed: column exists' >&2\nexit 3\n";

    private static String script(String name, String body) {
        try {
            java.nio.file.Path dir = java.nio.file.Path.of("target", "it-scripts");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Path file = dir.resolve(name);
            java.nio.file.Files.writeString(file, body);
            file.toFile().setExecutable(true);
            return file.toAbsolutePath().toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void target(Map<String, String> config, String name, String database, String user,
            String password) {
        String key = "backup.targets." + name + ".";
        config.put(key + "host", PG.host());
        config.put(key + "port", Integer.toString(PG.port()));
        config.put(key + "database", database);
        config.put(key + "user", user);
        if (password != null) {
            config.put(key + "password", password);
        }
    }

    @Override
    public void stop() {
        try {
            DemoDatabase.drop(PG, SOURCE_DB);
            DemoDatabase.drop(PG, RESTORE_DB);
            DemoDatabase.drop(PG, PROTECTED_DB);
            DemoDatabase.drop(PG, COUNTS_DB);
            sql("DROP ROLE IF EXISTS " + DENIED_ROLE);
        } catch (Exception e) {
            System.err.println("WorkerStack: cleanup of databases failed: " + e.getMessage());
        }
        if (s3 != null) {
            s3.deleteBucket(BUCKET);
            s3.close();
        }
        if (kafka != null) {
            TopicDump.save(kafka.bootstrapServers(), "worker-stack");
            kafka.close();
        }
    }

    public static String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public static LocalS3 s3() {
        return s3;
    }

    /** An S3 client of the test's own on the in-process server. */
    public static S3Client s3Client() {
        return S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, S3_SECRET)))
                .build();
    }

    public static LocalPostgres postgres() {
        return PG;
    }

    static void sql(String statement) throws Exception {
        try (Connection c = PG.connect("postgres"); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
