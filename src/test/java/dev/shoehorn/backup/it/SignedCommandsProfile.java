package dev.shoehorn.backup.it;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A worker that signs its events and has a target ({@value SignedTargetResource#TARGET}) that takes signed commands only. */
public class SignedCommandsProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SigningResource.class), new TestResourceEntry(SignedTargetResource.class));
    }
}
