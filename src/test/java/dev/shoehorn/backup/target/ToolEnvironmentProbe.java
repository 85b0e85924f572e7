package dev.shoehorn.backup.target;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import dev.shoehorn.backup.job.Cancellation;

/**
 * Run by {@link ToolProcessEnvironmentTest} in a JVM with a poisoned environment: starts
 * {@code env} the way the worker starts its tools and prints what the child got, one
 * {@code NAME=value} per line.
 */
public final class ToolEnvironmentProbe {

    private ToolEnvironmentProbe() {
    }

    public static void main(String[] args) throws Exception {
        Target target = new Target("probe", TestTargets.config("probe", Optional.of("probe-password")));
        try (ToolProcess env = ToolProcess.start(List.of("/usr/bin/env", "-0"), target, new Cancellation(),
                ToolProcess.Stdout.PIPE)) {
            String out = new String(env.stdout().readAllBytes(), StandardCharsets.UTF_8);
            env.waitFor();
            for (String variable : out.split("\0")) {
                System.out.println(variable.replace('\n', ' '));
            }
        }
    }
}
