package dev.shoehorn.backup.target;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Run by {@link PassFileSweepTest} as a second worker: writes a pass file the way a job does, prints
 * its path and keeps it until its stdin closes (or it is killed).
 */
public final class PassFileHolder {

    private PassFileHolder() {
    }

    public static void main(String[] args) throws Exception {
        Target target = new Target("holder", TestTargets.config("holder", Optional.of("holder-password")));
        try (PgEnvironment pg = PgEnvironment.forTarget(target, "pg_dump")) {
            Map<String, String> env = new HashMap<>();
            pg.apply(env);
            System.out.println(env.get("PGPASSFILE"));
            System.out.flush();
            System.in.read();
        }
    }
}
