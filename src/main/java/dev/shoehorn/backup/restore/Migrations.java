package dev.shoehorn.backup.restore;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.backup.StderrTail;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.job.ErrorCode;
import dev.shoehorn.backup.job.Failure;
import dev.shoehorn.backup.job.JobFailedException;
import dev.shoehorn.backup.target.PgEnvironment;
import dev.shoehorn.backup.target.Target;

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
        Process process = null;
        Runnable unhook = () -> { };
        try (PgEnvironment env = PgEnvironment.forTarget(target)) {
            ProcessBuilder builder = new ProcessBuilder(target.migrateCommand()).redirectErrorStream(true);
            env.apply(builder.environment());
            LOG.infof("job=%s target=%s stage=migrating command=%s", jobId, target.name(), target.migrateCommand().get(0));
            process = builder.start();
            Process child = process;
            unhook = cancellation.onCancel(child::destroyForcibly);
            StderrTail output = StderrTail.drain(process.getInputStream(), "migrate");
            boolean exited = process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            cancellation.check();
            if (!exited) {
                throw new JobFailedException(Failure.permanent(ErrorCode.MIGRATION_FAILED,
                        "the migration command did not finish within " + TIMEOUT));
            }
            if (process.exitValue() != 0) {
                throw new JobFailedException(Failure.permanent(ErrorCode.MIGRATION_FAILED,
                        "the migration command exited with " + process.exitValue() + ": " + output.text()));
            }
        } catch (IOException e) {
            throw new JobFailedException(Failure.permanent(ErrorCode.MIGRATION_FAILED,
                    "cannot run the migration command: " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
        } finally {
            unhook.run();
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
