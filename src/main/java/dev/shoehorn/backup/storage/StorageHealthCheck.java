package dev.shoehorn.backup.storage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.shoehorn.backup.failure.Redactor;

/** Ready when the archive bucket answers. */
@Readiness
@ApplicationScoped
public class StorageHealthCheck implements HealthCheck {

    private final ArchiveStore store;

    public StorageHealthCheck(ArchiveStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("object-storage").withData("bucket", store.bucket());
        try {
            store.ping();
            return response.up().build();
        } catch (RuntimeException e) {
            return response.down().withData("error", Redactor.redact(String.valueOf(e.getMessage()))).build();
        }
    }
}
