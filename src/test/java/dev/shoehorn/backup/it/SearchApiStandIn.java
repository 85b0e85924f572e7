package dev.shoehorn.backup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for the search API's admin endpoints (the one third-party service the tests do not run
 * for real): a real HTTP server on 127.0.0.1 that records every request and answers from a script.
 * Unscripted, {@code POST /api/v1/admin/backfill} answers 202 and the status endpoint
 * {@code completed}. The token it expects is written to a private file that the worker is
 * pointed at, as a mounted secret would be.
 */
public class SearchApiStandIn implements QuarkusTestResourceLifecycleManager {

    /** The token the worker reads from its token file; tests check it never leaks. */
    public static final String TOKEN = SuiteSecrets.secret("it-search-token-" + UUID.randomUUID());
    public static final String STARTED_AT = "2026-11-28T02:00:00Z";

    /** One request as the server saw it; {@code traceparent} is the trace context it carried, if any. */
    public record Request(String method, String path, String authorization, String body, String traceparent) {
    }

    /** One scripted answer. */
    public record Answer(int status, String body) {
    }

    private static HttpServer server;
    private static Path tokenFile;
    private static final List<Request> REQUESTS = new CopyOnWriteArrayList<>();
    private static final Deque<Answer> BACKFILL_ANSWERS = new ConcurrentLinkedDeque<>();
    private static final Deque<Answer> STATUS_ANSWERS = new ConcurrentLinkedDeque<>();

    @Override
    public Map<String, String> start() {
        try {
            tokenFile = Files.createTempFile("it-search-token", ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tokenFile, TOKEN + "\n");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/admin/backfill", exchange -> answer(exchange, BACKFILL_ANSWERS,
                new Answer(202, "{\"status\":\"accepted\",\"started_at\":\"" + STARTED_AT
                        + "\",\"collections\":[\"projects\",\"documents\"]}")));
        server.createContext("/api/v1/admin/backfill/status", exchange -> answer(exchange, STATUS_ANSWERS,
                new Answer(200, "{\"status\":\"completed\"}")));
        server.start();
        return Map.of("backup.reactions.backfill.api", "http://127.0.0.1:" + server.getAddress().getPort(),
                "backup.reactions.backfill.token-file", tokenFile.toString());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
        try {
            if (tokenFile != null) {
                Files.deleteIfExists(tokenFile);
            }
        } catch (IOException e) {
            System.err.println("SearchApiStandIn: cannot delete the token file: " + e.getMessage());
        }
    }

    private static void answer(HttpExchange exchange, Deque<Answer> script, Answer otherwise) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            REQUESTS.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body,
                    exchange.getRequestHeaders().getFirst("traceparent")));
            Answer answer = script.pollFirst();
            if (answer == null) {
                answer = otherwise;
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    /** Forgets requests and scripts: each test starts from the unscripted server. */
    public static void reset() {
        REQUESTS.clear();
        BACKFILL_ANSWERS.clear();
        STATUS_ANSWERS.clear();
    }

    /** The next answers to POST /api/v1/admin/backfill, then the default 202. */
    public static void answerBackfill(Answer... answers) {
        BACKFILL_ANSWERS.addAll(Arrays.asList(answers));
    }

    /** The next answers to GET /api/v1/admin/backfill/status, then {@code completed}. */
    public static void answerStatus(Answer... answers) {
        STATUS_ANSWERS.addAll(Arrays.asList(answers));
    }

    public static Answer status(String status) {
        return new Answer(200, "{\"status\":\"" + status + "\"}");
    }

    public static List<Request> requests() {
        return new ArrayList<>(REQUESTS);
    }

    public static List<Request> posts() {
        return REQUESTS.stream().filter(r -> r.method().equals("POST")).toList();
    }

    public static List<Request> statusPolls() {
        return REQUESTS.stream().filter(r -> r.method().equals("GET")).toList();
    }
}
