package dev.shoehorn.backup.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.failure.Failure;
import io.vertx.redis.client.impl.types.ErrorType;

class RedisFailuresTest {

    @Test
    void anErrorReplyOfTheServerIsPermanent() {
        Failure failure = RedisFailures.of("flushing database 3",
                new CompletionException(ErrorType.create("ERR DB index is out of range")));

        assertThat(failure.retryable()).isFalse();
        assertThat(failure.message()).contains("ERR DB index is out of range");
    }

    @Test
    void anUnreachableServerIsRetryable() {
        Failure failure = RedisFailures.of("flushing database 3",
                new CompletionException(new ConnectException("Connection refused: /127.0.0.1:6390")));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure.message()).contains("Redis unavailable", "Connection refused");
    }

    @Test
    void aRedisUrlInAMessageIsMasked() {
        Failure failure = RedisFailures.of("pinging Redis",
                new IllegalStateException("cannot connect to redis://:hunter22@cache:6379/0"));

        assertThat(failure.message()).doesNotContain("hunter22");
    }
}
