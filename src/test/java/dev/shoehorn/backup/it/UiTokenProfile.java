package dev.shoehorn.backup.it;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The status page with its data behind a bearer token. */
public class UiTokenProfile implements QuarkusTestProfile {

    public static final String TOKEN = SuiteSecrets.secret("it-ui-token-" + java.util.UUID.randomUUID());

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("backup.ui.token", TOKEN);
    }
}
