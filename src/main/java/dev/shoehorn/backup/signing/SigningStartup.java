package dev.shoehorn.backup.signing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * At start-up: refuses a configuration that requires signatures nobody could give (better a
 * worker that does not start than one that refuses every command or ignores every restore), and
 * says in one line what is signed and what is required here.
 */
@ApplicationScoped
public class SigningStartup {

    private static final Logger LOG = Logger.getLogger(SigningStartup.class);

    private final boolean reactionsRun;

    /** Whether a reaction runs here, read by key: the reactions depend on signing, not the other way round. */
    public SigningStartup(
            @ConfigProperty(name = "backup.reactions.backfill.enabled", defaultValue = "false") boolean backfill,
            @ConfigProperty(name = "backup.reactions.cache.enabled", defaultValue = "false") boolean cache) {
        this.reactionsRun = backfill || cache;
    }

    void onStart(@Observes StartupEvent start, Signatures signatures, TargetRegistry targets,
            SignedEventsConfig events) {
        check(signatures, targets.all(), events.requireSignedEvents(), reactionsRun);
    }

    /** @throws IllegalStateException naming every requirement that no trusted key can meet */
    static void check(Signatures signatures, Collection<Target> targets, boolean signedEventsRequired,
            boolean reactionsRun) {
        List<String> signedTargets = targets.stream().filter(Target::requireSignedCommands).map(Target::name).toList();
        List<String> problems = new ArrayList<>();
        if (signatures.trustedKeyIds().isEmpty()) {
            signedTargets.forEach(name -> problems.add("backup.targets." + name
                    + ".require-signed-commands needs at least one backup.signing.public-keys.<keyId>"));
            if (signedEventsRequired && reactionsRun) {
                problems.add("backup.reactions.require-signed-events needs at least one backup.signing.public-keys.<keyId>");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid signing configuration: " + String.join("; ", problems));
        }
        LOG.infof("stage=signing keyId=%s trustedKeys=%s signedCommandTargets=%s signedEvents=%s",
                signatures.signingKeyId().orElse("none"), list(signatures.trustedKeyIds()), list(signedTargets),
                signedEventsRequired ? "required" : "not-required");
    }

    private static String list(Collection<String> names) {
        return names.isEmpty() ? "none" : String.join(",", names);
    }
}
