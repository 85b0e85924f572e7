package dev.shoehorn.backup.signing;

import static dev.shoehorn.backup.signing.TestSigning.trust;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TestTargets;

class SigningStartupTest {

    private static final KeyPair OPS = Ed25519Keys.generate();
    private static final Target SIGNED = new Target("shoehorn",
            TestTargets.config("shoehorn").signedCommandsOnly());
    private static final Target OPEN = new Target("scratch", TestTargets.config("scratch", Optional.empty()));

    @Test
    void requirementsThatNoTrustedKeyCanMeetStopStartUp() {
        // Given a worker that trusts no key, a target requiring signed commands and reactions requiring signed events
        Signatures trustsNothing = TestSigning.verifying(Map.of());

        // When it starts
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> SigningStartup.check(trustsNothing, List.of(SIGNED, OPEN), true, true));

        // Then it stops, naming both keys
        assertThat(e.getMessage()).isEqualTo("invalid signing configuration: backup.targets.shoehorn"
                + ".require-signed-commands needs at least one backup.signing.public-keys.<keyId>; "
                + "backup.reactions.require-signed-events needs at least one backup.signing.public-keys.<keyId>");
    }

    @Test
    void signedEventsRequiredWhereNoReactionRunsNeedNoKey() {
        assertThatCode(() -> SigningStartup.check(TestSigning.verifying(Map.of()), List.of(OPEN), true, false))
                .doesNotThrowAnyException();
    }

    @Test
    void startUpSaysInOneLineWhatIsSignedAndRequired() {
        try (LogCapture log = new LogCapture(SigningStartup.class.getName())) {
            SigningStartup.check(TestSigning.signatures("worker-1", OPS, trust("worker-1", OPS)), List.of(SIGNED, OPEN),
                    true, true);

            assertThat(log.lines()).containsExactly("stage=signing keyId=worker-1 trustedKeys=worker-1 "
                    + "signedCommandTargets=shoehorn signedEvents=required");
        }
    }
}
