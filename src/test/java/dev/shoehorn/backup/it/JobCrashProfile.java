package dev.shoehorn.backup.it;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A worker whose every command job throws, past every catch of its steps, before its work. */
public class JobCrashProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("backup.faults.throw-at", "before-work");
    }
}
