package dev.shoehorn.backup.target;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;

/**
 * A child process working on a target for a job (pg_dump, pg_restore, a migration command): it
 * gets an allow-listed environment with the target's libpq settings and pass file
 * ({@link PgEnvironment}), has its lock waits bounded ({@link LockWaitGuard}), dies with the job's
 * cancellation, keeps the last lines of its diagnostics, and is killed and cleaned up on close
 * whatever happened.
 */
public final class ToolProcess implements AutoCloseable {

    /** What happens to the child's standard output. */
    public enum Stdout {
        /** The caller reads it ({@link #stdout()}). */
        PIPE,
        /** Thrown away. */
        DISCARD,
        /** Merged with stderr into the kept diagnostics. */
        MERGE
    }

    private final Process process;
    private final PgEnvironment env;
    private final LockWaitGuard guard;
    private final Runnable unhook;
    private final OutputTail diagnostics;

    private ToolProcess(Process process, PgEnvironment env, LockWaitGuard guard, Runnable unhook,
            OutputTail diagnostics) {
        this.process = process;
        this.env = env;
        this.guard = guard;
        this.unhook = unhook;
        this.diagnostics = diagnostics;
    }

    public static ToolProcess start(List<String> argv, Target target, Cancellation cancellation, Stdout stdout)
            throws IOException {
        String name = java.nio.file.Path.of(argv.get(0)).getFileName().toString();
        PgEnvironment env = PgEnvironment.forTarget(target, name);
        try {
            ProcessBuilder builder = new ProcessBuilder(argv);
            env.apply(builder.environment());
            if (stdout == Stdout.DISCARD) {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            builder.redirectErrorStream(stdout == Stdout.MERGE);
            Process process = builder.start();
            Runnable unhook = cancellation.onCancel(process::destroyForcibly);
            OutputTail tail = OutputTail.drain(stdout == Stdout.MERGE ? process.getInputStream()
                    : process.getErrorStream(), name);
            return new ToolProcess(process, env, LockWaitGuard.watch(target, env.applicationName()), unhook, tail);
        } catch (IOException | RuntimeException e) {
            env.close();
            throw e;
        }
    }

    /** The child, whose own children (pg_dump's parallel workers) are its descendants. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public InputStream stdout() {
        return process.getInputStream();
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /**
     * The last error lines the child wrote to stderr (or its merged output), row data and secrets
     * masked; led by the worker's own line when it cancelled a statement of the child's.
     */
    public String diagnostics() {
        String text = diagnostics.text();
        return guard.cancelled() ? guard.reason() + "\n" + text : text;
    }

    public int waitFor() {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
        }
    }

    /** Waits at most {@code timeout}; returns the exit code, or empty when the child is still running. */
    public java.util.OptionalInt waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(Failure.retryable(ErrorCode.WORKER_STOPPED, "interrupted"));
        }
    }

    /** Kills the child at once; for a tool inside a transaction, this rolls the transaction back. */
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        unhook.run();
        guard.close();
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            env.close();
        } catch (IOException ignored) {
            // left in this process's 0700 directory, which a worker starting after this one is gone sweeps
        }
    }
}
