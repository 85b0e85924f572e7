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

    /** A bin directory whose pg_dump prints the given version, like the real one does. */
    private Path fakeTools(String name, String version) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
        for (String tool : List.of("pg_dump", "pg_restore")) {
            Path script = bin.resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho '" + tool + " (PostgreSQL) " + version + "'\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }
}
