package dev.shoehorn.backup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;

/**
 * Writes down every secret the tests configure (passwords, S3 keys, tokens, signing and
 * encryption key material), one per line in {@code target/it-secrets/<pid>.txt}, so that
 * {@code SecretScanIT}, which runs after every other test, can look for each in what the suite
 * logged and published. Secrets are random per run: the list lives as long as the build.
 */
public final class SuiteSecrets {

    static final Path DIR = Path.of("target", "it-secrets");

    private SuiteSecrets() {
    }

    /** Registers {@code value} and returns it, for a constant's initializer. */
    public static String secret(String value) {
        register(List.of(value));
        return value;
    }

    /** Registers an encryption keyset's key material (each key's {@code value}) and returns the keyset. */
    public static String keyset(String json) {
        try {
            List<String> keys = new java.util.ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).findValues("value")
                    .forEach(value -> keys.add(value.asText()));
            if (keys.isEmpty()) {
                throw new IllegalStateException("a keyset without key material");
            }
            register(keys);
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized void register(Collection<String> values) {
        try {
            Files.createDirectories(DIR);
            Files.write(DIR.resolve(ProcessHandle.current().pid() + ".txt"), values, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write down the suite's secrets", e);
        }
    }
}
