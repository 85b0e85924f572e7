package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.signing.SignatureHeader;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.signing.Signer;
import dev.shoehorn.backup.signing.Verification;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Signed commands on real parts: target {@value SignedTargetResource#TARGET} takes signed commands
 * only; the worker signs its events with its own key.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestProfile(SignedCommandsProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignedCommandsIT {

    private static final String SIGNED = SignedTargetResource.TARGET;
    private static Events events;
    private static TopicTail backupDeadLetters;
    private static TopicTail restoreDeadLetters;
    private static Commands commands;

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        backupDeadLetters = new TopicTail(WorkerStack.bootstrapServers(), "backup.commands.dlq");
        restoreDeadLetters = new TopicTail(WorkerStack.bootstrapServers(), "restore.commands.dlq");
        commands = new Commands(WorkerStack.bootstrapServers());
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        backupDeadLetters.close();
        restoreDeadLetters.close();
        commands.close();
    }

    @Test
    @Order(1)
    void aSignedBackupRunsAndEveryEventOfItsJobCarriesTheWorkersSignature() {
        // Given a backup command of the signing target, signed by a trusted operator
        String commandId = Commands.newCommandId();
        byte[] value = backup(commandId, SIGNED, true);

        // When it is published
        send("backup.commands", SIGNED, value, SigningKeys.ops().sign(SignedKind.BACKUP, value));

        // Then it completes
        List<JsonNode> job = events.awaitJobEnd(commandId);
        assertThat(Events.types(job)).first().isEqualTo("dev.shoehorn.backup.accepted");
        assertThat(Events.types(job)).last().isEqualTo("dev.shoehorn.backup.completed");

        // And each of its events is signed by the worker, over the exact bytes on the topic
        List<ConsumerRecord<String, byte[]>> records = recordsOf(commandId);
        assertThat(records).hasSize(job.size());
        assertThat(records).allSatisfy(r -> assertThat(SigningKeys.verifyEvent(r))
                .isEqualTo(new Verification.Valid(SigningKeys.WORKER_ID)));
    }

    @ParameterizedTest(name = "{0}")
    @Order(2)
    @CsvSource({
            "unsigned, UNAUTHORIZED",
            "signed by a key nobody trusts, UNAUTHORIZED",
            "signed by a stranger under the operator's key id, UNAUTHORIZED",
            "changed after signing, UNAUTHORIZED",
            "signed as a restore, UNAUTHORIZED",
            "signed without requestedAt, MISSING_FIELD",
    })
    void aCommandWithoutAValidSignatureIsRefusedDeadLetteredAndThePartitionMovesOn(String scenario, String code) {
        // Given a bad command of the signing target, then a good one on the same partition
        String bad = Commands.newCommandId();
        byte[] value = backup(bad, SIGNED, !scenario.equals("signed without requestedAt"));
        String good = Commands.newCommandId();
        byte[] goodValue = backup(good, SIGNED, true);

        // When both are published
        byte[] published = switch (scenario) {
            case "unsigned" -> send("backup.commands", SIGNED, value, null);
            case "signed by a key nobody trusts" -> send("backup.commands", SIGNED, value,
                    new Signer("it-stranger", SigningKeys.STRANGER.getPrivate()).sign(SignedKind.BACKUP, value));
            case "signed by a stranger under the operator's key id" -> send("backup.commands", SIGNED, value,
                    new Signer(SigningKeys.OPS_ID, SigningKeys.STRANGER.getPrivate()).sign(SignedKind.BACKUP, value));
            case "changed after signing" -> send("backup.commands", SIGNED,
                    new String(value, StandardCharsets.UTF_8).replace("it:tester", "it:intruder")
                            .getBytes(StandardCharsets.UTF_8),
                    SigningKeys.ops().sign(SignedKind.BACKUP, value));
            case "signed as a restore" -> send("backup.commands", SIGNED, value,
                    SigningKeys.ops().sign(SignedKind.RESTORE, value));
            default -> send("backup.commands", SIGNED, value, SigningKeys.ops().sign(SignedKind.BACKUP, value));
        };
        send("backup.commands", SIGNED, goodValue, SigningKeys.ops().sign(SignedKind.BACKUP, goodValue));

        // Then the bad one is rejected with its code, in a signed event, and dead-lettered byte for byte
        assertRefused(bad, 0, "dev.shoehorn.backup.rejected", code, backupDeadLetters, published, "backup.commands");

        // And the good one behind it runs
        assertThat(Events.types(events.awaitJobEnd(good))).last().isEqualTo("dev.shoehorn.backup.completed");
    }

    @Test
    @Order(3)
    void aSignedBackupCommandReplayedOntoRestoreCommandsIsUnauthorized() {
        // Given a signed backup of the signing target that completed, so that it has an archive to restore
        String commandId = Commands.newCommandId();
        byte[] value = backup(commandId, SIGNED, true);
        String signature = SigningKeys.ops().sign(SignedKind.BACKUP, value);
        send("backup.commands", SIGNED, value, signature);
        assertThat(Events.types(events.awaitJobEnd(commandId))).last().isEqualTo("dev.shoehorn.backup.completed");

        // When the very same record, signature and all, is published onto restore.commands
        send("restore.commands", SIGNED, value, signature);

        // Then it is refused as unauthorized, and nothing is restored
        List<JsonNode> restore = assertRefused(commandId, 1, "dev.shoehorn.restore.rejected", "UNAUTHORIZED",
                restoreDeadLetters, value, "restore.commands");
        assertThat(restore.get(0).path("data").path("error").path("message").asText())
                .contains("does not match this restore");
        assertThat(Events.types(events.ofCommand(commandId))).noneMatch(t -> t.startsWith("dev.shoehorn.restore.")
                && !t.equals("dev.shoehorn.restore.rejected"));
    }

    @Test
    @Order(4)
    void aBadSignatureIsRefusedEvenWhereTheTargetTakesUnsignedCommands() {
        // Given a target that does not require signatures, a forged command for it, then an unsigned one
        String forged = Commands.newCommandId();
        byte[] value = backup(forged, WorkerStack.SOURCE, true);
        String unsigned = Commands.newCommandId();

        // When both are published
        send("backup.commands", WorkerStack.SOURCE, value,
                new Signer(SigningKeys.OPS_ID, SigningKeys.STRANGER.getPrivate()).sign(SignedKind.BACKUP, value));
        send("backup.commands", WorkerStack.SOURCE, backup(unsigned, WorkerStack.SOURCE, false), null);

        // Then the forged one is refused, and the unsigned one runs
        assertRefused(forged, 0, "dev.shoehorn.backup.rejected", "UNAUTHORIZED", backupDeadLetters, value,
                "backup.commands");
        assertThat(Events.types(events.awaitJobEnd(unsigned))).last().isEqualTo("dev.shoehorn.backup.completed");
    }

    @Test
    @Order(Integer.MAX_VALUE) // after the tests above, whose output it reads
    void noLogLineEventOrDeadLetterCarriesAPrivateKey() throws IOException {
        List<String> output = new ArrayList<>();
        output.add(Files.readString(Path.of("target/it-worker.log")));
        for (TopicTail tail : List.of(events.tail(), backupDeadLetters, restoreDeadLetters)) {
            tail.records().forEach(r -> {
                output.add(new String(r.value(), StandardCharsets.UTF_8));
                r.headers().forEach(h -> output.add(new String(h.value(), StandardCharsets.UTF_8)));
            });
        }

        assertThat(output.get(0)).contains("stage=signing keyId=" + SigningKeys.WORKER_ID);
        assertThat(output).hasSizeGreaterThan(20).allSatisfy(text -> assertThat(text)
                .doesNotContain(SigningKeys.privateKeySpellings()));
    }

    /** The refusal of a command after its {@code earlierJobs}: one rejected event (signed by the worker), and its dead letter. */
    private static List<JsonNode> assertRefused(String commandId, int earlierJobs, String type, String code,
            TopicTail deadLetters, byte[] value, String topic) {
        List<JsonNode> job = events.awaitJobEnd(commandId, earlierJobs);
        assertThat(Events.types(job)).containsExactly(type);
        assertThat(job.get(0).path("data").path("error").path("code").asText()).isEqualTo(code);
        assertThat(recordsOf(commandId)).filteredOn(r -> Events.parse(r.value()).path("type").asText().equals(type))
                .singleElement().satisfies(r -> assertThat(SigningKeys.verifyEvent(r))
                        .isInstanceOf(Verification.Valid.class));
        ConsumerRecord<String, byte[]> dead = await().atMost(Duration.ofSeconds(30))
                .until(() -> deadLetters.matching(r -> java.util.Arrays.equals(r.value(), value)), l -> !l.isEmpty())
                .get(0);
        assertThat(header(dead, "error.code")).isEqualTo(code);
        assertThat(header(dead, "original.topic")).isEqualTo(topic);
        assertThat(header(dead, "job.id")).isEqualTo(job.get(0).path("data").path("jobId").asText());
        return job;
    }

    private static List<ConsumerRecord<String, byte[]>> recordsOf(String commandId) {
        return events.tail().matching(r -> commandId.equals(Events.parse(r.value()).path("data").path("commandId")
                .asText(null)));
    }

    private static byte[] backup(String commandId, String target, boolean requestedAt) {
        return ("{\"commandId\":\"" + commandId + "\",\"target\":\"" + target + "\",\"requestedBy\":\"it:tester\""
                + (requestedAt ? ",\"requestedAt\":\"" + Instant.now() + "\"" : "") + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes the value under the target's key, with the signature header when one is given; returns the value. */
    private static byte[] send(String topic, String key, byte[] value, String signature) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (signature != null) {
            record.headers().add(SignatureHeader.NAME, signature.getBytes(StandardCharsets.US_ASCII));
        }
        commands.send(record);
        return value;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
