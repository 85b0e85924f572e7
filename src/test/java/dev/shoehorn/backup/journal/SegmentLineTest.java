package dev.shoehorn.backup.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.contract.ContractSchemas;

class SegmentLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anEventKeepsItsValueKeyAndSignatureThroughALine() throws Exception {
        // Given a progress record with a signature header
        String value = JournalEvents.cloudEvent("backup", "started", "j1", "shoehorn", 2,
                Instant.parse("2026-11-28T02:00:00Z")).toString();
        SegmentLine line = SegmentLine.of(JSON, 1, 42, 1_764_295_200_000L, "shoehorn".getBytes(StandardCharsets.UTF_8),
                Map.of("bw-signature", "v1 k1 c2ln".getBytes(StandardCharsets.US_ASCII)), value.getBytes(StandardCharsets.UTF_8));

        // When it is written as a line and read back
        SegmentLine read = SegmentLine.parse(JSON, line.toJson(JSON));

        // Then all of it is there, and it is a journal event
        assertThat(read.partition()).isEqualTo(1);
        assertThat(read.offset()).isEqualTo(42);
        assertThat(read.key()).isEqualTo("shoehorn");
        assertThat(read.headers()).containsEntry("bw-signature", "v1 k1 c2ln");
        assertThat(read.event()).isEqualTo(JSON.readTree(value));
        assertThat(read.journalEvent()).hasValueSatisfying(e -> assertThat(e.stage()).isEqualTo("started"));
        // and the line is what the contract's schema describes
        assertThat(ContractSchemas.load().validate("event-segment-line.schema.json", line.toJson(JSON)))
                .isEmpty();
    }

    @Test
    void otherTrafficIsKeptAsItsBytes() throws Exception {
        // Given a record that is not JSON
        byte[] value = { 1, 2, 3, (byte) 0xff };

        // When it goes through a line
        SegmentLine read = SegmentLine.parse(JSON, SegmentLine.of(JSON, 0, 7, 0, null, Map.of(), value).toJson(JSON));

        // Then its bytes are kept, as the schema says, and it is no journal event
        assertThat(ContractSchemas.load().validate("event-segment-line.schema.json",
                SegmentLine.of(JSON, 0, 7, 0, null, Map.of(), value).toJson(JSON))).isEmpty();
        assertThat(Base64.getDecoder().decode(read.valueBase64())).isEqualTo(value);
        assertThat(read.event()).isNull();
        assertThat(read.journalEvent()).isEmpty();
    }

    @Test
    void segmentKeysSortByOffsetWithinAPartitionAndSayTheirDay() {
        String a = EventSegments.key("backups", "backup.progress", 2, LocalDate.parse("2026-11-28"), 9);
        String b = EventSegments.key("backups", "backup.progress", 2, LocalDate.parse("2026-11-28"), 10);

        assertThat(a).isEqualTo("backups/.events/backup.progress/2/2026-11-28/00000000000000000009.ndjson.gz");
        assertThat(a).isLessThan(b);
        assertThat(EventSegments.firstOffset(b)).hasValue(10);
        assertThat(EventSegments.dayOf(b)).contains(LocalDate.parse("2026-11-28"));
        assertThat(EventSegments.startAfter("backups", "backup.progress", 2, LocalDate.parse("2026-11-28")))
                .isLessThan(a).isGreaterThan(EventSegments.key("backups", "backup.progress", 2,
                        LocalDate.parse("2026-11-27"), 99_999));
    }
}
