package dev.shoehorn.backup.failure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void connectionUrisAndKeyValueSecretsAreMasked() {
        String text = "failed: postgresql://app:hunter2@db:5432/x and jdbc:postgresql://db/x?password=abc "
                + "password=s3cret token: t0k Authorization: Bearer eyJhbGciOi";

        String redacted = Redactor.redact(text);

        assertThat(redacted).doesNotContain("hunter2", "abc", "s3cret", "t0k", "eyJhbGciOi", "postgresql://");
        assertThat(redacted).startsWith("failed: ");
    }

    @Test
    void registeredSecretValuesAreMaskedAnywhere() {
        Redactor.registerSecret("correct-horse-battery");

        assertThat(Redactor.redact("pg said: correct-horse-battery is wrong")).isEqualTo("pg said: *** is wrong");
    }

    @Test
    void redisUrlsAreMaskedLikeOtherConnectionUris() {
        String redacted = Redactor.redact("cannot reach rediss://:s3cr3t-pw@cache.internal:6380/2 now");

        assertThat(redacted).isEqualTo("cannot reach *** now");
    }

    @Test
    void plainTextIsLeftAlone() {
        assertThat(Redactor.redact("permission denied for table tenants"))
                .isEqualTo("permission denied for table tenants");
    }
}
