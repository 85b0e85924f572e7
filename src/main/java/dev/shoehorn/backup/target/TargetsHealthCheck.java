package dev.shoehorn.backup.target;

import java.sql.Connection;
import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.shoehorn.backup.failure.Redactor;

/** Ready when every configured target database accepts a connection; reports each by name. */
@Readiness
@ApplicationScoped
public class TargetsHealthCheck implements HealthCheck {

    private final TargetRegistry targets;

    public TargetsHealthCheck(TargetRegistry targets) {
        this.targets = targets;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("target-databases").up();
        for (Target target : targets.all()) {
            try (Connection connection = Postgres.connect(target)) {
                connection.isValid(5);
                response.withData(target.name(), "UP");
            } catch (SQLException | RuntimeException e) {
                response.down().withData(target.name(), "DOWN: " + Redactor.redact(String.valueOf(e.getMessage())));
            }
        }
        return response.build();
    }
}
