package dev.shoehorn.backup.journal;

import static dev.shoehorn.backup.journal.JournalEvents.cloudEvent;
import static dev.shoehorn.backup.journal.JournalEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shoehorn.backup.journal.JobRecord.Outcome;

class JobFolderTest {

    private static final Instant T0 = Instant.parse("2026-11-28T02:00:00Z");

    private final List<JobRecord> ended = new ArrayList<>();
    private final JobFolder folder = new JobFolder(3, ended::add);

    @Test
    void aBackupsEventsFoldIntoOneJobWithItsStagesWhoAndWhy() {
        // Given the events of one backup, progress among them
        ObjectNode accepted = cloudEvent("backup", "accepted", "j1", "shoehorn", 1, T0);
        ((ObjectNode) accepted.path("data")).put("requestedBy", "ops-cli:alice").put("reason", "before upgrade");
        ObjectNode progress = cloudEvent("backup", "progress", "j1", "shoehorn", 3, T0.plusSeconds(5));
        ((ObjectNode) progress.path("data")).put("bytesDone", 50).put("bytesTotal", 100).put("percent", 50);
        ObjectNode completed = cloudEvent("backup", "completed", "j1", "shoehorn", 4, T0.plusSeconds(9));
        ((ObjectNode) completed.path("data")).putObject("archive").put("key", "backups/shoehorn/a.dump")
                .put("bytes", 100).put("sha256", "ab").put("format", "custom");

        // When they are folded
        folder.accept(event(accepted));
        folder.accept(event("backup", "started", "j1", "shoehorn", 2, T0.plusSeconds(1)));
        JobRecord running = folder.accept(event(progress));
        folder.accept(event(completed));

        // Then the job was running with its progress, and ended once, completed, with every stage timed
        assertThat(running.outcome()).isEqualTo(Outcome.RUNNING);
        assertThat(running.progress().percent()).isEqualTo(50);
        assertThat(ended).hasSize(1);
        JobRecord job = ended.get(0);
        assertThat(job.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(job.requestedBy()).isEqualTo("ops-cli:alice");
        assertThat(job.reason()).isEqualTo("before upgrade");
        assertThat(job.archive().key()).isEqualTo("backups/shoehorn/a.dump");
        assertThat(job.stages()).extracting(JobRecord.Stage::name).containsExactly("accepted", "started", "completed");
        assertThat(job.stages()).extracting(JobRecord.Stage::durationMs).containsExactly(1000L, 8000L, null);
        assertThat(job.duration().toSeconds()).isEqualTo(9);
        assertThat(job.complete()).isTrue();
        assertThat(folder.running()).isEmpty();
    }

    @Test
    void aDrillIsAJobOfItsOwnKindAndHousekeepingEventsEndAsTheyCome() {
        // Given a drill's job (it comes in on the restore topic) and single-event housekeeping jobs
        ObjectNode accepted = cloudEvent("restore", "accepted", "d1", "shoehorn", 1, T0);
        ((ObjectNode) accepted.path("data")).put("drill", true);

        // When they are folded
        folder.accept(event(accepted));
        folder.accept(event("restore", "started", "d1", "shoehorn", 2, T0.plusSeconds(1)));
        folder.accept(event("drill", "passed", "d1", "shoehorn", 3, T0.plusSeconds(9)));
        folder.accept(event("retention", "pruned", "p1", "shoehorn", 1, T0.plusSeconds(10)));
        folder.accept(event("backup", "overdue", "o1", "shoehorn", 1, T0.plusSeconds(11)));
        folder.accept(event("backup", "overdue-cleared", "o2", "shoehorn", 1, T0.plusSeconds(12)));

        // Then the drill ended as a drill, and each housekeeping event ended its job at once
        assertThat(ended).extracting(JobRecord::kind, JobRecord::stage, JobRecord::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("drill", "passed", Outcome.COMPLETED),
                org.assertj.core.groups.Tuple.tuple("retention", "pruned", Outcome.COMPLETED),
                org.assertj.core.groups.Tuple.tuple("backup", "overdue", Outcome.FAILED),
                org.assertj.core.groups.Tuple.tuple("backup", "overdue-cleared", Outcome.COMPLETED));
        assertThat(folder.running()).isEmpty();
    }

    @Test
    void aSecondCopyOfAnEventChangesNothing() {
        // Given a job whose started event arrived twice (a send given up on, though it had landed, made again)
        folder.accept(event("backup", "accepted", "j4", "shoehorn", 1, T0));
        folder.accept(event("backup", "started", "j4", "shoehorn", 2, T0.plusSeconds(1)));
        folder.accept(event("backup", "started", "j4", "shoehorn", 2, T0.plusSeconds(1)));
        folder.accept(event("backup", "completed", "j4", "shoehorn", 3, T0.plusSeconds(2)));

        // Then the job has each stage once and is complete
        assertThat(ended).singleElement().satisfies(job -> {
            assertThat(job.stages()).extracting(JobRecord.Stage::name).containsExactly("accepted", "started", "completed");
            assertThat(job.complete()).isTrue();
        });
    }

    @Test
    void aRejectionEndsItsJobWithTheError() {
        // Given a rejected command
        ObjectNode rejected = cloudEvent("restore", "rejected", "j2", "shoehorn", 1, T0);
        ((ObjectNode) rejected.path("data")).putObject("error").put("code", "EXPIRED").put("message", "too old")
                .put("retryable", false);

        // When it is folded
        folder.accept(event(rejected));

        // Then its job ended rejected, with the error
        assertThat(ended).singleElement().satisfies(job -> {
            assertThat(job.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(job.error().code()).isEqualTo("EXPIRED");
        });
    }

    @Test
    void aReactionIsAJobOfItsOwnThatNamesItsRestore() {
        // Given a cache flush after restore job r1
        ObjectNode flushed = cloudEvent("cache", "flushed", "f1", "shoehorn", 1, T0);
        ((ObjectNode) flushed.path("data")).put("restoreJobId", "r1").put("keysRemoved", 5);

        // When it is folded
        folder.accept(event(flushed));

        // Then it ended completed, as a reaction to r1
        assertThat(ended).singleElement().satisfies(job -> {
            assertThat(job.isReaction()).isTrue();
            assertThat(job.restoreJobId()).isEqualTo("r1");
            assertThat(job.outcome()).isEqualTo(Outcome.COMPLETED);
        });
    }

    @Test
    void eventsReadFromTheMiddleOfAJobMakeItPartial() {
        // Given a job whose first events were not read (seq starts at 3)
        folder.accept(event("backup", "uploaded", "j3", "shoehorn", 3, T0));
        folder.accept(event("backup", "completed", "j3", "shoehorn", 4, T0.plusSeconds(1)));

        // Then it is told as partial
        assertThat(ended).singleElement().satisfies(job -> assertThat(job.complete()).isFalse());
    }

    @Test
    void openJobsBeyondTheLimitAreHandedOnAsTheyStandOldestFirst() {
        // Given four jobs started and none ended, with room for three
        for (int i = 1; i <= 4; i++) {
            folder.accept(event("backup", "accepted", "open-" + i, "t" + i, 1, T0.plusSeconds(i)));
        }

        // Then the oldest went on as running, and three are kept
        assertThat(ended).extracting(JobRecord::jobId).containsExactly("open-1");
        assertThat(ended.get(0).outcome()).isEqualTo(Outcome.RUNNING);
        assertThat(folder.running()).extracting(JobRecord::jobId).containsExactly("open-2", "open-3", "open-4");

        // When the rest is flushed, every job has been handed on once
        folder.flush();
        assertThat(ended).extracting(JobRecord::jobId).containsExactly("open-1", "open-2", "open-3", "open-4");
    }

    @Test
    void recordsThatAreNotEventsOfThisProjectAreNoJournalEvents() {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(JournalEvent.parse(json, 0, 1, 0, "not json".getBytes())).isEmpty();
        assertThat(JournalEvent.parse(json, 0, 1, 0, "{\"type\":\"com.other.thing\",\"data\":{\"jobId\":\"x\"}}".getBytes()))
                .isEmpty();
        assertThat(JournalEvent.parse(json, 0, 1, 0, "[1,2]".getBytes())).isEmpty();
        assertThat(JournalEvent.parse(json, 0, 1, 0, null)).isEmpty();
    }
}
