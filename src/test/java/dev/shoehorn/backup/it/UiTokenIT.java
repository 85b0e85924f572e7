package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The status page's token option and the headers that keep it out of caches. */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
@TestProfile(UiTokenProfile.class)
class UiTokenIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TestHTTPResource("/ui/")
    URL page;

    @TestHTTPResource("/ui/api/status")
    URL status;

    @TestHTTPResource("/ui/api/events")
    URL events;

    @Test
    void withATokenSetTheDataNeedsIt() throws Exception {
        // When the data is asked for without the token, with a wrong one, and with the right one
        HttpResponse<String> none = get(status, null);
        HttpResponse<String> wrong = get(status, "Bearer nope");
        HttpResponse<String> right = get(status, "Bearer " + UiTokenProfile.TOKEN);
        HttpResponse<String> stream = get(events, null);

        // Then only the right token gets it; the stream is refused alike
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).contains("\"targets\"", WorkerStack.SOURCE);
        assertThat(stream.statusCode()).isEqualTo(401);
    }

    @Test
    void thePageItselfHoldsNoDataAndNothingIsCached() throws Exception {
        // When the page and its data are fetched
        HttpResponse<String> html = get(page, null);
        HttpResponse<String> data = get(status, "Bearer " + UiTokenProfile.TOKEN);

        // Then the page (which asks for the token) is served, and neither may be stored or framed
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).contains("bearer token").doesNotContain(WorkerStack.SOURCE, UiTokenProfile.TOKEN);
        for (HttpResponse<String> answer : java.util.List.of(html, data)) {
            assertThat(answer.headers().firstValue("Cache-Control")).contains("no-store");
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(answer.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                    v -> assertThat(v).contains("default-src 'self'", "frame-ancestors 'none'"));
        }
        assertThat(data.body()).doesNotContain(WorkerStack.S3_SECRET, WorkerStack.PG_PASSWORD, UiTokenProfile.TOKEN);
    }

    private HttpResponse<String> get(URL url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
