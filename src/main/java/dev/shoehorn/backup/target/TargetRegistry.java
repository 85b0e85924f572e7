package dev.shoehorn.backup.target;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

/** The configured targets, checked once at start-up. */
@ApplicationScoped
public class TargetRegistry {

    private final Map<String, Target> targets = new TreeMap<>();

    public TargetRegistry(TargetsConfig config, dev.shoehorn.backup.codec.Keys keys) {
        config.all().forEach((name, target) -> targets.put(name, new Target(name, target)));
        List<String> problems = new ArrayList<>();
        targets.values().forEach(t -> t.allowedSources().stream().filter(s -> !targets.containsKey(s))
                .forEach(s -> problems.add("backup.targets." + t.name() + ".allowed-sources names " + s
                        + ", which is not a configured target")));
        if (keys.keyring().isEmpty()) {
            targets.values().stream().filter(t -> t.encrypt().orElse(false)).forEach(t -> problems.add(
                    "backup.targets." + t.name() + ".dump.encrypt is true and no backup.encryption.keyset is configured"));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid target configuration: " + String.join("; ", problems));
        }
    }

    public Optional<Target> find(String name) {
        return Optional.ofNullable(targets.get(name));
    }

    public Collection<Target> all() {
        return targets.values();
    }
}
