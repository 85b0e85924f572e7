package dev.shoehorn.backup.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.shoehorn.backup.it.SuiteSecrets;

import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;

class SpanExportTest {

    private record Received(String method, String path, String contentType, String authorization, int bytes) {
    }

    private static final String TOKEN = SuiteSecrets.secret("collector-token-" + UUID.randomUUID());

    private HttpServer collector;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startCollector() throws IOException {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("Authorization"), body.length));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
    }

    @AfterEach
    void stopCollector() {
        collector.stop(0);
    }

    @Test
    void withAnEndpointSpansArePostedAsOtlpProtobufWithTheConfiguredHeaders() {
        // Given an endpoint (a base URL) and a header for the collector
        URI endpoint = URI.create("http://127.0.0.1:" + collector.getAddress().getPort());
        SpanProcessor processor = new SpanExport().otlp(config(Optional.of(endpoint), Map.of("authorization",
                "Bearer " + TOKEN)));

        // When a span ends and the processor flushes
        export(processor);

        // Then one OTLP/HTTP request reached <endpoint>/v1/traces
        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/v1/traces");
            assertThat(request.contentType()).isEqualTo("application/x-protobuf");
            assertThat(request.authorization()).isEqualTo("Bearer " + TOKEN);
            assertThat(request.bytes()).isPositive();
        });
    }

    @Test
    void withoutAnEndpointNothingIsExported() {
        // Given no endpoint
        SpanProcessor processor = new SpanExport().otlp(config(Optional.empty(), Map.of()));

        // When a span ends and the processor flushes
        export(processor);

        // Then nothing was sent anywhere (the collector is the only server here)
        assertThat(received).isEmpty();
    }

    @Test
    void aBaseUrlGetsTheStandardPathAndAFullOneIsKept() {
        assertThat(SpanExport.tracesUri(URI.create("http://collector:4318"))).hasToString("http://collector:4318/v1/traces");
        assertThat(SpanExport.tracesUri(URI.create("http://collector:4318/"))).hasToString("http://collector:4318/v1/traces");
        assertThat(SpanExport.tracesUri(URI.create("https://otlp.example/v1/traces")))
                .hasToString("https://otlp.example/v1/traces");
    }

    private static void export(SpanProcessor processor) {
        try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build()) {
            provider.get("test").spanBuilder("one").startSpan().end();
            provider.forceFlush().join(10, TimeUnit.SECONDS);
        }
    }

    private static TracingConfig config(Optional<URI> endpoint, Map<String, String> headers) {
        return new TracingConfig() {
            @Override
            public Optional<URI> otlpEndpoint() {
                return endpoint;
            }

            @Override
            public Map<String, String> otlpHeaders() {
                return headers;
            }

            @Override
            public Duration otlpTimeout() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
