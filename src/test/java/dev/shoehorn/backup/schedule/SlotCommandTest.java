package dev.shoehorn.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.shoehorn.backup.backup.BackupCommand;
import dev.shoehorn.backup.backup.BackupCommandParser;
import dev.shoehorn.backup.command.RejectedException;
import dev.shoehorn.backup.command.TestCommandConfig;
import dev.shoehorn.backup.contract.ContractSchemas;
import dev.shoehorn.backup.failure.ErrorCode;

class SlotCommandTest {

    /** Like Quarkus's default ObjectMapper: java.time as ISO-8601 text. */
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Cron NIGHTLY = Cron.parse("0 2 * * *", "UTC");
    private static final Instant SLOT = Instant.parse("2026-11-28T02:00:00Z");

    private final BackupCommandParser parser = new BackupCommandParser(JSON, TestCommandConfig.limit(64 * 1024));

    @Test
    void aSlotsCommandIdIsTheSameOnEveryReplicaAndOnlyForThatSlot() {
        // Given two replicas' commands for the same slot, and commands for another slot and target
        SlotCommand one = new SlotCommand("shoehorn", NIGHTLY, SLOT, List.of(), 0, SlotCommand.NO_WORKER);
        SlotCommand other = new SlotCommand("shoehorn", Cron.parse("@daily", "UTC"), SLOT, List.of(), 0,
                SlotCommand.NO_WORKER);

        // Then the slot alone decides the commandId
        assertThat(one.commandId()).isEqualTo(other.commandId());
        assertThat(SlotCommand.commandIdOf("shoehorn", SLOT.plusSeconds(86_400))).isNotEqualTo(one.commandId());
        assertThat(SlotCommand.commandIdOf("shoehorn_staging", SLOT)).isNotEqualTo(one.commandId());
    }

    @Test
    void aCatchUpCommandPassesTheSchemaAndTheWorkerReadsItsSlots() throws Exception {
        // Given a slot that catches up two missed ones
        List<Instant> missed = List.of(SLOT.minusSeconds(86_400), SLOT);
        SlotCommand command = new SlotCommand("shoehorn", NIGHTLY, SLOT, missed, 2, SlotCommand.NO_WORKER);

        // When it is written as the scheduler publishes it, and read as the worker reads it
        String value = JSON.writeValueAsString(command.value(SLOT.plusSeconds(250)));
        BackupCommand read = parser.parse(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        // Then the contract's schema holds, and the worker sees who, why, and each missed slot
        assertThat(ContractSchemas.load().validate("backup-command.schema.json", value)).isEmpty();
        assertThat(read.commandId()).isEqualTo(command.commandId());
        assertThat(read.requestedBy()).isEqualTo("scheduler");
        assertThat(read.reason()).contains("2026-11-28T02:00:00Z").contains("catching up 2 missed slots");
        assertThat(read.requestedAt()).contains(SLOT.plusSeconds(250));
        assertThat(read.schedule()).hasValueSatisfying(s -> {
            assertThat(s.slot()).isEqualTo(SLOT);
            assertThat(s.missed()).isEqualTo(missed);
            assertThat(s.missedCount()).isEqualTo(2);
            assertThat(s.missedBecause()).isEqualTo("no-worker");
            assertThat(s.expression()).isEqualTo("0 2 * * *");
        });
    }

    @Test
    void anOnTimeSlotSaysSoAndCatchesNothingUp() throws Exception {
        String value = JSON.writeValueAsString(new SlotCommand("shoehorn", NIGHTLY, SLOT, List.of(), 0,
                SlotCommand.NO_WORKER).value(SLOT));

        BackupCommand read = parser.parse(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(ContractSchemas.load().validate("backup-command.schema.json", value)).isEmpty();
        assertThat(read.schedule()).hasValueSatisfying(s -> assertThat(s.catchesUp()).isFalse());
        assertThat(value).doesNotContain("missed");
    }

    @Test
    void aMalformedScheduleNoteIsRefusedNamingTheField() {
        String record = "{\"commandId\":\"2f0d6f1e-6a55-4a0e-9a43-8f7d2b9f6c11\",\"target\":\"shoehorn\","
                + "\"requestedBy\":\"scheduler\",\"schedule\":{\"slot\":\"yesterday\"}}";

        RejectedException e = catchThrowableOfType(RejectedException.class,
                () -> parser.parse(record.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertThat(e.rejection().code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e.rejection().message()).startsWith("schedule.slot must be an RFC 3339 date-time");
    }
}
