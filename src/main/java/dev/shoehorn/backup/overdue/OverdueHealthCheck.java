package dev.shoehorn.backup.overdue;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;

/**
 * The targets' backup freshness in the readiness details. Always UP: a late backup is the
 * operators' alarm, not a reason to take this worker out of service (which would only make it later).
 */
@Readiness
@ApplicationScoped
public class OverdueHealthCheck implements HealthCheck {

    private final OverdueWatchdog watchdog;
    private final TargetRegistry targets;

    public OverdueHealthCheck(OverdueWatchdog watchdog, TargetRegistry targets) {
        this.watchdog = watchdog;
        this.targets = targets;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("backups").up();
        Instant now = Instant.now();
        for (Target target : targets.all()) {
            watchdog.health(target.name()).ifPresent(h -> response
                    .withData(target.name() + ".lastSuccessAt", h.lastSuccessAt() == null ? "none" : h.lastSuccessAt().toString())
                    .withData(target.name() + ".overdue", h.overdue())
                    .withData(target.name() + ".ageSeconds", h.lastSuccessAt() == null ? -1 : (long) h.ageSeconds(now)));
        }
        return response.build();
    }
}
