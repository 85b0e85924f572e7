package dev.shoehorn.backup.tracing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.CarriesFailure;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * The worker's spans: a command's (or an event's) processing as a consumer span, the job's steps
 * inside it, and each event sent as a producer span whose context the event carries. Spans follow
 * the OpenTelemetry messaging conventions; their names and attributes are defined here only.
 *
 * <p>Propagation is W3C Trace Context, always, whatever the SDK exports: a command's
 * {@code traceparent} header continues through its job into its events (the CloudEvents
 * distributed-tracing extension, and the record's header), and a reaction continues from the
 * event it reacts to.
 */
@ApplicationScoped
public class Traces {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    static final AttributeKey<String> MESSAGE_KEY = AttributeKey.stringKey("messaging.kafka.message.key");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    public static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    public static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("backup.job.id");
    public static final AttributeKey<String> COMMAND_ID = AttributeKey.stringKey("backup.command.id");
    public static final AttributeKey<String> TARGET = AttributeKey.stringKey("backup.target");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("backup.outcome");
    public static final AttributeKey<String> ARCHIVE = AttributeKey.stringKey("backup.archive.key");

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final String KAFKA = "kafka";

    private final Tracer tracer;

    public Traces(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.shoehorn.backup-worker");
    }

    /** Where a record was read: its topic, partition, offset and key, and the group reading it. */
    public record Delivery(String topic, int partition, long offset, String key, String group) {
    }

    /**
     * The span of processing one record, a child of the context the record was created in (its
     * {@code traceparent}) and linked to it, as the messaging conventions ask of a consumer that
     * processes one message at a time. A record without one starts a trace.
     */
    public Span process(Delivery delivery, Context creation) {
        SpanBuilder builder = tracer.spanBuilder("process " + delivery.topic()).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, KAFKA)
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(OPERATION_NAME, "process")
                .setAttribute(DESTINATION, delivery.topic())
                .setAttribute(PARTITION, Integer.toString(delivery.partition()))
                .setAttribute(OFFSET, delivery.offset())
                .setAttribute(CONSUMER_GROUP, delivery.group());
        if (delivery.key() != null) {
            builder.setAttribute(MESSAGE_KEY, delivery.key());
        }
        SpanContext producer = Span.fromContext(creation).getSpanContext();
        if (producer.isValid()) {
            builder.setParent(creation).addLink(producer);
        } else {
            builder.setNoParent();
        }
        return builder.startSpan();
    }

    /** Opens {@code stage} of the job whose context is {@code job}; its span is current until closed. */
    public StageSpan open(Stage stage, Context job) {
        return new StageSpan(stageSpan(stage, job));
    }

    private Span stageSpan(Stage stage, Context job) {
        return tracer.spanBuilder(stage.spanName()).setParent(job).startSpan();
    }

    /** A step that returns a value or throws. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** A step that returns nothing. */
    @FunctionalInterface
    public interface Step<E extends Exception> {
        void run() throws E;
    }

    /**
     * Runs {@code work} with {@code span} current, marks the span failed by whatever it throws, and
     * ends it: the one shape of every span that is one call (a step, a send, an HTTP request).
     */
    public static <T, E extends Exception> T within(Span span, Work<T, E> work) throws E {
        try (Scope scope = span.makeCurrent()) {
            return work.run();
        } catch (Throwable e) {
            failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Runs {@code work} as {@code stage} of the job whose context is {@code job}; events it emits are the step's. */
    public <T, E extends Exception> T call(Stage stage, Context job, Work<T, E> work) throws E {
        return within(stageSpan(stage, job), work);
    }

    /** As {@link #call}, for a step without a result. */
    public <E extends Exception> void run(Stage stage, Context job, Step<E> step) throws E {
        call(stage, job, () -> {
            step.run();
            return null;
        });
    }

    /**
     * The span of sending one record (an event, a scheduled command) to {@code topic}, a child of
     * the current span where there is one (the step that sends it) and of {@code fallback}
     * otherwise (a thread of the job's own; the root, for a new trace).
     */
    public Span send(String topic, String key, String messageId, Context fallback) {
        Context parent = Span.current().getSpanContext().isValid() ? Context.current() : fallback;
        return tracer.spanBuilder("send " + topic).setSpanKind(SpanKind.PRODUCER).setParent(parent)
                .setAttribute(MESSAGING_SYSTEM, KAFKA)
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(OPERATION_NAME, "send")
                .setAttribute(DESTINATION, topic)
                .setAttribute(MESSAGE_KEY, key)
                .setAttribute(MESSAGE_ID, messageId)
                .startSpan();
    }

    /** Sends a record in a span of its own whose context goes out with it: {@code send} gets the headers to write. */
    public void sending(String topic, String key, String messageId, Context fallback,
            Consumer<Map<String, String>> send) {
        within(send(topic, key, messageId, fallback), () -> {
            Map<String, String> carried = new HashMap<>();
            inject(Context.current(), carried::put);
            send.accept(carried);
            return null;
        });
    }

    /**
     * The span of an HTTP call to {@code url} (the search API), by the HTTP conventions; the URL's
     * query, which could carry credentials, is left out.
     */
    public Span client(String method, URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return tracer.spanBuilder(method).setSpanKind(SpanKind.CLIENT)
                .setAttribute(HTTP_METHOD, method)
                .setAttribute(URL_FULL, url.getScheme() + "://" + url.getHost()
                        + (url.getPort() < 0 ? "" : ":" + url.getPort()) + path)
                .setAttribute(SERVER_ADDRESS, url.getHost())
                .setAttribute(SERVER_PORT, (long) (url.getPort() >= 0 ? url.getPort()
                        : "https".equals(url.getScheme()) ? 443 : 80))
                .startSpan();
    }

    /** Records an HTTP answer's status; a 4xx or 5xx marks a client span failed. */
    public static void answered(Span span, int status) {
        span.setAttribute(HTTP_STATUS, (long) status);
        if (status >= 400) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ERROR_TYPE, Integer.toString(status));
        }
    }

    /** Marks {@code span} as failed with the failure's code. */
    public static void failed(Span span, Failure failure) {
        span.setStatus(StatusCode.ERROR, failure.code().name());
        span.setAttribute(ERROR_TYPE, failure.code().name());
    }

    /** Marks {@code span} as failed by {@code error}: a failure value by its code, anything else by its class. */
    public static void failed(Span span, Throwable error) {
        if (error instanceof CarriesFailure carrier) {
            failed(span, carrier.failure());
        } else {
            span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
            span.setAttribute(ERROR_TYPE, error.getClass().getName());
        }
    }

    /** The context a record's {@code traceparent} and {@code tracestate} headers carry (none if absent or invalid). */
    public static Context fromHeaders(Headers headers) {
        return W3C.extract(Context.root(), headers, HEADERS);
    }

    /** The context a CloudEvent's distributed-tracing extension attributes carry. */
    public static Context fromCloudEvent(JsonNode event) {
        return W3C.extract(Context.root(), event, CLOUD_EVENT);
    }

    /** Writes {@code context}'s {@code traceparent} (and {@code tracestate}, if any) through {@code into}. */
    public static void inject(Context context, BiConsumer<String, String> into) {
        W3C.inject(context, into, BiConsumer::accept);
    }

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            carrier.forEach(header -> keys.add(header.key()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            Header header = carrier == null ? null : carrier.lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapGetter<JsonNode> CLOUD_EVENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(JsonNode carrier) {
            return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(JsonNode carrier, String key) {
            JsonNode value = carrier == null ? null : carrier.get(key);
            return value == null || !value.isTextual() ? null : value.asText();
        }
    };
}
