package dev.shoehorn.backup.local;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.clients.consumer.KafkaConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shoehorn.backup.local.DemoRun.DemoFailure;
import dev.shoehorn.backup.signing.SignedKind;

/**
 * The second half of the demo, the operations guide's restore runbook: the archive just made is
 * restored into {@code shoehorn_demo_restore}, verified and checked for row-level security, then
 * the reactions re-index search (the stand-in API) and clear the cache (the local Redis, where the
 * demo first puts a few {@code shoehorn:*} keys), all printed as one timeline.
 */
final class DemoRestore {

    private static final String RESTORE_COMPLETED = "dev.shoehorn.restore.completed";
    private static final Set<String> BACKFILL_END = Set.of("dev.shoehorn.backfill.completed",
            "dev.shoehorn.backfill.failed");
    private static final Set<String> CACHE_END = Set.of("dev.shoehorn.cache.flushed",
            "dev.shoehorn.cache.flush-failed");
    private static final int CACHE_KEYS = 5;

    private final DemoRun demo;
    private final LocalSettings settings;
    private final PrintStream out;
    private final boolean cacheReachable;
    private final ObjectMapper json = new ObjectMapper();

    DemoRestore(DemoRun demo, LocalSettings settings, PrintStream out, boolean cacheReachable) {
        this.demo = demo;
        this.settings = settings;
        this.out = out;
        this.cacheReachable = cacheReachable;
    }

    void run(String archiveKey, WorkerProcess worker) throws DemoFailure, InterruptedException {
        out.println();
        out.println("restoring it into " + LocalSettings.RESTORE_DATABASE + " ...");
        if (cacheReachable) {
            seedCache();
        } else {
            out.println("(Redis is not reachable: the cache flush is skipped)");
        }
        String commandId = UUID.randomUUID().toString();
        ObjectNode command = json.createObjectNode()
                .put("commandId", commandId)
                .put("target", LocalSettings.RESTORE_DATABASE)
                .put("sourceTarget", LocalSettings.DEMO_DATABASE)
                .put("archive", archiveKey)
                .put("requestedBy", "demo")
                .put("reason", "backup-worker demo: restore drill");
        command.putObject("postRestore").put("migrate", false).put("backfill", true).put("flushCache", cacheReachable);
        List<Set<String>> awaited = new ArrayList<>(List.of(Set.of(RESTORE_COMPLETED), BACKFILL_END));
        if (cacheReachable) {
            awaited.add(CACHE_END);
        }
        Map<String, JsonNode> seen;
        try (KafkaConsumer<String, String> events = demo.followProgress()) {
            long startNanos = System.nanoTime();
            demo.publish(SignedKind.RESTORE, "restore.commands", LocalSettings.RESTORE_DATABASE, command);
            seen = demo.follow(events, commandId, startNanos, worker, awaited);
        }
        for (String failure : List.of("dev.shoehorn.backfill.failed", "dev.shoehorn.cache.flush-failed")) {
            if (seen.containsKey(failure)) {
                JsonNode error = seen.get(failure).path("data").path("error");
                throw new DemoFailure(failure + ": " + error.path("code").asText() + " " + error.path("message").asText());
            }
        }
        Map<String, Long> source = rowCounts(LocalSettings.DEMO_DATABASE);
        Map<String, Long> restored = rowCounts(LocalSettings.RESTORE_DATABASE);
        if (!source.equals(restored)) {
            throw new DemoFailure("the restored database differs from the source: " + restored + " vs " + source);
        }
        JsonNode completed = seen.get(RESTORE_COMPLETED);
        out.println();
        out.println("restore completed and verified");
        out.println("  into       " + LocalSettings.RESTORE_DATABASE + " from " + archiveKey);
        out.println("  tables     " + source.size() + ", row counts equal to " + LocalSettings.DEMO_DATABASE + " "
                + source);
        out.println("  duration   " + completed.path("data").path("durationMs").asLong() + " ms (worker)");
        out.println("  backfill   requested and completed (stand-in search API)");
        out.println("  cache      " + (cacheReachable ? seen.get("dev.shoehorn.cache.flushed").path("data")
                .path("keysRemoved").asLong() + " keys removed (shoehorn:*)" : "skipped, Redis not reachable"));
    }

    private void seedCache() throws DemoFailure {
        try {
            for (int i = 1; i <= CACHE_KEYS; i++) {
                settings.redis().set("shoehorn:demo:" + i, "cached");
            }
        } catch (IOException e) {
            throw new DemoFailure("could not put the demo's cache keys into Redis " + settings.redis() + ": "
                    + e.getMessage());
        }
        out.println("put " + CACHE_KEYS + " cache keys shoehorn:demo:* into Redis " + settings.redis());
    }

    private Map<String, Long> rowCounts(String database) throws DemoFailure {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = settings.postgres().connect(database); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("select tablename from pg_tables where schemaname = 'public'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("select count(*) from public.\"" + table + "\"")) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new DemoFailure("could not count the rows of " + database + ": " + e.getMessage());
        }
        return counts;
    }
}
