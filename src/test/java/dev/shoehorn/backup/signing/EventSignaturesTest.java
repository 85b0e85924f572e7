package dev.shoehorn.backup.signing;

import static dev.shoehorn.backup.signing.TestSigning.bytes;
import static dev.shoehorn.backup.signing.TestSigning.record;
import static dev.shoehorn.backup.signing.TestSigning.trust;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which restore.completed records a reaction may act on. */
class EventSignaturesTest {

    private static final KeyPair WORKER = Ed25519Keys.generate();
    private static final KeyPair ROGUE = Ed25519Keys.generate();
    private static final String RESTORE_JOB = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private static final byte[] EVENT = bytes("{\"type\":\"dev.shoehorn.restore.completed\",\"data\":{\"jobId\":\""
            + RESTORE_JOB + "\",\"postRestore\":{\"flushCache\":true},\"secret-looking\":\"payload-marker\"}}");

    private final Signatures reactor = TestSigning.verifying(trust("worker-1", WORKER));

    @ParameterizedTest(name = "{0}: required {1}, not required {2}")
    @CsvSource({
            "unsigned, false, true",
            "signed by an untrusted key, false, true",
            "signed as a backup command, false, true",
            "signed by a trusted worker, true, true",
    })
    void onlyAValidEventSignatureLetsAReactionActWhereSignedEventsAreRequired(String event, boolean whenRequired,
            boolean whenNotRequired) {
        Message<byte[]> record = switch (event) {
            case "unsigned" -> record("backup.progress", EVENT);
            case "signed by an untrusted key" -> record("backup.progress", EVENT,
                    new Signer("worker-1", ROGUE.getPrivate()).sign(SignedKind.EVENT, EVENT));
            case "signed as a backup command" -> record("backup.progress", EVENT,
                    new Signer("worker-1", WORKER.getPrivate()).sign(SignedKind.BACKUP, EVENT));
            default -> record("backup.progress", EVENT, new Signer("worker-1", WORKER.getPrivate())
                    .sign(SignedKind.EVENT, EVENT));
        };

        assertThat(gate(true).admits("cache-flush", record, RESTORE_JOB)).isEqualTo(whenRequired);
        assertThat(gate(false).admits("cache-flush", record, RESTORE_JOB)).isEqualTo(whenNotRequired);
    }

    @Test
    void aRefusalIsOneKeyValueLineWithoutThePayload() {
        try (LogCapture log = new LogCapture(EventSignatures.class.getName())) {
            // When a forged event is refused
            gate(true).admits("backfill", record("backup.progress", EVENT), RESTORE_JOB);

            // Then one line says which reaction, which restore, why and where the record is, and nothing of its value
            assertThat(log.lines()).containsExactly("reaction=backfill restoreJob=" + RESTORE_JOB
                    + " stage=refused verdict=missing reason=\"no signature\" partition=1 offset=42");
        }
    }

    private EventSignatures gate(boolean required) {
        return new EventSignatures(reactor, () -> required);
    }
}
