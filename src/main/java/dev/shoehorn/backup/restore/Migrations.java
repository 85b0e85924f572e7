package dev.shoehorn.backup.restore;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalInt;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.ToolProcess;

/**
 * Runs the target's configured migration command after a restore, with the target's connection
 * settings in its environment. The command comes from configuration only, never from a message.
 */
@ApplicationScoped
public class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class);
    private static final Duration TIMEOUT = Duration.ofHours(1);

    public void run(Target target, String jobId, Cancellation cancellation) {
        if (target.migrateCommand().isEmpty()) {
            throw new JobFailedException(Failure.permanent(ErrorCode.MIGRATION_FAILED,
                    "migrations were requested but target " + target.name()
                            + " has no backup.targets." + target.name() + ".migrate-command"));
        }
        LOG.infof("job=%s target=%s stage=migrating command=%s", jobId, target.name(), target.migrateCommand().get(0));
        try (ToolProcess migrate = ToolProcess.start(target.migrateCommand(), target, cancellation,
                ToolProcess.Stdout.MERGE)) {
            OptionalInt exit = migrate.waitFor(TIMEOUT);
            cancellation.check();
            if (exit.isEmpty()) {
                throw new JobFailedException(Failure.permanent(ErrorCode.MIGRATION_FAILED,
                        "the migration command did not finish within " + TIMEOUT));
            }
            if (exit.getAsInt() != 0) {
                throw new JobFailedException(Failure.permanent(ErrorCode.MIGRATION_FAILED,
                        "the migration command exited with " + exit.getAsInt() + ": " + migrate.diagnostics()));
            }
        } catch (IOException e) {
            throw new JobFailedException(Failure.permanent(ErrorCode.MIGRATION_FAILED,
                    "cannot run the migration command: " + e.getMessage()), e);
        }
    }
}
