package dev.shoehorn.backup.it;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * Keeps every span the worker ends in memory, for the tests that read span trees
 * ({@code backup.it.spans=true}, {@link TracingProfile}); other tests keep none. Synchronous, so a
 * span is readable once it has ended.
 */
public class SpansInMemory {

    public static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();

    @Produces
    @Singleton
    SpanProcessor inMemory(@ConfigProperty(name = "backup.it.spans", defaultValue = "false") boolean enabled) {
        return enabled ? SimpleSpanProcessor.create(EXPORTER) : SpanProcessor.composite();
    }
}
