package dev.shoehorn.backup.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class BackgroundLoopTest {

    @Test
    void roundsGoOnPastAFailingOneAndStopAtOnceWhenTold() throws InterruptedException {
        // Given a loop whose second round fails, and which then waits an hour between rounds
        AtomicInteger rounds = new AtomicInteger();
        BackgroundLoop loop = BackgroundLoop.start("test-loop", () -> {
            int round = rounds.incrementAndGet();
            if (round == 2) {
                throw new IllegalStateException("storage away");
            }
            return round < 3 ? Duration.ofMillis(10) : Duration.ofHours(1);
        });

        // When it has run its third round
        await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() >= 3);

        // Then it stops at once, in the middle of its hour's wait
        long started = System.nanoTime();
        loop.stop(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(rounds.get()).isEqualTo(3);
    }
}
