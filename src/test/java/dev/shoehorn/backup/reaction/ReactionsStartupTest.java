package dev.shoehorn.backup.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class ReactionsStartupTest {

    @Test
    void disabledReactionsNeedNothing() {
        assertThat(problems(Map.of())).isEmpty();
    }

    @Test
    void anEnabledBackfillNeedsAnApiAndAToken() {
        // Given the backfill reaction switched on and nothing else
        Map<String, String> config = Map.of("backup.reactions.backfill.enabled", "true");

        // When the configuration is checked
        List<String> problems = problems(config);

        // Then both missing keys are named
        assertThat(problems).anyMatch(p -> p.contains("backup.reactions.backfill.api"))
                .anyMatch(p -> p.contains("token"));
    }

    @Test
    void theApiMustBeHttpWithoutCredentials() {
        Map<String, String> config = new HashMap<>(Map.of("backup.reactions.backfill.enabled", "true",
                "backup.reactions.backfill.token-file", "/run/secrets/search-token"));

        config.put("backup.reactions.backfill.api", "ftp://search");
        assertThat(problems(config)).singleElement().asString().contains("http(s)");
        config.put("backup.reactions.backfill.api", "https://admin:pw@search.internal");
        assertThat(problems(config)).singleElement().asString().contains("credentials");
        config.put("backup.reactions.backfill.api", "https://search.internal:8443/");
        assertThat(problems(config)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://search.internal", "http://10.0.0.7:8080", "http://127.0.0.1.example.com",
            "http://localhost.example.com", "http://[::2]/", "http://128.0.0.1"})
    void theTokenIsNotSentOverPlainHttpToAnotherHost(String api) {
        // Given a backfill API reached over plain http on another host
        Map<String, String> config = backfill(api);

        // When the configuration is checked
        List<String> problems = problems(config);

        // Then it is refused, saying why
        assertThat(problems).singleElement().asString().contains("backup.reactions.backfill.api must be https",
                "clear text");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080", "http://LOCALHOST", "http://127.0.0.1:9200/", "http://127.8.9.10",
            "http://[::1]:8080/", "https://search.internal"})
    void plainHttpIsAcceptedToLoopbackOnly(String api) {
        assertThat(problems(backfill(api))).isEmpty();
    }

    @Test
    void patternsModeNeedsPatterns() {
        Map<String, String> config = new HashMap<>(Map.of("backup.reactions.cache.enabled", "true",
                "backup.reactions.cache.mode", "patterns"));
        assertThat(problems(config)).singleElement().asString().contains("backup.reactions.cache.patterns");

        config.put("backup.reactions.cache.patterns", "search:*,session:*");
        assertThat(problems(config)).isEmpty();
    }

    @Test
    void flushdbIsTheDefaultModeOnDatabaseZero() {
        CacheFlushConfig cache = config(Map.of()).getConfigMapping(CacheFlushConfig.class);

        assertThat(cache.mode()).isEqualTo(FlushMode.FLUSHDB);
        assertThat(cache.mode().label()).isEqualTo("flushdb");
        assertThat(cache.database()).isZero();
    }

    private static Map<String, String> backfill(String api) {
        return Map.of("backup.reactions.backfill.enabled", "true", "backup.reactions.backfill.token-file",
                "/run/secrets/search-token", "backup.reactions.backfill.api", api);
    }

    private static List<String> problems(Map<String, String> properties) {
        SmallRyeConfig config = config(properties);
        return ReactionsStartup.problems(config.getConfigMapping(BackfillConfig.class),
                config.getConfigMapping(CacheFlushConfig.class));
    }

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(BackfillConfig.class).withMapping(CacheFlushConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // Quarkus' "2s" shorthand
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }
}
