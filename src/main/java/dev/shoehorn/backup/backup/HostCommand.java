package dev.shoehorn.backup.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One of the host's small commands ({@code fallocate}, {@code kill}), run for what Java cannot
 * do itself: give back a file's head, stop and continue a process. It gets an empty environment,
 * as no child may see the worker's secrets, and is found once on the usual system paths.
 */
final class HostCommand {

    private static final List<Path> BIN = List.of(Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/sbin"),
            Path.of("/sbin"));
    private static final long TIMEOUT_SECONDS = 10;

    private final Optional<Path> program;

    private HostCommand(Optional<Path> program) {
        this.program = program;
    }

    static HostCommand find(String name) {
        return new HostCommand(BIN.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst());
    }

    boolean available() {
        return program.isPresent();
    }

    /**
     * Runs it with {@code args}: empty when it exited 0, otherwise what it said.
     *
     * @throws IOException when it could not be run (not installed, interrupted, hung), which says
     *         nothing of what it would have answered
     */
    Optional<String> run(List<String> args) throws IOException {
        if (program.isEmpty()) {
            throw new IOException("not installed");
        }
        List<String> argv = new ArrayList<>();
        argv.add(program.get().toString());
        argv.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().clear();
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readNBytes(4096);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException(program.get().getFileName() + " did not end within " + TIMEOUT_SECONDS + " s");
            }
            return process.exitValue() == 0 ? Optional.empty()
                    : Optional.of(program.get().getFileName() + " exited " + process.exitValue() + ": "
                            + new String(output, java.nio.charset.StandardCharsets.UTF_8).strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while " + program.get().getFileName() + " ran");
        } finally {
            process.destroyForcibly();
        }
    }
}
