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

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/** Every key of every {@code @ConfigMapping} is documented in docs/configuration.md. */
class ConfigurationDocsTest {

    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void everyConfigKeyIsInTheReference() throws IOException {
        String docs = Files.readString(Path.of("docs/configuration.md"));
        List<String> keys = new ArrayList<>();
        List<Class<?>> mappings = mappings();
        for (Class<?> mapping : mappings) {
            keys(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, keys);
        }

        assertThat(mappings).hasSizeGreaterThanOrEqualTo(19);
        assertThat(keys).hasSizeGreaterThan(20);
        assertThat(keys).allSatisfy(key -> assertThat(docs).as("docs/configuration.md documents " + key)
                .contains("`" + key + "`"));
    }

    /** Every {@code @ConfigMapping} of the worker's sources, so that a new one cannot go unchecked. */
    private static List<Class<?>> mappings() throws IOException {
        List<Class<?>> mappings = new ArrayList<>();
        try (var files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                if (Files.readString(file).contains("@ConfigMapping(prefix")) {
                    String name = SOURCES.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                    try {
                        mappings.add(Class.forName(name));
                    } catch (ClassNotFoundException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return mappings;
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
