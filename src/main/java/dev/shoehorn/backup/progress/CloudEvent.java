package dev.shoehorn.backup.progress;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A CloudEvents 1.0 envelope in structured JSON mode, with the distributed-tracing extension
 * ({@code traceparent}, {@code tracestate}): the context the event was sent in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        String time,
        String datacontenttype,
        String traceparent,
        String tracestate,
        ObjectNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    /** This event sent in the trace context these W3C values name (either may be null). */
    public CloudEvent traced(String traceparent, String tracestate) {
        return new CloudEvent(specversion, id, source, type, subject, time, datacontenttype, traceparent, tracestate,
                data);
    }
}
