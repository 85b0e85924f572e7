package dev.shoehorn.backup.target;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

/** The configured targets, checked once at start-up. */
@ApplicationScoped
public class TargetRegistry {

    private final Map<String, Target> targets = new TreeMap<>();

    public TargetRegistry(TargetsConfig config) {
        config.all().forEach((name, target) -> targets.put(name, new Target(name, target)));
    }

    public Optional<Target> find(String name) {
        return Optional.ofNullable(targets.get(name));
    }

    public Collection<Target> all() {
        return targets.values();
    }
}
