package dev.shoehorn.backup.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** What of a tool's output reaches a failed event: error lines, values masked. Outputs are PostgreSQL 15's. */
class OutputTailTest {

    @Test
    void aUniqueViolationDuringCopyKeepsTheConstraintAndHidesTheKey() {
        String kept = diagnostics("""
                pg_restore: error: COPY failed for table "users": ERROR:  duplicate key value violates unique constraint "users_email_key"
                DETAIL:  Key (email)=(alice@example.com) already exists.
                CONTEXT:  COPY users, line 1
                """);

        assertThat(kept).isEqualTo("""
                pg_restore: error: COPY failed for table "users": ERROR:  duplicate key value violates unique constraint "users_email_key"
                DETAIL:  Key (email)=(***) already exists.
                CONTEXT:  COPY users, line 1""");
    }

    @Test
    void aFailingRowIsMaskedWhole() {
        String kept = diagnostics("""
                ERROR:  null value in column "email" of relation "users" violates not-null constraint
                DETAIL:  Failing row contains (11, null, secret note).
                """);

        assertThat(kept).endsWith("DETAIL:  Failing row contains (***).").doesNotContain("secret");
    }

    @Test
    void foreignAndExclusionKeysKeepTheirColumnsAndTables() {
        String kept = diagnostics("""
                ERROR:  insert or update on table "o" violates foreign key constraint "o_user_id_fkey"
                DETAIL:  Key (user_id)=(42) is not present in table "users".
                ERROR:  conflicting key value violates exclusion constraint "r_room_during_excl"
                DETAIL:  Key (room, during)=(1, ["2024-01-01 10:30:00","2024-01-01 12:00:00")) conflicts with existing key (room, during)=(1, ["2024-01-01 10:00:00","2024-01-01 11:00:00")).
                """);

        assertThat(kept).contains("DETAIL:  Key (user_id)=(***) is not present in table \"users\".",
                "DETAIL:  Key (room, during)=(***) conflicts with existing key (room, during)=(***).")
                .doesNotContain("42", "2024");
    }

    @Test
    void psqlsEchoOfTheStatementIsDroppedAndTheBadInputMasked() {
        String kept = diagnostics("""
                psql:migrate.sql:3: ERROR:  invalid input syntax for type integer: "abc"
                LINE 1: insert into users values ('abc','alice@example.com','y')
                                                  ^
                """);

        assertThat(kept).isEqualTo("psql:migrate.sql:3: ERROR:  invalid input syntax for type integer: \"***\"");
    }

    @Test
    void copyAndJsonContextsLoseTheirData() {
        String kept = diagnostics("""
                ERROR:  invalid input syntax for type integer: "x"
                CONTEXT:  COPY t2, line 2, column a: "x"
                ERROR:  extra data after last expected column
                CONTEXT:  COPY t2, line 1: "1	secret value	extra"
                ERROR:  invalid input syntax for type json
                DETAIL:  Token "hunter2" is invalid.
                CONTEXT:  JSON data, line 1: {"password": hunter2...
                ERROR:  invalid byte sequence for encoding "UTF8": 0xe9 0x20 0x63
                """);

        assertThat(kept).contains("CONTEXT:  COPY t2, line 2, column a: ***", "CONTEXT:  COPY t2, line 1: ***",
                "DETAIL:  Token \"***\" is invalid.", "CONTEXT:  JSON data, line 1: ***",
                "invalid byte sequence for encoding \"UTF8\": ***")
                .doesNotContain("secret", "hunter2", "0xe9");
    }

    @Test
    void aRefusedDropKeepsItsReasonAndDropsTheCommand() {
        String kept = diagnostics("""
                pg_restore: error: could not execute query: ERROR:  cannot drop table public.documents because other objects depend on it
                DETAIL:  view keep_documents depends on table documents
                HINT:  Use DROP ... CASCADE to drop the dependent objects too.
                Command was: DROP TABLE IF EXISTS public.documents;
                """);

        assertThat(kept).contains("other objects depend on it",
                "DETAIL:  view keep_documents depends on table documents", "HINT:  Use DROP ... CASCADE")
                .doesNotContain("Command was");
    }

    @Test
    void anotherToolsFailureLineIsKeptAndItsChatterDropped() {
        String kept = diagnostics("""
                applying 0041_add_users.sql
                inserted ('alice@example.com', 'Alice')
                migration 42 failed: column exists
                """);

        assertThat(kept).isEqualTo("migration 42 failed: column exists");
    }

    @Test
    void outputWithoutAnErrorLineSaysSo() {
        assertThat(diagnostics("applying 0041\napplying 0042\n")).isEqualTo("no error line in the output (2 lines)");
    }

    private static String diagnostics(String output) {
        return OutputTail.drain(new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)), "test").text();
    }
}
