package dev.shoehorn.backup.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.restore.PostRestore;
import dev.shoehorn.backup.reaction.RestoreCompletedReader.Result;

class RestoreCompletedReaderTest {

    private static final String JOB = "c3a4e1f2-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
    private static final String COMMAND = "8c1c3e7a-0a8b-4c55-b0c3-3f6f8e1f2b01";
    private final RestoreCompletedReader reader = new RestoreCompletedReader(new ObjectMapper());

    @Test
    void aRestoreCompletedEventYieldsTheJobAndItsPostRestoreSteps() {
        // Given restore.completed as a worker writes it
        String event = event("dev.shoehorn.restore.completed", "\"jobId\":\"" + JOB + "\",\"commandId\":\"" + COMMAND
                + "\",\"target\":\"shoehorn_staging\",\"seq\":7,\"attempt\":1,"
                + "\"postRestore\":{\"migrate\":false,\"backfill\":true,\"flushCache\":true},\"extra\":{\"x\":1}");

        // When it is read
        Result result = reader.read(bytes(event));

        // Then the reactions get what they need, unknown fields notwithstanding
        assertThat(result).isInstanceOfSatisfying(Result.Completed.class, completed -> assertThat(completed.event())
                .isEqualTo(new RestoreCompleted(JOB, COMMAND, "shoehorn_staging", new PostRestore(false, true, true))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "{}", "{\"type\":\"dev.shoehorn.backup.completed\",\"data\":{}}",
            "{\"type\":\"dev.shoehorn.backfill.requested\",\"data\":{}}", "{\"type\":42}"})
    void everythingElseOnTheTopicIsIgnoredQuietly(String record) {
        assertThat(reader.read(bytes(record))).isInstanceOf(Result.Other.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"target\":\"t\",\"postRestore\":{\"backfill\":true}",
            "\"jobId\":\"../../etc\",\"target\":\"t\",\"postRestore\":{\"backfill\":true}",
            "\"jobId\":\"" + JOB + "\",\"postRestore\":{\"backfill\":true}",
            "\"jobId\":\"" + JOB + "\",\"target\":\"t\""})
    void aRestoreCompletedWithoutWhatAReactionNeedsIsUnusable(String data) {
        Result result = reader.read(bytes(event("dev.shoehorn.restore.completed", data)));

        assertThat(result).isInstanceOf(Result.Unusable.class);
        assertThat(reader.completed(bytes(event("dev.shoehorn.restore.completed", data)))).isEmpty();
    }

    @Test
    void missingStepsMeanNotAsked() {
        Result result = reader.read(bytes(event("dev.shoehorn.restore.completed",
                "\"jobId\":\"" + JOB + "\",\"target\":\"t\",\"postRestore\":{}")));

        assertThat(((Result.Completed) result).event().postRestore()).isEqualTo(new PostRestore(false, false, false));
        assertThat(((Result.Completed) result).event().commandId()).isNull();
    }

    @Test
    void theReactionJobIdIsStableAndDiffersPerReaction() {
        assertThat(Reaction.jobId("backfill", JOB)).isEqualTo(Reaction.jobId("backfill", JOB))
                .isNotEqualTo(Reaction.jobId("cache-flush", JOB)).isNotEqualTo(JOB)
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    private static String event(String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"backup-worker/w\",\"type\":\"" + type
                + "\",\"subject\":\"t\",\"data\":{" + data + "}}";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
