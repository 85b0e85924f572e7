package dev.shoehorn.backup.reaction;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.shoehorn.backup.failure.JobFailedException;

/**
 * Ready when Redis answers PING, asked only where the cache-flush reaction runs: a worker without
 * it does not depend on Redis. (Quarkus' own Redis check is off: it is a build-time switch and
 * would make every deployment depend on Redis.)
 */
@Readiness
@ApplicationScoped
public class CacheHealthCheck implements HealthCheck {

    private final CacheFlushConfig config;
    private final RedisCache cache;

    public CacheHealthCheck(CacheFlushConfig config, RedisCache cache) {
        this.config = config;
        this.cache = cache;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("cache");
        if (!config.enabled()) {
            return response.up().withData("reaction", "disabled").build();
        }
        response.withData("reaction", "enabled").withData("database", config.database());
        try {
            cache.ping();
            return response.up().build();
        } catch (JobFailedException e) {
            return response.down().withData("error", e.failure().message()).build();
        }
    }
}
