package dev.shoehorn.backup.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.local.LocalPostgres;

/** The target lock on the machine's PostgreSQL. */
class TargetLockIT {

    private static final LocalPostgres PG = LocalPostgres.fromEnvironment();

    /** The lock lives on the maintenance database, keyed by the target's database, which need not exist here. */
    private final Target target = new Target("lock-it", TestTargets.config("lock_it_"
            + UUID.randomUUID().toString().substring(0, 8), Optional.empty()));
    private final TargetLock locks = new TargetLock();

    @Test
    void aHeldLockPassesTheCheck() {
        try (TargetLock.Held held = locks.acquire(target, "job-1", new Cancellation())) {
            assertThatCode(held::ensureHeld).doesNotThrowAnyException();
        }
    }

    @Test
    void aLockWhoseSessionWasTerminatedFailsTheCheckRetryably() throws Exception {
        try (TargetLock.Held held = locks.acquire(target, "job-1", new Cancellation())) {
            // Given the lock's session ended by the server (an administrator, a restart, a failover)
            assertThat(terminateSessionHolding(target)).isTrue();

            // When the job checks its lock before committing
            JobFailedException failed = catchThrowableOfType(held::ensureHeld, JobFailedException.class);

            // Then it learns the lock is gone, with a failure worth another attempt
            assertThat(failed.failure().code()).isEqualTo(ErrorCode.TARGET_UNREACHABLE);
            assertThat(failed.failure().retryable()).isTrue();
            assertThat(failed.failure().message()).contains(target.name());
        }
    }

    @Test
    void aLockLostWithItsSessionIsTakenAgainOnANewOne() throws Exception {
        try (TargetLock.Held held = locks.acquire(target, "job-1", new Cancellation())) {
            // Given a lock whose session the server ended
            assertThat(terminateSessionHolding(target)).isTrue();

            // When the job takes it again before its next attempt
            boolean lost = held.regain("job-1", new Cancellation());

            // Then it was lost, is held again, and no other session can have it
            assertThat(lost).isTrue();
            assertThatCode(held::ensureHeld).doesNotThrowAnyException();
            assertThat(locks.tryAcquire(target)).isEmpty();
            assertThat(held.regain("job-1", new Cancellation())).isFalse();
        }
        assertThat(locks.tryAcquire(target)).hasValueSatisfying(TargetLock.Held::close);
    }

    /** From a session of the test's own: the server's view of which session holds the target's lock. */
    private static boolean terminateSessionHolding(Target target) throws Exception {
        try (Connection admin = PG.connect("postgres"); PreparedStatement st = admin.prepareStatement(
                "select pg_terminate_backend(pid, 5000) from pg_locks where locktype = 'advisory' and granted"
                        + " and objid = ?::int4::oid and objsubid = 2")) {
            st.setInt(1, target.database().hashCode());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1) && !rs.next();
            }
        }
    }
}
