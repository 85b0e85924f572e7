package dev.shoehorn.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CliSettingsTest {

    @Test
    void withoutAProfileTheCliTalksToTheLocalStack() {
        // Given no profile and no overrides (the worker's own application.properties)
        CliSettings settings = CliSettings.load(Map.of("quarkus.profile", "local"));

        // Then the local stack's ports, bucket, keys and targets are in use, as the contract gives them
        assertThat(settings.kafka()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(settings.storage().endpoint()).hasValueSatisfying(e -> assertThat(e.toString()).isEqualTo("http://127.0.0.1:9000"));
        assertThat(settings.storage().bucket()).isEqualTo("shoehorn-backups");
        assertThat(settings.storage().prefix()).isEqualTo("backups");
        assertThat(settings.storage().pathStyle()).isTrue();
        assertThat(settings.signingKeyId()).contains("local");
        assertThat(settings.targets()).contains("shoehorn_demo", "shoehorn_demo_restore");
        assertThat(settings.progressTopic()).isEqualTo("backup.progress");
    }

    @Test
    void theWorkersKeysSetAnyCluster() {
        // Given the production profile and the keys a deployment sets
        CliSettings settings = CliSettings.load(Map.of(
                "quarkus.profile", "prod",
                "kafka.bootstrap.servers", "kafka-0:9092",
                "kafka.security.protocol", "SASL_SSL",
                "backup.storage.bucket", "prod-backups",
                "backup.topics.progress", "ops.progress",
                "backup.cli.timeout", "3s"));

        // Then the CLI uses them, Kafka client keys included, and no local value
        assertThat(settings.kafka()).containsEntry("bootstrap.servers", "kafka-0:9092")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(settings.storage().bucket()).isEqualTo("prod-backups");
        assertThat(settings.storage().endpoint()).isEmpty();
        assertThat(settings.signingKeyId()).isEmpty();
        assertThat(settings.progressTopic()).isEqualTo("ops.progress");
        assertThat(settings.answerTimeout()).hasSeconds(3);
        assertThat(settings.describe()).doesNotContain("local-secret");
    }
}
