package dev.shoehorn.backup.signing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether the reactions to {@code restore.completed} trust only signed events. */
@ConfigMapping(prefix = "backup.reactions")
public interface SignedEventsConfig {

    /**
     * Both reactions (backfill, cache flush) act only on {@code restore.completed} events with a
     * valid {@code bw-signature} of a trusted key ({@code backup.signing.public-keys}); any other is
     * logged and acknowledged, never acted on.
     */
    @WithDefault("false")
    boolean requireSignedEvents();
}
