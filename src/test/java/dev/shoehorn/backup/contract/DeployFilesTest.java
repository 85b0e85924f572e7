package dev.shoehorn.backup.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.shoehorn.backup.job.JobMetrics;
import dev.shoehorn.backup.overdue.OverdueMetrics;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * deploy/ without Docker or a cluster: the compose file, the Helm chart (linted and rendered
 * in-process with the default and the example values) and the image definition may name only
 * configuration keys that exist, environment variables the worker reads, the port it listens on and
 * the probe paths it serves; yamllint passes over every plain YAML file.
 */
class DeployFilesTest {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Path DEPLOY = Path.of("deploy");
    private static final Path CHART = DEPLOY.resolve("helm/backup-worker");
    /** quarkus.http.port's default (docs/configuration.md). */
    private static final int HTTP_PORT = 8080;
    private static final Set<String> PROBE_PATHS = Set.of("/q/health/live", "/q/health/ready");
    /** What the launcher reads (backup-worker serve), and the process's own. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("JAVA_OPTS", "JAVA_HOME", "PATH", "HOME",
            "QUARKUS_PROFILE", "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_");

    private static List<Pattern> documentedKeys;
    private static Set<String> readVariables;

    @BeforeAll
    static void readWhatTheWorkerKnows() throws IOException {
        // every key of docs/configuration.md's tables, <name> and <keyId> standing for any one segment
        documentedKeys = new ArrayList<>();
        Set<String> variables = new HashSet<>(LAUNCHER_VARIABLES);
        String docs = Files.readString(Path.of("docs/configuration.md"));
        for (String line : docs.lines().filter(l -> l.startsWith("| `")).toList()) {
            String firstCell = line.substring(1, line.indexOf('|', 1));
            Matcher key = Pattern.compile("`([a-z][a-zA-Z0-9.<>_-]*)`").matcher(firstCell);
            while (key.find()) {
                documentedKeys.add(keyPattern(key.group(1)));
                if (!key.group(1).contains("<")) {
                    variables.add(key.group(1).toUpperCase(java.util.Locale.ROOT).replaceAll("[.-]", "_"));
                }
            }
        }
        Matcher named = Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher(docs);
        while (named.find()) {
            variables.add(named.group(1));
        }
        // and the variables the bundled configuration reads: ${KAFKA_BOOTSTRAP_SERVERS:…}
        Matcher placeholder = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)")
                .matcher(Files.readString(Path.of("src/main/resources/application.properties")));
        while (placeholder.find()) {
            variables.add(placeholder.group(1));
        }
        readVariables = variables;
    }

    @Test
    void theComposeStackIsWiredAsProduction() throws IOException {
        // Given the compose file
        JsonNode compose = YAML.readTree(Files.readString(DEPLOY.resolve("compose.yaml")));
        JsonNode services = compose.path("services");

        // Then it holds the production pieces
        assertThat(fieldNames(services)).contains("redpanda", "topics", "console", "s3", "bucket", "valkey", "postgres",
                "backfill", "worker");
        assertThat(services.path("postgres").path("image").asString()).startsWith("postgres:18");
        assertThat(services.path("worker").path("deploy").path("replicas").asInt()).isEqualTo(2);

        // and the workers read only what exists: their properties file's keys are documented, their
        // variables are read by the worker or filled into that file
        JsonNode worker = services.path("worker");
        Path properties = DEPLOY.resolve("compose/worker.properties");
        assertThat(worker.path("volumes").toString()).contains("./compose/worker.properties:/opt/backup-worker/config/application.properties");
        Properties workerProperties = load(Files.readString(properties));
        assertDocumented(workerProperties, "deploy/compose/worker.properties");
        Set<String> filled = placeholders(Files.readString(properties));
        for (String variable : fieldNames(worker.path("environment"))) {
            assertThat(readVariables.contains(variable) || filled.contains(variable))
                    .as("compose's worker sets %s, which neither the worker nor worker.properties reads", variable).isTrue();
        }

        // and its health check is a probe the worker serves, on its port
        String health = worker.path("healthcheck").path("test").toString();
        assertThat(PROBE_PATHS.stream().anyMatch(p -> health.contains("127.0.0.1:" + HTTP_PORT + p))).as(health).isTrue();
        assertThat(worker.path("read_only").asBoolean()).isTrue();
        assertThat(worker.path("tmpfs").toString()).contains("/scratch");

        // and the backfill stand-in answers where the reaction calls, the topics script makes every topic
        assertThat(workerProperties.getProperty("backup.reactions.backfill.api")).isEqualTo("http://backfill:8090");
        assertThat(services.path("backfill").path("command").toString()).contains("-listen=:8090");
        String topics = Files.readString(DEPLOY.resolve("compose/topics.sh"));
        for (String topic : ContractDocsTest.CONTRACT_TOPICS) {
            assertThat(topics).contains("create " + topic + " ");
        }
        assertThat(topics).containsPattern("create backup.progress .*retention.ms=");
    }

    @Test
    void theImageRunsTheLauncherUnprivilegedWithEveryClientMajorAndZstd() throws IOException {
        // Given the image definition
        List<String> lines = Files.readAllLines(DEPLOY.resolve("Dockerfile"));
        String text = String.join("\n", lines);

        // Then it ships pg_dump of majors 13 to 18 and zstd, and runs the launcher as a non-root user
        assertThat(text).contains("ARG PG_MAJORS=\"13 14 15 16 17 18\"").contains("postgresql-client-$m").contains(" zstd");
        assertThat(lines).contains("USER 10001:10001", "EXPOSE " + HTTP_PORT,
                "ENTRYPOINT [\"/opt/backup-worker/backup-worker\"]", "CMD [\"serve\"]");
        // where the launcher looks for the worker and the CLI
        String launcher = Files.readString(Path.of("backup-worker"));
        assertThat(launcher).contains("WORKER_JAR=target/quarkus-app/quarkus-run.jar").contains("cli/target/backup-worker-cli.jar");
        assertThat(text).contains("target/quarkus-app/").contains("cli/target/backup-worker-cli.jar").contains("WORKDIR /opt/backup-worker");

        // and every variable it sets is read by the worker or the launcher
        Matcher env = Pattern.compile("(?m)^(?:ENV |    )([A-Z][A-Z0-9_]*)=").matcher(text);
        int seen = 0;
        while (env.find()) {
            seen++;
            assertThat(readVariables).as("the image sets %s", env.group(1)).contains(env.group(1));
        }
        assertThat(seen).isGreaterThanOrEqualTo(5);
        assertThat(text).contains("BACKUP_DUMP_WORK_DIR=/scratch").contains("-Djava.io.tmpdir=/scratch");
    }

    @Test
    void theChartLintsAndRendersWithTheDefaultAndTheExampleValues() throws IOException {
        // Given the chart
        // When it is linted
        LintResult lint = new Helm(CHART).lint().strict().call();

        // Then helm finds nothing wrong
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();

        // and both renderings hold a worker Deployment that reads only what exists
        for (Path values : List.of(CHART.resolve("values.yaml"), DEPLOY.resolve("helm/examples/production.yaml"))) {
            List<JsonNode> documents = render(values);
            assertRendering(documents, values);
        }
    }

    @Test
    void theExampleValuesSwitchOnMonitoringWithRulesOnTheWorkersMetrics() throws IOException {
        // When the chart is rendered with the example values
        List<JsonNode> documents = render(DEPLOY.resolve("helm/examples/production.yaml"));

        // Then the ServiceMonitor scrapes the metrics path and the alerts use metrics the worker exports
        JsonNode monitor = kind(documents, "ServiceMonitor");
        assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asString()).isEqualTo("/q/metrics");
        String rules = kind(documents, "PrometheusRule").path("spec").toString();
        assertThat(rules).contains(OverdueMetrics.OVERDUE).contains(JobMetrics.JOBS + "_total")
                .contains("outcome=\\\"failed\\\"");
        assertThat(kind(documents, "NetworkPolicy").path("spec").path("egress").size()).isEqualTo(2);
        // and every target's password comes from a mounted secret, never the ConfigMap
        String properties = kind(documents, "ConfigMap").path("data").path("application.properties").asString();
        assertThat(properties).contains("backup.targets.billing.password-file=/run/secrets/backup-worker/targets/billing")
                .doesNotContain(".password=");
    }

    @Test
    void yamllintPassesOverThePlainYamlFiles() throws Exception {
        // Given yamllint (.ci/run installs it from Debian) and the YAML files that are not templates
        List<String> files = new ArrayList<>(List.of("deploy/compose.yaml", "deploy/helm/backup-worker/Chart.yaml",
                "deploy/helm/backup-worker/values.yaml", "deploy/helm/examples/production.yaml"));
        List<String> argv = new ArrayList<>(List.of("yamllint", "--strict", "-d",
                "{extends: default, rules: {line-length: {max: 160}, document-start: disable, truthy: {check-keys: false}}}"));
        argv.addAll(files);

        // When it runs
        Process lint;
        try {
            lint = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("deploy/ is checked with Debian's yamllint: apt-get install yamllint"
                    + " (.ci/run does)", e);
        }
        String out = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // Then it finds nothing
        assertThat(lint.waitFor()).as(out).isZero();
    }

    private static void assertRendering(List<JsonNode> documents, Path values) {
        JsonNode deployment = kind(documents, "Deployment");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(HTTP_PORT);
        assertThat(PROBE_PATHS).contains(container.path("livenessProbe").path("httpGet").path("path").asString(),
                container.path("readinessProbe").path("httpGet").path("path").asString());
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("volumeMounts").toString()).contains("\"/scratch\"").contains("/opt/backup-worker/config");
        assertThat(container.path("resources").path("requests").path("memory").asString()).isNotEmpty();
        for (JsonNode env : container.path("env")) {
            assertThat(readVariables).as("%s sets %s", values, env.path("name").asString())
                    .contains(env.path("name").asString());
            // secrets arrive by reference, never as values
            if (env.path("name").asString().matches(".*(SECRET|TOKEN|PASSWORD).*")) {
                assertThat(env.has("valueFrom")).isTrue();
            }
        }
        String properties = kind(documents, "ConfigMap").path("data").path("application.properties").asString();
        assertDocumented(load(properties), values + "'s ConfigMap");
        assertThat(kind(documents, "PodDisruptionBudget").path("spec").path("minAvailable").asInt()).isEqualTo(1);
        assertThat(kind(documents, "NetworkPolicy").path("spec").path("ingress").get(0).toString())
                .contains(String.valueOf(HTTP_PORT));
    }

    @Test
    void helmTestVerifiesTheTestTargetsLatestArchiveWithTheWorkersSettings() throws IOException {
        // Given the test hook (helm-java's template leaves hooks out; lint renders them)
        String hook = Files.readString(CHART.resolve("templates/tests/verify-latest.yaml"));

        // Then it is a test hook that runs the CLI's verify on the latest archive, with the ConfigMap mounted
        assertThat(hook).contains("helm.sh/hook: test")
                .contains("args: [\"verify\", \"{{ .Values.test.target }}:latest\"]")
                .contains("mountPath: /opt/backup-worker/config")
                .contains("readOnlyRootFilesystem: true");
        assertThat(Files.readString(Path.of("cli/src/main/java/dev/shoehorn/backup/cli/VerifyCommand.java")))
                .contains("@Command(name = \"verify\"").contains("<target>:latest");
    }

    private static List<JsonNode> render(Path values) {
        String rendered = new Helm(CHART).template().withName("bw").withValuesFile(values).call();
        List<JsonNode> documents = new ArrayList<>();
        for (String document : rendered.split("(?m)^---\\s*$")) {
            JsonNode node = YAML.readTree(document);
            if (node != null && !node.isMissingNode() && !node.isNull() && node.has("kind")) {
                documents.add(node);
            }
        }
        return documents;
    }

    private static JsonNode kind(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asString())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
    }

    private static void assertDocumented(Properties properties, String where) {
        for (String key : properties.stringPropertyNames()) {
            assertThat(documentedKeys.stream().anyMatch(p -> p.matcher(key).matches()))
                    .as("%s names %s, which docs/configuration.md does not document", where, key).isTrue();
        }
        assertThat(properties).isNotEmpty();
    }

    private static Pattern keyPattern(String documented) {
        StringBuilder regex = new StringBuilder();
        for (String part : documented.split("(?=<)|(?<=>)")) {
            regex.append(part.startsWith("<") ? "[^.]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static Set<String> placeholders(String text) {
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Properties load(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return properties;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
