package dev.shoehorn.backup.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ToolProcessEnvironmentTest {

    private static final Map<String, String> POISON = Map.of(
            "AWS_SECRET_ACCESS_KEY", "poison-aws",
            "BACKUP_STORAGE_SECRET_ACCESS_KEY", "poison-storage",
            "BACKUP_TARGETS_SHOEHORN_PASSWORD", "poison-target",
            "REDIS_URL", "redis://:poison-redis@cache:6379",
            "KAFKA_SASL_JAAS_CONFIG", "PlainLoginModule required password=\"poison-kafka\";",
            "SEARCH_API_TOKEN", "poison-token",
            "PGPASSWORD", "poison-pg",
            "PGSERVICEFILE", "/poison/pg_service.conf",
            "LC_ALL", "C.UTF-8",
            "TZ", "UTC");

    @Test
    void aToolGetsTheAllowListAndTheTargetsSettingsOnly() throws Exception {
        // Given a worker whose environment carries secrets of every kind
        Process worker = ChildJvm.start(ToolEnvironmentProbe.class, POISON, List.of());

        // When it starts a tool
        Map<String, String> child = environment(worker);

        // Then the tool sees no secret and no variable outside the allow-list
        assertThat(child.keySet()).allMatch(name -> List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE",
                "TZ", "TMPDIR", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGAPPNAME", "PGCONNECT_TIMEOUT",
                "PGSSLMODE", "PGPASSFILE", "PGOPTIONS").contains(name) || name.startsWith("LC_"), "allow-listed");
        assertThat(String.join("\n", child.values())).doesNotContain("poison", "probe-password");

        // And it still finds programs, keeps the locale, and reaches the target with a pass file
        assertThat(child).containsEntry("PATH", System.getenv("PATH")).containsEntry("LC_ALL", "C.UTF-8")
                .containsEntry("TZ", "UTC").containsEntry("PGDATABASE", "probe").containsKey("PGPASSFILE");
    }

    private static Map<String, String> environment(Process worker) throws Exception {
        String out = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isZero();
        Map<String, String> env = new TreeMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> env.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        assertThat(env).isNotEmpty();
        return env;
    }
}
