package dev.shoehorn.backup.command;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Crash points for the tests of the crash guarantees (docs/reliability.md): with
 * {@code backup.faults.halt-at=<point>} the worker halts, as a SIGKILL would stop it, the first time
 * a job reaches that point. Never set in production; the start-up log says when it is.
 */
@ApplicationScoped
public class Faults {

    /** After the manifest (the commit point of a backup) is written. */
    public static final String AFTER_MANIFEST = "after-manifest";
    /** After a restore's archive is applied to the target and that is recorded. */
    public static final String AFTER_APPLY = "after-apply";
    /** After the job's terminal event is acknowledged, before its record is finished. */
    public static final String AFTER_TERMINAL_EVENT = "after-terminal-event";
    /** After the record is finished, before the command's offset is committed. */
    public static final String AFTER_RECORD = "after-record";

    private static final Logger LOG = Logger.getLogger(Faults.class);

    private final Optional<String> haltAt;

    public Faults(@ConfigProperty(name = "backup.faults.halt-at") Optional<String> haltAt) {
        this.haltAt = haltAt.filter(p -> !p.isBlank());
    }

    void onStart(@Observes StartupEvent start) {
        haltAt.ifPresent(p -> LOG.warnf("stage=faults haltAt=%s msg=\"test crash point armed\"", p));
    }

    public void at(String point) {
        if (haltAt.isPresent() && haltAt.get().equals(point)) {
            LOG.warnf("stage=halting point=%s", point);
            Runtime.getRuntime().halt(137);
        }
    }
}
