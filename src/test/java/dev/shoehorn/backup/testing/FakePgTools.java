package dev.shoehorn.backup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** PostgreSQL client tools that only say which version they are, as the real ones do. */
public final class FakePgTools {

    private FakePgTools() {
    }

    /** {@code <dir>/<name>/bin} holding a pg_dump and a pg_restore that print {@code version}. */
    public static Path in(Path dir, String name, String version) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
        for (String tool : List.of("pg_dump", "pg_restore")) {
            Path script = bin.resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho '" + tool + " (PostgreSQL) " + version + "'\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }
}
