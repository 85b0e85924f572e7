package dev.shoehorn.backup.target;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a {@code main} of the test classpath in a JVM of its own: a second worker process, or one
 * whose environment a test controls (a running JVM cannot change its own).
 */
final class ChildJvm {

    private ChildJvm() {
    }

    static Process start(Class<?> main, Map<String, String> extraEnv, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.addAll(jvmOptions);
        argv.add(main.getName());
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(extraEnv);
        return builder.start();
    }
}
