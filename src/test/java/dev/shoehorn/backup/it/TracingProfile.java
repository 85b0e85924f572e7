package dev.shoehorn.backup.it;

import java.util.HashMap;
import java.util.Map;

/**
 * A worker that runs commands and both reactions, restores into {@link WorkerStack#RESTORE}
 * asking for both, and keeps its spans in memory ({@link SpansInMemory}).
 */
public class TracingProfile extends ReactionsProfile {

    /** Redis database this profile's cache flushes empty: none other test uses it. */
    static final int CACHE_DB = 11;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("backup.commands.enabled", "true");
        config.put("backup.reactions.cache.database", Integer.toString(CACHE_DB));
        config.put("backup.targets." + WorkerStack.RESTORE + ".backfill", "true");
        config.put("backup.targets." + WorkerStack.RESTORE + ".flush-cache", "true");
        config.put("backup.it.spans", "true");
        return config;
    }
}
