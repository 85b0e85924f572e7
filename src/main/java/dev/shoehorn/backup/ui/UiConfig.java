package dev.shoehorn.backup.ui;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The status page ({@code /ui}, docs/operations.md "Status page"). */
@ConfigMapping(prefix = "backup.ui")
public interface UiConfig {

    /** Whether the worker serves the page and reads the progress topic for it. */
    @WithDefault("true")
    boolean enabled();

    /**
     * A bearer token the page's data and event stream require ({@code Authorization: Bearer …}); unset,
     * they are open to whoever reaches the HTTP port. A secret: from the environment
     * ({@code BACKUP_UI_TOKEN}) or a mounted file, never logged.
     */
    Optional<String> token();

    /** How far back the page's history reaches when the worker starts (the topic is read from then on). */
    @WithDefault("24h")
    Duration historyWindow();

    /** How many ended jobs the page keeps and shows. */
    @WithDefault("100")
    int historySize();

    /** How many archives per target the page lists. */
    @WithDefault("5")
    int archivesPerTarget();
}
