package dev.shoehorn.backup.it;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.cli.Cli;
import dev.shoehorn.backup.cli.CliSettings;
import dev.shoehorn.backup.cli.Console;
import dev.shoehorn.backup.cli.Main;

/**
 * The CLI run in this JVM, as {@code ./backup-worker <args>} runs it but with its output captured
 * (not a terminal: plain lines) and its settings pointed at a test's broker and store.
 *
 * @param exit the exit code
 * @param out what it printed on standard output
 * @param err what it printed on standard error
 */
public record CliRun(int exit, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs one command line with {@code settings} above the worker's application.properties. */
    public static CliRun of(Map<String, String> settings, String... args) {
        return of(settings, Clock.systemUTC(), args);
    }

    /** As {@link #of(Map, String...)}, on the CLI's clock set to {@code clock}. */
    public static CliRun of(Map<String, String> settings, Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> keys = new HashMap<>(settings);
        keys.putIfAbsent("quarkus.profile", "cli-test");
        Cli cli = new Cli(() -> CliSettings.load(keys), new Console(new PrintWriter(out, true), new PrintWriter(err, true), false),
                clock);
        int exit = Main.run(cli, args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** The CLI's settings for a broker and a store of the test's. */
    public static Map<String, String> settings(String bootstrapServers, java.net.URI s3, String bucket, String prefix,
            String accessKey, String secretKey) {
        Map<String, String> keys = new HashMap<>();
        keys.put("kafka.bootstrap.servers", bootstrapServers);
        keys.put("backup.storage.endpoint", s3.toString());
        keys.put("backup.storage.path-style", "true");
        keys.put("backup.storage.bucket", bucket);
        keys.put("backup.storage.prefix", prefix);
        keys.put("backup.storage.access-key-id", accessKey);
        keys.put("backup.storage.secret-access-key", secretKey);
        keys.put("backup.cli.timeout", "5s");
        return keys;
    }

    public List<String> lines() {
        return out.lines().toList();
    }

    /** Standard output as NDJSON, a value per line. */
    public List<JsonNode> json() {
        return out.lines().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (java.io.IOException e) {
                throw new AssertionError("not a line of JSON: " + line, e);
            }
        }).toList();
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
}
