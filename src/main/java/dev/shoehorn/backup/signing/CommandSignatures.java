package dev.shoehorn.backup.signing;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;

/**
 * The signature rule of the command topics. A target with {@code require-signed-commands} takes
 * only commands with a valid {@code bw-signature}. On every target, a signature that is present
 * but does not verify refuses the command: nobody sends a bad signature by accident, so it is
 * treated as the attack signal it is rather than as an unsigned command. A command whose
 * signature verifies must carry {@code requestedAt}, the signed time that governs its freshness.
 */
@ApplicationScoped
public class CommandSignatures {

    private static final Logger LOG = Logger.getLogger(CommandSignatures.class);

    private final Signatures signatures;
    private final TargetRegistry targets;

    public CommandSignatures(Signatures signatures, TargetRegistry targets) {
        this.signatures = signatures;
        this.targets = targets;
    }

    /** What the rule makes of one command record. */
    public sealed interface Decision permits Decision.Unsigned, Decision.Signed, Decision.Refused {

        /** No signature, on a target that does not require one. */
        record Unsigned() implements Decision {
        }

        /** A valid signature of a trusted key: {@code requestedAt}, signed, governs the command's freshness. */
        record Signed(String keyId, Instant requestedAt) implements Decision {
        }

        /** To be refused (UNAUTHORIZED, or MISSING_FIELD for a signed command without requestedAt). */
        record Refused(Failure failure) implements Decision {
        }
    }

    /**
     * Applies the rule to a record of {@code kind}'s topic naming {@code target}; {@code requestedAt}
     * is the command's own, if it has one.
     */
    public Decision check(SignedKind kind, Message<byte[]> message, String target, Optional<Instant> requestedAt) {
        Verification verification = signatures.verify(kind, message);
        if (verification instanceof Verification.Valid valid) {
            if (requestedAt.isEmpty()) {
                return refuse(ErrorCode.MISSING_FIELD,
                        "requestedAt is required on a signed command: its signed time governs freshness");
            }
            LOG.debugf("target=%s kind=%s stage=signature-valid keyId=%s", target, kind.label(), valid.keyId());
            return new Decision.Signed(valid.keyId(), requestedAt.get());
        }
        if (verification instanceof Verification.Invalid invalid) {
            return refuse(ErrorCode.UNAUTHORIZED, "the " + SignatureHeader.NAME + " header is not valid: "
                    + invalid.reason());
        }
        if (targets.find(target).map(Target::requireSignedCommands).orElse(false)) {
            return refuse(ErrorCode.UNAUTHORIZED, "target " + target + " takes signed commands only: the record has no "
                    + SignatureHeader.NAME + " header");
        }
        return new Decision.Unsigned();
    }

    private static Decision refuse(ErrorCode code, String message) {
        return new Decision.Refused(Failure.permanent(code, message));
    }
}
