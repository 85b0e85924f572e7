package dev.shoehorn.backup.failure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            redis password only       | connecting to redis://:hunter22@cache:6379/0             | connecting to ***
            rediss user and password  | connecting to rediss://app:hunter22@cache:6380 failed    | connecting to *** failed
            redis sentinel            | sentinel redis+sentinel://app:hunter22@s1:26379/mymaster | sentinel redis+sentinel://***@s1:26379/mymaster
            http user info            | GET http://admin:hunter22@search.internal/reindex        | GET http://***@search.internal/reindex
            https token as user       | cloning https://hunter22@git.example.com/repo.git        | cloning https://***@git.example.com/repo.git
            json password             | body {"user": "app", "password": "hunter22"}             | body {"user": "app", "password": "***"}
            json secret no space      | {"secret":"hunter22","region":"eu-west-1"}               | {"secret":"***","region":"eu-west-1"}
            json token                | {"token" : "hunter22"}                                   | {"token" : "***"}
            json secretAccessKey      | {"accessKeyId":"AKIA1","secretAccessKey":"hunter22"}     | {"accessKeyId":"AKIA1","secretAccessKey":"***"}
            json escaped in a string  | "payload": "{\"password\":\"hunter22\"}"             | "payload": "{\"password\":"***"}"
            json number value         | {"token": 12345678, "n": 1}                              | {"token": "***", "n": 1}
            """)
    void secretsInUrlsAndJsonAreMasked(String form, String text, String expected) {
        assertThat(Redactor.redact(text)).as(form).isEqualTo(expected).doesNotContain("hunter22");
    }

    @Test
    void urlsWithoutCredentialsAndJsonWithoutSecretsAreLeftAlone() {
        String text = "GET https://search.internal/reindex?since=2024-01-01 for {\"user\": \"app\", \"rows\": 3} "
                + "mailto:ops@example.com";

        assertThat(Redactor.redact(text)).isEqualTo(text);
    }

    @Test
    void plainTextIsLeftAlone() {
        assertThat(Redactor.redact("permission denied for table tenants"))
                .isEqualTo("permission denied for table tenants");
    }
}
