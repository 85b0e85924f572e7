package dev.shoehorn.backup.storage;

import java.time.Duration;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * {@link StorageConfig} from the given {@code backup.storage.*} keys and the mapping's own defaults,
 * read the way Quarkus reads them, for tests without a running application.
 */
public final class TestStorageConfig {

    private TestStorageConfig() {
    }

    public static StorageConfig of(Map<String, String> keys) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(StorageConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(keys, "test", 100))
                .build();
        return config.getConfigMapping(StorageConfig.class);
    }
}
