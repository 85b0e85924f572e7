package dev.shoehorn.backup.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PgEnvironmentTest {

    @Test
    void thePasswordGoesToAPrivatePassFileNeverToTheEnvironment() throws Exception {
        // Given a target with a password and an inherited environment with secrets and libpq settings of its own
        Target target = new Target("shoehorn", TestTargets.config("shoehorn", Optional.of("pa:ss\\word")));
        Map<String, String> env = new HashMap<>(Map.of("PGPASSWORD", "leaked", "PGHOST", "elsewhere", "HOME", "/root",
                "AWS_SECRET_ACCESS_KEY", "leaked"));

        // When the child's environment is prepared
        Path passFile;
        try (PgEnvironment pg = PgEnvironment.forTarget(target, "pg_dump")) {
            pg.apply(env);
            passFile = Path.of(env.get("PGPASSFILE"));

            // Then the connection is described by libpq variables and the password sits in a 0600 file
            assertThat(env).containsEntry("PGHOST", "127.0.0.1").containsEntry("PGDATABASE", "shoehorn")
                    .containsEntry("PGOPTIONS", "-c lock_timeout=60000").containsEntry("PGAPPNAME", pg.applicationName())
                    .containsEntry("HOME", "/root").doesNotContainKeys("PGPASSWORD", "AWS_SECRET_ACCESS_KEY");
            assertThat(env.values()).noneMatch(v -> v.contains("pa:ss"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passFile))).isEqualTo("rw-------");
            assertThat(Files.readString(passFile)).isEqualTo("127.0.0.1:5432:*:postgres:pa\\:ss\\\\word\n");
        }

        // And the child's sessions can be told apart from any other's
        try (PgEnvironment other = PgEnvironment.forTarget(target, "pg_dump")) {
            assertThat(other.applicationName()).startsWith("backup-worker/pg_dump/")
                    .isNotEqualTo(env.get("PGAPPNAME")).hasSizeLessThan(64);
        }

        // And the file is gone once the child is done
        assertThat(passFile).doesNotExist();
    }

    @Test
    void withoutAPasswordNoFileIsWritten() throws Exception {
        Target target = new Target("shoehorn", TestTargets.config("shoehorn", Optional.empty()));
        Map<String, String> env = new HashMap<>();

        try (PgEnvironment pg = PgEnvironment.forTarget(target, "pg_dump")) {
            pg.apply(env);
        }

        assertThat(env).doesNotContainKey("PGPASSFILE");
    }
}
