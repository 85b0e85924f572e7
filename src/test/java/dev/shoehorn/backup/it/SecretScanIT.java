package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test of the build (its own failsafe execution) and looks for each secret
 * the suite configured ({@link SuiteSecrets}) in everything the suite wrote: the output of every
 * test class (the in-process workers' logs included), the logs of the worker processes, and every
 * record the test brokers held ({@link TopicDump}: commands, events, dead letters).
 */
class SecretScanIT {

    private static final Path TARGET = Path.of("target");

    @Test
    void noConfiguredSecretAppearsInAnyLogOrRecordOfTheSuite() throws IOException {
        // Given the secrets the tests configured, and what the suite logged and published
        Set<String> secrets = secrets();
        Assumptions.assumeFalse(secrets.isEmpty(), "no test of this run configured a secret: nothing to scan");
        List<Path> written = written();
        assertThat(written).as("logs and topic copies of the suite").isNotEmpty();
        assertThat(written).as("records of the test brokers").anyMatch(p -> p.startsWith(TopicDump.DIR));

        // When each is searched for each secret
        List<String> leaks = new ArrayList<>();
        long bytes = 0;
        for (Path file : written) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            bytes += text.length();
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    leaks.add(TARGET.relativize(file) + " holds a secret starting " + secret.substring(0, 6) + "…");
                }
            }
            if (text.contains("UNREADABLE: ") || text.contains("INCOMPLETE: ")) {
                leaks.add(TARGET.relativize(file) + ": a broker's records could not all be read, so not all were scanned");
            }
        }
        System.out.printf("secret scan: %d secrets, %d files, %d MB%n", secrets.size(), written.size(),
                bytes / (1024 * 1024));

        // Then none is found anywhere
        assertThat(leaks).isEmpty();
    }

    private static Set<String> secrets() throws IOException {
        Set<String> secrets = new LinkedHashSet<>();
        if (Files.isDirectory(SuiteSecrets.DIR)) {
            try (Stream<Path> files = Files.list(SuiteSecrets.DIR)) {
                for (Path file : files.toList()) {
                    Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(s -> s.length() >= 8)
                            .forEach(secrets::add);
                }
            }
        }
        return secrets;
    }

    /** Test output, worker logs and topic copies, as UTF-8 secrets are ASCII (latin-1 reads any byte). */
    private static List<Path> written() throws IOException {
        try (Stream<Path> files = Files.walk(TARGET)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.startsWith(SuiteSecrets.DIR))
                    .filter(p -> p.startsWith(TopicDump.DIR) || p.toString().endsWith("-output.txt")
                            || p.toString().endsWith(".log"))
                    .toList();
        }
    }
}
