package dev.shoehorn.backup.it;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code dev.shoehorn.restore.completed} CloudEvents as a worker's RestoreService writes them to
 * the progress topic, for tests of the reactions that follow a restore.
 */
public final class RestoreEvents {

    public static final String TOPIC = "backup.progress";

    private RestoreEvents() {
    }

    public static String completed(String restoreJobId, String commandId, String target, boolean backfill,
            boolean flushCache) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"backup-worker/it-restorer\","
                + "\"type\":\"dev.shoehorn.restore.completed\",\"subject\":\"" + target + "\",\"time\":\""
                + Instant.now() + "\",\"datacontenttype\":\"application/json\",\"data\":{"
                + "\"jobId\":\"" + restoreJobId + "\",\"commandId\":\"" + commandId + "\",\"target\":\"" + target
                + "\",\"seq\":7,\"attempt\":1,\"sourceTarget\":\"" + target + "\","
                + "\"archive\":{\"key\":\"it-backups/" + target + "/" + target + "_20261128_020000.dump\","
                + "\"bytes\":1024,\"sha256\":\"" + "ab".repeat(32) + "\",\"format\":\"custom\"},"
                + "\"postRestore\":{\"migrate\":false,\"backfill\":" + backfill + ",\"flushCache\":" + flushCache
                + "},\"durationMs\":1234}}";
    }

    public static String newJobId() {
        return UUID.randomUUID().toString();
    }
}
