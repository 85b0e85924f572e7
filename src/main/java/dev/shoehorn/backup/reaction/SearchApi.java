package dev.shoehorn.backup.reaction;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Redactor;
import dev.shoehorn.backup.tracing.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

/**
 * The search API's admin endpoints for a backfill (re-index): {@code POST /api/v1/admin/backfill}
 * and {@code GET /api/v1/admin/backfill/status}, with a bearer token. One call per method; retrying
 * is the caller's decision, guided by the {@link Failure} a call throws. Redirects are not followed,
 * so that the token goes to the configured host only; response bodies are read, never logged.
 */
@ApplicationScoped
public class SearchApi {

    static final String BACKFILL_PATH = "/api/v1/admin/backfill";
    static final String STATUS_PATH = "/api/v1/admin/backfill/status";

    private final BackfillConfig config;
    private final ObjectMapper json;
    private final HttpClient http;
    private final Traces traces;

    public SearchApi(BackfillConfig config, ObjectMapper json, Traces traces) {
        this.traces = traces;
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        config.token().ifPresent(Redactor::registerSecret);
    }

    /** Asks for a backfill of the configured collections (all, when none are configured). */
    public BackfillStarted requestBackfill() throws InterruptedException {
        String action = "requesting the backfill";
        HttpRequest.BodyPublisher body = config.collections()
                .map(names -> HttpRequest.BodyPublishers.ofString(toJson(Map.of("collections", names))))
                .orElse(HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> response = send(action, request(BACKFILL_PATH)
                .header("Content-Type", "application/json").POST(body));
        JsonNode answer = parse(response.body());
        List<String> collections = null;
        if (answer.path("collections").isArray()) {
            collections = new ArrayList<>();
            for (JsonNode name : answer.path("collections")) {
                collections.add(name.asText());
            }
        }
        String startedAt = answer.path("started_at").isTextual() ? answer.path("started_at").asText() : null;
        return new BackfillStarted(startedAt, collections);
    }

    /**
     * The backfill's status ({@code running}, {@code completed}, {@code failed}…). An answer
     * without a readable status is a retryable failure: the next poll may do better.
     */
    public String status() throws InterruptedException {
        String action = "polling the backfill status";
        HttpResponse<String> response = send(action, request(STATUS_PATH).GET());
        JsonNode status = parse(response.body()).path("status");
        if (!status.isTextual() || status.asText().isBlank()) {
            throw new JobFailedException(
                    Failure.retryable(ErrorCode.BACKFILL_FAILED, action + ": the answer carries no status"));
        }
        return status.asText();
    }

    private HttpRequest.Builder request(String path) {
        URI base = config.api().orElseThrow(() -> new JobFailedException(Failure.permanent(ErrorCode.BACKFILL_FAILED,
                "backup.reactions.backfill.api is not configured")));
        String root = base.toString().replaceAll("/+$", "");
        return HttpRequest.newBuilder(URI.create(root + path)).timeout(config.requestTimeout())
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token());
    }

    /** Sends the request in a client span whose context it carries, so that the search API can continue the trace. */
    private HttpResponse<String> send(String action, HttpRequest.Builder builder) throws InterruptedException {
        HttpRequest untraced = builder.build();
        Span span = traces.client(untraced.method(), untraced.uri());
        return Traces.within(span, () -> {
            Traces.inject(Context.current(), builder::setHeader);
            HttpResponse<String> response;
            try {
                response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new JobFailedException(SearchApiFailures.ofError(action, e));
            }
            Traces.answered(span, response.statusCode());
            if (!SearchApiFailures.isSuccess(response.statusCode())) {
                throw new JobFailedException(SearchApiFailures.ofStatus(action, response.statusCode()));
            }
            return response;
        });
    }

    /** The token, from the file when one is configured (read at each request, so rotation needs no restart). */
    String token() {
        Optional<Path> file = config.tokenFile();
        String token;
        if (file.isPresent()) {
            try {
                token = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new JobFailedException(Failure.permanent(ErrorCode.BACKFILL_FAILED,
                        "cannot read backup.reactions.backfill.token-file " + file.get() + ": "
                                + e.getClass().getSimpleName()));
            }
        } else {
            token = config.token().orElse("");
        }
        if (token.isEmpty()) {
            throw new JobFailedException(Failure.permanent(ErrorCode.BACKFILL_FAILED,
                    "no token: set backup.reactions.backfill.token or token-file"));
        }
        Redactor.registerSecret(token);
        return token;
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(body);
            return node == null ? json.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            return json.createObjectNode();
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
