package dev.shoehorn.backup.restore;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the worker writes into {@code COMMENT ON DATABASE} of a database it put beside a target: whose
 * it is, which job made it and since when, and whether that job had blocked the target's
 * connections. A rename keeps a database's comment (it is stored by oid), so the marker stays true
 * whatever the database is called; the sweeper drops nothing whose marker does not agree with its
 * name.
 *
 * @param kept    true for a displaced database kept for a rollback ({@code _before_}), false for the
 *                fresh one being restored and checked ({@code _restore_})
 * @param database the target's database it stands beside
 * @param blocked  the job had switched the target's connections off when it last wrote this
 */
record SwapMarker(boolean kept, String database, String job, String command, Instant at, boolean blocked) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "backupWorker";

    static SwapMarker scratch(String database, String job, String command, Instant at) {
        return new SwapMarker(false, database, job, command, at, false);
    }

    static SwapMarker kept(String database, String job, String command, Instant at) {
        return new SwapMarker(true, database, job, command, at, false);
    }

    SwapMarker blocked(boolean value) {
        return new SwapMarker(kept, database, job, command, at, value);
    }

    String infix() {
        return kept ? SwapNames.BEFORE : SwapNames.RESTORE;
    }

    /** Whether the database called {@code name} is the one this marker describes, beside {@code targetDatabase}. */
    boolean describes(String name, String targetDatabase) {
        return database.equals(targetDatabase) && SwapNames.matches(name, targetDatabase, infix())
                && name.endsWith(SwapNames.shortId(job));
    }

    String toComment() {
        ObjectNode node = JSON.createObjectNode().put(KEY, kept ? "kept" : "restoring").put("database", database)
                .put("job", job).put("command", command).put("at", at.toString());
        if (blocked) {
            node.put("blocked", true);
        }
        return node.toString();
    }

    /** The marker in a database's comment; empty for any other comment, or none. */
    static Optional<SwapMarker> parse(String comment) {
        if (comment == null || !comment.startsWith("{")) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(comment);
            String role = node.path(KEY).asText("");
            String job = node.path("job").asText("");
            if (!("kept".equals(role) || "restoring".equals(role)) || !SwapNames.isJobReference(job)
                    || !node.path("database").isTextual() || !node.path("command").isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new SwapMarker("kept".equals(role), node.path("database").asText(), job,
                    node.path("command").asText(), Instant.parse(node.path("at").asText()),
                    node.path("blocked").asBoolean(false)));
        } catch (IOException | DateTimeException e) {
            return Optional.empty();
        }
    }
}
