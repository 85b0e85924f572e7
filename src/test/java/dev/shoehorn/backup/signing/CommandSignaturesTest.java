package dev.shoehorn.backup.signing;

import static dev.shoehorn.backup.signing.TestSigning.bytes;
import static dev.shoehorn.backup.signing.TestSigning.record;
import static dev.shoehorn.backup.signing.TestSigning.trust;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.shoehorn.backup.target.TargetRegistry;
import dev.shoehorn.backup.target.TestTargets;

/** The signature rule of the command topics, case by case (docs/security.md). */
class CommandSignaturesTest {

    private static final KeyPair OPS = Ed25519Keys.generate();
    private static final KeyPair ROGUE = Ed25519Keys.generate();
    private static final String COMMAND_ID = "2f0d6f1e-6a55-4a0e-9a43-8f7d2b9f6c11";
    private static final Instant REQUESTED_AT = Instant.parse("2026-11-28T02:00:00Z");

    private final Signatures worker = TestSigning.verifying(trust("ops", OPS));
    private final CommandSignatures rule = new CommandSignatures(worker, targets());

    @ParameterizedTest(name = "{0} target, {1} signature, requestedAt {2}: {3}")
    @CsvSource({
            "signed, none, true, UNAUTHORIZED",
            "signed, valid, true, accepted",
            "signed, valid, false, MISSING_FIELD",
            "signed, untrusted, true, UNAUTHORIZED",
            "signed, restore-kind, true, UNAUTHORIZED",
            "open, none, false, accepted",
            "open, valid, true, accepted",
            "open, valid, false, MISSING_FIELD",
            "open, untrusted, true, UNAUTHORIZED",
            "open, restore-kind, true, UNAUTHORIZED",
    })
    void aCommandIsRefusedOnlyWhenItsSignatureFailsTheRule(String target, String signature, boolean requestedAt,
            String outcome) {
        // Given a backup command of the target, signed or not
        byte[] value = bytes("{\"commandId\":\"" + COMMAND_ID + "\",\"target\":\"" + target + "\"}");
        Message<byte[]> message = signature.equals("none") ? record("backup.commands", value)
                : record("backup.commands", value, sign(signature, value));

        // When the rule looks at it
        CommandSignatures.Decision decision = rule.check(SignedKind.BACKUP, message, target,
                Optional.ofNullable(requestedAt ? REQUESTED_AT : null));

        // Then it passes (signed or not), or is refused with the code
        if (outcome.equals("accepted")) {
            assertThat(decision).isNotInstanceOf(CommandSignatures.Decision.Refused.class);
            assertThat(decision instanceof CommandSignatures.Decision.Signed).isEqualTo(!signature.equals("none"));
        } else {
            assertThat(decision).isInstanceOfSatisfying(CommandSignatures.Decision.Refused.class,
                    r -> assertThat(r.failure().code()).hasToString(outcome));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "none | target signed takes signed commands only: the record has no bw-signature header",
            "untrusted | the bw-signature header is not valid: unknown key id ops-old",
    })
    void theRefusalSaysWhyInWordsSafeForEventsAndDeadLetters(String signature, String message) {
        byte[] value = bytes("{\"target\":\"signed\"}");
        Message<byte[]> record = signature.equals("none") ? record("backup.commands", value)
                : record("backup.commands", value, new Signer("ops-old", ROGUE.getPrivate()).sign(SignedKind.BACKUP, value));

        assertThat(rule.check(SignedKind.BACKUP, record, "signed", Optional.of(REQUESTED_AT)))
                .isInstanceOfSatisfying(CommandSignatures.Decision.Refused.class,
                        r -> assertThat(r.failure().message()).isEqualTo(message));
    }

    private static String sign(String how, byte[] value) {
        return switch (how) {
            case "valid" -> new Signer("ops", OPS.getPrivate()).sign(SignedKind.BACKUP, value);
            case "untrusted" -> new Signer("ops", ROGUE.getPrivate()).sign(SignedKind.BACKUP, value);
            case "restore-kind" -> new Signer("ops", OPS.getPrivate()).sign(SignedKind.RESTORE, value);
            default -> throw new IllegalArgumentException(how);
        };
    }

    private static TargetRegistry targets() {
        var open = TestTargets.config("open", Optional.empty());
        var signed = TestTargets.config("signed").signedCommandsOnly();
        return new TargetRegistry(() -> Map.of("open", open, "signed", signed), dev.shoehorn.backup.codec.Keys.of(java.util.Optional.empty()));
    }
}
