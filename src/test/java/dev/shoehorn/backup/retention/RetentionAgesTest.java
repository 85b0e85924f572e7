package dev.shoehorn.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.job.JobsConfig;
import dev.shoehorn.backup.storage.StorageConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The start-up check of the ages that keep retention off running jobs (RetentionService.ageProblems). */
class RetentionAgesTest {

    @Test
    void theDocumentedDefaultsPass() {
        assertThat(problems(Map.of())).isEmpty();
    }

    @Test
    void anAbandonedUploadAgeWithinTheJobTimeoutStopsTheStartNamingTheKey() {
        // Given jobs that may run 12 h and uploads deemed abandoned after 6 h
        Map<String, String> config = Map.of("backup.jobs.timeout", "12h",
                "backup.storage.abandoned-upload-age", "6h");

        // When the configuration is checked
        List<String> problems = problems(config);

        // Then the start is refused, naming both keys and saying what would go wrong
        assertThat(problems).singleElement().asString().contains("backup.storage.abandoned-upload-age (PT6H)",
                "must exceed backup.jobs.timeout (PT12H)", "running job's upload would be aborted");
    }

    @Test
    void anAbandonedUploadAgeEqualToTheJobTimeoutIsRefusedAndALongerOneAccepted() {
        Map<String, String> config = new HashMap<>(Map.of("backup.jobs.timeout", "2h"));

        config.put("backup.storage.abandoned-upload-age", "2h");
        assertThat(problems(config)).singleElement().asString().contains("abandoned-upload-age");
        config.put("backup.storage.abandoned-upload-age", "3h");
        assertThat(problems(config)).isEmpty();
    }

    @Test
    void eachAgeTooShortIsNamed() {
        // Given every age at most what it must outlast
        Map<String, String> config = Map.of("backup.jobs.timeout", "48h", "backup.retention.record-max-age", "1h");

        // When the configuration is checked
        List<String> problems = problems(config);

        // Then each is named
        assertThat(problems).hasSize(3).anyMatch(p -> p.startsWith("backup.retention.incomplete-grace"))
                .anyMatch(p -> p.startsWith("backup.storage.abandoned-upload-age"))
                .anyMatch(p -> p.startsWith("backup.retention.record-max-age"));
    }

    private static List<String> problems(Map<String, String> properties) {
        Map<String, String> keys = new HashMap<>(properties);
        keys.putIfAbsent("backup.storage.bucket", "shoehorn-backups");
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(RetentionConfig.class)
                .withMapping(StorageConfig.class).withMapping(JobsConfig.class).withMapping(CommandConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(keys, "test", 100)).build();
        return RetentionService.ageProblems(config.getConfigMapping(RetentionConfig.class),
                config.getConfigMapping(StorageConfig.class), config.getConfigMapping(JobsConfig.class),
                config.getConfigMapping(CommandConfig.class));
    }
}
