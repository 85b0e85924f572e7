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
public final class ChildJvm {

    private ChildJvm() {
    }

    public static Process start(Class<?> main, Map<String, String> extraEnv, List<String> jvmOptions, String... args)
            throws IOException {
        return start(main, entry -> true, extraEnv, jvmOptions, args);
    }

    /** As {@link #start(Class, Map, List, String...)}, with only the classpath entries {@code classpath} keeps. */
    public static Process start(Class<?> main, java.util.function.Predicate<String> classpath, Map<String, String> extraEnv,
            List<String> jvmOptions, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.add("-cp");
        argv.add(java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(classpath).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        argv.addAll(jvmOptions);
        argv.add(main.getName());
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(extraEnv);
        return builder.start();
    }
}
