package dev.shoehorn.backup.it;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.shoehorn.backup.local.DemoDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Target {@value #TARGET}: a database of its own, filled like the source, that takes signed
 * commands only. Restorable, so that a backup command replayed onto restore.commands gets as far
 * as the signature check. Its database is dropped again in {@link #stop()}.
 */
public class SignedTargetResource implements QuarkusTestResourceLifecycleManager {

    public static final String TARGET = "it_signed";
    private static final String DATABASE = "bw_it_signed_" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Map<String, String> start() {
        try {
            DemoDatabase.ensureDemo(WorkerStack.postgres(), DATABASE);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + DATABASE, e);
        }
        Map<String, String> config = new HashMap<>();
        WorkerStack.target(config, TARGET, DATABASE, WorkerStack.postgres().user(), WorkerStack.PG_PASSWORD);
        config.put("backup.targets." + TARGET + ".restorable", "true");
        config.put("backup.targets." + TARGET + ".require-signed-commands", "true");
        return config;
    }

    @Override
    public void stop() {
        try {
            DemoDatabase.drop(WorkerStack.postgres(), DATABASE);
        } catch (Exception e) {
            System.err.println("SignedTargetResource: cleanup of " + DATABASE + " failed: " + e.getMessage());
        }
    }
}
