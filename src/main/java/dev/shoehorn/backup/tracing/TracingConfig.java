package dev.shoehorn.backup.tracing;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the worker's spans go. Traces are always propagated (commands to events to reactions);
 * they are exported only to a configured OTLP endpoint.
 */
@ConfigMapping(prefix = "backup.tracing")
public interface TracingConfig {

    /**
     * Base URL of an OTLP/HTTP (protobuf) receiver, e.g. {@code http://otel-collector:4318}; spans are
     * posted to {@code <endpoint>/v1/traces}. Unset (the default), nothing is exported. Defaults to
     * the standard {@code OTEL_EXPORTER_OTLP_ENDPOINT} environment variable.
     */
    Optional<URI> otlpEndpoint();

    /**
     * Headers sent with each export, e.g. {@code backup.tracing.otlp-headers.authorization=Bearer …}
     * for a hosted collector; their values are secrets and never logged.
     */
    Map<String, String> otlpHeaders();

    /** Timeout of one export request; spans that cannot be sent are dropped, never the job. */
    @WithDefault("10s")
    Duration otlpTimeout();
}
