package dev.shoehorn.backup.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.eventarchive.EventArchiveConfig;
import dev.shoehorn.backup.ui.UiConfig;
import dev.shoehorn.backup.job.JobsConfig;
import dev.shoehorn.backup.overdue.OverdueConfig;
import dev.shoehorn.backup.progress.ProgressConfig;
import dev.shoehorn.backup.retention.RetentionConfig;
import dev.shoehorn.backup.schedule.ScheduleConfig;
import dev.shoehorn.backup.reaction.BackfillConfig;
import dev.shoehorn.backup.reaction.CacheFlushConfig;
import dev.shoehorn.backup.restore.RestoreConfig;
import dev.shoehorn.backup.signing.SignedEventsConfig;
import dev.shoehorn.backup.signing.SigningConfig;
import dev.shoehorn.backup.storage.StorageConfig;
import dev.shoehorn.backup.target.PgToolsConfig;
import dev.shoehorn.backup.target.TargetsConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/** Every key of every {@code @ConfigMapping} is documented in docs/configuration.md. */
class ConfigurationDocsTest {

    private static final List<Class<?>> MAPPINGS = List.of(CommandConfig.class, JobsConfig.class, ProgressConfig.class,
            StorageConfig.class, PgToolsConfig.class, TargetsConfig.class, RestoreConfig.class, BackfillConfig.class,
            CacheFlushConfig.class, SigningConfig.class, SignedEventsConfig.class, EventArchiveConfig.class, UiConfig.class,
            ScheduleConfig.class, RetentionConfig.class, OverdueConfig.class);

    @Test
    void everyConfigKeyIsInTheReference() throws IOException {
        String docs = Files.readString(Path.of("docs/configuration.md"));
        List<String> keys = new ArrayList<>();
        for (Class<?> mapping : MAPPINGS) {
            keys(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, keys);
        }

        assertThat(keys).hasSizeGreaterThan(20);
        assertThat(keys).allSatisfy(key -> assertThat(docs).as("docs/configuration.md documents " + key)
                .contains("`" + key + "`"));
    }

    private static void keys(String prefix, Class<?> type, List<String> out) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String name = method.isAnnotationPresent(WithName.class) ? method.getAnnotation(WithName.class).value()
                    : kebab(method.getName());
            if (method.isAnnotationPresent(WithParentName.class) && Map.class.isAssignableFrom(method.getReturnType())) {
                var valueType = (Class<?>) ((java.lang.reflect.ParameterizedType) method.getGenericReturnType())
                        .getActualTypeArguments()[1];
                keys(prefix + ".<name>", valueType, out);
            } else if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() != null) {
                keys(prefix + "." + name, method.getReturnType(), out); // a group of the mapping's own
            } else {
                out.add(prefix + "." + name);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
