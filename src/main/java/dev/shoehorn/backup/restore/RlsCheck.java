package dev.shoehorn.backup.restore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.target.Postgres;
import dev.shoehorn.backup.target.Target;

/**
 * The operations guide's last check: every table that had row-level security when the archive
 * was made still has it after the restore ({@code pg_tables where rowsecurity}).
 */
@ApplicationScoped
public class RlsCheck {

    /** Returns the tables checked; fails with RLS_MISSING naming the tables that lost it. */
    public List<String> verify(Target target, List<String> expected) {
        List<String> present;
        try (Connection connection = Postgres.connect(target)) {
            present = Postgres.rlsTables(connection);
        } catch (SQLException e) {
            // Retryable: another attempt resumes after the applied archive, never applying it again.
            throw new JobFailedException(Failure.retryable(ErrorCode.TARGET_UNREACHABLE,
                    "the restore is applied, but row-level security of " + target.name() + " could not be checked: "
                            + e.getMessage()), e);
        }
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(present);
        if (!missing.isEmpty()) {
            throw new JobFailedException(Failure.permanent(ErrorCode.RLS_MISSING,
                    "tables without row-level security after the restore: " + String.join(", ", missing)));
        }
        return List.copyOf(expected);
    }
}
