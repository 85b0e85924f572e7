package dev.shoehorn.backup.reaction;

import java.util.List;

/** The search API's answer to a backfill request: when it started and which collections it re-indexes (either may be absent). */
public record BackfillStarted(String startedAt, List<String> collections) {

    public BackfillStarted {
        collections = collections == null ? null : List.copyOf(collections);
    }
}
