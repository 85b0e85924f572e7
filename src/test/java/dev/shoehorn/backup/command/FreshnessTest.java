package dev.shoehorn.backup.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.failure.ErrorCode;

class FreshnessTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private final Freshness freshness = new Freshness(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));
    private final Command command = new Command() {
        private final UUID id = UUID.randomUUID();

        @Override
        public UUID commandId() {
            return id;
        }

        @Override
        public String target() {
            return "shoehorn";
        }

        @Override
        public String requestedBy() {
            return "ops";
        }

        @Override
        public String reason() {
            return null;
        }

        @Override
        public Optional<Instant> requestedAt() {
            return Optional.empty();
        }
    };

    @Test
    void aCommandWithinItsMaximumAgePasses() {
        assertThatCode(() -> freshness.check(command, NOW.minus(Duration.ofMinutes(59)), Duration.ofHours(1),
                "restore")).doesNotThrowAnyException();
    }

    @Test
    void aCommandOlderThanItsMaximumAgeIsExpiredAndTheMessageSaysHowToRunItNow() {
        // Given a restore issued 61 minutes ago, with a maximum age of an hour
        // When it is checked
        RejectedException e = catchThrowableOfType(RejectedException.class, () -> freshness.check(command,
                NOW.minus(Duration.ofMinutes(61)), Duration.ofHours(1), "restore"));

        // Then it is EXPIRED, keeps the command's identity, and names the setting and the way out
        assertThat(e.rejection().code()).isEqualTo(ErrorCode.EXPIRED);
        assertThat(e.rejection().commandId()).isEqualTo(command.commandId().toString());
        assertThat(e.rejection().message()).contains("61 min ago", "backup.commands.restore-max-age=PT1H",
                "new commandId");
    }

    @Test
    void aRecordWithoutATimestampCannotBeJudgedAndIsExpired() {
        RejectedException e = catchThrowableOfType(RejectedException.class, () -> freshness.check(command,
                Instant.ofEpochMilli(-1), Duration.ofHours(24), "backup"));

        assertThat(e.rejection().code()).isEqualTo(ErrorCode.EXPIRED);
    }

    @Test
    void aCommandFromTooFarInTheFutureIsRefusedButClockSkewIsTolerated() {
        assertThatCode(() -> freshness.check(command, NOW.plus(Duration.ofMinutes(4)), Duration.ofHours(1),
                "restore")).doesNotThrowAnyException();

        RejectedException e = catchThrowableOfType(RejectedException.class, () -> freshness.check(command,
                NOW.plus(Duration.ofMinutes(10)), Duration.ofHours(1), "restore"));
        assertThat(e.rejection().code()).isEqualTo(ErrorCode.INVALID_FIELD);
    }
}
