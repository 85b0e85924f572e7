package dev.shoehorn.backup.command;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Fault hooks for the tests of the crash guarantees (docs/reliability.md): with
 * {@code backup.faults.halt-at=<point>} the worker halts, as a SIGKILL would stop it, when a job
 * reaches that point; with {@code backup.faults.throw-at=<point>} the job throws there something
 * that no step of it catches, as a bug would. Never set in production; the start-up log says when
 * one is.
 */
@ApplicationScoped
public class Faults {

    /** Before the kind's work starts, under the target's lock. */
    public static final String BEFORE_WORK = "before-work";
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
    private final Optional<String> throwAt;

    public Faults(@ConfigProperty(name = "backup.faults.halt-at") Optional<String> haltAt,
            @ConfigProperty(name = "backup.faults.throw-at") Optional<String> throwAt) {
        this.haltAt = haltAt.filter(p -> !p.isBlank());
        this.throwAt = throwAt.filter(p -> !p.isBlank());
    }

    void onStart(@Observes StartupEvent start) {
        haltAt.ifPresent(p -> LOG.warnf("stage=faults haltAt=%s msg=\"test crash point armed\"", p));
        throwAt.ifPresent(p -> LOG.warnf("stage=faults throwAt=%s msg=\"test fault armed\"", p));
    }

    public void at(String point) {
        if (haltAt.filter(point::equals).isPresent()) {
            LOG.warnf("stage=halting point=%s", point);
            Runtime.getRuntime().halt(137);
        }
        if (throwAt.filter(point::equals).isPresent()) {
            throw new InjectedFault(point);
        }
    }

    /** An Error, not an exception: it passes every catch of a job's steps, as the worst bug would. */
    static final class InjectedFault extends Error {
        InjectedFault(String point) {
            super("fault injected at " + point);
        }
    }
}
