package dev.shoehorn.backup.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link ReactionsProfile} whose reactions act only on restore.completed events signed by a trusted worker. */
public class SignedEventsProfile extends ReactionsProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = super.getConfigOverrides();
        config.put("backup.reactions.require-signed-events", "true");
        // the forged events' tests wait until both reaction groups have committed past them: every
        // half second here, not every 5 s (each reaction channel is its group's only member, so no
        // rebalance races these commits)
        config.put("mp.messaging.incoming.cache-flush.auto.commit.interval.ms", "500");
        config.put("mp.messaging.incoming.backfill-trigger.auto.commit.interval.ms", "500");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        List<TestResourceEntry> resources = new ArrayList<>(super.testResources());
        resources.add(new TestResourceEntry(SigningResource.class));
        return resources;
    }
}
