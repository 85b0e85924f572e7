package dev.shoehorn.backup.restore;

import java.util.Optional;

/** The post-restore steps of the operations guide that follow a restore, as decided for one restore. */
public record PostRestore(boolean migrate, boolean backfill, boolean flushCache) {

    /** No step follows (a drill). */
    public static final PostRestore NONE = new PostRestore(false, false, false);

    /** What a command asked for; an absent step takes its default. */
    public record Requested(Optional<Boolean> migrate, Optional<Boolean> backfill, Optional<Boolean> flushCache) {

        public static final Requested DEFAULTS = new Requested(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
