package dev.shoehorn.backup.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Fault hooks for the tests of the crash guarantees (docs/reliability.md): with
 * {@code backup.faults.halt-file=<file>} the worker reads that file at each crash point and halts,
 * as a SIGKILL would stop it, when the file names that point and the job's command
 * ({@code <point> <commandId>}), so that a test arms a running worker for one command and starts no
 * worker of its own for it; with {@code backup.faults.throw-at=<point>} the job throws there
 * something that no step of it catches, as a bug would. Never set in production; the start-up log
 * says when one is.
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

    private final Optional<Path> haltFile;
    private final Optional<String> throwAt;

    public Faults(@ConfigProperty(name = "backup.faults.halt-file") Optional<String> haltFile,
            @ConfigProperty(name = "backup.faults.throw-at") Optional<String> throwAt) {
        this.haltFile = haltFile.filter(f -> !f.isBlank()).map(Path::of);
        this.throwAt = throwAt.filter(p -> !p.isBlank());
    }

    void onStart(@Observes StartupEvent start) {
        haltFile.ifPresent(f -> LOG.warnf("stage=faults haltFile=%s msg=\"test crash points read\"", f));
        throwAt.ifPresent(p -> LOG.warnf("stage=faults throwAt=%s msg=\"test fault armed\"", p));
    }

    /** The crash point {@code point} of a job of the command {@code commandId}. */
    public void at(String point, String commandId) {
        if (haltFile.isPresent() && armed(haltFile.get()).equals(point + " " + commandId)) {
            LOG.warnf("stage=halting point=%s command=%s", point, commandId);
            Runtime.getRuntime().halt(137);
        }
        if (throwAt.filter(point::equals).isPresent()) {
            throw new InjectedFault(point);
        }
    }

    /** What the halt file names now; nothing while there is none. */
    private static String armed(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            LOG.warnf("stage=faults haltFile=%s msg=\"%s\"", file, e.getMessage());
            return "";
        }
    }

    /** An Error, not an exception: it passes every catch of a job's steps, as the worst bug would. */
    static final class InjectedFault extends Error {
        InjectedFault(String point) {
            super("fault injected at " + point);
        }
    }
}
