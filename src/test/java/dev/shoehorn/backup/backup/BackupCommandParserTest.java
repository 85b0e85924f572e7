package dev.shoehorn.backup.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.command.RejectedException;
import dev.shoehorn.backup.command.TestCommandConfig;
import dev.shoehorn.backup.failure.ErrorCode;

class BackupCommandParserTest {

    private static final String ID = "2f0d6f1e-6a55-4a0e-9a43-8f7d2b9f6c11";
    private final BackupCommandParser parser = new BackupCommandParser(new ObjectMapper(),
            TestCommandConfig.limit(1024));

    @Test
    void theContractExampleIsAValidCommand() {
        // Given the backup command of the contract
        String record = "{\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"ops-cli:alice\","
                + "\"reason\":\"before upgrade to 2.4\",\"options\":{\"format\":\"custom\",\"jobs\":1}}";

        // When it is parsed
        BackupCommand command = parser.parse(bytes(record));

        // Then every field is kept
        assertThat(command.commandId()).hasToString(ID);
        assertThat(command.target()).isEqualTo("shoehorn");
        assertThat(command.requestedBy()).isEqualTo("ops-cli:alice");
        assertThat(command.reason()).isEqualTo("before upgrade to 2.4");
        assertThat(command.options()).isEqualTo(new BackupOptions(Optional.of("custom"), Optional.of(1), Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "2026-11-28T02:00:00Z, 2026-11-28T02:00:00Z", "2026-11-28T03:00:00.250+01:00, 2026-11-28T02:00:00.250Z" })
    void requestedAtIsReadAsTheInstantItNames(String requestedAt, String instant) {
        BackupCommand command = parser.parse(bytes("{\"commandId\":\"" + ID
                + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"requestedAt\":\"" + requestedAt + "\"}"));

        assertThat(command.requestedAt()).contains(java.time.Instant.parse(instant));
    }

    @Test
    void unknownFieldsAreIgnoredSoThatV1StaysAdditive() {
        BackupCommand command = parser.parse(bytes("{\"commandId\":\"" + ID
                + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"priority\":\"high\"}"));

        assertThat(command.reason()).isNull();
        assertThat(command.requestedAt()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty | INVALID_JSON | ",
            "garbage | INVALID_JSON | {nope",
            "array | INVALID_JSON | []",
            "field given twice | INVALID_JSON | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"target\":\"other\",\"requestedBy\":\"x\"}",
            "trailing garbage | INVALID_JSON | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\"} rm",
            "second object | INVALID_JSON | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\"}{}",
            "NUL in requestedBy | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"a\\u0000b\"}",
            "newline in reason | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"reason\":\"ok\\n12:00:00 INFO forged\"}",
            "bidi override in reason | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"reason\":\"\\u202Egnp.exe\"}",
            "homoglyph target | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"sh\u043Eehorn\",\"requestedBy\":\"x\"}",
            "no commandId | MISSING_FIELD | {\"target\":\"shoehorn\",\"requestedBy\":\"x\"}",
            "null target | MISSING_FIELD | {\"commandId\":\"" + ID + "\",\"target\":null,\"requestedBy\":\"x\"}",
            "no requestedBy | MISSING_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\"}",
            "numeric commandId | INVALID_FIELD | {\"commandId\":7,\"target\":\"shoehorn\",\"requestedBy\":\"x\"}",
            "short uuid | INVALID_FIELD | {\"commandId\":\"1-1-1-1-1\",\"target\":\"shoehorn\",\"requestedBy\":\"x\"}",
            "path in target | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"a/../b\",\"requestedBy\":\"x\"}",
            "upper-case target | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"Shoehorn\",\"requestedBy\":\"x\"}",
            "blank requestedBy | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\" \"}",
            "reason not text | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"reason\":{}}",
            "options not object | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"options\":1}",
            "tar format | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"options\":{\"format\":\"tar\"}}",
            "too many jobs | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"options\":{\"format\":\"directory\",\"jobs\":17}}",
            "zero jobs | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"options\":{\"format\":\"directory\",\"jobs\":0}}",
            "unknown compression | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"options\":{\"compression\":\"brotli\"}}",
            "zstd level too high | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"options\":{\"compression\":\"zstd:23\"}}",
            "compression not text | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"options\":{\"compression\":3}}",
            "parallel jobs | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"options\":{\"jobs\":8}}",
            "requestedAt without offset | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"requestedAt\":\"2026-11-28T02:00:00\"}",
            "requestedAt as epoch | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"requestedAt\":1764295200}",
            "requestedAt not a day | INVALID_FIELD | {\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"requestedAt\":\"2026-02-30T02:00:00Z\"}",
    })
    void badRecordsAreRejectedWithTheirCode(String scenario, ErrorCode code, String record) {
        RejectedException e = catchThrowableOfType(RejectedException.class,
                () -> parser.parse(record == null ? new byte[0] : bytes(record)));

        assertThat(e).as(scenario).isNotNull();
        assertThat(e.rejection().code()).isEqualTo(code);
    }

    @Test
    void aCommandMayChooseTheCompressionOfItsArchive() {
        // Given a command asking for pg_dump's own gzip at level 9
        BackupCommand command = parser.parse(bytes("{\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\","
                + "\"requestedBy\":\"x\",\"options\":{\"compression\":\"native:9\"}}"));

        // Then that wins over the target's compression
        assertThat(command.options().compression()).contains(Compression.parse("native:gzip:9"));
    }

    @Test
    void aCommandMayAskForTheDirectoryFormatWithParallelJobs() {
        BackupCommand command = parser.parse(bytes("{\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\","
                + "\"requestedBy\":\"x\",\"options\":{\"format\":\"directory\",\"jobs\":4}}"));

        assertThat(command.options().format()).contains("directory");
        assertThat(command.options().jobs()).contains(4);
    }

    @Test
    void nestingDeeperThanTheParserAllowsIsNotJson() {
        // Given a record of 2,000 nested arrays inside a field, within the default size limit
        BackupCommandParser defaultLimit = new BackupCommandParser(new ObjectMapper(), TestCommandConfig.limit(65_536));
        String record = "{\"commandId\":\"" + ID + "\",\"target\":\"shoehorn\",\"requestedBy\":\"x\",\"reason\":"
                + "[".repeat(2000) + "]".repeat(2000) + "}";

        // When it is parsed, Then it is refused as not JSON, not as a stack overflow
        RejectedException e = catchThrowableOfType(RejectedException.class, () -> defaultLimit.parse(bytes(record)));
        assertThat(e.rejection().code()).isEqualTo(ErrorCode.INVALID_JSON);
    }

    @Test
    void anOversizedRecordIsRejectedBeforeParsing() {
        RejectedException e = catchThrowableOfType(RejectedException.class, () -> parser.parse(new byte[2048]));

        assertThat(e.rejection().code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
    }

    @Test
    void aRejectionEchoesOnlyFieldsThatWereValid() {
        // Given a record with a valid id and an invalid target
        RejectedException e = catchThrowableOfType(RejectedException.class, () -> parser.parse(bytes(
                "{\"commandId\":\"" + ID + "\",\"target\":\"DROP TABLE\",\"requestedBy\":\"x\"}")));

        // Then the id is kept for correlation, the bad target is not echoed
        assertThat(e.rejection().commandId()).isEqualTo(ID);
        assertThat(e.rejection().target()).isNull();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
