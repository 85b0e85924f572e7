package dev.shoehorn.backup.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds {@code pg_restore}: the directories of {@code backup.pg.bin-dirs} first, as the worker does, then the PATH. */
final class PgRestoreBinary {

    private PgRestoreBinary() {
    }

    static Optional<Path> find(Optional<String> binDirs) {
        List<String> dirs = new ArrayList<>();
        binDirs.ifPresent(d -> dirs.addAll(List.of(d.split(","))));
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        return dirs.stream().map(String::trim).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "pg_restore"))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
