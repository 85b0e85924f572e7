package dev.shoehorn.backup.restore;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.command.CommandJob;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.tracing.Stage;
import dev.shoehorn.backup.tracing.Traces;

/**
 * Restore mode {@code swap}: the archive goes into a fresh database beside the target
 * ({@code <db>_restore_<job>}), migrations and the row-level-security check run there, and only
 * then is it swapped in by rename, the target's database being kept as {@code <db>_before_<job>}
 * for {@code backup.restore.keep-before}. Until the rename the target is untouched; any failure
 * drops the fresh database. A rollback swaps a kept database back in the same way. Runs under the
 * target's lock, which is held on the maintenance database and so survives the swap.
 */
@ApplicationScoped
public class SwapRestore {

    private static final Logger LOG = Logger.getLogger(SwapRestore.class);

    private final ArchiveRestorer restorer;
    private final SwapSweeper sweeper;
    private final RestoreConfig config;
    private final Traces traces;

    public SwapRestore(ArchiveRestorer restorer, SwapSweeper sweeper, RestoreConfig config, Traces traces) {
        this.traces = traces;
        this.restorer = restorer;
        this.sweeper = sweeper;
        this.config = config;
    }

    /** Whether {@code id} can name the restore job a rollback undoes: its jobId or the jobId's first 8 hex digits. */
    public static boolean isJobReference(String id) {
        return SwapNames.isJobReference(id);
    }

    /**
     * Restores the command's archive into a fresh database beside the target, runs {@code checks}
     * on that database, then swaps it in. Returns the name the displaced database is kept under.
     * A failure before the swap leaves the target as it was.
     */
    public String restore(RestoreCommand command, CommandJob commandJob, Consumer<Target> checks) {
        Target target = commandJob.target();
        Cancellation cancellation = commandJob.cancellation();
        String job = commandJob.events().jobId();
        String fresh = SwapNames.scratch(target.database(), job);
        String kept = SwapNames.kept(target.database(), job);
        SwapMarker marker = SwapMarker.scratch(target.database(), job, command.commandId().toString(), Instant.now());
        boolean swappedAlready = admin(target, "preparing " + fresh, c -> {
            if (keptMarker(c, target, kept, job).isPresent()) {
                return true; // by an earlier attempt of this job, whose commit's answer was lost
            }
            sweeper.sweepLocked(c, target);
            Databases.drop(c, fresh); // left by an earlier attempt of this job
            // left by the job of this command that died part-way: it can swap nothing in any more, as
            // this job holds the target's lock and the command's claim; the sweeper would wait a job timeout
            Optional<String> deadJob = commandJob.earlier().map(e -> e.jobId());
            if (deadJob.isPresent()) {
                String dead = SwapNames.scratch(target.database(), deadJob.get());
                if (marker(c, target, dead, deadJob.get()).isPresent() && Databases.drop(c, dead)) {
                    LOG.infof("job=%s target=%s stage=dead-job-database-dropped database=%s", job, target.name(),
                            dead);
                }
            }
            return false;
        });
        if (swappedAlready) {
            return kept;
        }
        boolean swapped = false;
        try {
            admin(target, "creating " + fresh, c -> {
                Databases.createBeside(c, fresh, target.database());
                Databases.setComment(c, fresh, marker.toComment());
                // The target's settings and grants from the start, so that restore and checks see what the target would.
                identity(c, target).withComment(marker.toComment()).applyTo(c, fresh);
                return null;
            });
            LOG.infof("job=%s target=%s stage=fresh-database-created database=%s", job, target.name(), fresh);
            Target into = target.onDatabase(fresh);
            restorer.restore(command, commandJob, into, RestoreMode.SWAP);
            checks.accept(into);
            cancellation.check();
            // The rename is the commit point: only while this job still holds the target.
            traces.run(Stage.SWAP, commandJob.events().trace(), () -> {
                commandJob.lock().ensureHeld();
                admin(target, "swapping " + fresh + " in", c -> {
                    new DatabaseSwap(target.name(), job, target.database(), fresh, marker, kept,
                            SwapMarker.kept(target.database(), job, command.commandId().toString(), Instant.now()))
                            .run(c);
                    return null;
                });
            });
            swapped = true;
            return kept;
        } finally {
            if (!swapped) {
                dropFresh(target, fresh, job);
            }
        }
    }

    /**
     * Swaps the database kept by the restore job {@code command.rollbackOf()} back in; the displaced
     * one is kept in turn, so that a rollback can be undone. Returns the name it is kept under.
     */
    public String rollback(RestoreCommand command, CommandJob commandJob) {
        Target target = commandJob.target();
        String job = commandJob.events().jobId();
        String rollbackOf = command.rollbackOf().orElseThrow();
        String incoming = SwapNames.kept(target.database(), rollbackOf);
        String kept = SwapNames.kept(target.database(), job);
        return traces.call(Stage.SWAP, commandJob.events().trace(), () -> admin(target, "rolling back to " + incoming,
                c -> {
                    if (keptMarker(c, target, kept, job).isPresent()) {
                        return kept; // by an earlier attempt of this job, whose commit's answer was lost
                    }
                    sweeper.sweepLocked(c, target);
                    SwapMarker marker = keptMarker(c, target, incoming, rollbackOf).orElseThrow(() ->
                            new JobFailedException(Failure.permanent(ErrorCode.KEPT_DATABASE_NOT_FOUND, "target "
                                    + target.name() + " has no database " + incoming + " kept by restore job "
                                    + rollbackOf + " (not a swap of this target, or dropped after "
                                    + "backup.restore.keep-before); the target was not changed")));
                    commandJob.cancellation().check();
                    commandJob.lock().ensureHeld();
                    new DatabaseSwap(target.name(), job, target.database(), incoming, marker, kept,
                            SwapMarker.kept(target.database(), job, command.commandId().toString(), Instant.now()))
                            .run(c);
                    return kept;
                }));
    }

    /**
     * Whether the swap of job {@code jobId} into {@code target} happened: its kept database exists
     * and says so. For a redelivered command whose worker died between the swap and recording the
     * command as done: the archive must not be restored again over what was written since.
     */
    public boolean swapDone(Target target, String jobId) {
        String kept = SwapNames.kept(target.database(), jobId);
        return admin(target, "looking for " + kept, c -> keptMarker(c, target, kept, jobId).isPresent());
    }

    /**
     * With {@code backup.restore.keep-before} 0, drops the displaced database now. Call it once the
     * command is recorded as done: until then {@link #swapDone} needs that database. Returns the
     * database while it stays kept.
     */
    public Optional<String> release(Target target, String kept, String job) {
        if (config.keepBefore().compareTo(Duration.ZERO) > 0) {
            return Optional.of(kept);
        }
        try (Connection c = Postgres.connect(target, target.maintenanceDatabase())) {
            Databases.drop(c, kept);
            LOG.infof("job=%s target=%s stage=kept-database-dropped database=%s", job, target.name(), kept);
            return Optional.empty();
        } catch (SQLException e) {
            LOG.warnf("job=%s target=%s stage=kept-database-drop-failed database=%s msg=\"%s\"", job, target.name(),
                    kept, e.getMessage());
            return Optional.of(kept);
        }
    }

    private static Optional<SwapMarker> keptMarker(Connection c, Target target, String name, String jobRef)
            throws SQLException {
        return marker(c, target, name, jobRef).filter(SwapMarker::kept);
    }

    /** The marker of the database {@code name} beside the target, if it agrees with that name and names the job. */
    private static Optional<SwapMarker> marker(Connection c, Target target, String name, String jobRef)
            throws SQLException {
        return Databases.comment(c, name).flatMap(SwapMarker::parse)
                .filter(m -> m.describes(name, target.database()) && m.job().startsWith(jobRef));
    }

    private static DatabaseIdentity identity(Connection c, Target target) throws SQLException {
        return DatabaseIdentity.read(c, target.database())
                .orElseThrow(() -> new SQLException("database " + target.database() + " does not exist", "3D000"));
    }

    /** Should this fail, the sweeper drops the database once it is older than the job timeout. */
    static void dropFresh(Target target, String fresh, String job) {
        try (Connection c = Postgres.connect(target, target.maintenanceDatabase())) {
            if (Databases.drop(c, fresh)) {
                LOG.infof("job=%s target=%s stage=fresh-database-dropped database=%s", job, target.name(), fresh);
            }
        } catch (SQLException e) {
            LOG.warnf("job=%s target=%s stage=fresh-database-drop-failed database=%s msg=\"%s\"", job, target.name(),
                    fresh, e.getMessage());
        }
    }

    @FunctionalInterface
    interface Admin<T> {
        T on(Connection maintenance) throws SQLException;
    }

    /** Work on a session of the target's maintenance database, its SQL errors as job failures (swaps and drills). */
    static <T> T admin(Target target, String doing, Admin<T> work) {
        try (Connection c = Postgres.connect(target, target.maintenanceDatabase())) {
            return work.on(c);
        } catch (SQLException e) {
            throw failure(target, doing, e);
        }
    }

    /** A lost connection or a server shutting down is worth another attempt, a database in use too; the rest is not. */
    static JobFailedException failure(Target target, String doing, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = doing + " on the server of target " + target.name() + ": " + e.getMessage();
        Failure failure;
        if (state.startsWith("08") || state.startsWith("57")) {
            failure = Failure.retryable(ErrorCode.TARGET_UNREACHABLE, message);
        } else if ("55006".equals(state) || state.startsWith("40")) {
            failure = Failure.retryable(ErrorCode.SWAP_FAILED, message);
        } else {
            failure = Failure.permanent(ErrorCode.SWAP_FAILED, message);
        }
        return new JobFailedException(failure, e);
    }
}
