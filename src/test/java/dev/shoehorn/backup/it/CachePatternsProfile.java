package dev.shoehorn.backup.it;

import java.util.Map;

/** {@link ReactionsProfile} with the cache flushed by key patterns, and small SCAN rounds. */
public class CachePatternsProfile extends ReactionsProfile {

    public static final String SEARCH_PATTERN = "it-cache:search:*";
    public static final String SESSION_PATTERN = "it-cache:session:*";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = super.getConfigOverrides();
        config.put("backup.reactions.backfill.enabled", "false");
        config.put("backup.reactions.cache.mode", "patterns");
        config.put("backup.reactions.cache.patterns", SEARCH_PATTERN + "," + SESSION_PATTERN);
        config.put("backup.reactions.cache.scan-count", "50");
        return config;
    }
}
