package dev.shoehorn.backup.signing;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.shoehorn.backup.command.Rejection;
import dev.shoehorn.backup.job.ErrorCode;
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

    /** The rule for one command topic; {@code requestedAt} reads a command's signed time (null when absent). */
    public <C> Check<C> of(SignedKind kind, Function<C, Instant> requestedAt) {
        return new Check<>(kind, requestedAt);
    }

    /** The rule bound to one kind of command. */
    public final class Check<C> {

        private final SignedKind kind;
        private final Function<C, Instant> requestedAt;

        private Check(SignedKind kind, Function<C, Instant> requestedAt) {
            this.kind = kind;
            this.requestedAt = requestedAt;
        }

        /** Why the parsed command must be refused; empty when its signature, or its lack of one, is acceptable. */
        public Optional<Rejection> refusal(Message<byte[]> message, C command, String commandId, String target) {
            Verification verification = signatures.verify(kind, message);
            if (verification instanceof Verification.Valid valid) {
                if (requestedAt.apply(command) == null) {
                    return refuse(ErrorCode.MISSING_FIELD,
                            "requestedAt is required on a signed command: its signed time governs freshness",
                            commandId, target);
                }
                LOG.debugf("commandId=%s target=%s kind=%s stage=signature-valid keyId=%s", commandId, target,
                        kind.label(), valid.keyId());
                return Optional.empty();
            }
            if (verification instanceof Verification.Invalid invalid) {
                return refuse(ErrorCode.UNAUTHORIZED, "the " + SignatureHeader.NAME + " header is not valid: "
                        + invalid.reason(), commandId, target);
            }
            if (targets.find(target).map(Target::requireSignedCommands).orElse(false)) {
                return refuse(ErrorCode.UNAUTHORIZED, "target " + target + " takes signed commands only: the record has no "
                        + SignatureHeader.NAME + " header", commandId, target);
            }
            return Optional.empty();
        }

        private Optional<Rejection> refuse(ErrorCode code, String message, String commandId, String target) {
            return Optional.of(new Rejection(code, message, commandId, target));
        }
    }
}
