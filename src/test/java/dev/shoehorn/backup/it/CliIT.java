package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.cli.ExitCode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.core.sync.RequestBody;

/** The operators' CLI against a running worker on real parts: exit codes, output for scripts and for people. */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class CliIT {

    private static Map<String, String> settings() {
        return CliRun.settings(WorkerStack.bootstrapServers(), WorkerStack.s3().endpoint(), WorkerStack.BUCKET,
                WorkerStack.PREFIX, WorkerStack.ACCESS_KEY, WorkerStack.S3_SECRET);
    }

    private static CliRun cli(String... args) {
        return CliRun.of(settings(), args);
    }

    @Test
    void backupWaitFollowsTheJobAndExitsZeroWithPlainLines() {
        // When a backup is asked for and waited for, with output that is not a terminal
        CliRun run = cli("backup", WorkerStack.SOURCE, "--wait", "--reason", "cli test");

        // Then it exits 0 after the job's stages, as plain lines without terminal codes
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).doesNotContain("\u001b");
        assertThat(run.lines().get(0)).startsWith("backup command ").contains("published to backup.commands");
        assertThat(run.out()).contains("backup accepted  by cli:", "(\"cli test\")", "backup started", "backup uploaded",
                "backup completed");
        assertThat(run.lines().get(run.lines().size() - 1)).startsWith("backup completed (job ")
                .contains(WorkerStack.PREFIX + "/" + WorkerStack.SOURCE + "/");
    }

    @Test
    void backupWaitJsonIsTheCommandItsEventsAndItsOutcome() {
        // When the same is asked for with --json
        CliRun run = cli("--json", "backup", WorkerStack.SOURCE, "--wait");

        // Then every line is JSON: published, the job's events in order, then the outcome with the job
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.OK);
        List<JsonNode> lines = run.json();
        JsonNode published = lines.get(0);
        assertThat(published.path("kind").asText()).isEqualTo("published");
        assertThat(published.path("commandId").asText()).matches("[0-9a-f-]{36}");
        assertThat(published.path("topic").asText()).isEqualTo("backup.commands");
        List<JsonNode> events = lines.subList(1, lines.size() - 1);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("kind").asText()).isEqualTo("event");
            assertThat(e.path("type").asText()).startsWith("dev.shoehorn.backup.");
            assertThat(e.path("data").path("commandId").asText()).isEqualTo(published.path("commandId").asText());
        });
        assertThat(events).extracting(e -> e.path("data").path("seq").asLong())
                .isSorted().doesNotHaveDuplicates().startsWith(1L);
        JsonNode outcome = lines.get(lines.size() - 1);
        assertThat(outcome.path("kind").asText()).isEqualTo("outcome");
        assertThat(outcome.path("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(outcome.path("exitCode").asInt()).isZero();
        assertThat(outcome.path("job").path("archive").path("key").asText()).startsWith(WorkerStack.PREFIX + "/");
        assertThat(outcome.path("job").path("stages")).isNotEmpty();
    }

    @Test
    void aFailedJobExitsOne() {
        // When a backup of a target whose role may not read the tables is waited for
        CliRun run = cli("backup", WorkerStack.DENIED, "--wait");

        // Then it exits 1 with pg_dump's reason
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.out()).contains("backup failed", "PG_DUMP_FAILED");
    }

    @Test
    void aRejectedCommandExitsThree() {
        // When a protected target is restored without --confirm
        CliRun run = cli("restore", WorkerStack.PROTECTED, "--from", WorkerStack.SOURCE, "--wait");

        // Then the worker refuses it and the CLI exits 3 with the code
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.REJECTED);
        assertThat(run.out()).contains("restore rejected", "CONFIRMATION_REQUIRED");
    }

    @Test
    void anUnreachableBrokerExitsFour() {
        // Given settings naming a port where no broker listens
        Map<String, String> nowhere = new HashMap<>(settings());
        nowhere.put("kafka.bootstrap.servers", "127.0.0.1:" + freePort());
        nowhere.put("backup.cli.timeout", "2s");

        // When a backup is asked for
        CliRun run = CliRun.of(nowhere, "backup", WorkerStack.SOURCE, "--wait");

        // Then it says so and exits 4
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(run.err()).contains("Kafka did not answer");
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void usageErrorsExitTwoAndPublishNothing() {
        assertThat(cli("restore", WorkerStack.RESTORE, "--mode", "sideways").exit()).isEqualTo(ExitCode.USAGE);
        assertThat(cli("audit").exit()).isEqualTo(ExitCode.USAGE);
        assertThat(cli("backup").exit()).isEqualTo(ExitCode.USAGE);
        CliRun help = cli("backup", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--wait", "--reason");
    }

    @Test
    void listVerifyAndStatusTellCompleteFromIncomplete() {
        // Given a completed backup, and an object in the target's folder that no manifest names
        assertThat(cli("backup", WorkerStack.SOURCE, "--wait").exit()).isZero();
        String stray = WorkerStack.PREFIX + "/" + WorkerStack.SOURCE + "/" + WorkerStack.SOURCE + "_29991231_000000.dump";
        try (var s3 = WorkerStack.s3Client()) {
            s3.putObject(b -> b.bucket(WorkerStack.BUCKET).key(stray), RequestBody.fromString("half an archive"));
            try {
                // When the archives are listed, the newest complete one verified and the stray one too
                List<JsonNode> listed = cli("--json", "list", WorkerStack.SOURCE).json();
                CliRun verified = cli("verify", WorkerStack.SOURCE + ":latest");
                CliRun strayVerified = cli("--json", "verify", stray);
                List<JsonNode> status = cli("--json", "status").json();

                // Then the list tells which is which, newest first
                assertThat(listed.get(0).path("key").asText()).isEqualTo(stray);
                assertThat(listed.get(0).path("complete").asBoolean()).isFalse();
                assertThat(listed.get(0).path("problem").asText()).isEqualTo("no-manifest");
                assertThat(listed.subList(1, listed.size())).anySatisfy(a -> {
                    assertThat(a.path("complete").asBoolean()).isTrue();
                    assertThat(a.path("sha256").asText()).hasSize(64);
                    assertThat(a.path("format").asText()).isEqualTo("custom+zstd:3");
                });
                // and latest is verified (size, sha256, pg_restore --list), while the stray object is not
                assertThat(verified.exit()).as(verified.toString()).isZero();
                assertThat(verified.out()).contains("matches the manifest", "table-of-contents entries", "verified:");
                assertThat(strayVerified.exit()).isEqualTo(ExitCode.FAILED);
                JsonNode strayResult = strayVerified.json().get(0);
                assertThat(strayResult.path("ok").asBoolean()).isFalse();
                assertThat(strayResult.path("problems").toString()).contains("incomplete: no-manifest", "pg_restore --list");
                // and status shows the last good backup, not the stray object
                assertThat(status).anySatisfy(row -> {
                    assertThat(row.path("target").asText()).isEqualTo(WorkerStack.SOURCE);
                    assertThat(row.path("lastGoodBackup").path("key").asText()).isNotEqualTo(stray)
                            .startsWith(WorkerStack.PREFIX + "/" + WorkerStack.SOURCE + "/");
                });
            } finally {
                s3.deleteObject(b -> b.bucket(WorkerStack.BUCKET).key(stray));
            }
        }
    }
}
