package dev.shoehorn.backup.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void waitsDoubleFromTheInitialUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(30));

        assertThat(backoff.before(2)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.before(3)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.before(4)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.before(5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.before(60)).isEqualTo(Duration.ofSeconds(30));
    }
}
