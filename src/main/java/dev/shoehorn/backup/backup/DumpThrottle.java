package dev.shoehorn.backup.backup;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * Holds a directory dump's local disk to a limit when storage is slower than pg_dump: pg_dump and
 * its workers are stopped (SIGSTOP) while their files hold more than the limit, and continued
 * (SIGCONT) once half of it is left, or once every byte written has been read, so a file whose
 * head cannot be given back never holds the dump still. Stopped, pg_dump keeps its snapshot; the
 * server's side of its COPY simply waits.
 */
final class DumpThrottle {

    private static final Logger LOG = Logger.getLogger(DumpThrottle.class);
    private static final HostCommand KILL = HostCommand.find("kill");

    private final ProcessHandle pgDump;
    private final long limit;
    private final String job;
    private boolean enabled;
    private boolean stopped;
    private int pauses;

    DumpThrottle(ProcessHandle pgDump, long limit, String job) {
        this.pgDump = pgDump;
        this.limit = limit;
        this.job = job;
        this.enabled = KILL.available();
    }

    /** Stops or continues pg_dump for {@code onDisk} bytes held locally, {@code unread} of them not yet read. */
    void adjust(long onDisk, long unread) {
        if (!enabled) {
            return;
        }
        if (!stopped && onDisk > limit && unread > 0) {
            Optional<String> failed = signal("STOP");
            if (failed.isPresent()) {
                // some may have stopped before the failure
                signal("CONT");
                disable("pg_dump could not be paused: " + failed.get());
                return;
            }
            stopped = true;
            pauses++;
            LOG.infof("job=%s stage=dump-paused localBytes=%d limitBytes=%d", job, onDisk, limit);
        } else if (stopped && (onDisk <= limit / 2 || unread == 0)) {
            resume();
            LOG.infof("job=%s stage=dump-resumed localBytes=%d", job, onDisk);
        }
    }

    /** Continues pg_dump if stopped; called whatever happens, as a stopped process cannot end. */
    void resume() {
        if (stopped) {
            stopped = false;
            signal("CONT").filter(failed -> pgDump.isAlive()).ifPresent(failed ->
                    // a live pg_dump left stopped would hold its snapshot for good
                    LOG.errorf("job=%s stage=dump-resume-failed msg=\"%s\"", job, failed));
        }
    }

    /** Stops the throttle for this dump, whose files cannot be given back as they are read. */
    void disable(String reason) {
        if (enabled) {
            resume();
            enabled = false;
            LOG.warnf("job=%s stage=local-disk-unbounded msg=\"%s\"", job, reason);
        }
    }

    int pauses() {
        return pauses;
    }

    /**
     * Signals pg_dump and its descendants; a child that ended meanwhile fails {@code kill}, which
     * is then tried again once with those still there.
     */
    private Optional<String> signal(String name) {
        Optional<String> failed = Optional.empty();
        for (int attempt = 0; attempt < 2; attempt++) {
            List<ProcessHandle> processes = Stream.concat(Stream.of(pgDump), pgDump.descendants())
                    .filter(ProcessHandle::isAlive).toList();
            if (processes.isEmpty()) {
                return Optional.empty();
            }
            try {
                failed = KILL.run(Stream.concat(Stream.of("-s", name), processes.stream().map(p -> Long.toString(p.pid())))
                        .toList());
            } catch (java.io.IOException e) {
                return Optional.of("kill could not run: " + e.getMessage());
            }
            if (failed.isEmpty() || processes.stream().allMatch(ProcessHandle::isAlive)) {
                return failed;
            }
        }
        return failed;
    }
}
