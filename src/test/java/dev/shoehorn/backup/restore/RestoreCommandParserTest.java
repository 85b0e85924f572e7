package dev.shoehorn.backup.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.command.RejectedException;
import dev.shoehorn.backup.command.TestCommandConfig;
import dev.shoehorn.backup.failure.ErrorCode;

class RestoreCommandParserTest {

    private static final String HEAD = "{\"commandId\":\"8c1c3e7a-0a8b-4c55-b0c3-3f6f8e1f2b01\",\"target\":\"shoehorn\","
            + "\"requestedBy\":\"ops-cli:alice\"";
    private final RestoreCommandParser parser = new RestoreCommandParser(new ObjectMapper(),
            TestCommandConfig.limit(4096));

    @Test
    void aDrillNamesOnlyItsTargetAndAnArchive() {
        RestoreCommand drill = parser.parse(bytes(HEAD + ",\"drill\":true}"));
        RestoreCommand plain = parser.parse(bytes(HEAD + "}"));

        assertThat(drill.drill()).isTrue();
        assertThat(drill.sourceTarget()).isEqualTo("shoehorn");
        assertThat(drill.archive()).isEqualTo(RestoreCommand.LATEST);
        assertThat(plain.drill()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { ",\"mode\":\"swap\"", ",\"sourceTarget\":\"billing\"", ",\"rollbackOf\":\"0a1b2c3d\"" })
    void aDrillThatWouldTouchSomethingElseIsRefused(String extra) {
        RejectedException e = catchThrowableOfType(RejectedException.class,
                () -> parser.parse(bytes(HEAD + ",\"drill\":true" + extra + "}")));

        assertThat(e.rejection().code()).isEqualTo(ErrorCode.INVALID_FIELD);
    }

    @Test
    void drillMustBeABoolean() {
        RejectedException e = catchThrowableOfType(RejectedException.class,
                () -> parser.parse(bytes(HEAD + ",\"drill\":\"yes\"}")));

        assertThat(e.rejection().message()).isEqualTo("drill must be true or false");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
