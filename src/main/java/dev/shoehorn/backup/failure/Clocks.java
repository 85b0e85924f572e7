package dev.shoehorn.backup.failure;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * The clock of the worker's schedule loops (backups, drills, retention, the overdue watchdog): the
 * system's UTC clock. For the tests of schedules only, {@code backup.faults.clock-file=<file>} makes it
 * a {@link FileClock} that the test sets and steps, so that no test waits for cron time and several
 * worker processes share one time. Never set in production; the start-up log says when it is.
 */
@ApplicationScoped
public class Clocks {

    private static final Logger LOG = Logger.getLogger(Clocks.class);

    private final Optional<Path> clockFile;

    public Clocks(@ConfigProperty(name = "backup.faults.clock-file") Optional<String> clockFile) {
        this.clockFile = clockFile.filter(f -> !f.isBlank()).map(Path::of);
    }

    @Produces
    @Singleton
    Clock clock() {
        return clockFile.<Clock>map(f -> new FileClock(f, Clock.systemUTC())).orElseGet(Clock::systemUTC);
    }

    void onStart(@Observes StartupEvent start) {
        clockFile.ifPresent(f -> LOG.warnf("stage=faults clockFile=%s msg=\"schedules run on a test clock\"", f));
    }
}
