package dev.shoehorn.backup.startup;

import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;

/**
 * The configuration in effect on one log line of stable {@code key=value} fields: targets, their
 * backup and drill schedules, the bucket, the topics, the reactions and key ids. Names and places
 * only: no secret has a field here.
 */
@ApplicationScoped
public class ConfigSummary {

    private final Config config;
    private final TargetRegistry targets;

    public ConfigSummary(Config config, TargetRegistry targets) {
        this.config = config;
        this.targets = targets;
    }

    public String line() {
        java.util.List<Target> sorted = targets.all().stream().sorted(Comparator.comparing(Target::name)).toList();
        String targetList = sorted.stream()
                .map(t -> t.name() + "@" + t.host() + ":" + t.port() + "/" + t.database())
                .collect(Collectors.joining(","));
        String schedules = sorted.stream().map(t -> t.name() + ":" + schedule(t.schedule(), t.scheduleZone()))
                .collect(Collectors.joining(","));
        // "off" shows a target whose restores are never tested on a schedule (the guide asks quarterly)
        String drills = sorted.stream()
                .map(t -> t.name() + ":" + schedule(t.drill().schedule(), t.drill().scheduleZone()))
                .collect(Collectors.joining(","));
        String reactions = (flag("backup.reactions.backfill.enabled") ? "backfill " : "")
                + (flag("backup.reactions.cache.enabled") ? "cache" : "");
        String publicKeys = StreamSupport.stream(config.getPropertyNames().spliterator(), false)
                .filter(name -> name.startsWith("backup.signing.public-keys."))
                .map(name -> name.substring("backup.signing.public-keys.".length())).sorted()
                .collect(Collectors.joining(","));
        return "targets=" + quoted(targetList) + " schedules=" + quoted(schedules) + " drills=" + quoted(drills)
                + " bucket=" + value("backup.storage.bucket", "shoehorn-backups")
                + " prefix=" + value("backup.storage.prefix", "backups")
                + " endpoint=" + value("backup.storage.endpoint", "aws")
                + " kafka=" + value("kafka.bootstrap.servers", "?")
                + " topics=" + value("backup.topics.backup-commands", "backup.commands") + ","
                + value("backup.topics.restore-commands", "restore.commands") + ","
                + value("backup.topics.progress", "backup.progress")
                + " consumesCommands=" + config.getOptionalValue("backup.commands.enabled", Boolean.class).orElse(true)
                + " reactions=" + quoted(reactions.strip())
                + " signingKey=" + value("backup.signing.key-id", "none")
                + " trustedKeys=" + quoted(publicKeys)
                + " encryption=" + (has("backup.encryption.keyset") || has("backup.encryption.keyset-file") ? "keyset" : "none")
                + " traces=" + config.getOptionalValue("backup.tracing.otlp-endpoint", java.net.URI.class)
                        // a URL's user part could be a credential: host and port only
                        .map(uri -> uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()))
                        .orElse("off");
    }

    private static String schedule(String expression, String zone) {
        return expression + (zone.equals("UTC") ? "" : "(" + zone + ")");
    }

    private String value(String key, String otherwise) {
        return config.getOptionalValue(key, String.class).orElse(otherwise);
    }

    private boolean flag(String key) {
        return config.getOptionalValue(key, Boolean.class).orElse(false);
    }

    private boolean has(String key) {
        return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).isPresent();
    }

    private static String quoted(String value) {
        return "\"" + Optional.ofNullable(value).orElse("") + "\"";
    }
}
