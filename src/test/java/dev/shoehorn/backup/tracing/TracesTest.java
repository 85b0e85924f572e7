package dev.shoehorn.backup.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;

class TracesTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aRecordsTraceparentHeaderIsTheContextItWasCreatedIn() {
        // Given a record with a W3C traceparent header
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.US_ASCII));

        // When its context is read
        SpanContext context = Span.fromContext(Traces.fromHeaders(headers)).getSpanContext();

        // Then it names the publisher's trace and span, sampled and remote
        assertThat(context.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(context.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(context.isSampled()).isTrue();
        assertThat(context.isRemote()).isTrue();
    }

    @Test
    void aMissingOrMalformedTraceparentGivesNoContext() {
        RecordHeaders malformed = new RecordHeaders();
        malformed.add("traceparent", "00-not-a-trace-01; rm -rf /".getBytes(StandardCharsets.UTF_8));

        assertThat(Span.fromContext(Traces.fromHeaders(new RecordHeaders())).getSpanContext().isValid()).isFalse();
        assertThat(Span.fromContext(Traces.fromHeaders(malformed)).getSpanContext().isValid()).isFalse();
    }

    @Test
    void aCloudEventsTracingExtensionIsReadAndWrittenAsTheHeaderIs() throws Exception {
        // Given an event carrying the distributed-tracing extension
        var event = new ObjectMapper().readTree("{\"specversion\":\"1.0\",\"traceparent\":\"" + TRACEPARENT
                + "\",\"tracestate\":\"vendor=1\"}");

        // When its context is read and written out again
        Context context = Traces.fromCloudEvent(event);
        Map<String, String> written = new HashMap<>();
        Traces.inject(context, written::put);

        // Then the same values come back
        assertThat(written).containsEntry("traceparent", TRACEPARENT).containsEntry("tracestate", "vendor=1");
    }
}
