package dev.shoehorn.backup.it;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs container tests where a Docker engine answers and skips them elsewhere, printing why, so
 * that a skipped test is never mistaken for a passed one.
 */
public class DockerAvailable implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        if (docker) {
            return ConditionEvaluationResult.enabled("a Docker engine is available");
        }
        String reason = "SKIPPED " + context.getDisplayName()
                + ": no Docker engine is reachable here, so the Redpanda container cannot start;"
                + " this test runs where Docker exists";
        System.out.println(reason);
        return ConditionEvaluationResult.disabled(reason);
    }
}
