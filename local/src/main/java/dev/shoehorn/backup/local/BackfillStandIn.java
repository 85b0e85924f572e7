package dev.shoehorn.backup.local;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in of Shoehorn's search backfill API for local mode: {@code POST /api/v1/admin/backfill}
 * with the bearer token answers 202 like the real one, and {@code GET /api/v1/admin/backfill/status}
 * says {@code running} for a few seconds, then {@code completed}. Every call is logged, so that a
 * newcomer sees the backfill reaction at work without the real API.
 */
final class BackfillStandIn implements AutoCloseable {

    private static final long RUNNING_MILLIS = 3_000;
    private final HttpServer server;
    private final String token;
    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Instant startedAt;
    private volatile JsonNode collections;

    private BackfillStandIn(HttpServer server, String token, PrintStream out) {
        this.server = server;
        this.token = token;
        this.out = out;
    }

    static BackfillStandIn start(int port, String token, PrintStream out) throws IOException {
        Ports.requireFree("the backfill stand-in", port);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        BackfillStandIn standIn = new BackfillStandIn(server, token, out);
        server.createContext("/api/v1/admin/backfill", standIn::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backfill-stand-in");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return standIn;
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String call = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                log(call, 401, "wrong or missing bearer token");
                reply(exchange, 401, json.createObjectNode().put("error", "unauthorized"));
                return;
            }
            if (call.equals("POST /api/v1/admin/backfill")) {
                JsonNode body = readBody(exchange);
                startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                collections = body.path("collections").isArray() ? body.path("collections")
                        : json.createArrayNode().add("projects").add("documents");
                ObjectNode answer = json.createObjectNode().put("status", "accepted")
                        .put("started_at", startedAt.toString());
                answer.set("collections", collections);
                log(call, 202, "re-indexing " + collections);
                reply(exchange, 202, answer);
            } else if (call.equals("GET /api/v1/admin/backfill/status")) {
                Instant started = startedAt;
                String status = started == null ? "idle"
                        : Instant.now().isBefore(started.plusMillis(RUNNING_MILLIS)) ? "running" : "completed";
                log(call, 200, status);
                reply(exchange, 200, json.createObjectNode().put("status", status));
            } else {
                log(call, 404, "unknown");
                reply(exchange, 404, json.createObjectNode().put("error", "not found"));
            }
        }
    }

    private JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        try {
            return body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private void log(String call, int status, String what) {
        out.println("[backfill stand-in] " + call + " -> " + status + " (" + what + ")");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
