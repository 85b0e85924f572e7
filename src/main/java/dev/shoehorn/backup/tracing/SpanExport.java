package dev.shoehorn.backup.tracing;

import java.net.URI;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.Redactor;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;

/**
 * Exports spans over OTLP/HTTP where {@code backup.tracing.otlp-endpoint} is set, in batches off the
 * job threads, and nowhere otherwise. Quarkus' own OTLP exporter is off at build time: it would
 * send to localhost:4317 when nothing is configured.
 */
public class SpanExport {

    private static final Logger LOG = Logger.getLogger(SpanExport.class);

    @Produces
    @Singleton
    SpanProcessor otlp(TracingConfig config) {
        if (config.otlpEndpoint().isEmpty()) {
            LOG.debug("stage=tracing export=off");
            return SpanProcessor.composite();
        }
        URI traces = tracesUri(config.otlpEndpoint().get());
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().setEndpoint(traces.toString())
                .setTimeout(config.otlpTimeout());
        config.otlpHeaders().forEach((name, value) -> {
            Redactor.registerSecret(value);
            exporter.addHeader(name, value);
        });
        LOG.infof("stage=tracing export=otlp endpoint=%s headers=%d", traces, config.otlpHeaders().size());
        return BatchSpanProcessor.builder(exporter.build()).build();
    }

    /** The standard OTLP/HTTP path below a base URL, kept where the URL names it already. */
    static URI tracesUri(URI endpoint) {
        String base = endpoint.toString();
        if (base.endsWith("/v1/traces")) {
            return endpoint;
        }
        return URI.create(base.endsWith("/") ? base + "v1/traces" : base + "/v1/traces");
    }
}
