package dev.shoehorn.backup.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.testing.FakePgTools;

class PgToolsTest {

    @TempDir
    Path dir;

    @Test
    void theOldestMajorVersionThatIsAtLeastTheServersIsChosen() throws IOException {
        // Given client tools of PostgreSQL 13, 15 and 17
        PgTools tools = tools(fakeTools("13", "13.9"), fakeTools("17", "17.2"), fakeTools("15", "15.19"));

        // Then a 14 server gets 15, a 17 server gets 17, a 12 server gets 13
        assertThat(tools.forServer(14, "14.1").major()).isEqualTo(15);
        assertThat(tools.forServer(17, "17.0").major()).isEqualTo(17);
        assertThat(tools.forServer(12, "12.3").version()).isEqualTo("13.9");
    }

    @Test
    void aServerNewerThanEveryPgDumpFailsNamingBothVersions() throws IOException {
        PgTools tools = tools(fakeTools("15", "15.19"));

        JobFailedException e = catchThrowableOfType(JobFailedException.class, () -> tools.forServer(18, "18.1"));

        assertThat(e.failure().code()).isEqualTo(ErrorCode.PG_DUMP_UNAVAILABLE);
        assertThat(e.failure().retryable()).isFalse();
        assertThat(e.failure().message()).contains("18.1", "15.19");
    }

    @Test
    void theMachinesOwnClientToolsAreFoundWithoutConfiguration() {
        PgTools tools = new PgTools(Optional::empty);

        assertThat(tools.installations()).isNotEmpty();
    }

    private PgTools tools(Path... binDirs) {
        return new PgTools(() -> Optional.of(List.of(binDirs)));
    }

    private Path fakeTools(String name, String version) throws IOException {
        return FakePgTools.in(dir, name, version);
    }
}
